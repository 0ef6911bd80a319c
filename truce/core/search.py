"""Full-text search over a shadow column of tokens (see core/text.py).

SQLite: an external-content FTS5 table kept in sync by triggers.
PostgreSQL: a GIN index on to_tsvector('simple', search_text).
A Chinese term matches as a jieba word OR as the phrase of its characters, so one- and
two-character queries and words jieba segments differently all still match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from truce.core.text import cjk_chars, is_cjk, query_terms

_SAFE = re.compile(r"[^\w]", re.UNICODE)

# PostgreSQL tables that store their tsvector in a generated column ``search_vector`` (see
# requirements migration 0004); the others index the expression.
STORED_VECTOR = {"requirements_requirement"}


def _pg_vector(table: str, *, qualified: bool = False) -> str:
    prefix = f'"{table}".' if qualified else ""
    if table in STORED_VECTOR:
        return f"{prefix}search_vector"
    return f"to_tsvector('simple', {prefix}search_text)"


def _fts5_term(term: str) -> str:
    word = _SAFE.sub("", term)
    if is_cjk(word):
        phrase = " ".join(cjk_chars(word))
        return f'("{word}" OR "{phrase}")' if len(cjk_chars(word)) > 1 else f'"{word}"'
    return f'"{word}"*'


def _tsquery_term(term: str) -> str:
    word = _SAFE.sub("", term)
    if is_cjk(word):
        chars = cjk_chars(word)
        phrase = " <-> ".join(f"'{c}'" for c in chars)
        return f"('{word}' | ({phrase}))" if len(chars) > 1 else f"'{word}'"
    return f"'{word}':*"


def fts_filter(qs: QuerySet, query: str, *, walk: bool = False) -> QuerySet:
    """Restrict ``qs`` (a model with ``search_text``) to rows matching every query term.

    ``walk`` (PostgreSQL): test each row instead of reading the matches from the index, so a
    page of a common word is read in the wanted order by that order's index and stops after
    a page. PostgreSQL cannot estimate how many rows a phrase of characters matches (687
    expected, 14,123 found for 双十一), so it reads and sorts them all (115 ms at 100k rows)."""
    terms = [t for t in query_terms(query) if _SAFE.sub("", t)]
    if not terms:
        return qs
    table = qs.model._meta.db_table
    if connection.vendor == "postgresql":
        expr = " & ".join(_tsquery_term(t) for t in terms)
        vector = _pg_vector(table, qualified=True)
        if walk:  # an expression the GIN index does not cover, so the planner cannot use it
            vector = f"COALESCE({vector}, ''::tsvector)"
        return qs.filter(RawSQL(f"{vector} @@ to_tsquery('simple', %s)", [expr], BooleanField()))
    expr = " AND ".join(_fts5_term(t) for t in terms)
    matches = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s"
    if _fts5_hits(table, expr) > BROAD_MATCH:
        # "+id" keeps SQLite from driving the query by the match list: it walks the index of
        # the wanted order and looks each row up in the list, so a page of a common word's
        # 28,000 matches reads 50 rows, not 28,000 to sort (326 -> 17 ms at 100k rows).
        probe = RawSQL(f'+"{table}"."id" IN ({matches})', [expr], output_field=BooleanField())
        return qs.filter(probe)
    return qs.filter(pk__in=RawSQL(matches, [expr]))


COUNT_CAP = 2000
"""Searches count their matches up to this many; past it a list says "more than 2,000" and
shows the first 2,000 in the chosen order. Counting every match of a common Chinese word costs
what reading them does (PostgreSQL: 230 ms for the 27,984 rows with 会员 at 100k requirements);
counting to the cap costs about 12 ms on either database."""


@dataclass(frozen=True)
class Found:
    """The rows of a queryset that match a search, and how many (up to ``COUNT_CAP``)."""

    rows: QuerySet
    count: int
    more: bool
    """True when more than ``count`` rows match (counting stopped at the cap)."""


class FoundPaginator(Paginator):
    """Pages of a ``Found``: its count is already known (and capped), so no COUNT runs."""

    def __init__(self, found: Found, per_page: int) -> None:
        super().__init__(found.rows, per_page)
        self.more = found.more
        self._found_count = found.count

    @cached_property
    def count(self) -> int:
        return self._found_count


def fts_found(qs: QuerySet, query: str) -> Found:
    """``fts_filter`` for a list read a page at a time: the count stops at ``COUNT_CAP``, and
    a search matching more than that reads its pages in the list's order (``walk``)."""
    rows = fts_filter(qs, query)
    count = rows.order_by()[: COUNT_CAP + 1].count()
    if count <= COUNT_CAP:
        return Found(rows, count, more=False)
    # Reading every match costs little when the index alone decides (words, prefixes); a
    # phrase of characters is rechecked in each matching row. Only then is walking the order
    # cheaper: it stops after a page, but it tests rows until one is full, which is slow when
    # the matches sit far down the order (an English phrase in 2% of the rows: 267 ms).
    phrase = any(len(cjk_chars(_SAFE.sub("", t))) > 1 for t in query_terms(query))
    return Found(fts_filter(qs, query, walk=phrase), COUNT_CAP, more=True)


