"""Whole-workspace backup and restore: a round trip gives the same content."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from truce.accounts.models import AuditEvent, Membership, User, Workspace
from truce.accounts.services import invitation_create
from truce.core.errors import Conflict, ValidationFailed
from truce.core.search import fts_filter
from truce.customers.models import Feedback
from truce.customers.services import customer_create, feedback_create, feedback_link
from truce.goals import services as goals
from truce.interop import registry
from truce.interop.archive import backup_workspace, canonical, restore_workspace
from truce.interop.models import ExternalKey
from truce.requirements.models import Requirement
from truce.requirements.scoring import scores_set
from truce.requirements.services import prerequisite_add, requirement_create, requirement_update
from truce.resources.models import Campaign, Capacity, Demand, ResourcePool
from truce.responsibilities.services import activities_for, row_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(ctx, personas, workspace):
    """A workspace touching every backed-up app."""
    from truce.core.access import access_workspace

    alice = access_workspace(personas["alice"], "spark")
    olivia = access_workspace(personas["olivia"], "spark")
    first = requirement_create(
        ctx=alice, title="灰度发布 checkout", tags=["618", "体验"], estimate_days=Decimal("2.5")
    )
    second = requirement_create(ctx=alice, title="拉新活动", description="**粗体**", parent=first)
    prerequisite_add(ctx=alice, requirement=second, prerequisite=first)
    requirement_update(
        ctx=alice, requirement=first, expected_version=first.version, title="灰度发布 v2"
    )
    scores_set(ctx=alice, requirement=first, values={"ux_impact": 8})
    scores_set(ctx=olivia, requirement=first, values={"reach": 3})
    customer = customer_create(ctx=alice, name="京东", value=Decimal("1000.50"))
    feedback = feedback_create(ctx=alice, text="希望支持灰度", customer=customer)
    feedback_link(ctx=alice, feedback=feedback, requirement=first)
    period = goals.period_create(
        ctx=alice, name="2026-Q3", start=date(2026, 7, 1), end=date(2026, 9, 30)
    )
    objective = goals.objective_create(ctx=alice, period=period, title="提升转化")
    kr = goals.key_result_create(
        ctx=alice, objective=objective, title="转化率", baseline=1, target=2
    )
    goals.link_add(ctx=alice, key_result=kr, requirement=second)
    activity = activities_for(workspace)[0]
    member = Membership.objects.get(workspace=workspace, user=personas["alice"])
    doer = Membership.objects.get(workspace=workspace, user=personas["olivia"])
    cells = [(member.pk, "A"), (doer.pk, "R")]
    row_save(ctx=alice, requirement=first, activity=activity, expected_version=0, cells=cells)
    pool = ResourcePool.objects.create(
        workspace=workspace, name="研发", kind="effort", side="product"
    )
    Capacity.objects.create(pool=pool, start=date(2026, 7, 1), amount=20)
    campaign = Campaign.objects.create(
        workspace=workspace, number=1, title="618 大促", channel="push"
    )
    campaign.promotes.add(first)
    Demand.objects.create(pool=pool, start=date(2026, 7, 1), amount=3, requirement=first)
    invitation_create(ctx=ctx, role="product", side="product", email="new@example.com")
    return workspace


def _backup(workspace) -> io.BytesIO:
    out = io.BytesIO()
    backup_workspace(workspace=workspace, target=out)
    out.seek(0)
    return out


def test_round_trip_is_identical(rich):
    first = _backup(rich)
    restored = restore_workspace(first, slug="spark-copy")
    first.seek(0)
    second = _backup(restored)
    assert canonical(first) == canonical(second)
    copy = Requirement.objects.get(workspace=restored, title="拉新活动")
    assert copy.parent.title == "灰度发布 v2" and copy.prerequisites.get().title == "灰度发布 v2"
    assert copy.pk != Requirement.objects.get(workspace=rich, title="拉新活动").pk
    assert Feedback.objects.get(workspace=restored).requirement.workspace == restored
    # the full-text index knows the restored rows
    assert fts_filter(Requirement.objects.filter(workspace=restored), "灰度").count() == 1


def test_archive_holds_every_registered_model_and_users_by_name(rich):
    with zipfile.ZipFile(_backup(rich)) as z:
        names = set(z.namelist())
        users = z.read("users.jsonl").decode()
    assert {f"data/{e.label}.jsonl" for e in registry.entries()} <= names
    assert '"username": "alice"' in users and "password" not in users


def test_restore_creates_missing_users_without_passwords(rich, personas):
    archive = _backup(rich)
    User.objects.filter(username="olivia").update(username="olivia-renamed")
    ws = restore_workspace(archive, slug="elsewhere")
    olivia = User.objects.get(username="olivia")
    assert not olivia.has_usable_password()
    assert Membership.objects.filter(workspace=ws, user=olivia, role="operations").exists()
    assert Membership.objects.get(workspace=ws, user__username="alice").user == personas["alice"]


def test_restore_refuses_a_taken_slug_and_writes_nothing(rich):
    archive = _backup(rich)
    before = Requirement.objects.count()
    with pytest.raises(Conflict):
        restore_workspace(
            archive,
            slug="northwind" if Workspace.objects.filter(slug="northwind").exists() else "spark",
        )
    assert Requirement.objects.count() == before


def test_restore_refuses_what_is_not_a_backup(db):
    with pytest.raises(ValidationFailed):
        restore_workspace(io.BytesIO(b"not a zip"), slug="x")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("manifest.json", '{"format": "truce-backup", "version": 99}')
    out.seek(0)
    with pytest.raises(ValidationFailed):
        restore_workspace(out, slug="x")


def test_backup_and_restore_are_audited(rich, admin):
    restored = restore_workspace(_backup(rich), slug="copy", actor=admin)
    assert AuditEvent.objects.filter(workspace=rich, action="workspace.backup").exists()
    event = AuditEvent.objects.get(workspace=restored, action="workspace.restored")
    assert event.data["source"] == "spark" and event.actor == admin


def test_every_workspace_model_is_in_the_backup_registry():
    """A new app must declare its models in truce/<app>/backup.py (see registry.py)."""
    assert registry.unregistered_models() == []


def _count(entry, workspace) -> int:
    rows = entry.model._base_manager.filter(**{entry.scope: workspace})
    if entry.label == "accounts.auditevent":
        rows = rows.exclude(action__in=("workspace.backup", "workspace.restored"))
    return rows.count()


def _links(entry, workspace) -> dict[str, int]:
    out = {}
    for f in entry.model._meta.many_to_many:
        through = f.remote_field.through
        if through._meta.auto_created:
            pks = entry.model._base_manager.filter(**{entry.scope: workspace}).values("pk")
            out[f.name] = through.objects.filter(**{f"{f.m2m_field_name()}__in": pks}).count()
    return out


def _complete_the_demo(workspace) -> None:
    """What the demo leaves empty or never exercises: a superseding decision, a published and
    signed plan, a review metric, a mention, a key to a later row of the same model, an
    invitation (audited) and an imported item's key."""
    from truce.core.access import access_workspace
    from truce.discussion.services import comment_create
    from truce.goals.models import KeyResult
    from truce.launches.models import Review, ReviewMetric
    from truce.meetings.models import Decision
    from truce.meetings.records import decision_record
    from truce.planning.models import Run
    from truce.planning.services import plan_publish, plan_sign

    alice = access_workspace(User.objects.get(username="alice"), workspace.slug)
    olivia = access_workspace(User.objects.get(username="olivia"), workspace.slug)
    old = Decision.objects.filter(workspace=workspace).order_by("pk").first()
    decision_record(
        ctx=alice, question="改期？", product_position="推迟", operations_position="照旧",
        outcome="推迟一周", decided_by=alice.membership.user, supersedes=old,
    )  # fmt: skip
    plan = plan_publish(ctx=alice, run=Run.objects.get(workspace=workspace, status="done"))
    plan_sign(ctx=alice, plan=plan)
    plan_sign(ctx=olivia, plan=plan)
    review = Review.objects.filter(launch__workspace=workspace).first()
    ReviewMetric.objects.create(
        review=review, key_result=KeyResult.objects.filter(workspace=workspace).first(),
        before=1, after=2,
    )  # fmt: skip
    requirements = Requirement.objects.filter(workspace=workspace, parent=None).order_by("pk")
    first, last = requirements.first(), requirements.last()
    comment_create(ctx=alice, subject=last, body="@olivia 请看一下")
    Requirement.objects.filter(pk=first.pk).update(parent=last)
    admin = access_workspace(User.objects.get(username="admin"), workspace.slug)
    invitation_create(ctx=admin, role="product", side="product", email="new@example.com")
    ExternalKey.objects.create(workspace=workspace, source="jira", key="SPK-1", requirement=last)


