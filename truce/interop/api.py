"""API of interop: imports (upload, mapping, dry run, commit, status), exports, backups and
restores."""

from __future__ import annotations

from typing import Literal

from ninja import Router
from ninja.responses import Status

from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core import jobs
from truce.core.access import access_workspace
from truce.interop import responses, restores, services
from truce.interop.access import access_import_job, access_restore_job, check_kind
from truce.interop.models import ImportJob, RestoreJob
from truce.interop.schemas import ImportJobOut, MappingIn, RestoreJobOut

router = Router(tags=["interop"])
BASE = "/workspaces/{slug}"
FILE_KIND = Literal["requirements", "customers", "feedback"]
_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "file"],
                    "properties": {
                        "kind": {
                            "type": "string",
                            "enum": ["requirements", "customers", "feedback"],
                        },
                        "preset": {"type": "string", "enum": ["", "jira", "zentao", "pingcode"]},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    }
}


def _files(*types: str) -> dict:
    return {"responses": {"200": {"description": "A file", "content": {t: {} for t in types}}}}


def _job_out(job: ImportJob) -> dict:
    return {
        **{f: getattr(job, f) for f in (
            "id", "kind", "preset", "filename", "file_format", "encoding", "delimiter",
            "headers", "mapping", "status", "rows_total", "progress_done", "error_count",
            "errors", "warning_count", "warnings", "created_count", "created_at",
            "finished_at", "interrupted", "can_retry")},
        "message": job.display_message,
        "estimate_unit": job.options.get("estimate_unit", "days"),
    }  # fmt: skip


@router.post(BASE + "/imports", response={201: ImportJobOut, **WRITE_ERRORS}, openapi_extra=_UPLOAD)
def import_create(request, slug: str):
    """Upload a CSV or .xlsx file (multipart: kind, preset, file). The answer carries the
    header row and the guessed column mapping; nothing is imported yet."""
    ctx = access_workspace(request.user, slug, admin=True)
    kind = request.POST.get("kind", "")
    job = services.import_upload(
        ctx=ctx, kind=kind, upload=request.FILES.get("file"), preset=request.POST.get("preset", "")
    )
    return Status(201, _job_out(job))


@router.get(BASE + "/imports/{job_id}", response={200: ImportJobOut, **COMMON_ERRORS})
def import_detail(request, slug: str, job_id: int):
    """Status, progress, and the errors of the last dry run or commit (row, column, message).
    A job whose process was killed is reported failed with ``interrupted`` true."""
    _ctx, job = access_import_job(request.user, slug, job_id)
    jobs.reap_shown([job])
    return _job_out(job)


@router.put(BASE + "/imports/{job_id}/mapping", response={200: ImportJobOut, **WRITE_ERRORS})
def import_mapping(request, slug: str, job_id: int, payload: MappingIn):
    ctx, job = access_import_job(request.user, slug, job_id)
    services.import_configure(
        ctx=ctx, job=job, mapping=payload.mapping, estimate_unit=payload.estimate_unit
    )
    return _job_out(job)


def _start(request, slug: str, job_id: int, commit: bool | None):
    ctx, job = access_import_job(request.user, slug, job_id)
    jobs.reap_shown([job])
    if commit is None:
        job = services.import_retry(ctx=ctx, job=job)
    else:
        job = services.import_start(ctx=ctx, job=job, commit=commit)
    return Status(202 if job.running else 200, _job_out(job))


@router.post(
    BASE + "/imports/{job_id}/dry-run",
    response={200: ImportJobOut, 202: ImportJobOut, **WRITE_ERRORS},
)
def import_dry_run(request, slug: str, job_id: int):
    """Check every row and write nothing. 202 when a worker runs it: poll the job."""
    return _start(request, slug, job_id, commit=False)


@router.post(
    BASE + "/imports/{job_id}/commit",
    response={200: ImportJobOut, 202: ImportJobOut, **WRITE_ERRORS},
)
def import_commit(request, slug: str, job_id: int):
    """Check every row and, if none has an error, write them all in one transaction."""
    return _start(request, slug, job_id, commit=True)


