"""JSON and query parsing that refuses NUL characters: PostgreSQL cannot store them in text,
and no legitimate input contains them.

A string holding NUL is replaced by a ``NulText`` marker, which fails schema validation like any
wrong value, so the client gets the usual 422 naming the field ("null characters are not
allowed") instead of a server error from the database.
"""

from __future__ import annotations

from ninja.parser import Parser


class NulText:
    """Stands in for a string that contained NUL; no schema field accepts it."""

    def __repr__(self) -> str:
        return "<text with NUL>"


def scrub(value):
    if isinstance(value, str):
        return NulText() if "\x00" in value else value
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not (isinstance(k, str) and "\x00" in k)}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


class NulSafeParser(Parser):
    def parse_body(self, request):
        return scrub(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request):
        return scrub(super().parse_querydict(data, list_fields, request))
