"""Launch rules: a feature ships together with the campaign that promotes it.

Pure Python (no Django). The app hands in dates, checklist items and votes; it gets back
warnings, readiness per side and whether the launch may go.

The rules, in words:

- Workflow: planning → ready for review → go → launched → reviewed. A launch can be cancelled
  from any state before it launched, and sent back from "ready for review" or "go" to planning
  (a no-go vote does that). "go" is reached only through the go/no-go review.
- Go/no-go: product, operations and a lead each record go or no-go with a reason. The launch
  goes only when all three seats say go; any no-go sends it back to planning. A vote needs a
  reason when it is no-go (a bare "no" starts a fight, a reason starts a fix).
- Readiness: each checklist item belongs to a side; a side's readiness is the share of its
  items done (100 % when it has none). A launch is ready for review only when no *blocking*
  item is open.
- Warnings (shown, not refused: plans change, the point is to see the clash):
  ``campaign_before_release`` — a campaign starts before the release of a feature it promotes
  (users would be sent to something that is not there); ``milestone_after_target`` — a
  milestone is dated after the launch's target date; ``milestone_order`` — the standard
  milestones are out of their natural order (spec freeze ≤ code freeze ≤ QA ≤ release);
  ``campaign_ends_before_start`` — a campaign's end precedes its start; ``release_missing`` —
  the launch has campaigns but no release milestone to check them against.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise


class Status(StrEnum):
    PLANNING = "planning"
    READY = "ready_for_review"
    GO = "go"
    LAUNCHED = "launched"
    REVIEWED = "reviewed"
    CANCELLED = "cancelled"


class MilestoneKind(StrEnum):
    SPEC_FREEZE = "spec_freeze"
    CODE_FREEZE = "code_freeze"
    QA = "qa"
    RELEASE = "release"
    CAMPAIGN_START = "campaign_start"
    CAMPAIGN_END = "campaign_end"
    CUSTOM = "custom"


# The natural order of the engineering milestones.
ORDER = (MilestoneKind.SPEC_FREEZE, MilestoneKind.CODE_FREEZE, MilestoneKind.QA,
         MilestoneKind.RELEASE)  # fmt: skip

# Which RACI activity (truce.domain.raci keys) owns each milestone: its Accountable person is
# the milestone's default owner.
OWNER_ACTIVITY = {
    MilestoneKind.SPEC_FREEZE: "requirement_review",
    MilestoneKind.CODE_FREEZE: "development",
    MilestoneKind.QA: "testing",
    MilestoneKind.RELEASE: "release",
    MilestoneKind.CAMPAIGN_START: "promotion",
    MilestoneKind.CAMPAIGN_END: "promotion",
}

NAMES: dict[str, tuple[str, str]] = {
    MilestoneKind.SPEC_FREEZE: ("Spec freeze", "需求冻结"),
    MilestoneKind.CODE_FREEZE: ("Code freeze", "代码冻结"),
    MilestoneKind.QA: ("QA sign-off", "测试通过"),
    MilestoneKind.RELEASE: ("Release", "发布"),
    MilestoneKind.CAMPAIGN_START: ("Campaign start", "活动开始"),
    MilestoneKind.CAMPAIGN_END: ("Campaign end", "活动结束"),
    MilestoneKind.CUSTOM: ("Milestone", "里程碑"),
}

SEATS = ("product", "operations", "lead")

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PLANNING: frozenset({Status.READY, Status.CANCELLED}),
    Status.READY: frozenset({Status.PLANNING, Status.CANCELLED}),  # GO only via votes
    Status.GO: frozenset({Status.PLANNING, Status.LAUNCHED, Status.CANCELLED}),
    Status.LAUNCHED: frozenset({Status.REVIEWED}),
    Status.REVIEWED: frozenset(),
    Status.CANCELLED: frozenset({Status.PLANNING}),
}


def can_move(current: str, target: str) -> bool:
    return Status(target) in TRANSITIONS[Status(current)]


@dataclass(frozen=True)
class Milestone:
    kind: str
    when: date
    name: str = ""


@dataclass(frozen=True)
class CampaignDates:
    name: str
    starts: date | None
    ends: date | None
    promotes_released: Sequence[tuple[str, date | None]] = ()
    """(feature name, its release date or None when unknown) for each promoted feature."""


@dataclass(frozen=True)
class Warning:
    code: str
    message_en: str
    message_zh: str


def warnings(
    *,
    target: date | None,
    milestones: Iterable[Milestone],
    campaigns: Iterable[CampaignDates] = (),
) -> list[Warning]:
    """Every date clash of a launch, in a stable order."""
    milestones = sorted(milestones, key=lambda m: (m.when, m.kind, m.name))
    campaigns = list(campaigns)
    found: list[Warning] = []
    release = max((m.when for m in milestones if m.kind == MilestoneKind.RELEASE), default=None)
    if target is not None:
        for m in milestones:
            if m.when > target and m.kind not in (MilestoneKind.CAMPAIGN_END,):
                en, zh = (m.name, m.name) if m.name else NAMES[m.kind]
                found.append(Warning(
                    "milestone_after_target",
                    f"Milestone “{en}” ({m.when}) is after the target date {target}.",
                    f"里程碑“{zh}”（{m.when}）晚于目标上线日 {target}。",
                ))  # fmt: skip
    first = {}
    for m in milestones:
        if m.kind in ORDER:
            first.setdefault(m.kind, m.when)
    for earlier, later in pairwise(ORDER):
        if earlier in first and later in first and first[earlier] > first[later]:
            (e_en, e_zh), (l_en, l_zh) = NAMES[earlier], NAMES[later]
            found.append(Warning(
                "milestone_order",
                f"{e_en} ({first[earlier]}) comes after {l_en} ({first[later]}).",
                f"{e_zh}（{first[earlier]}）晚于{l_zh}（{first[later]}）。",
            ))  # fmt: skip
    for c in campaigns:
        if c.starts and c.ends and c.ends < c.starts:
            found.append(Warning(
                "campaign_ends_before_start",
                f"Campaign “{c.name}” ends ({c.ends}) before it starts ({c.starts}).",
                f"活动“{c.name}”的结束日（{c.ends}）早于开始日（{c.starts}）。",
            ))  # fmt: skip
        if c.starts is None:
            continue
        for feature, released in c.promotes_released:
            when = released or release
            if when is not None and c.starts < when:
                found.append(Warning(
                    "campaign_before_release",
                    f"Campaign “{c.name}” starts {c.starts}, before “{feature}” is released "
                    f"({when}).",
                    f"活动“{c.name}”{c.starts} 开始，早于“{feature}”发布（{when}）。",
                ))  # fmt: skip
    named = {c.name for c in campaigns}
    for m in milestones:  # campaign starts planned as milestones only
        alone = m.kind == MilestoneKind.CAMPAIGN_START and m.name not in named
        if alone and release is not None and m.when < release:
            label = m.name or NAMES[m.kind][0]
            found.append(Warning(
                "campaign_before_release",
                f"Campaign “{label}” starts {m.when}, before the release ({release}).",
                f"活动“{m.name or NAMES[m.kind][1]}”{m.when} 开始，早于发布（{release}）。",
            ))  # fmt: skip
    if campaigns and release is None:
        found.append(Warning(
            "release_missing",
            "The launch has campaigns but no release milestone to check them against.",
            "上线计划包含活动，但没有发布里程碑可供核对日期。",
        ))  # fmt: skip
    return found


@dataclass(frozen=True)
class CheckItem:
    side: str  # "product" or "operations"
    done: bool
    blocking: bool = False


@dataclass(frozen=True)
class Readiness:
    product: float  # 0..1
    operations: float
    overall: float
    open_blocking: int

    @property
    def may_review(self) -> bool:
        return self.open_blocking == 0


def readiness(items: Iterable[CheckItem]) -> Readiness:
    items = list(items)

    def share(side: str | None) -> float:
        mine = [i for i in items if side is None or i.side == side]
        return 1.0 if not mine else sum(i.done for i in mine) / len(mine)

    return Readiness(
        product=share("product"),
        operations=share("operations"),
        overall=share(None),
        open_blocking=sum(1 for i in items if i.blocking and not i.done),
    )


@dataclass(frozen=True)
class Vote:
    seat: str  # one of SEATS
    go: bool
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "go", "no_go" or "pending"
    missing: tuple[str, ...]  # seats that have not voted
    against: tuple[str, ...]  # seats that voted no-go


def verdict(votes: Iterable[Vote]) -> Verdict:
    """Go only with all three seats saying go; any no-go decides at once."""
    latest = {v.seat: v for v in votes if v.seat in SEATS}
    against = tuple(s for s in SEATS if s in latest and not latest[s].go)
    missing = tuple(s for s in SEATS if s not in latest)
    if against:
        return Verdict("no_go", missing, against)
    if missing:
        return Verdict("pending", missing, ())
    return Verdict("go", (), ())


def vote_problem(go: bool, reason: str) -> str | None:
    """The rule a vote must meet, or None: a no-go needs a reason."""
    if not go and not reason.strip():
        return "reason_required"
    return None
