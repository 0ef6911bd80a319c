"""Hostile values sent to every API write operation, field by field.

The operations come from the OpenAPI document (each body's fields from the operation's own
schema); the objects they point at and a body that passes validation come from the access-matrix
registries (tests/test_access_matrix.py and each app's
``tests/access_routes.py``). For each field of each body the admin of the persona workspace sends
SQL-ish text, NUL characters, a right-to-left override, text past the field's limit, a 1 MB
string, deeply nested JSON, values of the wrong type, huge and non-finite numbers and impossible
dates, one field at a time, and each answer must be:

* never a 5xx, always the error envelope ``{"error": {"code", "message", "fields"}}`` on 4xx,
  with field messages when the body was invalid (400/422);
* for a refused request, the database exactly as before (every table compared);
* for values that must be refused (NUL, too long, wrong type, NaN, impossible dates …) a 4xx;
* for harmless text that is accepted (SQL-ish words, the RTL mark), the value stored verbatim:
  SQL-ish text in a title is just a title.

Paths and query strings get the same treatment (SQL-ish and NUL in path parameters and in every
list's filters). The same on SQLite and PostgreSQL (run with DATABASE_URL set).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.db import connection

from conftest import client_for
from tests import test_access_matrix as matrix
from tests.test_access_matrix import OPERATIONS, _valid_body
from truce.api.api import api

world = matrix.world  # the access matrix's objects, a fixture here too

SQL_OR = "' OR 1=1 --"
SQL_DROP = "1; DROP TABLE requirements_requirement;--"
RTL = "\u202egnp.exe 报告"  # renders as "报告 exe.png": a classic file-name disguise
NUL = "灰度\x00发布"
MEGABYTE = "x" * (1024 * 1024)
# Tables the requests themselves touch on purpose (sign-in state), or that are not data.
UNTRACKED = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


def nested(depth: int):
    value = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@dataclass(frozen=True)
class Case:
    """One value for one field: ``must_refuse`` says a 4xx is the only right answer,
    ``verbatim`` that an accepted value must be stored exactly as sent. ``raw`` replaces the
    JSON of ``value`` in the body text (for what json.dumps cannot write)."""

    label: str
    value: object
    must_refuse: bool = True
    verbatim: bool = False
    raw: str | None = None


TEXT = [
    Case("sql-or", SQL_OR, must_refuse=False, verbatim=True),
    Case("sql-drop", SQL_DROP, must_refuse=False, verbatim=True),
    Case("rtl-override", RTL, must_refuse=False, verbatim=True),
    Case("nul", NUL),
    Case("megabyte", MEGABYTE),
    Case("nested-json", nested(60)),
    Case("number-for-text", 12345),
    Case("list-for-text", ["a", "b"]),
    Case("object-for-text", {"a": 1}),
]
NUMBERS = [
    Case("huge", 10**30, must_refuse=False),
    Case("huge-negative", -(10**30), must_refuse=False),
    Case("negative", -1, must_refuse=False),
    Case("nan", 0, raw="NaN"),
    Case("infinity", 0, raw="Infinity"),
    Case("minus-infinity", 0, raw="-Infinity"),
    Case("overflowing-float", 0, raw="1e400"),
    Case("text-for-number", SQL_OR),
    Case("nul-for-number", "1\x00"),
    Case("nested-json", nested(60)),
]
DATES = [
    Case("feb-30", "2026-02-30"),
    Case("month-13", "2026-13-01"),
    Case("year-0", "0000-01-01"),
    Case("year-99999", "99999-01-01"),
    Case("words", "yesterday"),
    Case("sql", SQL_OR),
    Case("nul", "2026-01-01\x00"),
    Case("number-for-date", 20260101),
]
CHOICES = [
    Case("sql-or", SQL_OR),
    Case("nul", NUL),
    Case("megabyte", MEGABYTE),
    Case("nested-json", nested(60)),
]
LISTS = [
    Case("huge-items", [10**30]),
    Case("nul-items", [NUL], must_refuse=False),
    Case("sql-items", [SQL_DROP], must_refuse=False),
    Case("nested-json", nested(60)),
    Case("text-for-list", SQL_OR),
]
OBJECTS = [
    Case("nul-key", {"a\x00": 1}, must_refuse=False),
    Case("nested-json", {"k": nested(60)}),
    Case("nan-value", {"k": 0}, raw='{"k": NaN}'),
    Case("text-for-object", SQL_OR),
]
# Whole bodies that are not a JSON object, or not JSON (RFC 8259 also allows UTF-16, as
# Python's json does, so that one is not here).
BODIES = [
    ("not-json", b"{'title': "),
    ("array", b"[]"),
    ("string", b'"x"'),
    ("number", b"12"),
    ("nan", b"NaN"),
    ("deep", b"[" * 100_000 + b"]" * 100_000),
    ("deep-object", b'{"a":' * 5000 + b"1" + b"}" * 5000),
    ("latin-1", '{"title": "café"}'.encode("latin-1")),
    ("invalid-utf-8", b'{"title": "\xff\xfe"}'),
]
PATH_VALUES = [SQL_OR, SQL_DROP, "1 OR 1=1", "\x00", "1\x00", "9" * 40, "-1", RTL]
QUERY_VALUES = [
    SQL_OR,
    SQL_DROP,
    '"',
    "\x00",
    "NEAR(a b)",
    "a* OR b",
    "*",
    "9" * 40,
    "-1",
    "2026-02-30",
    RTL,
    "x" * 5000,
]


# The OpenAPI document ------------------------------------------------------------------------


def _document():
    return api.get_openapi_schema()


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _variants(prop: dict, components: dict) -> list[dict]:
    prop = _resolve(prop, components)
    if "anyOf" in prop:
        return [_resolve(p, components) for p in prop["anyOf"] if p.get("type") != "null"]
    if "allOf" in prop:
        return [_resolve(p, components) for p in prop["allOf"]]
    return [prop]


def field_cases(prop: dict, components: dict) -> list[Case]:
    """The hostile values for one property, chosen by its type in the document."""
    variants = _variants(prop, components)
    types = {v.get("type") for v in variants}
    if any(v.get("format") == "date" for v in variants):
        return DATES
    if any(v.get("format") == "date-time" for v in variants):
        # pydantic reads a number as Unix time for a datetime (documented); harmless
        return [c for c in DATES if c.label != "number-for-date"]
    if any("enum" in v or v.get("format") == "time" for v in variants):
        return CHOICES
    if "string" in types and types & {"number", "integer"}:  # decimals as number or text
        return NUMBERS
    if "string" in types:
        limit = min((v["maxLength"] for v in variants if "maxLength" in v), default=None)
        cases = list(TEXT)
        if limit is not None and limit < len(MEGABYTE):
            cases.append(Case("one-past-limit", "y" * (limit + 1)))
        return cases
    if types & {"number", "integer"}:
        return NUMBERS
    if "array" in types:
        return LISTS
    if "object" in types:
        return OBJECTS
    if "boolean" in types:
        return [Case("text-for-bool", SQL_OR), Case("nested-json", nested(60))]
    return TEXT


def _body_models() -> dict[str, dict]:
    """ "METHOD /api/v1/path" -> the JSON schema of its body, from the operation's own model.
    (Not from the document's components: two schemas of the same name in different apps share
    one entry there, and the document then shows one app's fields for the other's body.)"""
    found = {}
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    if model.__ninja_param_source__ != "body":
                        continue
                    schema = model.model_json_schema()
                    defs = schema.get("$defs", {})
                    (outer,) = schema["properties"].values()
                    for method in operation.methods:
                        found[f"{method} /api/v1{path}"] = (_resolve(outer, defs), defs)
    return found


def write_operations():
    doc = _document()
    bodies = _body_models()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method == "get":
                continue
            key = f"{method.upper()} {path}"
            schema, defs = bodies.get(key, ({}, {}))
            needs_etag = any(p["name"] == "If-Match" for p in op.get("parameters", []))
            tag = (op.get("tags") or ["api"])[0]
            yield key, tag, schema.get("properties", {}), defs, needs_etag


def operations_by_tag() -> dict[str, list]:
    grouped: dict[str, list] = {}
    for item in write_operations():
        grouped.setdefault(item[1], []).append(item)
    return grouped


# The database --------------------------------------------------------------------------------


def snapshot() -> dict[str, list]:
    """Every row of every table (sorted), so "unchanged" means unchanged."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True)} - UNTRACKED
    )
    out = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            out[table] = sorted(repr(row) for row in cursor.fetchall())
    return out


