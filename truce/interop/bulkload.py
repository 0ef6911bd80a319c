"""Writing many rows fast, with ids known in advance so rows can point at each other.

Ids come from the table's own sequence on PostgreSQL (``nextval`` in one query, safe beside
concurrent writers) and from past the table's high-water mark on SQLite (writers are
serialised by the IMMEDIATE transaction the import runs in). Rows are inserted with
``fast_insert`` of the large seed (COPY on PostgreSQL, executemany on SQLite), which keeps
the timestamps it is given: a restore keeps every row's created/updated time.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager, nullcontext

from django.db import connection
from django.db.models import Max

from truce.core.search import fts_bulk_load
from truce.seed.large import fast_insert

BATCH = 5000
# Above this many rows the full-text index is rebuilt once instead of row by row. Below it,
# rebuilding the whole table's index would cost more than it saves.
FTS_BULK_ROWS = 20_000


def allocate_ids(model, count: int) -> list[int]:
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    top = max(row[0] if row else 0, model._base_manager.aggregate(m=Max("pk"))["m"] or 0)
    return list(range(top + 1, top + 1 + count))


def insert(model, rows: Iterable[dict], *, batch: int = BATCH, advance=None) -> int:
    """Insert ``{attname: value}`` rows in batches; returns how many."""
    done, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == batch:
            fast_insert(model, chunk)
            done += len(chunk)
            chunk = []
            if advance:
                advance(batch)
    if chunk:
        fast_insert(model, chunk)
        done += len(chunk)
        if advance:
            advance(len(chunk))
    return done


def has_fts(model) -> bool:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [f"{table}_fts_idx"])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [f"{table}_fts"])
        return cursor.fetchone() is not None


@contextmanager
def search_index_deferred(models: list, rows: int):
    """Inside a transaction: for a big load, rebuild the full-text indexes once at the end."""
    indexed = [m for m in models if has_fts(m)] if rows > FTS_BULK_ROWS else []
    with fts_bulk_load(indexed) if indexed else nullcontext():
        yield


def update_column(model, column: str, pairs: list[tuple[int, object]]) -> None:
    """``UPDATE table SET column = value WHERE id = pk`` for many (pk, value) pairs."""
    if not pairs:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH):
            chunk = pairs[start : start + BATCH]
            cursor.executemany(
                f"UPDATE {table} SET {col} = %s WHERE id = %s", [(v, pk) for pk, v in chunk]
            )
