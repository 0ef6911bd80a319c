"""The ``truce`` command: demo, serve, worker, seed, createadmin, nrp, import, export, backup,
restore and Django's own commands."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def _django_setup(**env: str) -> None:
    for key, value in env.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truce.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_demo(args) -> int:
    """Migrate, seed, then run the web server and a worker until Ctrl-C."""
    demo_env = {"TRUCE_DEMO": "1", "TRUCE_MANIFEST_STATIC": "0"}
    os.environ.update({k: os.environ.get(k, v) for k, v in demo_env.items()})
    _django_setup()
    print("Preparing the database (migrations)…", file=sys.stderr)
    _manage("migrate", "--no-input", "--verbosity", "1")
    from truce.seed import DEMO_PASSWORD, seed_demo

    seed_demo()
    _print_demo_banner(args.port, DEMO_PASSWORD)
    return _run_processes(
        [
            [sys.executable, "-m", "truce.cli", "worker"],
            [
                sys.executable,
                "-m",
                "gunicorn",
                "truce.wsgi:application",
                "--bind",
                f"{args.host}:{args.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
        ]
    )


def _print_demo_banner(port: int, password: str) -> None:
    print(
        f"""
  Truce demo is running: http://127.0.0.1:{port}/

  Sign in with any of these (password: {password}):
    alice    产品经理 product      (workspace 星火电商)
    olivia   运营 operations       (workspace 星火电商)
    lena     lead 负责人            (workspace 星火电商)
    victor   viewer 只读            (also product in Northwind Growth, English)
    admin    workspace admin 管理员
    charlie  admin of another workspace (Northwind Growth)

  Emails are printed here instead of being sent. Press Ctrl-C to stop.
""",
        flush=True,
    )


def _run_processes(commands: list[list[str]]) -> int:
    """Start children, stop all of them when one exits or on Ctrl-C / SIGTERM."""
    procs = [subprocess.Popen(cmd) for cmd in commands]

    def stop(*_):
        for p in procs:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    codes = [p.wait(timeout=20) for p in procs]
    return next((c for c in codes if c not in (0, -signal.SIGTERM)), 0)


def cmd_serve(args) -> int:
    """Production web process: gunicorn with the environment's settings."""
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "truce.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("TRUCE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    os.execv(sys.executable, cmd)
    return 0  # not reached


def cmd_worker(args) -> int:
    _django_setup()
    _manage("worker", "--queue-name", args.queue, "--interval", str(args.interval))
    return 0


def cmd_seed(args) -> int:
    _django_setup()
    if args.migrate:
        _manage("migrate", "--no-input", "--verbosity", "0")
    if args.size == "large":
        from truce.seed.large import seed_large

        try:
            seed_large(slug=args.workspace)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    from truce.seed import seed_demo

    seed_demo()
    return 0


def cmd_createadmin(args) -> int:
    import getpass

    _django_setup()
    from truce.accounts.models import User
    from truce.accounts.services import workspace_create

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    if User.objects.filter(username=args.username).exists():
        print(f"error: user {args.username!r} already exists", file=sys.stderr)
        return 2
    user = User(username=args.username, email=args.email or "", is_staff=True)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        print("error: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    user.set_password(password)
    user.save()
    if args.workspace:
        workspace_create(actor=user, name=args.workspace)
    print(
        f"Created {args.username}"
        + (f" and workspace {args.workspace!r}" if args.workspace else "")
    )
    return 0


def cmd_nrp(args) -> int:
    from truce import nrp_cli

    return nrp_cli.run(args)


def cmd_interop(args) -> int:
    """import / export / backup / restore: see truce/interop/cli.py."""
    _django_setup()
    from truce.interop import cli as interop_cli

    return interop_cli.run(args)


def cmd_manage(args) -> int:
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["truce manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="truce", description="Truce: product and operations, planning together."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="migrate, seed demo data, serve on 127.0.0.1 with a worker")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("serve", help="run the web server (gunicorn) with production settings")
    p.add_argument("--bind", default=os.environ.get("TRUCE_BIND", "127.0.0.1:8000"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("TRUCE_WEB_WORKERS", "3")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("TRUCE_WEB_THREADS", "4")))
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("worker", help="run the background task worker")
    p.add_argument("--queue", default="default")
    p.add_argument("--interval", type=float, default=1.0)
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("seed", help="create the demo workspaces and personas")
    p.add_argument("--migrate", action="store_true", help="apply migrations first")
    p.add_argument(
        "--size",
        choices=["demo", "large"],
        default="demo",
        help="large: one workspace with 100k requirements, 300k feedback (benchmarks)",
    )
    p.add_argument("--workspace", default="large", help="slug of the large workspace")
    p.set_defaults(func=cmd_seed)
    p = sub.add_parser("createadmin", help="create a user (and optionally their first workspace)")
    p.add_argument("username")
    p.add_argument("--email", default="")
    p.add_argument("--workspace", default="", help="name of a workspace to create, as its admin")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_createadmin)
    p = sub.add_parser("nrp", help="solve a Next Release Problem instance exactly")
    from truce import nrp_cli

    nrp_cli.add_arguments(p)
    p.set_defaults(func=cmd_nrp)
    from truce.interop import cli as interop_cli

    interop_cli.add_parsers(sub, cmd_interop)
    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
