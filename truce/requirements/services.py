"""Writes to the requirements pool. Every function is atomic and records its history."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from truce.accounts.models import Membership, Workspace
from truce.core import history
from truce.core.access import WorkspaceAccess
from truce.core.concurrency import refuse_stale
from truce.core.errors import Conflict, ValidationFailed, validation_from_django
from truce.core.markdown import render_markdown
from truce.core.models import ChangeRecord
from truce.core.text import index_text
from truce.domain import workflow
from truce.requirements.models import Requirement, Status, Tag

TRACKED = [
    "title",
    "description",
    "kind",
    "origin_side",
    "owner",
    "parent",
    "estimate_days",
    "estimate_budget",
    "tags",
]


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _next_number(workspace: Workspace) -> int:
    # Lock the workspace row so two creators never take the same number (PostgreSQL);
    # SQLite's IMMEDIATE transactions already serialise writers.
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()
    top = Requirement.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def _check_owner(workspace, owner) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationFailed(
            fields={"owner": [_("The owner must be a member of this workspace.")]}
        )


def _check_parent(requirement: Requirement, parent: Requirement | None) -> None:
    if parent is None:
        return
    if parent.workspace_id != requirement.workspace_id:
        raise ValidationFailed(fields={"parent": [_("Choose a requirement of this workspace.")]})
    node, seen = parent, set()
    while node is not None and node.pk not in seen:
        if node.pk == requirement.pk:
            raise ValidationFailed(
                fields={
                    "parent": [
                        _("A requirement cannot be placed under one of its own sub-requirements.")
                    ]
                }
            )
        seen.add(node.pk)
        node = node.parent
    return


def _set_tags(requirement: Requirement, names: Iterable[str]) -> None:
    clean = sorted({n.strip()[:40] for n in names if n and n.strip()})
    existing = {
        t.name: t for t in Tag.objects.filter(workspace=requirement.workspace, name__in=clean)
    }
    missing = [Tag(workspace=requirement.workspace, name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {
            t.name: t for t in Tag.objects.filter(workspace=requirement.workspace, name__in=clean)
        }
    requirement.tags.set(existing.values())


def _refresh_derived(requirement: Requirement) -> None:
    requirement.description_html = render_markdown(requirement.description)
    requirement.search_text = index_text(requirement.title, requirement.description)


def _tracked(requirement: Requirement) -> dict:
    snap = history.snapshot(requirement, [f for f in TRACKED if f != "tags"])
    snap["tags"] = sorted(t.name for t in requirement.tags.all()) if requirement.pk else []
    return snap


@transaction.atomic
def requirement_create(
    *,
    ctx: WorkspaceAccess,
    title: str,
    description: str = "",
    kind: str = "feature",
    origin_side: str = "",
    owner=None,
    parent: Requirement | None = None,
    tags: Iterable[str] = (),
    estimate_days: Decimal | None = None,
    estimate_budget: Decimal | None = None,
) -> Requirement:
    actor = ctx.membership.user
    req = Requirement(
        workspace=ctx.workspace,
        title=title.strip(),
        description=description,
        kind=kind,
        origin_side=origin_side or ctx.membership.side,
        owner=owner,
        parent=parent,
        estimate_days=estimate_days,
        estimate_budget=estimate_budget,
        created_by=actor,
        number=0,
    )
    _check_owner(ctx.workspace, owner)
    _clean(req, exclude=["number"])
    _check_parent(req, parent)
    req.number = _next_number(ctx.workspace)
    _refresh_derived(req)
    req.save()
    _set_tags(req, tags)
    history.record(
        workspace=ctx.workspace,
        actor=actor,
        subject=req,
        verb=ChangeRecord.Verb.CREATED,
        changes={"title": [None, req.title]},
    )
    _announce(ctx, req, "requirement.created")
    return req


def _announce(ctx: WorkspaceAccess, requirement: Requirement, kind: str, **data) -> None:
    """Tell subscribers (notifications, robots, webhooks, conflict detection) after commit."""
    from django.urls import reverse

    from truce.core import events

    events.emit(
        workspace=ctx.workspace,
        kind=kind,
        actor=ctx.membership.user,
        subject=requirement,
        title=f"{requirement.ref} {requirement.title}",
        url=reverse("requirements:detail", args=[ctx.workspace.slug, requirement.number]),
        data={"number": requirement.number, "status": requirement.status, **data},
    )


@transaction.atomic
def requirement_update(
    *, ctx: WorkspaceAccess, requirement: Requirement, expected_version: int | None, **fields
) -> Requirement:
    """Change any of TRACKED; a stale ``expected_version`` is refused with the current row."""
    unknown = set(fields) - set(TRACKED)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    before = _tracked(requirement)
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(requirement, name, value.strip() if name == "title" else value)
    _check_owner(ctx.workspace, requirement.owner)
    _clean(requirement)
    _check_parent(requirement, requirement.parent)
    _refresh_derived(requirement)
    requirement.save_versioned(
        expected_version=expected_version,
        update_fields=[*fields.keys(), "description_html", "search_text"],
    )
    if tags is not None:
        _set_tags(requirement, tags)
    changes = history.diff(before, _tracked(requirement))
    if changes:
        history.record(
            workspace=ctx.workspace,
            actor=ctx.membership.user,
            subject=requirement,
            verb=ChangeRecord.Verb.UPDATED,
            changes=changes,
        )
        _announce(ctx, requirement, "requirement.changed", fields=sorted(changes))
    return requirement


def _refuse_transition(requirement: Requirement, target: str) -> ValidationFailed:
    allowed = pgettext("list separator", ", ").join(
        str(Status(s).label) for s in workflow.allowed_targets(requirement.status)
    )
    return ValidationFailed(
        _("%(ref)s cannot move from “%(current)s” to “%(target)s”. Allowed next: %(allowed)s.")
        % {
            "ref": requirement.ref,
            "current": requirement.get_status_display(),
            "target": Status(target).label,
            "allowed": allowed or _("none"),
        },
        fields={"status": [_("This status change is not allowed.")]},
    )


@transaction.atomic
def requirement_move(
    *,
    ctx: WorkspaceAccess,
    requirement: Requirement,
    status: str,
    expected_version: int | None = None,
) -> Requirement:
    if status not in Status.values:
        raise ValidationFailed(fields={"status": [_("Unknown status.")]})
    refuse_stale(requirement, expected_version)
    if expected_version is None:
        # Callers without a version (bulk moves, plan scheduling) move the row as it is now:
        # locked and read again, so a move made meanwhile is checked against, not undone.
        fresh = Requirement.objects.select_for_update().only("status", "version")
        fresh = fresh.get(pk=requirement.pk)
        requirement.status, requirement.version = fresh.status, fresh.version
        expected_version = fresh.version
    if status == requirement.status:
        return requirement
    if not workflow.can_move(requirement.status, status):
        raise _refuse_transition(requirement, status)
    before = requirement.status
    requirement.status = status
    requirement.save_versioned(expected_version=expected_version, update_fields=["status"])
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=requirement,
        verb=ChangeRecord.Verb.STATUS,
        changes={"status": [before, status]},
    )
    _announce(ctx, requirement, "requirement.status", previous=before)
    return requirement


@transaction.atomic
def requirement_bulk_move(*, ctx: WorkspaceAccess, numbers: list[int], status: str) -> int:
    """All or nothing: if any selected requirement may not move, none moves."""
    if status not in Status.values:
        raise ValidationFailed(fields={"status": [_("Unknown status.")]})
    # Locked, so each move is checked against the status it really has until commit.
    items = list(
        Requirement.objects.select_for_update().filter(workspace=ctx.workspace, number__in=numbers)
    )
    if len(items) != len(set(numbers)):
        raise ValidationFailed(fields={"numbers": [_("Some selected requirements do not exist.")]})
    refused = [r for r in items if r.status != status and not workflow.can_move(r.status, status)]
    if refused:
        refs = pgettext("list separator", ", ").join(
            f"{r.ref} ({r.get_status_display()})" for r in refused[:10]
        )
        raise ValidationFailed(
            _("Nothing was changed: %(refs)s cannot move to “%(target)s”.")
            % {"refs": refs, "target": Status(status).label}
        )
    moved = 0
    for r in items:
        if r.status != status:
            requirement_move(ctx=ctx, requirement=r, status=status)
            moved += 1
    return moved


def _prereq_edges(workspace) -> dict[int, set[int]]:
    edges: dict[int, set[int]] = {}
    through = Requirement.prerequisites.through.objects.filter(
        from_requirement__workspace=workspace
    )
    for src, dst in through.values_list("from_requirement_id", "to_requirement_id"):
        edges.setdefault(src, set()).add(dst)
    return edges


@transaction.atomic
def prerequisite_add(
    *, ctx: WorkspaceAccess, requirement: Requirement, prerequisite: Requirement
) -> None:
    if prerequisite.workspace_id != requirement.workspace_id:
        raise ValidationFailed(
            fields={"prerequisite": [_("Choose a requirement of this workspace.")]}
        )
    cycle = workflow.find_cycle(_prereq_edges(ctx.workspace), requirement.pk, prerequisite.pk)
    if cycle:
        numbers = dict(Requirement.objects.filter(pk__in=cycle).values_list("pk", "number"))
        loop = " → ".join(f"#{numbers[pk]}" for pk in cycle)
        raise Conflict(
            _("This would create a cycle of prerequisites: %(loop)s.") % {"loop": loop},
            fields={"prerequisite": [_("This would create a cycle of prerequisites.")]},
        )
    requirement.prerequisites.add(prerequisite)
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=requirement,
        verb=ChangeRecord.Verb.LINKED,
        changes={"prerequisite": [None, prerequisite.ref]},
    )


@transaction.atomic
def prerequisite_remove(
    *, ctx: WorkspaceAccess, requirement: Requirement, prerequisite: Requirement
) -> None:
    requirement.prerequisites.remove(prerequisite)
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=requirement,
        verb=ChangeRecord.Verb.UNLINKED,
        changes={"prerequisite": [prerequisite.ref, None]},
    )