@router.post(
    BASE + "/imports/{job_id}/retry",
    response={200: ImportJobOut, 202: ImportJobOut, **WRITE_ERRORS},
)
def import_retry(request, slug: str, job_id: int):
    """Run a failed import again, as the dry run or commit it was, when it failed without row
    errors (``can_retry``: its process was interrupted, or it crashed). 409 otherwise."""
    return _start(request, slug, job_id, commit=None)


@router.get(
    BASE + "/exports/{data_kind}",
    response=COMMON_ERRORS,
    openapi_extra=_files(
        "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
)
def export(request, slug: str, data_kind: FILE_KIND, format: Literal["csv", "xlsx"] = "xlsx"):
    """The list as CSV (UTF-8 with BOM) or Excel. Filters: the query parameters of the list
    page (requirements: status, owner, tag, side, segment, contested, q, sort; customers:
    segment, churn_risk, q, sort; feedback: status (default new, "any" for all), channel,
    customer, q)."""
    ctx = access_workspace(request.user, slug)
    response = responses.export_response(ctx.workspace, check_kind(data_kind), format, request.GET)
    responses.audit_export(ctx, data_kind, format, request.GET)
    return response


@router.get(BASE + "/backup", response=COMMON_ERRORS, openapi_extra=_files("application/zip"))
def backup(request, slug: str):
    """The whole workspace as a backup archive (admins; audited)."""
    ctx = access_workspace(request.user, slug, admin=True)
    return responses.backup_response(
        ctx.workspace, request.user, ip=request.META.get("REMOTE_ADDR")
    )


_RESTORE_UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["slug", "file"],
                    "properties": {
                        "slug": {"type": "string", "maxLength": 50},
                        "file": {"type": "string", "format": "binary"},
                    },
                }
            }
        },
    }
}


def _restore_out(job: RestoreJob) -> dict:
    return {
        **{f: getattr(job, f) for f in (
            "id", "filename", "size", "slug", "status", "rows_total", "progress_done",
            "errors", "created_at", "finished_at", "interrupted", "can_retry")},
        "message": job.display_message,
        "restored": job.restored.slug if job.restored_id else None,
    }  # fmt: skip


@router.post(
    BASE + "/restores",
    response={201: RestoreJobOut, 202: RestoreJobOut, **WRITE_ERRORS},
    openapi_extra=_RESTORE_UPLOAD,
)
def restore_create(request, slug: str):
    """Restore a backup (multipart: slug, file) as a new workspace next to this one (admins;
    audited). 201 when it was restored at once (a small backup); 202 when the worker restores
    it: poll the job."""
    ctx = access_workspace(request.user, slug, admin=True)
    job = restores.restore_upload(
        ctx=ctx,
        upload=request.FILES.get("file"),
        slug=request.POST.get("slug", ""),
        ip=request.META.get("REMOTE_ADDR"),
    )
    job = restores.restore_start(job)
    return Status(202 if job.running else 201, _restore_out(job))


@router.get(BASE + "/restores/{restore_id}", response={200: RestoreJobOut, **COMMON_ERRORS})
def restore_detail(request, slug: str, restore_id: int):
    """Status and progress of a restore; one whose process was killed is reported failed with
    ``interrupted`` true."""
    _ctx, job = access_restore_job(request.user, slug, restore_id)
    jobs.reap_shown([job])
    return _restore_out(job)


@router.post(
    BASE + "/restores/{restore_id}/retry",
    response={200: RestoreJobOut, 202: RestoreJobOut, **WRITE_ERRORS},
)
def restore_retry(request, slug: str, restore_id: int):
    """Run a failed restore again from its stored file (``can_retry``). 409 otherwise."""
    ctx, job = access_restore_job(request.user, slug, restore_id)
    jobs.reap_shown([job])
    job = restores.restore_retry(ctx=ctx, job=job)
    return Status(202 if job.running else 200, _restore_out(job))
