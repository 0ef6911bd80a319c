"""Imports: upload (checked), column mapping, dry run, commit; the same for pages, API and CLI.

A run reads the file once: every row is checked (outside any transaction, so the progress the
page polls is visible), and only if no row has an error are all rows written, in one
transaction. Big files run on the task worker; small ones right away.

The process running an import claims the job row (truce.core.jobs) and keeps a heartbeat;
every outcome it writes is conditional on that claim, and the "done" status is written in the
same transaction as the rows. So if the process is killed, the job is left running with
nothing imported, the reaper marks it failed (``interrupted``), and ``import_retry`` starts
the same dry run or commit again.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from truce.accounts.models import AuditAction, Membership
from truce.accounts.services import audit
from truce.core import events, faults, jobs
from truce.core.access import WorkspaceAccess
from truce.core.errors import Conflict, PermissionDenied, ValidationFailed
from truce.interop import presets, tabular, values
from truce.interop.importers import IMPORTERS
from truce.interop.models import ImportJob, ImportKind

MAX_BYTES = 50 * 1024 * 1024  # unless settings.TRUCE_IMPORT_MAX_BYTES (read at each upload)
MAX_ROWS = getattr(settings, "TRUCE_IMPORT_MAX_ROWS", 200_000)
INLINE_ROWS = 2000  # more rows than this run on the worker, and the page polls
PROGRESS_EVERY = 1000
PREVIEW_ROWS = 10
State = ImportJob.State


def _rejection(exc: tabular.Rejected) -> str:
    messages = {
        "not_xlsx": _("This is not an Excel .xlsx workbook (the file is damaged or renamed)."),
        "binary_csv": _("This is not a text CSV file. Save it as CSV (UTF-8) or .xlsx."),
        "old_xls": _("Old .xls workbooks cannot be read. Save it as .xlsx or CSV."),
        "extension": _("Upload a .csv, .tsv, .txt or .xlsx file (this one is “%(ext)s”)."),
        "encoding": _("The text encoding could not be recognised. Save it as CSV (UTF-8)."),
        "empty": _("The file is empty: the first row must hold the column names."),
        "unreadable": _("The CSV file could not be read (a quote is probably not closed)."),
        "executable": _(
            "This file is a program or a script, not a table. Upload a .csv or .xlsx file."
        ),
        "markup": _(
            "This file is a web page, an SVG image or an XML document, not a table. "
            "Save it as CSV (UTF-8) or .xlsx."
        ),
        "macro": _("Workbooks with macros cannot be imported. Save it as a plain .xlsx workbook."),
        "encrypted": _("Password-protected workbooks cannot be read. Save it without a password."),
        "xml_entities": _(
            "This workbook declares XML entities, which can be used to attack a server, so it "
            "is not read. Save it again from Excel or WPS and upload that copy."
        ),
        "zip_bomb": _(
            "This file would unpack to %(size)s MB, far more than its size; it cannot be read."
        ),
    }
    return messages[exc.code] % exc.params if exc.params else messages[exc.code]


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


def _require_admin(ctx: WorkspaceAccess) -> None:
    if not ctx.is_admin:
        raise PermissionDenied(_("Only workspace admins can import."))


def import_upload(*, ctx: WorkspaceAccess, kind: str, upload, preset: str = "") -> ImportJob:
    """Check and store an uploaded file; guess the column mapping from its header row."""
    _require_admin(ctx)
    if kind not in ImportKind.values:
        raise ValidationFailed(fields={"kind": [_("Choose what the file holds.")]})
    if preset and (preset not in presets.PRESETS or kind != ImportKind.REQUIREMENTS):
        raise ValidationFailed(fields={"preset": [_("This preset is for requirements only.")]})
    if upload is None:
        raise _file_error(_("Choose a file."))
    limit = getattr(settings, "TRUCE_IMPORT_MAX_BYTES", MAX_BYTES)
    if upload.size > limit:
        raise _file_error(
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
        )
    head = upload.read(tabular.SNIFF_BYTES)
    upload.seek(0)
    try:
        file_format = tabular.detect_format(upload.name, head)
        name = default_storage.save(f"imports/{uuid.uuid4().hex}.{file_format}", upload)
    except tabular.Rejected as exc:
        raise _file_error(_rejection(exc)) from None
    try:
        table = _read_header(Path(default_storage.path(name)), file_format)
    except ValidationFailed:
        default_storage.delete(name)
        raise
    unit = presets.PRESETS[preset].estimate_unit if preset else "days"
    first = next(table.rows(), (0, []))[1]
    sample = [values.text(v)[:80] for v in first]
    return ImportJob.objects.create(
        workspace=ctx.workspace, created_by=ctx.membership.user, kind=kind, preset=preset,
        filename=values.file_name(upload.name), file=name, file_format=file_format,
        size=upload.size, encoding=table.encoding, delimiter=table.delimiter,
        headers=table.headers, mapping=presets.guess_mapping(kind, table.headers, preset),
        options={"preset": preset, "estimate_unit": unit, "sample": sample},
        rows_total=table.rows_estimate,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )  # fmt: skip


def _read_header(path: Path, file_format: str) -> tabular.Table:
    try:
        table = tabular.open_table(path, file_format)
    except tabular.Rejected as exc:
        raise _file_error(_rejection(exc)) from None
    if not any(table.headers):
        raise _file_error(_("The first row must hold the column names."))
    if table.rows_estimate > MAX_ROWS:
        raise _file_error(
            _("The file has %(rows)s rows; at most %(limit)s can be imported at once.")
            % {"rows": table.rows_estimate, "limit": MAX_ROWS}
        )
    return table


def import_configure(
    *, ctx: WorkspaceAccess, job: ImportJob, mapping: dict, estimate_unit: str = ""
) -> ImportJob:
    """Set which column feeds which field (``{"0": "title", "3": "tags", …}``)."""
    _require_admin(ctx)
    if job.running:
        raise Conflict(_("This import is running; wait until it has finished."))
    targets = presets.targets_for(job.kind)
    clean: dict[str, str] = {}
    problems: list[str] = []
    for index, target in mapping.items():
        if not target:
            continue
        if not str(index).isdigit() or int(index) >= len(job.headers) or target not in targets:
            problems.append(
                _("Column %(column)s cannot become “%(target)s”.")
                % {"column": index, "target": target}
            )
            continue
        if target in clean.values() and not targets[target].multiple:
            problems.append(
                _("Only one column can become “%(target)s”.") % {"target": targets[target].label}
            )
        clean[str(int(index))] = target
    missing = [
        str(targets[t].label) for t in targets if targets[t].required and t not in clean.values()
    ]
    if missing:
        problems.append(_("Choose a column for: %(fields)s.") % {"fields": ", ".join(missing)})
    if estimate_unit and estimate_unit not in values.UNIT_DAYS:
        problems.append(_("Unknown unit of estimates."))
    if problems:
        raise ValidationFailed(problems[0], fields={"mapping": problems})
    job.mapping = clean
    job.options = {
        **job.options,
        "estimate_unit": estimate_unit or job.options.get("estimate_unit", "days"),
    }
    job.status = State.UPLOADED
    _release(job)
    job.save(update_fields=["mapping", "options", "status", *jobs.release_fields(), "updated_at"])
    return job


def _release(job: ImportJob) -> None:
    for name, value in jobs.release_fields().items():
        setattr(job, name, value)


def import_start(*, ctx: WorkspaceAccess, job: ImportJob, commit: bool) -> ImportJob:
    """Dry run (``commit=False``) or import: now for small files, on the worker for big ones."""
    _require_admin(ctx)
    if job.running:
        raise Conflict(_("This import is running; wait until it has finished."))
    if job.status == State.DONE:
        raise Conflict(_("This file has been imported already."))
    if not job.file:
        raise Conflict(_("The uploaded file is gone; upload it again."))
    importer = IMPORTERS[job.kind](ctx, job.headers, job.mapping, job.options)
    if importer.missing_required():
        raise ValidationFailed(fields={"mapping": [_("Choose a column for every required field.")]})
    job.status, job.committed, job.progress_done, job.message = State.QUEUED, False, 0, ""
    job.commit_requested = commit
    _release(job)
    fields = ["status", "committed", "progress_done", "message", "commit_requested"]
    job.updated_at = timezone.now()
    # The checks above read this request's copy; the start itself is conditional, so of two
    # starts at the same moment only one finds the job idle and the other is refused.
    started = (
        ImportJob.objects.filter(pk=job.pk)
        .exclude(status__in=[State.QUEUED, *ImportJob.job_states.running, State.DONE])
        .update(**{f: getattr(job, f) for f in [*fields, *jobs.release_fields(), "updated_at"]})
    )
    if not started:
        raise Conflict(_("This import is running; wait until it has finished."))
    if job.rows_total <= INLINE_ROWS:
        return import_run(job=job, commit=commit)
    from truce.interop.tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job_id=job.pk, commit=commit))
    return job


def import_retry(*, ctx: WorkspaceAccess, job: ImportJob) -> ImportJob:
    """Start an import that failed without row errors (its process was interrupted, or it
    crashed) again, as the dry run or commit it was."""
    _require_admin(ctx)
    if not job.can_retry:
        raise Conflict(
            _("Only an import that stopped without row errors can be run again.")
            if job.status == State.FAILED
            else _("This import has not failed; there is nothing to run again.")
        )
    return import_start(ctx=ctx, job=job, commit=job.commit_requested)


def _runner(job: ImportJob) -> WorkspaceAccess:
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace=job.workspace_id, user=job.created_by_id)
        .first()
    )
    if membership is None or not membership.is_admin:
        raise PermissionDenied(_("Only workspace admins can import."))
    return WorkspaceAccess(workspace=membership.workspace, membership=membership)


class LostClaim(Exception):
    """The job is no longer this process's (the reaper failed it, or another start took it)."""


