"""Whole-workspace backup to a zip of JSON lines, and restore into a new workspace.

The archive (format ``truce-backup``, version 1)::

    manifest.json              format, version, time, source database, workspace, models
    users.jsonl                every user a row points at: username, email, names, language
    data/<app>.<model>.jsonl   one row per line, in restore order:
                               {"id": 12, "fields": {...}, "m2m": {"tags": [3, 5]}}

Foreign keys hold the old id of the row they point at (remapped on restore), users their
username (in many-to-many lists too), the workspace nothing. Restore creates users who are
missing (without a password: they set one through "forgot password") and matches existing ones
by username; new ids come in the old order, so a backup of the restored workspace equals the
original modulo ids (see ``canonical``). A row pointing at an earlier row of its own model is
inserted with that key set; only keys to later rows are set by an UPDATE afterwards, so
immutable rows (``meetings.Decision``, which supersedes only earlier decisions) are never
updated. Any database to any database: SQLite to PostgreSQL and back.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import truce
from truce.accounts.models import User, Workspace
from truce.core.errors import Conflict, ValidationFailed
from truce.core.progress import Progress
from truce.interop import bulkload, tabular
from truce.interop.registry import Entry, entries, is_user, is_workspace

FORMAT, VERSION = "truce-backup", 1
USER_FIELDS = ("username", "email", "first_name", "last_name", "display_name", "language")
AUDIT_BACKUP, AUDIT_RESTORE = "workspace.backup", "workspace.restored"


def _json(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    return value


def _fields(entry: Entry) -> list:
    return [f for f in entry.model._meta.concrete_fields if not f.primary_key]


def _m2m(entry: Entry) -> list:
    return [f for f in entry.model._meta.many_to_many if f.remote_field.through._meta.auto_created]


class _Users:
    """user id <-> username, loaded once."""

    def __init__(self):
        self.names = dict(User.objects.values_list("pk", "username"))
        self.used: set[int] = set()

    def name(self, pk):
        if pk is None:
            return None
        self.used.add(pk)
        return self.names[pk]


# Backup ---------------------------------------------------------------------------------------


def _scoped(entry: Entry, workspace):
    return entry.model._base_manager.filter(**{entry.scope: workspace}).order_by("pk")


def _dump_rows(entry: Entry, workspace, users: _Users) -> Iterator[dict]:
    fields = _fields(entry)
    links = {}
    for f in _m2m(entry):
        through = f.remote_field.through
        source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
        rows = through.objects.filter(**{f"{source}__in": _scoped(entry, workspace).values("pk")})
        grouped = defaultdict(list)
        for a, b in rows.order_by(f"{source}_id", f"{target}_id").values_list(
            f"{source}_id", f"{target}_id"
        ):
            grouped[a].append(users.name(b) if is_user(f.related_model) else b)
        links[f.name] = grouped
    names = ["pk", *(f.attname for f in fields)]
    for values in _scoped(entry, workspace).values_list(*names).iterator(chunk_size=5000):
        pk, row = values[0], {}
        for f, value in zip(fields, values[1:], strict=True):
            if f.is_relation and is_workspace(f.related_model):
                continue
            row[f.name] = (
                users.name(value) if f.is_relation and is_user(f.related_model) else _json(value)
            )
        out = {"id": pk, "fields": row}
        if links:
            out["m2m"] = {name: grouped.get(pk, []) for name, grouped in links.items()}
        yield out


def backup_write(workspace: Workspace, target, *, stream=None) -> dict:
    """Write the archive of ``workspace`` to the binary file ``target``; returns the manifest."""
    users = _Users()
    todo = list(entries())
    counts = {e.label: _scoped(e, workspace).count() for e in todo}
    manifest = {
        "format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
        "truce": getattr(truce, "__version__", ""), "database": connection.vendor,
        "workspace": {
            "id": workspace.pk, "slug": workspace.slug, "name": workspace.name,
            "description": workspace.description, "version": workspace.version,
            "created_at": workspace.created_at.isoformat(),
            "updated_at": workspace.updated_at.isoformat(),
        },
        "models": [],
    }  # fmt: skip
    with transaction.atomic(), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        # one transaction: every model is read from the same snapshot (PostgreSQL)
        with Progress(_("Backing up"), sum(counts.values()) or 1, stream=stream) as bar:
            for entry in todo:
                name = f"data/{entry.label}.jsonl"
                with z.open(name, "w") as out:
                    for row in _dump_rows(entry, workspace, users):
                        out.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
                        bar.advance()
                manifest["models"].append(
                    {"model": entry.label, "file": name, "count": counts[entry.label]}
                )
        people = User.objects.filter(pk__in=users.used).order_by("pk")
        with z.open("users.jsonl", "w") as out:
            for u in people.values("pk", *USER_FIELDS):
                out.write(json.dumps({"id": u.pop("pk"), **u}, ensure_ascii=False).encode() + b"\n")
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def backup_workspace(*, workspace: Workspace, target, actor=None, stream=None, ip=None) -> dict:
    """Write the archive and audit it (afterwards, so the backup does not contain itself).
    Callers check the actor is an admin (pages and API through the access layer)."""
    from truce.accounts.services import audit

    manifest = backup_write(workspace, target, stream=stream)
    audit(
        action=AUDIT_BACKUP, actor=actor, workspace=workspace, target=workspace.slug, ip=ip,
        rows=sum(m["count"] for m in manifest["models"]),
    )  # fmt: skip
    return manifest


# Restore --------------------------------------------------------------------------------------


def _read_lines(z: zipfile.ZipFile, name: str) -> Iterator[dict]:
    with z.open(name) as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            if line.strip():
                row = json.loads(line)
                if ("\\u0000" in line or "\x00" in line) and _has_nul(row):
                    # Truce never stores NUL; PostgreSQL could not, so SQLite must not either
                    raise ValueError("NUL in a backup")
                yield row


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def read_manifest(z: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(z.read("manifest.json"))
    except (KeyError, ValueError):
        raise ValidationFailed(fields={"file": [_("This is not a Truce backup.")]}) from None
    if manifest.get("format") != FORMAT:
        raise ValidationFailed(fields={"file": [_("This is not a Truce backup.")]})
    if manifest.get("version") != VERSION:
        raise ValidationFailed(
            fields={
                "file": [
                    _("This backup has format version %(v)s, which this Truce cannot read.")
                    % {"v": manifest.get("version")}
                ]
            }
        )
    return manifest


class _Restorer:
    def __init__(self, z: zipfile.ZipFile, manifest: dict, workspace: Workspace, bar: Progress):
        self.z, self.manifest, self.workspace, self.bar = z, manifest, workspace, bar
        self.ids: dict[str, dict[int, int]] = {}  # model label -> old id -> new id
        self.by_name: dict[str, str] = {}  # model_name -> label, for generic references
        self.links: list[tuple] = []  # m2m rows, written once every model is in
        self.old_slug = manifest["workspace"]["slug"]

    def users(self) -> None:
        old = list(_read_lines(self.z, "users.jsonl")) if "users.jsonl" in self.z.namelist() else []
        existing = dict(
            User.objects.filter(username__in=[u["username"] for u in old]).values_list(
                "username", "pk"
            )
        )
        missing = [u for u in old if u["username"] not in existing]
        for u in missing:
            user = User(**{k: u.get(k) or "" for k in USER_FIELDS})
            user.set_unusable_password()
            user.save()
            existing[user.username] = user.pk
        self.usernames = existing
        self.ids["accounts.user"] = {u["id"]: existing[u["username"]] for u in old}
        self.ids["accounts.workspace"] = {self.manifest["workspace"]["id"]: self.workspace.pk}

    def model(self, entry: Entry, info: dict) -> None:
        model, label = entry.model, entry.label
        self.by_name.setdefault(model._meta.model_name, label)
        rows = list(_read_lines(self.z, info["file"]))
        new_ids = bulkload.allocate_ids(model, len(rows))
        mapping = self.ids.setdefault(label, {})
        mapping.update({row["id"]: pk for row, pk in zip(rows, new_ids, strict=True)})
        later: dict[str, list] = defaultdict(list)  # self references, set once all rows exist
        records = [
            self._record(entry, row, pk, later) for row, pk in zip(rows, new_ids, strict=True)
        ]
        self._regenerate(entry, records)
        with bulkload.search_index_deferred([model], len(records)):
            bulkload.insert(model, records, advance=self.bar.advance)
        for column, pairs in later.items():
            bulkload.update_column(model, column, pairs)
        for row, pk in zip(rows, new_ids, strict=True):
            for name, targets in (row.get("m2m") or {}).items():
                self.links.append((entry, name, pk, targets))

    def _record(self, entry: Entry, row: dict, pk: int, later: dict) -> dict:
        record = {"id": pk}
        data = row["fields"]
        for f in _fields(entry):
            value = data.get(f.name)
            if f.is_relation:
                record[f.attname] = self._key(entry, f, value, pk, later)
            elif f.name in entry.slug_links and value:
                # a crafted backup could carry javascript: or data: links: only web addresses
                # and paths are kept, as the forms accept
                safe = isinstance(value, str) and value.startswith(("https://", "http://", "/"))
                record[f.attname] = (
                    value.replace(f"/w/{self.old_slug}/", f"/w/{self.workspace.slug}/")
                    if safe
                    else ""
                )
            else:
                record[f.attname] = f.to_python(value) if value is not None else None
        for name, prefix, label in entry.id_refs:
            if record.get(name):
                record[name] = _id_refs(record[name], prefix, self.ids.get(label, {}).get)
        for name, value in entry.on_restore:
            record[entry.model._meta.get_field(name).attname] = value
        for type_field, id_field in entry.generic:
            label = self.by_name.get(record.get(type_field) or "")
            old = record.get(id_field)
            found = self.ids.get(label, {}).get(old) if label else None
            if found is None and label is None and record.get(type_field) in ("user", "workspace"):
                found = self.ids[f"accounts.{record[type_field]}"].get(old)
            nullable = entry.model._meta.get_field(id_field).null
            record[id_field] = found if found is not None else (None if nullable else 0)
        return record

    def _key(self, entry: Entry, f, value, pk: int, later: dict):
        target = f.related_model
        if is_workspace(target):
            return self.workspace.pk
        if value is None:
            return None
        if is_user(target):
            return self.usernames[value]
        if target is entry.model:
            new = self.ids[entry.label][value]
            if new < pk:  # an earlier row, inserted before this one (ids keep the old order)
                return new
            # a later row: set once every row exists. Only backward references are inserted
            # directly, so rows that must never be updated (decisions, which only ever
            # supersede earlier ones) restore without an UPDATE
            later[f.column].append((pk, new))
            return None
        found = self.ids.get(target._meta.label_lower, {}).get(value)
        if found is None and not f.null:
            raise ValidationFailed(
                _("The backup is inconsistent: %(model)s points at a missing row.")
                % {"model": entry.label}
            )
        return found

    def _regenerate(self, entry: Entry, records: list[dict]) -> None:
        for name in entry.regenerate:
            values = [r[name] for r in records]
            taken = set(
                entry.model._base_manager.filter(**{f"{name}__in": values}).values_list(
                    name, flat=True
                )
            )
            for r in records:
                if r[name] in taken:
                    r[name] = hashlib.sha256(secrets.token_bytes(32)).hexdigest()

    def m2m(self) -> None:
        grouped: dict[tuple, list] = defaultdict(list)
        for entry, name, pk, targets in self.links:
            f = entry.model._meta.get_field(name)
            if is_user(f.related_model):
                target_ids = self.usernames
            else:
                target_ids = self.ids[f.related_model._meta.label_lower]
            grouped[(entry.model, name)].extend(
                (pk, target_ids[t]) for t in targets if t in target_ids
            )
        for (model, name), pairs in grouped.items():
            f = model._meta.get_field(name)
            through = f.remote_field.through
            source, target = f.m2m_column_name(), f.m2m_reverse_name()
            bulkload.insert(through, ({source: a, target: b} for a, b in pairs))


def restore_workspace(
    source,
    *,
    slug: str = "",
    actor=None,
    stream=None,
    ip=None,
    advance: Callable[[int], None] | None = None,
    before_commit: Callable[[Workspace], None] | None = None,
) -> Workspace:
    """Restore the archive ``source`` (a path or binary file) as a new workspace ``slug``
    (default: the original slug). ``actor``, when given, becomes an admin if the backup did
    not already make them a member. ``advance(done)`` hears how many rows are written so far;
    ``before_commit(workspace)`` runs inside the restore's transaction, last (a restore job
    marks itself done there, so the job and the workspace commit together)."""
    try:
        z = zipfile.ZipFile(source)
        tabular.check_zip(z, _size(source))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ValidationFailed(fields={"file": [_("This is not a Truce backup.")]}) from None
    except tabular.Rejected:
        raise ValidationFailed(fields={"file": [_("This backup cannot be read safely.")]}) from None
    with z:
        try:
            return _restore(z, slug, actor, stream, ip, advance, before_commit)
        except DAMAGED:
            # rows that do not fit the models (edited by hand, truncated, from another program):
            # the transaction rolled back, nothing is restored
            message = _("This backup is damaged or was changed by hand; nothing was restored.")
            raise ValidationFailed(message, fields={"file": [message]}) from None


def _damaged() -> tuple[type[Exception], ...]:
    """What a damaged archive raises while it is read and written (never a TruceError). Rows
    go to PostgreSQL by COPY, past Django, so psycopg's own errors are among them."""
    found = [
        KeyError, IndexError, ValueError, TypeError, AttributeError, EOFError,
        zipfile.BadZipFile, DjangoValidationError, IntegrityError, DataError,
    ]  # fmt: skip
    try:
        import psycopg
    except ImportError:  # SQLite-only installs
        return tuple(found)
    return (*found, psycopg.IntegrityError, psycopg.DataError)


