"""Row by row: read the mapped cells, check them with the same rules as the services that
create one item (the model's own field validation, membership of owners, known statuses), and
collect errors with row and column. Then write every checked row in bulk.

``check`` never writes; ``write`` runs inside the caller's transaction and gets only rows
that passed, so an import is all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from truce.accounts.models import Membership, Side, Workspace
from truce.core.access import WorkspaceAccess
from truce.core.markdown import render_markdown
from truce.core.models import ChangeRecord
from truce.core.text import index_text
from truce.customers.models import Channel, Customer, Feedback
from truce.interop import bulkload, presets, values
from truce.interop.models import ExternalKey
from truce.requirements.models import Kind, Requirement, Status, Tag

KEEP_ISSUES = 500  # stored per job; the count is always exact


@dataclass
class Issues:
    items: list[dict] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < KEEP_ISSUES:
            self.items.append({"row": row, "column": column, "message": str(message)})


def _joined(words) -> str:
    return pgettext("list separator", ", ").join(str(w) for w in words)


class Importer:
    """Shared plumbing: which columns feed which target, errors and warnings."""

    kind = ""
    field_targets: dict[str, str] = {}  # model field -> target, for full_clean's messages

    def __init__(self, ctx: WorkspaceAccess, headers: list[str], mapping: dict, options: dict):
        self.ctx, self.workspace, self.headers = ctx, ctx.workspace, headers
        self.options = options
        self.columns: dict[str, list[int]] = {}
        for index, target in sorted(mapping.items(), key=lambda kv: int(kv[0])):
            self.columns.setdefault(target, []).append(int(index))
        self.errors, self.warnings = Issues(), Issues()
        self.prepare = False  # derived fields (search tokens, HTML) only when writing
        self.now = timezone.now()

    def header(self, target: str) -> str:
        indexes = self.columns.get(target) or []
        return (
            self.headers[indexes[0]]
            if indexes
            else str(presets.targets_for(self.kind)[target].label)
        )

    def cell(self, cells: list, target: str):
        for index in self.columns.get(target, ()):
            return cells[index] if index < len(cells) else None
        return None

    def cells(self, cells: list, target: str) -> list:
        return [cells[i] for i in self.columns.get(target, ()) if i < len(cells)]

    def error(self, row: int, target: str, message: str) -> None:
        self.errors.add(row, self.header(target), message)

    def warn(self, row: int, target: str, message: str) -> None:
        self.warnings.add(row, self.header(target), message)

    def missing_required(self) -> list[str]:
        return [
            t.name for t in presets.TARGETS[self.kind] if t.required and t.name not in self.columns
        ]

    def clean(self, row: int, obj, exclude: list[str]) -> bool:
        """The model's own validation (lengths, choices, number ranges), as services run it."""
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.error(row, self.field_targets.get(name, name), message)
            return False
        return True

    def history(self, ids: list[int], model_name: str, key: str, labels: list[str]) -> None:
        actor_id = self.ctx.membership.user_id
        bulkload.insert(
            ChangeRecord,
            (
                {
                    "workspace_id": self.workspace.pk, "actor_id": actor_id,
                    "subject_type": model_name, "subject_id": pk,
                    "verb": ChangeRecord.Verb.CREATED, "changes": {key: [None, label]},
                    "created_at": self.now,
                }
                for pk, label in zip(ids, labels, strict=True)
            ),
        )  # fmt: skip

    def check(self, row: int, cells: list):
        raise NotImplementedError

    def write(self, rows: list) -> int:
        raise NotImplementedError