def changed_tables(before: dict, after: dict) -> list[str]:
    return [t for t in before if before[t] != after[t]]


def stored_verbatim(value: str) -> bool:
    """Some text column holds exactly ``value``."""
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)} - UNTRACKED
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for cell in row:
                    if cell == value or (isinstance(cell, str) and _json_holds(cell, value)):
                        return True
    return False


def _json_holds(cell: str, value) -> bool:
    if cell[:1] not in "[{" or not isinstance(value, str):
        return False
    try:
        return _contains(json.loads(cell), value)
    except ValueError:
        return False


def _contains(data, value) -> bool:
    if data == value:
        return True
    if isinstance(data, dict):
        return any(_contains(v, value) for v in data.values())
    if isinstance(data, list):
        return any(_contains(v, value) for v in data)
    return False


# Requests ------------------------------------------------------------------------------------


def body_text(body: dict, name: str, case: Case) -> bytes:
    if case.raw is None:
        return json.dumps({**body, name: case.value}, ensure_ascii=False).encode()
    text = json.dumps({**body, name: "__RAW__"}, ensure_ascii=False)
    return text.replace('"__RAW__"', case.raw).encode()


def current_etag(client, url: str) -> str | None:
    """The ETag of the object ``url`` names: from a GET of it or of a parent, or from the
    ``etag`` of the matching item in a parent's list."""
    parts = url.rstrip("/").split("/")
    last = parts[-1]
    while len(parts) > 3:
        probe = "/".join(parts)
        r = client.get(probe)
        if r.status_code == 200:
            if r.has_header("ETag"):
                return r["ETag"]
            found = _etag_in(r.json(), last)
            if found:
                return found
        parts = parts[:-1]
    return None


