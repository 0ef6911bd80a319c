"""Reads for the goals pages and API: a period's overview, sign-off state, alignment, charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language

from truce.core.models import ChangeRecord
from truce.domain import okr
from truce.goals.models import (
    Capacity,
    KeyResult,
    KeyResultLink,
    Objective,
    Period,
    Signature,
)
from truce.goals.services import goal_hash, goal_settings_for, state_of
from truce.requirements.models import Requirement


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def risk_messages(assessment: okr.Assessment) -> list[str]:
    return [r.message_zh if _zh() else r.message_en for r in assessment.reasons]


def rule_text() -> str:
    return okr.RULE_ZH if _zh() else okr.RULE_EN


def annotate_key_result(kr: KeyResult, period: Period, today: date | None = None) -> KeyResult:
    """Attach progress, the expected progress by now, at-risk and the reasons in words."""
    today = today or timezone.localdate()
    kr.assessment = okr.assess(state_of(kr), okr.elapsed(period.start, period.end, today))
    kr.progress_pct = round(kr.assessment.progress * 100)
    kr.expected_pct = round(kr.assessment.expected * 100)
    kr.at_risk = kr.assessment.at_risk
    kr.risk_messages = risk_messages(kr.assessment)
    return kr


def period_overview(period: Period, today: date | None = None) -> dict:
    """Objectives (parents first) with their key results, each assessed, and roll-ups."""
    today = today or timezone.localdate()
    krs = KeyResult.objects.select_related("owner").order_by("pk")
    objectives = list(
        Objective.objects.filter(period=period)
        .select_related("owner", "parent")
        .prefetch_related(Prefetch("key_results", queryset=krs))
        .order_by("pk")
    )
    for o in objectives:
        o.krs = [annotate_key_result(kr, period, today) for kr in o.key_results.all()]
        rolled = okr.rollup([(kr.assessment.progress, kr.weight) for kr in o.krs])
        o.progress_pct = None if rolled is None else round(rolled * 100)
        o.at_risk = any(kr.at_risk for kr in o.krs)
    return {
        "objectives": objectives,
        "elapsed_pct": round(okr.elapsed(period.start, period.end, today) * 100),
        "at_risk_count": sum(kr.at_risk for o in objectives for kr in o.krs),
        "rule": rule_text(),
    }


@dataclass
class SignoffState:
    agreed: bool
    current_hash: str
    required: list[str]
    valid: list[Signature] = field(default_factory=list)
    stale: list[Signature] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changes: list[ChangeRecord] = field(default_factory=list)

    @property
    def reopened(self) -> bool:
        return bool(self.stale) and not self.agreed


def signoff_state(period: Period) -> SignoffState:
    """Agreed when valid signatures cover product, operations and (if required) a lead.

    Signatures of an older goal set stay as history; if there are any, the changes to the
    period's objectives and key results since the latest signature explain why."""
    settings = goal_settings_for(period.workspace)
    required = [Capacity.PRODUCT, Capacity.OPERATIONS]
    if settings.requires_lead_signature:
        required.append(Capacity.LEAD)
    current = goal_hash(period)
    signatures = list(Signature.objects.filter(period=period).select_related("signer"))
    valid = [s for s in signatures if s.goal_hash == current]
    stale = [s for s in signatures if s.goal_hash != current]
    have = {s.capacity for s in valid}
    state = SignoffState(
        agreed=all(c in have for c in required),
        current_hash=current,
        required=[str(c) for c in required],
        valid=valid,
        stale=stale,
        missing=[str(Capacity(c).label) for c in required if c not in have],
    )
    if stale:
        state.changes = changes_since(period, max(s.signed_at for s in stale))
    return state


def changes_since(period: Period, when) -> list[ChangeRecord]:
    objective_ids = list(Objective.objects.filter(period=period).values_list("pk", flat=True))
    kr_ids = list(KeyResult.objects.filter(objective__period=period).values_list("pk", flat=True))
    subjects = Q(subject_type="objective", subject_id__in=objective_ids) | Q(
        subject_type="keyresult", subject_id__in=kr_ids
    )
    return list(
        ChangeRecord.objects.filter(subjects, workspace=period.workspace, created_at__gt=when)
        .exclude(verb__in=[ChangeRecord.Verb.LINKED, ChangeRecord.Verb.UNLINKED])
        .select_related("actor")
        .order_by("created_at", "id")[:100]
    )


ALIGNMENT_LINK_FIELDS = ("id", "key_result", "requirement", "contribution", "requirement__number")
ALIGNMENT_LINK_FIELDS += ("requirement__title", "requirement__origin_side")


def alignment(period: Period, today: date | None = None) -> dict:
    """For each key result the work serving it, by the side that raised it; and the orphans:
    open requirements tied to no key result of this period, key results with no work."""
    today = today or timezone.localdate()
    links = (
        KeyResultLink.objects.filter(key_result__objective__period=period)
        .select_related("requirement")
        .only(*ALIGNMENT_LINK_FIELDS)  # a period can have hundreds of links: no wide rows
        .order_by("requirement__number")
    )
    krs = list(
        KeyResult.objects.filter(objective__period=period)
        .select_related("objective")
        .prefetch_related(Prefetch("links", queryset=links, to_attr="period_links"))
        .order_by("objective_id", "pk")
    )
    linked_ids: set[int] = set()
    for kr in krs:
        annotate_key_result(kr, period, today)
        kr.by_side = {"product": [], "operations": []}
        for link in kr.period_links:
            kr.by_side.setdefault(link.requirement.origin_side, []).append(link)
            linked_ids.add(link.requirement_id)
    orphans = list(
        Requirement.objects.filter(workspace=period.workspace)
        .open()
        .exclude(pk__in=linked_ids)
        .only("id", "number", "title", "status", "origin_side")
        .order_by("-number")[:200]
    )
    return {
        "key_results": krs,
        "idle_key_results": [kr for kr in krs if not kr.period_links],
        "orphans": orphans,
        "fit": _fit_hints(krs),
    }


def _fit_hints(krs: list[KeyResult]) -> list[tuple[Requirement, float]]:
    """Strategic-fit suggestions for the linked requirements, from data already loaded (the
    same rule as services.strategic_fit_for, without a query per requirement)."""
    per_requirement: dict[int, tuple[Requirement, list[okr.LinkedKeyResult]]] = {}
    for kr in krs:
        for link in kr.period_links:
            entry = per_requirement.setdefault(link.requirement_id, (link.requirement, []))
            entry[1].append(
                okr.LinkedKeyResult(
                    at_risk=kr.at_risk, joint=kr.objective.side == "joint", weight=kr.weight
                )
            )
    hints = [(r, okr.strategic_fit(links)) for r, links in per_requirement.values()]
    return sorted(hints, key=lambda h: (-h[1], h[0].number))


def key_result_chart(kr: KeyResult, period: Period) -> dict:
    """Data for the Plotly chart: check-ins over time against the straight target path."""
    points = list(kr.check_ins.order_by("created_at", "id").values("created_at", "value"))
    path = okr.target_path(period.start, period.end, kr.baseline, kr.target)
    return {
        "actual": {
            "x": [timezone.localtime(p["created_at"]).isoformat() for p in points],
            "y": [p["value"] for p in points],
        },
        "target": {"x": [d.isoformat() for d, _ in path], "y": [v for _, v in path]},
        "unit": kr.unit,
    }