class RequirementImporter(Importer):
    kind = "requirements"
    field_targets = {name: name for name in ("title", "description", "kind", "status")}
    field_targets |= {"origin_side": "origin_side", "estimate_days": "estimate_days"}
    field_targets |= {"estimate_budget": "estimate_budget"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preset = presets.PRESETS.get(self.options.get("preset", ""))
        self.source = self.preset.source if self.preset else "file"
        self.unit = self.options.get("estimate_unit") or "days"
        self.statuses = presets.vocabulary(presets.STATUS_WORDS, Status.choices)
        self.kinds = presets.vocabulary(presets.KIND_WORDS, Kind.choices)
        self.sides = presets.vocabulary(presets.SIDE_WORDS, Side.choices)
        self.priorities = presets.vocabulary(presets.PRIORITY_WORDS)
        self.members = _member_lookup(self.workspace)
        self.keys_seen: dict[str, int] = {}
        self.keys_taken = dict(
            ExternalKey.objects.filter(workspace=self.workspace, source=self.source).values_list(
                "key", "requirement__number"
            )
        )

    def check(self, row: int, cells: list):
        get = lambda target: values.text(self.cell(cells, target))  # noqa: E731
        status = self._choice(row, "status", get("status"), self.statuses, Status.PROPOSED)
        side = self._choice(
            row, "origin_side", get("origin_side"), self.sides, self.ctx.membership.side
        )
        kind = self._kind(row, get("kind"))
        estimate = self._estimate(row, self.cell(cells, "estimate_days"))
        budget = self._number(row, "estimate_budget", self.cell(cells, "estimate_budget"))
        key = self._key(row, get("external_key"))
        req = Requirement(
            workspace=self.workspace, title=get("title"), description=get("description"),
            kind=kind, origin_side=side or Side.PRODUCT, status=status or Status.PROPOSED,
            estimate_days=None if estimate is False else estimate,
            estimate_budget=None if budget is False else budget, number=0,
        )  # fmt: skip
        ok = self.clean(row, req, exclude=["workspace", "number", "created_by", "owner", "parent"])
        if not ok or None in (status, side) or estimate is False or budget is False or key is False:
            return None
        return {
            "req": req,
            "owner_id": self._owner(row, get("owner")),
            "tags": self._tags(row, cells),
            "key": key,
            **(self._derived(req) if self.prepare else {}),
        }

    def _derived(self, req: Requirement) -> dict:
        return {
            "description_html": render_markdown(req.description),
            "search_text": index_text(req.title, req.description),
        }

    def _choice(self, row, target, raw, table, default):
        if not raw:
            return default
        found = table.get(values.norm(raw))
        if found is None:
            labels = [
                label for _value, label in (Status.choices if target == "status" else Side.choices)
            ]
            self.error(
                row, target,
                _("Unknown value “%(value)s”. Use one of: %(allowed)s.")
                % {"value": raw, "allowed": _joined(labels)},
            )  # fmt: skip
        return found

    def _kind(self, row: int, raw: str) -> str:
        if not raw:
            return Kind.FEATURE
        found = self.kinds.get(values.norm(raw))
        if found is None:
            self.warn(
                row, "kind",
                _("Unknown type “%(value)s”; imported as “%(kind)s”.")
                % {"value": raw, "kind": Kind.FEATURE.label},
            )  # fmt: skip
            return Kind.FEATURE
        return found

    def _estimate(self, row: int, raw):
        try:
            return values.duration_days(raw, self.unit)
        except ValueError:
            self.error(row, "estimate_days", _("Enter a duration such as 2.5, 4h or 1w 2d."))
            return False

    def _number(self, row: int, target: str, raw):
        try:
            return values.decimal(raw)
        except ValueError:
            self.error(row, target, _("Enter a number."))
            return False

    def _key(self, row: int, key: str):
        if not key:
            return ""
        if key in self.keys_taken:
            self.error(
                row, "external_key",
                _("%(key)s was imported already, as #%(number)s.")
                % {"key": key, "number": self.keys_taken[key]},
            )  # fmt: skip
            return False
        if key in self.keys_seen:
            self.error(
                row, "external_key",
                _("Row %(row)s has the same key.") % {"row": self.keys_seen[key]},
            )  # fmt: skip
            return False
        self.keys_seen[key] = row
        return key[:100]

    def _owner(self, row: int, raw: str) -> int | None:
        if not raw:
            return None
        found = self.members.get(raw.casefold())
        if found is None:
            self.warn(
                row, "owner",
                _("No member of this workspace matches “%(value)s”; left unassigned.")
                % {"value": raw},
            )  # fmt: skip
        return found

    def _tags(self, row: int, cells: list) -> list[str]:
        names = [t for v in self.cells(cells, "tags") for t in values.tags(v)]
        priority = values.text(self.cell(cells, "priority"))
        if priority:
            names.append(self.priorities.get(values.norm(priority), priority))
        return sorted({n[:40] for n in names})

    def write(self, rows: list) -> int:
        ws = self.workspace
        Workspace.objects.select_for_update().filter(pk=ws.pk).exists()
        top = Requirement.objects.filter(workspace=ws).aggregate(n=Max("number"))["n"] or 0
        ids = bulkload.allocate_ids(Requirement, len(rows))
        tag_ids = _tag_ids(ws, {t for r in rows for t in r["tags"]})
        actor_id = self.ctx.membership.user_id
        records = []
        for pk, number, r in zip(ids, range(top + 1, top + 1 + len(rows)), rows, strict=True):
            req = r["req"]
            records.append({
                "id": pk, "workspace_id": ws.pk, "number": number, "title": req.title,
                "description": req.description, "description_html": r["description_html"],
                "kind": req.kind, "origin_side": req.origin_side, "owner_id": r["owner_id"],
                "status": req.status, "estimate_days": req.estimate_days,
                "estimate_budget": req.estimate_budget, "created_by_id": actor_id,
                "search_text": r["search_text"], "created_at": self.now, "updated_at": self.now,
                "contest_reasons": [],
            })  # fmt: skip
        with bulkload.search_index_deferred([Requirement], len(records)):
            bulkload.insert(Requirement, records)
        links = (
            {"requirement_id": pk, "tag_id": tag_ids[t]}
            for pk, r in zip(ids, rows, strict=True)
            for t in r["tags"]
        )
        bulkload.insert(Requirement.tags.through, links)
        keyed = [(pk, r["key"]) for pk, r in zip(ids, rows, strict=True) if r["key"]]
        ws_id, source = ws.pk, self.source
        bulkload.insert(
            ExternalKey,
            (
                {"workspace_id": ws_id, "source": source, "key": k, "requirement_id": pk}
                for pk, k in keyed
            ),
        )
        self.history(ids, "requirement", "title", [r["req"].title for r in rows])
        return len(rows)


def _member_lookup(workspace) -> dict[str, int]:
    """Username, email, display name and full name (case-folded) -> user id."""
    found: dict[str, int] = {}
    for m in Membership.objects.filter(workspace=workspace).select_related("user"):
        u = m.user
        for name in (u.get_full_name(), u.display_name, u.email, u.username):
            if name:
                found[name.casefold()] = u.pk
    return found


def _tag_ids(workspace, names: set[str]) -> dict[str, int]:
    existing = dict(
        Tag.objects.filter(workspace=workspace, name__in=names).values_list("name", "pk")
    )
    missing = [Tag(workspace=workspace, name=n) for n in sorted(names - set(existing))]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True, batch_size=500)
        existing = dict(
            Tag.objects.filter(workspace=workspace, name__in=names).values_list("name", "pk")
        )
    return existing


