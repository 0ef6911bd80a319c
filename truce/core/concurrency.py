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


def refuse_stale(obj, expected_version: int | None) -> None:
    """Refuse a stale version before any rule about the object's state is checked, so a client
    that missed someone's change is told to reload (412 with the current row) instead of
    hearing about a state it has not seen. The write itself stays conditional on the version
    (``Versioned.save_versioned``), which also covers a change made after this check."""
    if expected_version is not None and obj.version != expected_version:
        raise PreconditionFailed(current=obj)
