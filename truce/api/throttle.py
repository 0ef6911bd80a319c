"""API rate limits: ``TRUCE_API_RATE`` per signed-in user (session or token alike), and the
lower ``TRUCE_API_RATE_ANON`` per client address for requests that do not authenticate (wrong
or revoked tokens, no credentials), so guessing tokens is as slow as guessing passwords.

Counting uses fixed windows in the "throttle" cache: one atomic increment per request, and
the answer past the limit is 429 with ``Retry-After`` (seconds to the end of the window). A
window allows at most the rate; a burst across a window boundary can reach twice the rate for
a moment, which is fine for a guard against runaway scripts and guessing.

The count is only as shared as the cache: with ``TRUCE_REDIS_URL`` all web processes share it;
otherwise each process counts on its own (per-process memory), so with N gunicorn workers a
client may get up to N times the rate. Set TRUCE_REDIS_URL when the limit must be exact.
"""

from __future__ import annotations

import threading
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import caches
from ninja.throttling import BaseThrottle

from truce.env import parse_rate

CACHE = "throttle"
_last_wait = threading.local()


def hit(scope: str, ident: str, rate: str | None) -> float | None:
    """Count one request of ``ident``; None while within ``rate``, else the seconds to wait."""
    parsed = parse_rate(rate or "off")
    if parsed is None:
        return None
    allowed, period = parsed
    now = time.time()
    window = int(now // period)
    key = f"{scope}:{ident}:{period}:{window}"
    cache = caches[CACHE]
    if cache.add(key, 1, timeout=period + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
    if count <= allowed:
        return None
    return (window + 1) * period - now


def client_address(request) -> str:
    """The client's address as sign-in throttling sees it (proxy settings included)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "unknown"


def anonymous_wait(request) -> float | None:
    """Count a request that did not authenticate against its address's limit."""
    return hit("anon", client_address(request), settings.TRUCE_API_RATE_ANON)


class UserRate(BaseThrottle):
    """Every authenticated operation counts against its user's ``TRUCE_API_RATE``. (ninja runs
    throttles after authentication, so ``request.user`` is the token's or session's user.)"""

    def allow_request(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            ident = "ip:" + client_address(request)
        else:
            ident = f"user:{user.pk}"
        _last_wait.value = hit("api", ident, settings.TRUCE_API_RATE)
        return _last_wait.value is None

    def wait(self) -> float | None:
        return getattr(_last_wait, "value", None)