# SQLite has no estimate of how many rows a MATCH finds, so it always starts from the
# matches. Past this many (in the whole table, counted in the index alone: a few ms), the
# rows are better read in the wanted order and each looked up in the matches.
BROAD_MATCH = 2000


def _fts5_hits(table: str, expr: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH %s", [expr])
        return cursor.fetchone()[0]


def fts_newest(qs: QuerySet, queries: list[str], limit: int) -> list[int]:
    """Ids of the newest rows of ``qs`` (highest id first) matching any of ``queries``, each
    matched as by ``fts_filter`` (every term), at most ``limit``. On SQLite the index is read
    newest first and stops at ``limit``, so a common word costs no more than a rare one."""
    groups = [[t for t in query_terms(q) if _SAFE.sub("", t)] for q in queries]
    groups = [g for g in groups if g]
    if not groups:
        return []
    table = qs.model._meta.db_table
    scope, scope_params = qs.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        expr = " | ".join("(" + " & ".join(_tsquery_term(t) for t in g) + ")" for g in groups)
        sql = (
            f"SELECT id FROM {table} WHERE {_pg_vector(table)} @@ to_tsquery('simple', %s) "
            f"AND id IN ({scope}) ORDER BY id DESC LIMIT %s"
        )
        params = [expr, *scope_params, limit]
    else:
        # A join (not "rowid IN"): SQLite looks each match up in the scope as it streams.
        expr = " OR ".join("(" + " AND ".join(_fts5_term(t) for t in g) + ")" for g in groups)
        sql = (
            f"SELECT f.rowid FROM {table}_fts f JOIN ({scope}) s ON s.pk = f.rowid "
            f"WHERE f.{table}_fts MATCH %s ORDER BY f.rowid DESC LIMIT %s"
        )
        params = [*scope_params, expr, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # unicode61: runs of letters and digits
_MARKS = re.compile(r"[\u0300-\u036f]")


def _strip_marks(text: str) -> str:
    """What ``remove_diacritics`` does to Latin letters: "café" is "cafe"."""
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFD", text))


def _phrase(term: str) -> str | None:
    """A Chinese term's characters as they stand in a row of the shadow column (empty for a
    single one); None for other terms."""
    if not is_cjk(term):
        return None
    chars = cjk_chars(term)
    return f" {' '.join(chars)} " if len(chars) > 1 else ""


def index_scorer(queries: list[str]) -> Callable[[str], int]:
    """How many of ``queries`` a row whose shadow column is ``search_text`` matches, each as
    ``fts_filter`` would find it: for scoring the few rows the index retrieved without asking
    the database once per query."""
    compiled = []
    for query in queries:
        terms = [w for w in (_strip_marks(_SAFE.sub("", t)) for t in query_terms(query)) if w]
        if terms:
            compiled.append([(t, _phrase(t)) for t in terms])

    def score(search_text: str) -> int:
        found = _TOKEN.findall(_strip_marks(search_text))
        words, stream = set(found), f" {' '.join(found)} "

        def has(term: str, phrase: str | None) -> bool:
            if phrase is None:  # English: a word starting so
                return any(w.startswith(term) for w in words)
            return term in words or (phrase != "" and phrase in stream)

        return sum(all(has(t, p) for t, p in terms) for terms in compiled)

    return score


def _pg_index_sql(table: str) -> str:
    return f"CREATE INDEX {table}_fts_idx ON {table} USING GIN ({_pg_vector(table)})"


def _sqlite_triggers(table: str) -> dict[str, str]:
    fts = f"{table}_fts"
    return {
        f"{fts}_ai": f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN INSERT INTO {fts}"
        "(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"{fts}_ad": f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN INSERT INTO {fts}"
        f"({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
        f"{fts}_au": f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        f" INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    }


def install_fts(schema_editor, table: str) -> None:
    """Migration helper: create the index (and, on SQLite, the FTS table and triggers)."""
    if schema_editor.connection.vendor == "postgresql":
        # the expression, as migrations first built it (a table may later move to a stored
        # vector: STORED_VECTOR)
        schema_editor.execute(
            f"CREATE INDEX {table}_fts_idx ON {table} "
            "USING GIN (to_tsvector('simple', search_text))"
        )
        return
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {table}_fts USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    for sql in _sqlite_triggers(table).values():
        schema_editor.execute(sql)


@contextmanager
def fts_bulk_load(models) -> Iterator[None]:
    """For inserting many rows at once (the large seed), inside a transaction: the index is
    dropped (PostgreSQL) or its insert trigger is (SQLite), and built once at the end, which is
    several times faster than maintaining it row by row. On error the transaction's rollback
    restores both."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {table}_fts_idx")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_ai")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks are "pending trigger events" that forbid CREATE INDEX
            # on the table: run them now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(_pg_index_sql(table))
            else:
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
                cursor.execute(_sqlite_triggers(table)[f"{table}_fts_ai"])


def uninstall_fts(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_fts_idx")
        return
    fts = f"{table}_fts"
    for suffix in ("_ai", "_ad", "_au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


def fts_candidates(qs: QuerySet, terms: list[str], limit: int) -> list[int]:
    """Ids of rows of ``qs`` sharing words with ``terms`` (whole tokens, most informative
    first), best first: bm25() on SQLite, ts_rank() on PostgreSQL. For "more like this".

    Rows matching two of the first six terms come first: far fewer than those matching any one
    of them (ranking 20,000 OR-matches costs 100+ ms), and a likely duplicate shares several
    words anyway. Rows matching any term fill up when that finds too few."""
    words = [w for w in (_SAFE.sub("", t) for t in terms) if w]
    found = _fts_ranked(qs, [(a, b) for a, b in combinations(words[:6], 2)], limit)
    if len(found) < limit // 4:
        more = _fts_ranked(qs, [(w,) for w in words], limit)
        found += [pk for pk in more if pk not in set(found)]
    return found[:limit]


def _fts_ranked(qs: QuerySet, groups: list[tuple[str, ...]], limit: int) -> list[int]:
    """Rows matching every word of any group."""
    if not groups:
        return []
    table = qs.model._meta.db_table
    scope, scope_params = qs.order_by().values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        vector = _pg_vector(table)
        expr = " | ".join("(" + " & ".join(f"'{w}'" for w in g) + ")" for g in groups)
        sql = (
            f"SELECT id FROM {table} WHERE {vector} @@ to_tsquery('simple', %s) "
            f"AND id IN ({scope}) ORDER BY ts_rank({vector}, to_tsquery('simple', %s)) DESC "
            "LIMIT %s"
        )
        params = [expr, *scope_params, expr, limit]
    else:
        # "+rowid": a plain filter after MATCH; a bare rowid IN makes FTS5 probe row by row.
        sql = (
            f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s AND +rowid IN ({scope}) "
            f"ORDER BY bm25({table}_fts) LIMIT %s"
        )
        expr = " OR ".join("(" + " AND ".join(f'"{w}"' for w in g) + ")" for g in groups)
        params = [expr, *scope_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
