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