def _etag_in(data, key: str) -> str | None:
    items = data.get("items", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return None
    for item in items:
        if isinstance(item, dict) and "etag" in item and str(item.get("id")) == key:
            return item["etag"]
    return None


def check_error(r, problems: list, where: str) -> None:
    """A 4xx must carry the envelope; a 400/422 must say what is wrong."""
    try:
        error = r.json()["error"]
    except (ValueError, KeyError, TypeError):
        problems.append(f"{where}: {r.status_code} without the error envelope: {r.content[:200]!r}")
        return
    if not error.get("message"):
        problems.append(f"{where}: {r.status_code} without a message")
    if r.status_code == 422 and not error.get("fields"):
        problems.append(f"{where}: 422 without field messages")


def unexpected_changes(before: dict, after: dict) -> list[str]:
    """Tables a refused request changed. Failed attempts may be audited on purpose (a wrong
    password when re-authenticating is recorded), so new audit rows marked as failures are
    allowed; nothing else is."""
    changed = []
    for table in changed_tables(before, after):
        if table == "accounts_auditevent":
            added = set(after[table]) - set(before[table])
            removed = set(before[table]) - set(after[table])
            if not removed and all("'failure'" in row for row in added):
                continue
        changed.append(table)
    return changed


# Written but never read back (only a hash or nothing is kept): no verbatim check.
SECRETS = ("password", "secret")


class Prober:
    """Sends requests and checks each answer against the database before and after."""

    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.before = snapshot()
        self.sent = 0

    def etag(self, url: str) -> str | None:
        """The current ETag (reads may create rows, e.g. default settings: not the write's
        doing, so the baseline is taken again afterwards)."""
        found = current_etag(self.client, url)
        self.before = snapshot()
        return found

    def send(self, method: str, url: str, data: bytes, *, where: str, etag=None, case=None):
        headers = {"HTTP_IF_MATCH": etag} if etag else {}
        r = self.client.generic(method, url, data=data, content_type="application/json", **headers)
        self.sent += 1
        after = snapshot()
        if r.status_code >= 500:
            self.problems.append(f"{where}: {r.status_code}")
        elif r.status_code >= 400:
            check_error(r, self.problems, where)
            if changed := unexpected_changes(self.before, after):
                self.problems.append(f"{where}: refused with {r.status_code} but changed {changed}")
        if case is not None and r.status_code < 400:
            if case.must_refuse:
                self.problems.append(f"{where}: accepted with {r.status_code}")
            elif (
                case.verbatim
                and not any(word in where for word in SECRETS)
                and not (_contains(_json_or_none(r), case.value) or stored_verbatim(case.value))
            ):
                self.problems.append(f"{where}: accepted but not stored verbatim")
        self.before = after
        return r


def _json_or_none(r):
    try:
        return r.json()
    except ValueError:
        return None


# Tests ---------------------------------------------------------------------------------------

GROUPS = operations_by_tag()


@pytest.mark.django_db
@pytest.mark.parametrize("tag", sorted(GROUPS))
def test_hostile_fields_never_break_a_write(tag, world, personas):
    client = client_for(personas["admin"])
    prober = Prober(client)
    for key, _tag, properties, components, needs_etag in GROUPS[tag]:
        method, path = key.split(" ", 1)
        url = path.format(**world)
        body = _valid_body(key) if properties else {}
        for name, prop in properties.items():
            for case in field_cases(prop, components):
                etag = prober.etag(url) if needs_etag else None
                prober.send(
                    method,
                    url,
                    body_text(body, name, case),
                    where=f"{key} {name}={case.label}",
                    etag=etag,
                    case=case,
                )
        if properties:
            for label, raw in BODIES:
                etag = prober.etag(url) if needs_etag else None
                r = prober.send(method, url, raw, where=f"{key} body={label}", etag=etag)
                if r.status_code < 400:
                    prober.problems.append(f"{key} body={label}: accepted with {r.status_code}")
    assert not prober.problems, "\n".join(prober.problems)


def operations_with_tags() -> dict[str, list[tuple[str, dict]]]:
    """Every operation, reads included, by tag: "METHOD /path" and its document entry."""
    grouped: dict[str, list] = {}
    for path, ops in _document()["paths"].items():
        for method, op in ops.items():
            tag = (op.get("tags") or ["api"])[0]
            grouped.setdefault(tag, []).append((f"{method.upper()} {path}", op))
    return grouped


ALL = operations_with_tags()


@pytest.mark.django_db
@pytest.mark.parametrize("tag", sorted(ALL))
def test_hostile_path_parameters(tag, world, personas):
    """SQL-ish text and NUL in place of ids and slugs: 404 or 422, nothing written or deleted."""
    client = client_for(personas["admin"])
    prober = Prober(client)
    for key, _op in ALL[tag]:
        method, path = key.split(" ", 1)
        names = [p.split("}")[0] for p in path.split("{")[1:]]
        for name in names:
            for value in PATH_VALUES:
                url = path.format(**{**world, name: quote(value, safe="")})
                data = json.dumps(_valid_body(key)).encode() if method != "GET" else b""
                where = f"{key} {name}={value[:20]!r}"
                r = prober.send(method, url, data, where=where, etag='"1-1"')
                if r.status_code < 400:
                    prober.problems.append(f"{where}: {r.status_code}")
    assert not prober.problems, "\n".join(prober.problems)


@pytest.mark.django_db
@pytest.mark.parametrize("tag", sorted(t for t, ops in ALL.items() if any(
    p["in"] == "query" for _k, op in ops for p in op.get("parameters", [])
)))  # fmt: skip
def test_hostile_query_strings(tag, world, personas):
    """Every list filter with SQL-ish, full-text-search syntax, NUL and absurd values."""
    client = client_for(personas["admin"])
    prober = Prober(client)
    for key, op in ALL[tag]:
        path = key.split(" ", 1)[1]
        url = path.format(**world)
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            for value in QUERY_VALUES:
                query = urlencode({param["name"]: value})
                where = f"GET {path}?{param['name']}={value[:20]!r}"
                prober.send("GET", f"{url}?{query}", b"", where=where)
    assert not prober.problems, "\n".join(prober.problems)


def test_every_operation_is_probed():
    """The probes above only mean something if they reach the operations the matrix knows."""
    probed = {key for key, *_ in write_operations()}
    writes = {op for op in OPERATIONS if not op.startswith("GET ")}
    assert probed == writes
    assert len(probed) > 100
    assert {key for ops in ALL.values() for key, _ in ops} == set(OPERATIONS)