def _own(job: ImportJob, *fields: str) -> bool:
    """Save ``fields`` only while this process still holds the running job."""
    job.updated_at = timezone.now()
    mine = ImportJob.objects.filter(
        pk=job.pk, claimed_by=job.claimed_by, status__in=ImportJob.job_states.running
    )
    return bool(mine.update(**{f: getattr(job, f) for f in (*fields, "updated_at")}))


def _claim(job: ImportJob, commit: bool, queued_only: bool) -> bool:
    starting = [State.QUEUED]
    if not queued_only:  # the CLI runs an uploaded job right away
        starting += [State.UPLOADED, State.CHECKED, State.FAILED]
    now = timezone.now()
    values = {
        "status": State.CHECKING, "committed": False, "commit_requested": commit,
        "progress_done": 0, "message": "", "updated_at": now, **jobs.claim_fields(now),
    }  # fmt: skip
    if not ImportJob.objects.filter(pk=job.pk, status__in=starting).update(**values):
        return False
    for name, value in values.items():
        setattr(job, name, value)
    return True


def import_run(
    *, job: ImportJob, commit: bool, advance=None, queued_only: bool = False
) -> ImportJob:
    """Check every row; with ``commit``, write them all if none has an error. ``advance(n)``
    hears of every ``n`` rows checked (the CLI's progress bar). The task passes
    ``queued_only``: a job that is no longer queued (the reaper failed it) is left alone."""
    if not _claim(job, commit, queued_only):
        job.refresh_from_db()
        return job
    with (
        translation.override(job.language or settings.LANGUAGE_CODE),
        jobs.heartbeat(ImportJob, job.pk, job.claimed_by),
    ):
        try:
            return _run(job, commit, advance)
        except LostClaim:
            job.refresh_from_db()
            return job
        except FileNotFoundError:  # removed as unused (jobs.purge_files) after the page was read
            job.status, job.finished_at, job.file = State.FAILED, timezone.now(), ""
            job.message = _("The uploaded file is gone; upload it again.")
            _own(job, "status", "finished_at", "message", "file")
            return job
        except Exception as exc:
            job.status, job.finished_at = State.FAILED, timezone.now()
            job.message = getattr(exc, "message", "") or _("The import stopped unexpectedly.")
            _own(job, "status", "finished_at", "message")
            raise