DAMAGED = _damaged()


def _size(source) -> int:
    if hasattr(source, "size") and source.size is not None:
        return source.size
    if hasattr(source, "seek"):
        here = source.tell()
        end = source.seek(0, io.SEEK_END)
        source.seek(here)
        return end
    return os.path.getsize(source)


class _Reported(Progress):
    """The progress bar, also told to a listener (a restore job's heartbeat)."""

    def __init__(self, label: str, total: int, *, stream, report) -> None:
        super().__init__(label, total, stream=stream)
        self.report = report

    def advance(self, n: int = 1) -> None:
        super().advance(n)
        if self.report is not None:
            self.report(self.done)


def backup_rows(manifest: dict) -> int:
    """How many rows a backup holds (its manifest's counts)."""
    return sum(m["count"] for m in manifest["models"])


def _restore(z: zipfile.ZipFile, slug: str, actor, stream, ip, advance, before_commit):
    manifest = read_manifest(z)
    files = {m["model"]: m for m in manifest["models"]}
    slug = slug or manifest["workspace"]["slug"]
    total = backup_rows(manifest)
    bar = _Reported(_("Restoring"), total or 1, stream=stream, report=advance)
    with bar, transaction.atomic():
        workspace = _new_workspace(manifest["workspace"], slug)
        restorer = _Restorer(z, manifest, workspace, bar)
        restorer.users()
        for entry in entries():
            if entry.label in files:
                restorer.model(entry, files[entry.label])
        restorer.m2m()
        _finish(workspace, actor, manifest, ip)
        if before_commit is not None:
            before_commit(workspace)
    return workspace


