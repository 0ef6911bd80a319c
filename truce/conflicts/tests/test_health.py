from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.utils import timezone

from truce.conflicts import health, services
from truce.conflicts.models import HealthSnapshot

pytestmark = pytest.mark.django_db


def test_dashboard_measures_from_records(ctx, workspace, contested, django_assert_max_num_queries):
    c = services.conflict_open(ctx=ctx, title="x")
    services.conflict_move(ctx=ctx, conflict=c, status="escalated", expected_version=c.version)
    services.conflict_decide(ctx=ctx, conflict=c, expected_version=c.version, outcome="ok")
    with django_assert_max_num_queries(17):  # 11 reads, and this week's snapshot created
        data = health.dashboard(workspace, timezone.localdate())
    by_key = {m["key"]: m for m in data["measures"]}
    assert len(data["weeks"]) == health.WEEKS
    assert by_key["escalations"]["values"][-1] == 1
    assert by_key["escalation_to_decision"]["values"][-1] == 0.0
    assert by_key["contested_share"]["latest"] == 1.0  # the one scored requirement
    assert all(m["definition"] for m in data["measures"])
    assert HealthSnapshot.objects.filter(workspace=workspace).count() == 1
    health.dashboard(workspace, timezone.localdate())  # same week: the same snapshot
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


# The dashboard's SQL against the measures' definitions ----------------------------------


def _reference(workspace, today):
    """Every measure computed the plain way: all rows of the window into Python, then the
    domain functions (what the dashboard did before the database grouped and walked them)."""
    from truce.accounts.models import Membership
    from truce.core.models import ChangeRecord
    from truce.discussion.models import Comment
    from truce.domain import health as measures
    from truce.launches.models import Launch, ReadinessItem
    from truce.requirements.models import Requirement

    span = measures.weeks(today, health.WEEKS)
    start, end = health._aware(span[0]), span[-1] + timedelta(days=6)
    first = {}
    for pk, changes, at in (
        ChangeRecord.objects.filter(workspace=workspace, subject_type="requirement",
                                    verb="status", created_at__gte=start)
        .order_by("created_at", "id").values_list("subject_id", "changes", "created_at")
    ):  # fmt: skip
        if changes["status"][-1] in ("accepted", "rejected") and pk not in first:
            first[pk] = at
    created = dict(Requirement.objects.filter(pk__in=list(first)).values_list("pk", "created_at"))
    sides = dict(Membership.objects.filter(workspace=workspace).values_list("user_id", "side"))
    comments = [
        measures.Comment(f"{t}:{i}", at, sides.get(author, ""))
        for t, i, at, author in Comment.objects.filter(workspace=workspace, created_at__gte=start)
        .order_by("id").values_list("subject_type", "subject_id", "created_at", "author_id")
    ]  # fmt: skip
    launches = Launch.objects.filter(workspace=workspace, target_date__range=(span[0], end))
    items = ReadinessItem.objects.filter(launch__in=launches.exclude(status="cancelled"))
    scored = Requirement.objects.filter(
        workspace=workspace, product_score__isnull=False, operations_score__isnull=False
    ).exclude(status__in=health._CLOSED)
    total = scored.count()
    return {
        "proposal_to_decision": measures.proposal_to_decision(
            [(created[pk], at) for pk, at in first.items() if pk in created], span
        ),
        "cross_side_response": measures.cross_side_response(comments, span),
        "launch_on_time": measures.launch_on_time(
            launches.exclude(status="cancelled").values_list("target_date", "launched_on"),
            span,
            today,
        ),
        "readiness": measures.readiness(items.values_list("launch__target_date", "done"), span),
        "contested_share": round(scored.filter(contested=True).count() / total, 4)
        if total
        else None,
    }


@pytest.fixture
def seeded(db):
    """The large seed at a small size, plus threads whose comments share their minute (ties
    between the sides are where a walk of the thread could go wrong)."""
    import random

    from truce.discussion.models import Comment
    from truce.seed.large import Size, seed_large

    ws = seed_large(slug="seeded", size=Size(requirements=400, customers=20, feedback=40,
                                             scored=120, candidates=20, campaigns=4,
                                             comments=600, key_results=3, launches=6,
                                             meetings=2))  # fmt: skip
    rng, members = random.Random(7), list(ws.memberships.values_list("user_id", flat=True))
    now = timezone.now().replace(second=0, microsecond=0)
    rows = [
        Comment(workspace=ws, subject_type="requirement", subject_id=thread, body="·",
                author_id=rng.choice([*members, None]))
        for thread in range(1, 40) for _ in range(rng.randint(2, 6))
    ]  # fmt: skip
    made = Comment.objects.bulk_create(rows)
    for c in made:
        c.created_at = now - timedelta(hours=rng.randint(0, 300))
    Comment.objects.bulk_update(made, ["created_at"])
    return ws


