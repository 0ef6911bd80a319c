"""Access-matrix entries of accounts routes added after tests/test_access_matrix.py's own
table (see that file): the personal security log and the audit log API."""

PAGES: dict = {
    "accounts:security": ("user", "get"),
    "accounts:sign_out_elsewhere": ("user", "post"),
    "accounts:password_strength": ("public", "post"),
}

OPERATIONS: dict = {
    "GET /api/v1/workspaces/{slug}/audit-events": "admin",
    "GET /api/v1/me/security-events": "user",
    "POST /api/v1/me/sign-out-elsewhere": "user",
}


def world(ctx, base: dict) -> dict:
    return {}


def valid_body(op: str) -> dict | None:
    return None