def inspect_backup(source) -> dict:
    """The manifest of the archive ``source``, or the error a restore of it would give (not
    a zip, unsafe to read, not a backup, another format version); the rows are not read."""
    try:
        with zipfile.ZipFile(source) as z:
            tabular.check_zip(z, _size(source))
            return read_manifest(z)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ValidationFailed(fields={"file": [_("This is not a Truce backup.")]}) from None
    except tabular.Rejected:
        raise ValidationFailed(fields={"file": [_("This backup cannot be read safely.")]}) from None


def check_slug(slug: str) -> None:
    """A restore's short name: well formed and not taken (checked again when it is written)."""
    field = Workspace._meta.get_field("slug")
    try:
        field.clean(slug, None)
    except Exception:
        raise ValidationFailed(
            fields={"slug": [_("Enter a short name of letters, digits and hyphens.")]}
        ) from None
    if Workspace.objects.filter(slug=slug).exists():
        raise Conflict(
            _("A workspace “%(slug)s” exists already; restore under another short name.")
            % {"slug": slug},
            fields={"slug": [_("This short name is taken.")]},
        )


def _new_workspace(data: dict, slug: str) -> Workspace:
    check_slug(slug)
    ws = Workspace.objects.create(
        slug=slug, name=data["name"], description=data.get("description", "")
    )
    Workspace.objects.filter(pk=ws.pk).update(
        version=data.get("version", 1),
        created_at=Workspace._meta.get_field("created_at").to_python(data["created_at"]),
        updated_at=Workspace._meta.get_field("updated_at").to_python(data["updated_at"]),
    )
    ws.refresh_from_db()
    return ws


