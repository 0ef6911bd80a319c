"""File responses shared by the pages and the API: exports, templates, backups."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, StreamingHttpResponse

from truce.interop import exports, services
from truce.interop.archive import backup_workspace


def export_response(workspace, kind: str, file_format: str, query):
    """The filtered list as CSV (streamed) or .xlsx; ``query`` holds the list page's filters."""
    header, rows = exports.ROWS[kind](workspace, query)
    name = exports.filename(workspace, kind, file_format)
    if file_format == "xlsx":
        out = exports.xlsx_file(header, rows, title=kind)
        return FileResponse(out, as_attachment=True, filename=name, content_type=exports.XLSX_TYPE)
    response = StreamingHttpResponse(
        exports.csv_stream(header, rows), content_type=exports.CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def audit_export(ctx, kind: str, file_format: str, query) -> None:
    """Record who exported which list with which filters (the workspace's audit log)."""
    from truce.accounts.models import AuditAction
    from truce.accounts.services import audit

    filters = {
        key: query.get(key, "")[:100]
        for key in sorted(query)[:20]
        if key not in ("format", "page") and query.get(key)
    }
    audit(
        action=AuditAction.EXPORTED, actor=ctx.membership.user, workspace=ctx.workspace,
        target=kind, format=file_format, filters=filters,
    )  # fmt: skip


def template_response(kind: str, file_format: str, preset: str = ""):
    """A blank file with the columns an import of ``kind`` recognises."""
    header = services.template_columns(kind, preset)
    name = f"truce-{preset or kind}-template.{file_format}"
    if file_format == "xlsx":
        out = exports.xlsx_file(header, [], title=kind)
        return FileResponse(out, as_attachment=True, filename=name, content_type=exports.XLSX_TYPE)
    response = StreamingHttpResponse(exports.csv_stream(header, []), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def backup_response(workspace, actor, ip=None):
    out = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 (the response closes it)
    manifest = backup_workspace(workspace=workspace, target=out, actor=actor, ip=ip)
    out.seek(0)
    stamp = manifest["created_at"][:10].replace("-", "")
    name = f"truce-backup-{workspace.slug}-{stamp}.zip"
    return FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
