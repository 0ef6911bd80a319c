from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from truce.conflicts import health, services
from truce.conflicts.models import HealthSnapshot

pytestmark = pytest.mark.django_db


def test_dashboard_measures_from_records(ctx, workspace, contested, django_assert_max_num_queries):
    c = services.conflict_open(ctx=ctx, title="x")
    services.conflict_move(ctx=ctx, conflict=c, status="escalated", expected_version=c.version)
    services.conflict_decide(ctx=ctx, conflict=c, expected_version=c.version, outcome="ok")
    with django_assert_max_num_queries(25):
        data = health.dashboard(workspace, timezone.localdate())
    by_key = {m["key"]: m for m in data["measures"]}
    assert len(data["weeks"]) == health.WEEKS
    assert by_key["escalations"]["values"][-1] == 1
    assert by_key["escalation_to_decision"]["values"][-1] == 0.0
    assert by_key["contested_share"]["latest"] == 1.0  # the one scored requirement
    assert all(m["definition"] for m in data["measures"])
    assert HealthSnapshot.objects.filter(workspace=workspace).count() == 1
    health.dashboard(workspace, timezone.localdate())  # same week: the snapshot is updated
    assert HealthSnapshot.objects.filter(workspace=workspace).count() == 1


def test_cross_side_response_from_comments(ctx, workspace, contested, olivia):
    from truce.core.access import access_workspace
    from truce.discussion.models import Comment

    alice_c = Comment.objects.create(workspace=workspace, subject_type="requirement",
                                     subject_id=contested.pk, author=ctx.membership.user,
                                     body="?")  # fmt: skip
    answer = Comment.objects.create(workspace=workspace, subject_type="requirement",
                                    subject_id=contested.pk,
                                    author=access_workspace(olivia, workspace.slug).membership.user,
                                    body="!")  # fmt: skip
    Comment.objects.filter(pk=answer.pk).update(created_at=alice_c.created_at + timedelta(hours=2))
    data = health.dashboard(workspace, timezone.localdate())
    response = next(m for m in data["measures"] if m["key"] == "cross_side_response")
    assert response["latest"] == 2.0


def test_excel_export_is_safe_against_formulas(workspace):
    from openpyxl import load_workbook

    data = health.dashboard(workspace, timezone.localdate())
    data["measures"][0]["title"] = '=HYPERLINK("http://evil")'
    book = load_workbook(BytesIO(health.to_excel(data)))
    assert book.sheetnames[:2] == ["Weekly", "Definitions"]
    assert book["Weekly"]["A2"].value.startswith("'=")
