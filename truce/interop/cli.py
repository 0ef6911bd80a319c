"""``truce import``, ``truce export``, ``truce backup`` and ``truce restore``.

Importable before Django is set up (``add_parsers`` only builds argparse); ``run`` is called
after setup. Exit codes: 0 done, 1 rows with errors (nothing imported), 2 bad arguments.
"""

from __future__ import annotations

import sys


def add_parsers(sub, func) -> None:
    p = sub.add_parser("import", help="import requirements, customers or feedback (CSV/xlsx)")
    p.add_argument("file")
    p.add_argument("--workspace", required=True, help="slug of the workspace")
    p.add_argument("--kind", choices=["requirements", "customers", "feedback"], required=True)
    p.add_argument("--preset", choices=["jira", "zentao", "pingcode"], default="")
    p.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    p.add_argument("--user", default="", help="who imports (an admin; default: the first admin)")
    p.set_defaults(func=func, interop="import")
    p = sub.add_parser("export", help="export a list to Excel or CSV")
    p.add_argument("--workspace", required=True)
    p.add_argument("--kind", choices=["requirements", "customers", "feedback"], required=True)
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument(
        "--filter", default="", help='list filters as a query string: "status=accepted&tag=618"'
    )
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=func, interop="export")
    p = sub.add_parser("backup", help="write a whole-workspace backup archive")
    p.add_argument("--workspace", required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=func, interop="backup")
    p = sub.add_parser("restore", help="restore a backup archive as a new workspace")
    p.add_argument("file")
    p.add_argument("--as", dest="slug", default="", help="slug of the new workspace")
    p.set_defaults(func=func, interop="restore")


def run(args) -> int:
    from truce.core.errors import TruceError

    try:
        return {"import": _import, "export": _export, "backup": _backup, "restore": _restore}[
            args.interop
        ](args)
    except TruceError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        print(f"error: {exc.message}" + (f" ({details})" if details else ""), file=sys.stderr)
        return 2


def _workspace(slug: str):
    from truce.accounts.models import Workspace
    from truce.core.errors import NotFound

    found = Workspace.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound(f"no workspace {slug!r}")
    return found


def _admin_ctx(workspace, username: str):
    from truce.accounts.models import Membership, Role
    from truce.core.access import WorkspaceAccess
    from truce.core.errors import NotFound

    admins = Membership.objects.filter(workspace=workspace, role=Role.ADMIN).select_related("user")
    membership = (
        admins.filter(user__username=username) if username else admins.order_by("pk")
    ).first()
    if membership is None:
        raise NotFound(f"no admin {username!r} in {workspace.slug!r}" if username else "no admin")
    return WorkspaceAccess(workspace=workspace, membership=membership)


def _import(args) -> int:
    from pathlib import Path

    from django.core.files import File

    from truce.core.progress import Progress
    from truce.interop import services

    ctx = _admin_ctx(_workspace(args.workspace), args.user)
    path = Path(args.file)
    with path.open("rb") as raw:
        job = services.import_upload(
            ctx=ctx, kind=args.kind, upload=File(raw, name=path.name), preset=args.preset
        )
    columns = ", ".join(
        f"{job.headers[int(i)]}→{t}"
        for i, t in sorted(job.mapping.items(), key=lambda kv: int(kv[0]))
    )
    print(f"{job.filename}: {job.rows_total} rows; columns {columns}", file=sys.stderr)
    with Progress("Checking" if args.dry_run else "Importing", job.rows_total) as bar:
        job = services.import_run(job=job, commit=not args.dry_run, advance=bar.advance)
        bar.advance(job.rows_total)
    for issue in job.errors[:50]:
        print(f"row {issue['row']}, {issue['column']}: {issue['message']}", file=sys.stderr)
    if job.error_count:
        print(f"{job.error_count} errors; nothing was imported.", file=sys.stderr)
        return 1
    done = "checked, nothing written" if args.dry_run else f"{job.created_count} imported"
    print(f"{done} ({job.warning_count} warnings; {job.timings})")
    return 0


def _export(args) -> int:
    from django.http import QueryDict

    from truce.core.progress import Progress
    from truce.interop import exports

    workspace = _workspace(args.workspace)
    query = QueryDict(args.filter or ("status=any" if args.kind == "feedback" else ""))
    header, rows = exports.ROWS[args.kind](workspace, query)
    with Progress(f"Exporting {args.kind}", exports.count(workspace, args.kind, query)) as bar:
        counted = _counting(rows, bar)
        if args.format == "xlsx":
            out = exports.xlsx_file(header, counted, title=args.kind)
            with open(args.output, "wb") as target:
                target.write(out.read())
        else:
            with open(args.output, "wb") as target:
                for chunk in exports.csv_stream(header, counted):
                    target.write(chunk)
    return 0


def _counting(rows, bar):
    for row in rows:
        bar.advance()
        yield row


def _backup(args) -> int:
    from truce.interop.archive import backup_workspace

    with open(args.output, "wb") as target:
        manifest = backup_workspace(workspace=_workspace(args.workspace), target=target)
    print(f"{args.output}: {sum(m['count'] for m in manifest['models'])} rows")
    return 0


def _restore(args) -> int:
    from truce.interop.archive import restore_workspace

    workspace = restore_workspace(args.file, slug=args.slug)
    print(f"restored as {workspace.slug!r}")
    return 0
