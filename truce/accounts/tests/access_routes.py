"""Access-matrix entries of accounts routes added after tests/test_access_matrix.py's own
table (see that file): the personal security log and the audit log API."""

PAGES: dict = {
    "accounts:security": ("user", "get"),
    "accounts:sign_out_elsewhere": ("user", "post"),
    "accounts:session_revoke": ("user", "post"),
    "accounts:login_code": ("public", "get"),
    "accounts:two_factor": ("user", "get"),
    "accounts:password_strength": ("public", "post"),
    "accounts:close": ("user", "get"),
}

OPERATIONS: dict = {
    "GET /api/v1/workspaces/{slug}/audit-events": "admin",
    "GET /api/v1/me/security-events": "user",
    "POST /api/v1/me/sign-out-elsewhere": "user",
    "GET /api/v1/me/sessions": "user",
    "DELETE /api/v1/me/sessions/{session_id}": "user",
    "GET /api/v1/me/two-factor": "user",
    "POST /api/v1/me/two-factor/off": "user",
    "POST /api/v1/me/close": "user",
}


def world(ctx, base: dict) -> dict:
    """A live session of alice's (charlie, an outsider, must get 404 for it)."""
    from django.contrib.sessions.backends.db import SessionStore

    from truce.accounts.models import BrowserSession, User
    from truce.accounts.sessions import access_session

    store = SessionStore()
    store.create()
    alice = User.objects.get(username="alice")
    row = BrowserSession.objects.create(user=alice, session_key=store.session_key)
    assert access_session(alice, row.pk) == row  # live: only ownership can refuse it
    return {"session_id": row.pk}


def valid_body(op: str) -> dict | None:
    if op == "POST /api/v1/me/two-factor/off":
        return {"password": "x", "code": "123456"}
    if op == "POST /api/v1/me/close":
        return {"password": "x"}
    return None
