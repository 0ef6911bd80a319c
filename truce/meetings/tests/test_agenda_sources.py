from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from truce.goals import services as goals
from truce.meetings import agenda, records
from truce.requirements.models import Requirement
from truce.requirements.services import requirement_create

pytestmark = pytest.mark.django_db


def test_builtin_sources_are_registered_in_order():
    keys = [s.key for s in agenda.sources()]
    assert keys.index("contested") < keys.index("key_results") < keys.index("overdue")
    with pytest.raises(ValueError):
        agenda.register(agenda.Source("manual", "x", lambda ws, day: []))


def test_contested_requirements_with_reasons_in_the_active_language(ctx, workspace, today):
    from django.utils import translation

    req = requirement_create(ctx=ctx, title="会员积分", origin_side="operations")
    Requirement.objects.filter(pk=req.pk).update(
        contested=True, contest_reasons=[{"message_en": "Lens gap 40%", "message_zh": "相差 40%"}]
    )
    [entry] = agenda.contested_requirements(workspace, today)
    assert entry.side == "operations" and "Lens gap 40%" in entry.text
    with translation.override("zh-hans"):
        [entry] = agenda.contested_requirements(workspace, today)
    assert "相差 40%" in entry.text


def test_key_results_at_risk_of_running_periods(ctx, workspace, today):
    period = goals.period_create(
        ctx=ctx, name="Q", start=today - timedelta(days=60), end=today + timedelta(days=30)
    )
    objective = goals.objective_create(ctx=ctx, period=period, title="提升转化", side="product")
    behind = goals.key_result_create(
        ctx=ctx, objective=objective, title="首单转化率", baseline=10, target=20
    )
    fine = goals.key_result_create(
        ctx=ctx, objective=objective, title="复购率", baseline=0, target=1
    )
    goals.check_in_create(ctx=ctx, key_result=fine, value=1, confidence=0.9)
    entries = agenda.key_results_at_risk(workspace, today)
    assert [e.key for e in entries] == [f"keyresult:{behind.pk}"]
    assert entries[0].side == "product" and "首单转化率" in entries[0].text
    assert agenda.key_results_at_risk(workspace, today + timedelta(days=90)) == []


def test_overdue_actions(ctx, workspace, olivia, today):
    late = records.action_create(ctx=ctx, title="发问卷", owner=olivia, due=today - timedelta(9))
    records.action_create(ctx=ctx, title="未到期", owner=olivia, due=today)
    [entry] = agenda.overdue_actions(workspace, today)
    assert entry.key == f"action:{late.pk}" and entry.severity == "critical"
    assert "Olivia" in entry.text and entry.link.endswith(f"/actions/{late.pk}/")


@dataclass
class _Pool:
    pk: int
    name: str
    side: str


@dataclass
class _Slot:
    pool: _Pool
    start: date
    capacity: Decimal
    scheduled: Decimal
    candidate: Decimal
    overcommitted: bool


def test_overcommitted_capacity_uses_the_resources_selector(monkeypatch, workspace, today):
    pool = _Pool(7, "研发人天", "product")
    rows = [
        _Slot(pool, today.replace(day=1), Decimal(40), Decimal(30), Decimal(55), True),
        _Slot(pool, today - timedelta(days=200), Decimal(40), Decimal(50), Decimal(50), True),
        _Slot(_Pool(8, "预算", "operations"), today, Decimal(9), Decimal(1), Decimal(2), False),
    ]
    fake = types.ModuleType("truce.resources.selectors")
    fake.utilisation = lambda ws, overcommitted_only=False: rows
    monkeypatch.setitem(sys.modules, "truce.resources.selectors", fake)
    [entry] = agenda.overcommitted_capacity(workspace, today)
    assert entry.key == f"pool:7:{today.replace(day=1).isoformat()}"
    assert "研发人天" in entry.text and "55" in entry.text and entry.side == "product"


def test_overcommitted_capacity_is_skipped_without_the_selector(monkeypatch, workspace, today):
    monkeypatch.setitem(sys.modules, "truce.resources.selectors", None)
    assert agenda.overcommitted_capacity(workspace, today) == []


def test_generate_caps_each_source(monkeypatch, workspace, today):
    many = [agenda.Entry(f"x:{i}", "t") for i in range(50)]
    monkeypatch.setattr(agenda, "_SOURCES", {})
    agenda.register(agenda.Source("many", "Many", lambda ws, day: many))
    assert len(agenda.generate(workspace, today)["many"]) == agenda.LIMIT
