"""Access-matrix entries of interop: see tests/test_access_matrix.py."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PAGES: dict = {
    "interop:home": ("admin", "get"),
    "interop:import_upload": ("admin", "post"),
    "interop:import_job": ("admin", "get"),
    "interop:import_run": ("admin", "post"),
    "interop:import_status": ("admin", "get"),
    "interop:import_retry": ("admin", "post"),
    "interop:template": ("read", "get"),
    "interop:backup": ("admin", "post"),
    "interop:restore": ("admin", "post"),
    "interop:restore_job": ("admin", "get"),
    "interop:restore_retry": ("admin", "post"),
    "interop:export": ("read", "get"),
}
OPERATIONS: dict = {
    "POST /api/v1/workspaces/{slug}/imports": "admin",
    "GET /api/v1/workspaces/{slug}/imports/{job_id}": "admin",
    "PUT /api/v1/workspaces/{slug}/imports/{job_id}/mapping": "admin",
    "POST /api/v1/workspaces/{slug}/imports/{job_id}/dry-run": "admin",
    "POST /api/v1/workspaces/{slug}/imports/{job_id}/commit": "admin",
    "POST /api/v1/workspaces/{slug}/imports/{job_id}/retry": "admin",
    "GET /api/v1/workspaces/{slug}/exports/{data_kind}": "read",
    "GET /api/v1/workspaces/{slug}/backup": "admin",
    "POST /api/v1/workspaces/{slug}/restores": "admin",
    "GET /api/v1/workspaces/{slug}/restores/{restore_id}": "admin",
    "POST /api/v1/workspaces/{slug}/restores/{restore_id}/retry": "admin",
}


def world(ctx, base: dict) -> dict:
    """An uploaded (not yet imported) requirements file, a restore job, and the kinds and
    formats of files."""
    from truce.interop.models import RestoreJob
    from truce.interop.services import import_upload

    upload = SimpleUploadedFile("pool.csv", "标题,状态\n灰度发布,进行中\n".encode())
    job = import_upload(ctx=ctx, kind="requirements", upload=upload)
    restore = RestoreJob.objects.create(
        workspace=ctx.workspace, filename="b.zip", slug="copy", status=RestoreJob.State.FAILED
    )
    return {
        "job_id": job.pk,
        "restore_id": restore.pk,
        "data_kind": "requirements",
        "file_format": "csv",
    }


def valid_body(op: str) -> dict | None:
    if op.endswith("/mapping"):
        return {"mapping": {"0": "title", "1": "status"}}
    return None
