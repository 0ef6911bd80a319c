"""The indexes the health dashboard's window counts read alone, as each database stores them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from truce.core.dbstats import refresh_sqlite_statistics

pytestmark = pytest.mark.django_db


def _index_sql(name: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        row = cursor.fetchone()
    assert row, f"index {name} is missing"
    return row[0]


@pytest.mark.parametrize(
    ("name", "columns"),
    [
        ("change_ws_kind_time_idx", ["workspace_id", "subject_type", "verb", "created_at"]),
        ("comment_ws_time_idx", ["workspace_id", "created_at"]),
    ],
)
def test_window_indexes_carry_the_id(name, columns):
    """PostgreSQL needs the id INCLUDEd to answer "newest id" and "added since" from the index;
    SQLite's index entries end with the rowid already (and it has no INCLUDE)."""
    sql = _index_sql(name)
    assert all(column in sql for column in columns)
    assert ("INCLUDE (id)" in sql) == (connection.vendor == "postgresql")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own statistics table")
def test_statistics_are_gathered_again_only_where_they_exist(alice):
    editor = SimpleNamespace(connection=connection)
    refresh = refresh_sqlite_statistics("accounts_user")  # a table with a row (alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        had = cursor.fetchone() is not None
        refresh(None, editor)  # no statistics yet: nothing is created
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert (cursor.fetchone() is not None) == had
        cursor.execute("ANALYZE core_changerecord")
        refresh(None, editor)
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'accounts_user'")
        assert cursor.fetchone()[0] > 0
