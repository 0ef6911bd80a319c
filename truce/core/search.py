"""Full-text search over a shadow column of tokens (see core/text.py).

SQLite: an external-content FTS5 table kept in sync by triggers.
PostgreSQL: a GIN index on to_tsvector('simple', search_text).
A Chinese term matches as a jieba word OR as the phrase of its characters, so one- and
two-character queries and words jieba segments differently all still match.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from truce.core.text import cjk_chars, is_cjk, query_terms

_SAFE = re.compile(r"[^\w]", re.UNICODE)


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


def fts_filter(qs: QuerySet, query: str) -> QuerySet:
    """Restrict ``qs`` (a model with ``search_text``) to rows matching every query term."""
    terms = [t for t in query_terms(query) if _SAFE.sub("", t)]
    if not terms:
        return qs
    table = qs.model._meta.db_table
    if connection.vendor == "postgresql":
        expr = " & ".join(_tsquery_term(t) for t in terms)
        return qs.filter(
            pk__in=RawSQL(
                f"SELECT id FROM {table} WHERE to_tsvector('simple', search_text) @@ "
                "to_tsquery('simple', %s)",
                [expr],
            )
        )
    expr = " AND ".join(_fts5_term(t) for t in terms)
    return qs.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s", [expr])
    )


def install_fts(schema_editor, table: str) -> None:
    """Migration helper: create the index (and, on SQLite, the FTS table and triggers)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {table}_fts_idx ON {table} "
            "USING GIN (to_tsvector('simple', search_text))"
        )
        return
    fts = f"{table}_fts"
    for sql in [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN INSERT INTO {fts}(rowid, "
        "search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN INSERT INTO {fts}({fts}, rowid, "
        "search_text) VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        f" INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    ]:
        schema_editor.execute(sql)


def uninstall_fts(schema_editor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_fts_idx")
        return
    fts = f"{table}_fts"
    for suffix in ("_ai", "_ad", "_au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}{suffix}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")