def _finish(workspace: Workspace, actor, manifest: dict, ip) -> None:
    from truce.accounts.models import Membership, Role
    from truce.accounts.services import audit

    if (
        actor is not None
        and not Membership.objects.filter(workspace=workspace, user=actor).exists()
    ):
        Membership.objects.create(workspace=workspace, user=actor, role=Role.ADMIN, side="product")
    audit(
        action=AUDIT_RESTORE, actor=actor, workspace=workspace, target=workspace.slug, ip=ip,
        source=manifest["workspace"]["slug"], created_at=manifest["created_at"],
        database=manifest.get("database", ""),
    )  # fmt: skip


# Comparing archives ----------------------------------------------------------------------------


def canonical(source) -> dict:
    """An archive's content with ids replaced by each row's position in its model (rows are
    written in id order, restored in the same order) and keys by the position of the row they
    point at. Two archives of the same data compare equal, whatever their ids, except for
    the audit events of backups and restores themselves, regenerated secrets and the fields
    a restore sets (``Entry.on_restore``)."""
    with zipfile.ZipFile(source) as z:
        manifest = read_manifest(z)
        positions: dict[str, dict[int, int]] = {}
        tables: dict[str, list] = {}
        for info in manifest["models"]:
            rows = list(_read_lines(z, info["file"]))
            positions[info["model"]] = {r["id"]: i for i, r in enumerate(rows)}
            tables[info["model"]] = rows
    by_label = {e.label: e for e in entries()}
    names = {e.model._meta.model_name: e.label for e in entries()}
    out = {"workspace": {k: v for k, v in manifest["workspace"].items() if k not in ("id", "slug")}}
    for label, rows in tables.items():
        out[label] = [_canonical_row(by_label[label], r, positions, names) for r in rows]
        if label == "accounts.auditevent":
            out[label] = [r for r in out[label] if r["action"] not in (AUDIT_BACKUP, AUDIT_RESTORE)]
    return out