def test_dashboard_equals_the_plain_computation_on_a_seeded_workspace(seeded):
    today = timezone.localdate()
    data = health.dashboard(seeded, today)
    by_key = {m["key"]: m["values"] for m in data["measures"]}
    expected = _reference(seeded, today)
    assert any(v is not None for v in expected["proposal_to_decision"])  # the seed has them
    assert any(v is not None for v in expected["cross_side_response"])
    for key in ("proposal_to_decision", "cross_side_response", "launch_on_time", "readiness"):
        assert by_key[key] == expected[key], key
    assert by_key["contested_share"][-1] == expected["contested_share"]


def test_kept_measures_grown_from_added_rows_equal_the_plain_computation(seeded):
    """Rows added between views are folded into the kept measures (only their threads are
    walked again); rows added under a lower id or deleted start again from scratch. After
    each change the dashboard equals the plain computation."""
    import random

    from django.test.utils import CaptureQueriesContext

    from truce.core.models import ChangeRecord
    from truce.discussion.models import Comment
    from truce.requirements.models import Requirement

    today, rng = timezone.localdate(), random.Random(11)
    members = list(seeded.memberships.values_list("user_id", flat=True))
    requirements = list(Requirement.objects.filter(workspace=seeded).values_list("pk", flat=True))
    threads = sorted(
        set(Comment.objects.filter(workspace=seeded).values_list("subject_type", "subject_id"))
    )

    def shown():
        data = health.dashboard(seeded, today)
        return {m["key"]: m["values"] for m in data["measures"]}

    def check():
        with CaptureQueriesContext(connection) as captured:
            values = shown()
        expected = _reference(seeded, today)
        for key in ("proposal_to_decision", "cross_side_response"):
            assert values[key] == expected[key], key
        return [q["sql"] for q in captured.captured_queries]

    check()
    for step in range(12):
        subject_type, subject_id = rng.choice(threads)
        for _ in range(rng.randint(1, 3)):
            Comment.objects.create(workspace=seeded, subject_type=subject_type,
                                   subject_id=subject_id, body="·",
                                   author_id=rng.choice(members))  # fmt: skip
        decision = rng.choice(["accepted", "rejected"])
        ChangeRecord.objects.create(workspace=seeded, subject_type="requirement",
                                    subject_id=rng.choice(requirements), verb="status",
                                    changes={"status": ["under_review", decision]})  # fmt: skip
        walks = [sql for sql in check() if " OVER " in sql]
        assert len(walks) == 1 and "EXISTS" in walks[0]  # only the added comments' threads
        if step == 5:  # a comment deleted outright: the count no longer adds up
            Comment.objects.filter(workspace=seeded).order_by("pk").first().delete()
            walks = [sql for sql in check() if " OVER " in sql]
            assert len(walks) == 1 and "EXISTS" not in walks[0]  # every thread again


def test_time_to_decision_counts_the_first_decision_in_the_window(ctx, workspace):
    from truce.requirements.services import requirement_create, requirement_move

    r = requirement_create(ctx=ctx, title="导出报表")
    for status in ("under_review", "accepted", "rejected"):
        r = requirement_move(ctx=ctx, requirement=r, status=status)
    requirement_create(ctx=ctx, title="未决")  # never decided: not counted
    data = health.dashboard(workspace, timezone.localdate())
    decided = next(m for m in data["measures"] if m["key"] == "proposal_to_decision")
    assert decided["values"][-1] == 0.0  # one requirement, decided the day it was raised
    assert decided["values"] == _reference(workspace, timezone.localdate())["proposal_to_decision"]


# Kept measures: a change to what they read shows at once ---------------------------------


def _heavy(captured) -> list[str]:
    """The two reads that walk many rows (status moves to a decision, comment threads)."""
    return [q["sql"] for q in captured if '"changes"' in q["sql"] or " OVER " in q["sql"]]