def test_demo_round_trip_keeps_every_model(db):
    """The full demo: every registered model comes back, row for row, and backs up the same."""
    from truce.conflicts.models import Conflict
    from truce.meetings.models import Decision
    from truce.seed import seed_demo

    seed_demo()
    spark = Workspace.objects.get(slug="spark")
    _complete_the_demo(spark)
    first = _backup(spark)
    restored = restore_workspace(first, slug="spark-restored")
    first.seek(0)
    assert canonical(first) == canonical(_backup(restored))
    for entry in registry.entries():
        assert (_count(entry, restored), _links(entry, restored)) == (
            _count(entry, spark),
            _links(entry, spark),
        ), entry.label
    empty = [e.label for e in registry.entries() if not _count(e, spark)]
    assert empty == [], empty
    newest = Decision.objects.filter(workspace=restored).order_by("-number").first()
    assert newest.supersedes.workspace == restored
    # a detected conflict names its cause by the restored ids: detection finds it again
    keys = set(Conflict.objects.filter(workspace=restored).values_list("key", flat=True))
    requirements = Requirement.objects.filter(workspace=restored, contested=True)
    assert any(f"contested:requirement:{r.pk}" in keys for r in requirements)


def test_restore_drops_links_that_are_not_web_addresses(ctx, workspace):
    """The forms only accept https://, http:// and paths; a crafted backup is held to the same."""
    from truce.conflicts.models import Evidence
    from truce.conflicts.services import conflict_open, evidence_add

    conflict = conflict_open(ctx=ctx, title="推送频控之争")
    evidence_add(ctx=ctx, conflict=conflict, side="product", label="看板", url="https://bi/x")
    evidence_add(ctx=ctx, conflict=conflict, side="operations", label="内部", url="/w/spark/")
    source, crafted = _backup(workspace), io.BytesIO()
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(crafted, "w") as out:
        for name in z.namelist():
            data = z.read(name)
            if b"https://bi/x" in data:
                data = data.replace(b"https://bi/x", b"javascript:alert(1)")
            out.writestr(name, data)
    crafted.seek(0)
    restored = restore_workspace(crafted, slug="crafted")
    links = Evidence.objects.filter(conflict__workspace=restored).order_by("label")
    assert [(e.label, e.url) for e in links] == [("内部", "/w/crafted/"), ("看板", "")]