def _run(job: ImportJob, commit: bool, advance) -> ImportJob:
    importer = IMPORTERS[job.kind](_runner(job), job.headers, job.mapping, job.options)
    importer.prepare = commit
    started, cpu = time.monotonic(), time.process_time()
    rows, count, preview = _check_rows(job, importer, keep=commit, advance=advance)
    checked, checked_cpu = time.monotonic(), time.process_time()
    job.rows_total, job.progress_done, job.preview = count, count, preview
    job.errors, job.error_count = importer.errors.items, importer.errors.count
    job.warnings, job.warning_count = importer.warnings.items, importer.warnings.count
    # wall and CPU seconds (this process only) of each phase, for the benchmark
    job.timings = {"check": round(checked - started, 2), "check_cpu": round(checked_cpu - cpu, 2)}
    fields = ["rows_total", "progress_done", "preview", "errors", "error_count", "warnings"]
    fields += ["warning_count", "timings", "status", "finished_at", "message"]
    job.finished_at = timezone.now()
    if not commit:
        job.status = State.CHECKED
    elif job.error_count:
        job.status = State.FAILED
        job.message = ngettext(
            "Nothing was imported: %(n)s error must be fixed first.",
            "Nothing was imported: %(n)s errors must be fixed first.",
            job.error_count,
        ) % {"n": job.error_count}
    else:
        job.status = State.IMPORTING
        if not _own(job, "status"):
            raise LostClaim()
        _write(job, importer, rows, fields, (checked, checked_cpu))
        return job
    if not _own(job, *fields):
        raise LostClaim()
    return job


