"""Typed environment readers that fail loudly on bad values.

Used by settings.py only; kept free of Django imports so settings can load it first.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    """A environment variable holds a value the settings cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise EnvError(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).expanduser().resolve() if raw else default


DEFAULT_CONN_MAX_AGE = 600  # seconds a web thread keeps its database connection


def parse_database_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name?sslmode=require`` into a DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise EnvError(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported; use postgres://"
            " (leave DATABASE_URL unset for the embedded SQLite database)"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise EnvError("DATABASE_URL has no database name (postgres://user@host:5432/NAME)")
    options = dict(parse_qsl(parts.query))
    # Persistent by default: a new PostgreSQL connection per request costs a backend start
    # and cold catalog caches on every page. ``?conn_max_age=0`` closes after each request.
    conn_max_age = int(options.pop("conn_max_age", str(DEFAULT_CONN_MAX_AGE)))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": conn_max_age > 0,
        "OPTIONS": options,
    }


_RATE_PERIODS = {
    "s": 1, "sec": 1, "second": 1,
    "m": 60, "min": 60, "minute": 60,
    "h": 3600, "hour": 3600,
    "d": 86400, "day": 86400,
}  # fmt: skip


def parse_rate(text: str) -> tuple[int, int] | None:
    """ "600/min" -> (600 requests, 60 seconds); "off" -> None (no limit). ValueError otherwise."""
    value = text.strip().lower()
    if value in ("off", "none", "0"):
        return None
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in _RATE_PERIODS:
        raise ValueError(text)
    return int(count), _RATE_PERIODS[period]


def env_rate(name: str, default: str) -> str:
    """A request rate such as "600/min" (per s, min, hour or day), or "off"."""
    raw = os.environ.get(name, default)
    try:
        parse_rate(raw)
    except ValueError:
        raise EnvError(
            f'{name}={raw!r} is not a rate: write requests per period, e.g. "600/min" '
            '(periods: s, min, hour, day), or "off"'
        ) from None
    return raw