class CustomerImporter(Importer):
    kind = "customers"
    field_targets = {n: n for n in ("name", "value", "churn_risk", "notes", "external_id")}

    def check(self, row: int, cells: list):
        get = lambda target: values.text(self.cell(cells, target))  # noqa: E731
        try:
            value = values.decimal(self.cell(cells, "value"))
        except ValueError:
            self.error(row, "value", _("Enter a number."))
            value = False
        try:
            churn = values.yes_no(self.cell(cells, "churn_risk"))
        except ValueError:
            self.error(row, "churn_risk", _("Enter yes or no."))
            churn = None
        customer = Customer(
            workspace=self.workspace, name=get("name"), value=value or 0, churn_risk=bool(churn),
            notes=get("notes"), external_id=get("external_id"),
        )  # fmt: skip
        ok = self.clean(row, customer, exclude=["workspace"])
        return customer if ok and value is not False and churn is not None else None

    def write(self, rows: list) -> int:
        from truce.customers.services import segments_recompute

        ids = bulkload.allocate_ids(Customer, len(rows))
        bulkload.insert(
            Customer,
            (
                {
                    "id": pk, "workspace_id": self.workspace.pk, "name": c.name, "value": c.value,
                    "segment": "C", "churn_risk": c.churn_risk, "notes": c.notes,
                    "external_id": c.external_id, "created_at": self.now, "updated_at": self.now,
                }
                for pk, c in zip(ids, rows, strict=True)
            ),
        )  # fmt: skip
        self.history(ids, "customer", "name", [c.name for c in rows])
        segments_recompute(self.workspace)
        return len(rows)


