from __future__ import annotations

import pytest

from truce.conflicts import services
from truce.conflicts.models import Conflict, Status
from truce.core.access import access_workspace
from truce.core.errors import Conflict as ConflictError
from truce.core.errors import PermissionDenied, PreconditionFailed, ValidationFailed
from truce.core.models import DomainEvent

pytestmark = pytest.mark.django_db


def test_open_by_hand_needs_a_title_and_viewers_cannot(ctx, workspace, victor):
    with pytest.raises(ValidationFailed) as exc:
        services.conflict_open(ctx=ctx, title="  ")
    assert "title" in exc.value.fields
    with pytest.raises(PermissionDenied):
        services.conflict_open(ctx=access_workspace(victor, workspace.slug), title="x")
    c = services.conflict_open(ctx=ctx, title="积分抵现的比例", product_position="1%")
    assert (c.number, c.status, c.source) == (1, "open", "manual")
    assert DomainEvent.objects.filter(kind="conflict.opened", subject_id=c.pk).exists()


def test_detection_opens_one_conflict_per_cause(ctx, workspace, contested):
    opened = services.detect(workspace, "zh-hans")
    assert [c.requirement for c in opened] == [contested]
    c = opened[0]
    assert c.source == "contested" and c.key == f"contested:requirement:{contested.pk}"
    assert "两个视角相差 6.0" in c.operations_position
    assert services.detect(workspace, "zh-hans") == []  # still unresolved: nothing new
    services.conflict_decide(ctx=ctx, conflict=c, expected_version=c.version, outcome="先做 A/B")
    again = services.detect(workspace, "en")  # decided, and the cause is still there
    assert len(again) == 1 and again[0].title.startswith("Scores disagree")


def test_escalation_tells_the_leads_and_goes_on_the_agenda(ctx, workspace, lena):
    from datetime import date

    from truce.conflicts.agenda_source import open_conflicts
    from truce.discussion.models import Notification

    c = services.conflict_open(ctx=ctx, title="大促资源之争")
    services.conflict_move(ctx=ctx, conflict=c, status="escalated", expected_version=c.version)
    assert c.escalated_at is not None and c.escalated_by == ctx.membership.user
    assert Notification.objects.filter(recipient=lena, category="decision").count() == 1
    (entry,) = open_conflicts(workspace, date.today())
    assert entry.severity == "critical" and "大促资源之争" in entry.text


def test_deciding_needs_a_decision_and_then_it_is_on_record(ctx, contested):
    c = services.conflict_open(ctx=ctx, title="频控", requirement=contested,
                               product_position="3 条", operations_position="5 条")  # fmt: skip
    with pytest.raises(ValidationFailed):
        services.conflict_decide(ctx=ctx, conflict=c, expected_version=c.version, outcome="")
    with pytest.raises(ConflictError):
        services.conflict_move(ctx=ctx, conflict=c, status="decided", expected_version=c.version)
    services.conflict_decide(ctx=ctx, conflict=c, expected_version=c.version, outcome="平日 3 条")
    c.refresh_from_db()
    assert c.status == Status.DECIDED and c.decision.outcome == "平日 3 条"
    assert c.decision.product_position == "3 条" and list(c.decision.requirements.all()) == [
        contested
    ]
    with pytest.raises(ConflictError):
        services.conflict_update(ctx=ctx, conflict=c, expected_version=c.version, title="改")
    with pytest.raises(ConflictError):
        services.evidence_add(ctx=ctx, conflict=c, side="product", label="x")


def test_link_an_existing_decision(ctx, workspace):
    from truce.meetings.records import decision_record

    d = decision_record(ctx=ctx, question="q", product_position="p", operations_position="o",
                        outcome="yes", decided_by=ctx.membership.user)  # fmt: skip
    c = services.conflict_open(ctx=ctx, title="x")
    services.conflict_decide(ctx=ctx, conflict=c, expected_version=c.version, decision=d)
    assert Conflict.objects.get(pk=c.pk).decision == d


def test_evidence_validation_and_stale_edits(ctx):
    c = services.conflict_open(ctx=ctx, title="x")
    with pytest.raises(ValidationFailed) as exc:
        services.evidence_add(ctx=ctx, conflict=c, side="product", label="x", url="javascript:1")
    assert "url" in exc.value.fields
    services.evidence_add(ctx=ctx, conflict=c, side="operations", label="GMV", url="https://x.cn")
    stale = c.version
    services.conflict_update(ctx=ctx, conflict=c, expected_version=stale, title="y")
    with pytest.raises(PreconditionFailed):
        services.conflict_update(
            ctx=ctx, conflict=Conflict.objects.get(pk=c.pk), expected_version=stale, title="z"
        )
