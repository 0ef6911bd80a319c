"""Indexes the list sorts rely on, as each database stores them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from truce.core.access import access_workspace
from truce.requirements import services
from truce.requirements.models import Requirement
from truce.requirements.selectors import RequirementFilter, filter_requirements, workspace_pulse


def _index_sql(name: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        row = cursor.fetchone()
    assert row, f"index {name} is missing"
    return row[0]


@pytest.mark.django_db
def test_contested_priority_index_puts_nulls_last_like_the_sort():
    """PostgreSQL can walk the index for `priority DESC NULLS LAST` only when the index says
    so; SQLite puts NULLs last when descending anyway and refuses the clause in an index."""
    sql = _index_sql("requirement_contested_prio").upper()
    assert "PRIORITY" in sql and "DESC" in sql
    assert ("NULLS LAST" in sql) == (connection.vendor == "postgresql")


@pytest.mark.django_db
def test_contested_by_priority_orders_scored_before_unscored(alice, workspace):
    """The order the index serves: highest priority first, requirements without one last,
    then newest first (the workspace home and the contested list agree)."""
    ctx = access_workspace(alice, workspace.slug)
    made = [services.requirement_create(ctx=ctx, title=f"需求 {i}") for i in range(4)]
    priorities = [None, 3.0, 7.5, 3.0]
    for r, p in zip(made, priorities, strict=True):
        Requirement.objects.filter(pk=r.pk).update(contested=True, priority=p)
    listed = list(
        filter_requirements(workspace, RequirementFilter(contested=True, sort="priority"))
    )
    numbers = [r.number for r in listed]
    expected = [made[2].number, made[3].number, made[1].number, made[0].number]
    assert numbers == expected
    assert [r.number for r in workspace_pulse(workspace)["contested"]] == expected


@pytest.mark.django_db
def test_every_list_filter_is_counted_from_one_index_on_postgresql(alice, workspace):
    """The pager's count of any mix of status, side, segment and owner reads only columns of
    one index, so PostgreSQL can count it by an index-only scan (no heap pages of the wide
    rows); SQLite does without the index."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'requirement_filter_idx'")
            assert cursor.fetchone() is None
        return
    sql = _index_sql("requirement_filter_idx")
    indexed = re.search(r"\((.*)\)", sql).group(1).replace(" ", "").split(",")
    assert indexed == ["workspace_id", "status", "origin_side", "top_segment", "owner_id"]
    ctx = access_workspace(alice, workspace.slug)
    services.requirement_create(ctx=ctx, title="需求")
    counted = filter_requirements(
        workspace,
        RequirementFilter(status=("accepted",), side="operations", segment="A", owner=alice.pk),
    )
    with CaptureQueriesContext(connection) as captured:
        assert counted.count() == 0  # the pager's count, as Django writes it
    count_sql = captured.captured_queries[-1]["sql"]
    read = set(re.findall(r'"requirements_requirement"\."(\w+)"', count_sql))
    assert read == set(indexed), count_sql