def _check_rows(job: ImportJob, importer, *, keep: bool, advance=None) -> tuple[list, int, dict]:
    table = tabular.Table(
        Path(job.file.path), job.file_format, job.headers, job.encoding, job.delimiter
    )
    kept, count = [], 0
    preview_rows: list[list[str]] = []
    order = sorted(job.mapping, key=int)
    for number, cells in table.rows():
        count += 1
        if count > MAX_ROWS:
            importer.errors.add(
                number, "", _("Too many rows: at most %(limit)s.") % {"limit": MAX_ROWS}
            )
            break
        prepared = importer.check(number, cells)
        if keep and prepared is not None and not importer.errors.count:
            kept.append(prepared)
        if len(preview_rows) < PREVIEW_ROWS:
            preview_rows.append(
                [
                    number,
                    *(values.text(cells[int(i)]) if int(i) < len(cells) else "" for i in order),
                ]
            )
        if count % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk, claimed_by=job.claimed_by).update(
                progress_done=count, heartbeat_at=timezone.now()
            )
            faults.pause("import.check")
            if advance:
                advance(PROGRESS_EVERY)
    targets = presets.targets_for(job.kind)
    columns = [f"{job.headers[int(i)]} → {targets[job.mapping[i]].label}" for i in order]
    return kept, count, {"columns": columns, "rows": preview_rows}


def _write(job: ImportJob, importer, rows: list, fields: list[str], clocks) -> None:
    """Insert the rows and mark the job done in one transaction: either both happen or
    neither (a killed process, or a job the reaper has failed meanwhile, imports nothing)."""
    checked, checked_cpu = clocks
    with transaction.atomic():
        job.created_count = importer.write(rows)
        list_url = {
            "requirements": "requirements:list", "customers": "customers:list",
            "feedback": "customers:feedback",
        }[job.kind]  # fmt: skip
        events.emit(
            workspace=job.workspace, kind="import.completed", actor=job.created_by,
            subject=job, title=job.filename,
            url=reverse(list_url, args=[job.workspace.slug]),
            data={"kind": job.kind, "count": job.created_count, "preset": job.preset},
        )  # fmt: skip
        audit(
            action=AuditAction.IMPORT_COMMITTED, actor=job.created_by, workspace=job.workspace,
            target=job.filename, kind=job.kind, rows=job.created_count, preset=job.preset,
        )  # fmt: skip
        faults.pause("import.write")
        job.timings["write"] = round(time.monotonic() - checked, 2)
        job.timings["write_cpu"] = round(time.process_time() - checked_cpu, 2)
        stored = job.file.name
        job.status, job.committed, job.file = State.DONE, True, ""  # the copy is not needed
        if not _own(job, *fields, "created_count", "committed", "file"):
            raise LostClaim()  # rolls the rows back
    if stored:
        default_storage.delete(stored)  # after the commit that recorded the job without it


def template_columns(kind: str, preset: str = "") -> list[str]:
    """Headers of a downloadable template: the preset's own, or Truce's labels."""
    if preset in presets.PRESETS and kind == ImportKind.REQUIREMENTS:
        return list(dict.fromkeys(presets.PRESETS[preset].columns))
    return [str(t.label) for t in presets.TARGETS[kind]]