def _canonical_row(entry: Entry, row: dict, positions: dict, names: dict) -> dict:
    data = dict(row["fields"])
    for f in _fields(entry):
        if (
            f.is_relation
            and not is_user(f.related_model)
            and f.name in data
            and data[f.name] is not None
        ):
            data[f.name] = positions[f.related_model._meta.label_lower].get(data[f.name])
    for type_field, id_field in entry.generic:
        label = names.get(data.get(type_field) or "")
        data[id_field] = positions.get(label, {}).get(data.get(id_field)) if label else None
    for name in (*entry.regenerate, *(name for name, _value in entry.on_restore)):
        data.pop(name, None)
    for name, prefix, label in entry.id_refs:
        if data.get(name):
            data[name] = _id_refs(data[name], prefix, positions.get(label, {}).get, mark="#")
    for name in entry.slug_links:
        data[name] = "/".join(p for i, p in enumerate((data.get(name) or "").split("/")) if i != 2)
    for name, targets in (row.get("m2m") or {}).items():
        related = entry.model._meta.get_field(name).related_model
        if is_user(related):
            data[name] = sorted(targets)  # usernames
            continue
        data[name] = sorted(positions[related._meta.label_lower].get(t) for t in targets)
    return data


def _id_refs(text: str, prefix: str, lookup, mark: str = "") -> str:
    """``text`` with each id written after ``prefix`` (where ``*`` is any one path segment,
    e.g. the slug) replaced by ``lookup(id)`` preceded by ``mark``; unknown ids are kept."""

    def swap(match):
        found = lookup(int(match.group(2)))
        return match.group(0) if found is None else f"{match.group(1)}{mark}{found}"

    pattern = re.escape(prefix).replace(r"\*", r"[^/]+")
    return re.sub(f"({pattern})" + r"(\d+)(?!\d)", swap, text)
