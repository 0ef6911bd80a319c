"""Who is at the other end of a request: the client's IP address and user agent.

Behind a reverse proxy (``TRUCE_BEHIND_PROXY=1``) ``REMOTE_ADDR`` is the proxy's address, so
the client's is read from ``X-Forwarded-For``: the ``TRUCE_PROXY_COUNT``-th address from the
right, the one the outermost trusted proxy saw (addresses further left are whatever the
client sent and are never trusted). Sign-in throttling (django-axes, through
``AXES_CLIENT_IP_CALLABLE``) and the audit log both use this; the audit log finds the request
being served through a context variable, so services need not pass it along.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_current: ContextVar = ContextVar("truce_current_request", default=None)


def current_request():
    """The request this thread is serving (set by SessionPolicyMiddleware), else None."""
    return _current.get()


def serving(request):
    """Make ``request`` the current one; returns the token to undo it with ``done``."""
    return _current.set(request)


def done(token) -> None:
    _current.reset(token)


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    meta = getattr(request, "META", {}) or {}
    remote = _valid(meta.get("REMOTE_ADDR") or "")
    proxies = getattr(settings, "TRUCE_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote


def client_user_agent(request) -> str:
    meta = getattr(request, "META", {}) or {}
    return str(meta.get("HTTP_USER_AGENT") or "")[:300]