def test_kept_measures_are_read_again_after_every_change(ctx, workspace, contested, olivia):
    from django.test.utils import CaptureQueriesContext

    from truce.accounts.services import membership_update
    from truce.core.access import access_workspace
    from truce.discussion.services import comment_create
    from truce.requirements.services import requirement_move

    def values(key):
        data = health.dashboard(workspace, timezone.localdate())
        return next(m for m in data["measures"] if m["key"] == key)["values"][-1]

    as_olivia = access_workspace(olivia, workspace.slug)
    assert values("proposal_to_decision") is None
    with CaptureQueriesContext(connection) as again:
        assert values("proposal_to_decision") is None
    assert _heavy(again.captured_queries) == []  # nothing changed: both kept

    requirement_move(ctx=ctx, requirement=contested, status="under_review")
    assert values("proposal_to_decision") is None  # moved, not decided
    requirement_move(ctx=ctx, requirement=contested, status="accepted")
    assert values("proposal_to_decision") == 0.0

    comment_create(ctx=ctx, subject=contested, body="排期？")
    assert values("cross_side_response") is None  # not answered yet
    comment_create(ctx=as_olivia, subject=contested, body="下周")
    assert values("cross_side_response") is not None

    # olivia moves to the product side: her reply no longer crosses sides
    membership_update(ctx=access_workspace(ctx.membership.user, workspace.slug),
                      membership=as_olivia.membership, expected_version=None,
                      role=as_olivia.membership.role, side="product")  # fmt: skip
    assert values("cross_side_response") is None


def test_kept_measures_never_cross_workspaces(ctx, workspace, contested, charlie):
    from truce.core.access import access_workspace
    from truce.requirements.services import requirement_create, requirement_move

    requirement_move(ctx=ctx, requirement=contested, status="rejected")
    other = access_workspace(charlie, "northwind")
    r = requirement_create(ctx=other, title="别处")
    requirement_move(ctx=other, requirement=r, status="under_review")
    first = health.dashboard(workspace, timezone.localdate())
    second = health.dashboard(other.workspace, timezone.localdate())
    # one status move in each workspace (the same marker), decided in the first only
    assert first["measures"][0]["values"][-1] == 0.0
    assert second["measures"][0]["values"][-1] is None


def test_showing_the_dashboard_again_writes_nothing(workspace, contested):
    from django.test.utils import CaptureQueriesContext

    from truce.requirements.models import Requirement

    health.dashboard(workspace, timezone.localdate())
    first = HealthSnapshot.objects.get(workspace=workspace)
    with CaptureQueriesContext(connection) as shown:
        health.dashboard(workspace, timezone.localdate())
    assert not [q for q in shown.captured_queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    Requirement.objects.filter(pk=contested.pk).update(contested=False)
    health.dashboard(workspace, timezone.localdate())
    again = HealthSnapshot.objects.get(workspace=workspace)
    assert (first.values["contested_share"], again.values["contested_share"]) == (1.0, 0.0)


def test_dashboard_reads_a_fixed_number_of_queries(
    ctx, workspace, contested, django_assert_num_queries
):
    from truce.discussion.services import comment_create
    from truce.requirements.services import requirement_move

    health.dashboard(workspace, timezone.localdate())  # this week's snapshot exists
    requirement_move(ctx=ctx, requirement=contested, status="under_review")
    comment_create(ctx=ctx, subject=contested, body="?")
    # snapshots, contested share, capacity, conflicts, launches with their checklists, key
    # results (no check-ins to read without them), action items, the kept measures' markers
    # (moves and comments counted in one; sides) and the two measures read again
    with django_assert_num_queries(11):
        health.dashboard(workspace, timezone.localdate())
    with django_assert_num_queries(9):  # both kept: their markers only
        health.dashboard(workspace, timezone.localdate())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's INDEXED BY")
def test_the_widest_reads_can_use_their_indexes(workspace, contested):
    """Which index the planner takes depends on the table's statistics; whether it can take
    one at all depends on the query. SQLite refuses a query whose ``INDEXED BY`` index can't
    serve it, e.g. when the WHERE clause does not imply a partial index's condition."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as shown:
        health.dashboard(workspace, timezone.localdate())
    reads = {
        'FROM "requirements_requirement" WHERE': "requirement_scored_idx",
        'FROM "core_changerecord" WHERE': "change_ws_kind_time_idx",
        'FROM "core_changerecord" U0 WHERE': "change_ws_kind_time_idx",
    }
    used = []
    with connection.cursor() as cursor:
        for q in shown.captured_queries:
            for table, index in reads.items():
                if table in q["sql"]:
                    forced = table.replace(" WHERE", f" INDEXED BY {index} WHERE")
                    cursor.execute("EXPLAIN QUERY PLAN " + q["sql"].replace(table, forced))
                    used.append(index)
    # the contested count; the status moves' count and their read
    assert sorted(used) == ["change_ws_kind_time_idx"] * 2 + ["requirement_scored_idx"]