class FeedbackImporter(Importer):
    kind = "feedback"
    field_targets = {"text": "text", "channel": "channel", "received_on": "received_on"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channels = presets.vocabulary(presets.CHANNEL_WORDS, Channel.choices)
        customers = Customer.objects.filter(workspace=self.workspace).values_list(
            "pk", "name", "external_id"
        )
        self.customers: dict[str, tuple[int, str]] = {}
        for pk, name, external_id in customers:
            self.customers.setdefault(name.casefold(), (pk, name))
            if external_id:
                self.customers[external_id.casefold()] = (pk, name)
        self.numbers = dict(
            Requirement.objects.filter(workspace=self.workspace).values_list("number", "pk")
        )

    def check(self, row: int, cells: list):
        get = lambda target: values.text(self.cell(cells, target))  # noqa: E731
        customer = self._customer(row, get("customer"))
        channel = self._channel(row, get("channel"))
        received = self._date(row, self.cell(cells, "received_on"))
        requirement = self._requirement(row, self.cell(cells, "requirement"))
        fb = Feedback(
            workspace=self.workspace, text=get("text"), channel=channel,
            received_on=received or timezone.localdate(),
        )  # fmt: skip
        ok = self.clean(row, fb, exclude=["workspace", "customer", "requirement", "created_by"])
        if not ok or received is False or requirement is False:
            return None
        name = customer[1] if customer else ""
        search = index_text(fb.text, name) if self.prepare else ""
        return (fb, customer[0] if customer else None, requirement, search)

    def _customer(self, row: int, raw: str):
        if not raw:
            return None
        found = self.customers.get(raw.casefold())
        if found is None:
            self.warn(
                row, "customer",
                _("No customer matches “%(value)s”; imported without a customer.")
                % {"value": raw},
            )  # fmt: skip
        return found

    def _channel(self, row: int, raw: str) -> str:
        found = self.channels.get(values.norm(raw)) if raw else Channel.OTHER
        if found is None:
            self.warn(
                row, "channel",
                _("Unknown channel “%(value)s”; imported as “%(channel)s”.")
                % {"value": raw, "channel": Channel.OTHER.label},
            )  # fmt: skip
            return Channel.OTHER
        return found

    def _date(self, row: int, raw) -> date | bool | None:
        try:
            return values.day(raw)
        except ValueError:
            self.error(row, "received_on", _("Enter a date such as 2026-03-31."))
            return False

    def _requirement(self, row: int, raw):
        try:
            number = values.requirement_number(raw)
        except ValueError:
            self.error(row, "requirement", _("Enter a requirement number such as 12 or #12."))
            return False
        if number is None:
            return None
        if number not in self.numbers:
            self.error(
                row, "requirement",
                _("No requirement #%(number)s in this workspace.") % {"number": number},
            )  # fmt: skip
            return False
        return self.numbers[number]

    def write(self, rows: list) -> int:
        from truce.customers.services import demand_recompute

        ids = bulkload.allocate_ids(Feedback, len(rows))
        actor_id = self.ctx.membership.user_id
        records = (
            {
                "id": pk, "workspace_id": self.workspace.pk, "text": fb.text,
                "customer_id": customer_id, "channel": fb.channel, "received_on": fb.received_on,
                "status": Feedback.State.LINKED if requirement_id else Feedback.State.NEW,
                "requirement_id": requirement_id, "created_by_id": actor_id,
                "search_text": search, "created_at": self.now, "updated_at": self.now,
            }
            for pk, (fb, customer_id, requirement_id, search) in zip(ids, rows, strict=True)
        )  # fmt: skip
        with bulkload.search_index_deferred([Feedback], len(rows)):
            bulkload.insert(Feedback, records)
        self.history(ids, "feedback", "text", [str(fb) for fb, *_ in rows])
        demand_recompute({r[2] for r in rows if r[2]})
        return len(rows)


IMPORTERS = {
    "requirements": RequirementImporter,
    "customers": CustomerImporter,
    "feedback": FeedbackImporter,
}
