"""Access-matrix entries of conflicts: see tests/test_access_matrix.py."""

PAGES: dict = {}
OPERATIONS: dict = {}


def world(ctx, base: dict) -> dict:
    """URL kwargs of objects this app's routes point at (``base`` holds the shared ones)."""
    return {}


def valid_body(op: str) -> dict | None:
    """A valid JSON body for ``op`` (so a viewer's 403 is not masked by a 422), or None."""
    return None
