"""The workspace report's SQL (selectors.workspace_report) against the rules it implements
(truce.domain.raci.report), on random workspaces: same gaps, overlaps, loads and hand-offs."""

from __future__ import annotations

import random

import pytest

from truce.domain import raci
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create
from truce.responsibilities import selectors
from truce.responsibilities.models import Assignment, Row

pytestmark = pytest.mark.django_db

STATUSES = [s.value for s in Requirement.Status]


def _random_workspace(ctx, acts, members, rng: random.Random) -> list[Requirement]:
    reqs = [requirement_create(ctx=ctx, title=f"需求 {i}") for i in range(24)]
    for r in reqs:
        Requirement.objects.filter(pk=r.pk).update(status=rng.choice(STATUSES))
    activities = list(acts.values())
    for r in reqs:
        for a in rng.sample(activities, rng.randint(0, len(activities))):
            row = Row.objects.create(workspace=ctx.workspace, activity=a, requirement=r)
            people = rng.sample(members, rng.randint(1, len(members)))
            letters = ["A" if rng.random() < 0.8 else "R"] + ["R", "C", "I"] * len(people)
            Assignment.objects.bulk_create(
                Assignment(row=row, member=p, letter=letter)
                for p, letter in zip(people, letters, strict=False)
            )
    return reqs


def _domain_report(workspace, activities, threshold):
    """The report by the rules: every requirement and every cell loaded into Python."""
    reqs = {
        r.pk: r
        for r in Requirement.objects.filter(workspace=workspace).exclude(
            status=Requirement.Status.REJECTED
        )
    }
    rows: dict[int, dict[str, list]] = {pk: {} for pk in reqs}
    for req_id, key, member_id, side, letter in Assignment.objects.filter(
        row__requirement__in=list(reqs)
    ).values_list(
        "row__requirement_id", "row__activity__key", "member_id", "member__side", "letter"
    ):
        rows[req_id].setdefault(key, []).append(raci.Assignment(str(member_id), side, letter))
    items = [
        raci.Item(str(pk), r.status, r.status not in selectors._CLOSED, rows[pk])
        for pk, r in reqs.items()
    ]
    return reqs, raci.report(items, [a.key for a in activities], threshold)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_sql_report_agrees_with_the_rules(ctx, acts, workspace, seed):
    rng = random.Random(seed)
    members = list(workspace.memberships.all())
    _random_workspace(ctx, acts, members, rng)
    threshold = rng.randint(1, 6)
    activities = list(acts.values())
    reqs, expected = _domain_report(workspace, activities, threshold)
    got = selectors.workspace_report(workspace, threshold)

    number = {str(pk): r.number for pk, r in reqs.items()}
    assert got["gap_count"] == len(expected.gaps)
    assert [(r.number, [a.key for a in missing]) for r, missing in got["gaps"]] == sorted(
        (number[g.item], list(g.activities)) for g in expected.gaps
    )
    want_overlaps = [
        (
            o.activity,
            sorted(number[i] for i in o.product_items)[: selectors.EXAMPLES],
            sorted(number[i] for i in o.operations_items)[: selectors.EXAMPLES],
            len(o.product_items),
            len(o.operations_items),
        )
        for o in expected.overlaps
    ]
    assert [
        (
            o.activity.key,
            [r.number for r in o.product],
            [r.number for r in o.operations],
            o.product_count,
            o.operations_count,
        )
        for o in got["overlaps"]
    ] == want_overlaps
    assert [(m.pk, n) for m, n in got["overloaded"]] == [
        (int(x.person), x.accountable) for x in expected.overloaded
    ]
    assert got["handoff_count"] == len(expected.handoffs)
    position = {a.key: i for i, a in enumerate(activities)}
    assert [
        (h["req"].number, h["first"].key, h["second"].key, h["from_side"], h["to_side"])
        for h in got["handoffs"]
    ] == sorted(
        (
            (number[h.item], h.from_activity, h.to_activity, h.from_side, h.to_side)
            for h in expected.handoffs
        ),
        key=lambda t: (t[0], position[t[2]]),
    )
    assert got["gap_count"] + got["handoff_count"] + len(got["overlaps"]) > 0
