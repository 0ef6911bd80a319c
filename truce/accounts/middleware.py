"""Session lifetime and caching of signed-in pages (OWASP ASVS V3.3 and V8.2).

A browser session ends after ``SESSION_IDLE_SECONDS`` without a request and, whatever the
activity, ``SESSION_MAX_AGE_SECONDS`` after signing in; the server-side session is flushed
and the next page asks to sign in again (the audit log records why). Responses to a signed-in
user that set no caching policy of their own get ``Cache-Control: private, no-store``, so
shared caches and the browser's disk never keep workspace data.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from truce.accounts import client, sessions
from truce.accounts.signals import SEEN_AT, SIGNED_IN_AT

# The last-seen time is written at most this often, so most requests save no session.
TOUCH_EVERY = 60

EXPIRED = {
    "idle": _("You were signed out after a period of inactivity. Please sign in again."),
    "max_age": _("Your session reached its maximum length. Please sign in again."),
}


def session_expiry(session, now: int) -> str:
    """Why the session is over ("idle" or "max_age"), or "" while it is valid."""
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return ""
    if now - signed_in > settings.SESSION_MAX_AGE_SECONDS:
        return "max_age"
    if now - seen > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client.serving(request)
        try:
            return self._handle(request)
        finally:
            client.done(token)

    def _handle(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            reason = session_expiry(session, now)
            if reason:
                request.truce_session_expired = reason
                logout(request)
                messages.info(request, EXPIRED[reason], fail_silently=True)
            elif not isinstance(session.get(SIGNED_IN_AT), int):
                # a session from before these timeouts: its clock starts now
                session[SIGNED_IN_AT] = session[SEEN_AT] = now
            elif now - session[SEEN_AT] >= TOUCH_EVERY:
                session[SEEN_AT] = now
                sessions.touch(request, timezone.now())
        response = self.get_response(request)
        sessions.follow_key(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
