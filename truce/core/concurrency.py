"""ETag / If-Match parsing shared by the API and the htmx pages."""

from __future__ import annotations

import re

from truce.core.errors import PreconditionFailed, PreconditionRequired

_ETAG = re.compile(r'^(?:W/)?"(?P<pk>[^"-]+)-(?P<version>\d+)"$')


def version_from_if_match(header: str | None, *, pk) -> int:
    """Return the version the client last read, or raise 428 (missing) / 412 (malformed)."""
    if not header:
        raise PreconditionRequired()
    match = _ETAG.match(header.strip())
    if not match or match["pk"] != str(pk):
        raise PreconditionFailed()
    return int(match["version"])


def version_from_form(value: str | None) -> int:
    """Pages carry the version in a hidden field; a missing one is a client bug, not a 500."""
    try:
        return int(value or "")
    except ValueError:
        raise PreconditionRequired() from None
