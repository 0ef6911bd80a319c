"""JSON and query parsing that refuses what no legitimate request holds, before any schema sees it.

* NUL characters: PostgreSQL cannot store them in text.
* NaN, Infinity and numbers that overflow to infinity (``1e400``): Python's ``json`` accepts
  them, the JSON standard does not, and a float field would pass them to the database.
* Integers beyond 64 bits: no column can hold them (SQLite and PostgreSQL fail with a server
  error instead of a validation error).

Each such value is replaced by a marker (``NulText``, ``NotFinite``, ``TooLarge``) that fails
schema validation like any wrong value, so the client gets the usual 422 naming the field with
a message saying why (see ``TruceAPI.validation_error_from_error_contexts``). A body that is
not a JSON object (an array, a bare string or number), or not JSON at all, is refused whole:
every operation's body is an object, and ninja's schemas would otherwise read attributes off
whatever came (a bare ``"x"`` became a requirement titled ``"X"``, from ``str.title``).
"""

from __future__ import annotations

import json
import math

from ninja.parser import Parser

# The largest integer a 64-bit signed column holds (SQLite INTEGER, PostgreSQL bigint).
INT_LIMIT = 2**63 - 1


class Marker:
    """Stands in for a value no schema field accepts; ``kind`` names the error type."""

    kind = "value_error"

    def __repr__(self) -> str:
        return f"<{self.kind}>"


class NulText(Marker):
    """A string that contained NUL."""

    kind = "string_nul"


class NotFinite(Marker):
    """NaN, Infinity, -Infinity, or a float literal too large to represent."""

    kind = "number_not_finite"


class TooLarge(Marker):
    """An integer literal beyond 64 bits."""

    kind = "number_too_large"


class BodyNotObject(ValueError):
    """The body parsed, but is not a JSON object."""


def _constant(name: str):
    return NotFinite()


def _float(text: str):
    value = float(text)
    return value if math.isfinite(value) else NotFinite()


def _int(text: str):
    value = int(text)
    return value if -INT_LIMIT <= value <= INT_LIMIT else TooLarge()


def scrub(value):
    if isinstance(value, str):
        return NulText() if "\x00" in value else value
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not (isinstance(k, str) and "\x00" in k)}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def loads(body: bytes):
    """JSON with the markers above in place of values no column can take."""
    return scrub(json.loads(body, parse_constant=_constant, parse_float=_float, parse_int=_int))


class NulSafeParser(Parser):
    def parse_body(self, request):
        data = loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotObject()
        return data

    def parse_querydict(self, data, list_fields, request):
        return scrub(super().parse_querydict(data, list_fields, request))
