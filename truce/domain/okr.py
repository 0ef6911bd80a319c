"""OKR arithmetic: key-result progress, roll-up to objectives, at-risk detection, strategic fit.

Pure Python (no Django): services hand in numbers and dates, get frozen dataclasses back.

The at-risk rule, in words:

    A key result is at risk when its progress trails the time elapsed in the period by more
    than 15 percentage points (progress < elapsed − 0.15), or when its latest confidence is
    below 0.5 (on a 0–1 scale). Exactly 15 points behind, or a confidence of exactly 0.5, is
    not yet at risk.

Progress is (current − baseline) / (target − baseline), clamped to 0..1. For a key result
that should go down (e.g. churn 8 % → 5 %) target < baseline and the same formula holds; a
move in the wrong direction counts as 0, overshooting counts as 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

BEHIND_MARGIN = 0.15  # progress may trail elapsed time by this much before it is at risk
LOW_CONFIDENCE = 0.5  # confidences strictly below this are low (scale 0..1)
_EPS = 1e-9  # 0.5 − 0.15 is not exactly 0.35 in binary floating point

RULE_EN = (
    "A key result is at risk when its progress is more than 15 points behind the time "
    "elapsed in the period, or its latest confidence is below 50%."
)
RULE_ZH = "关键结果的进度落后于周期已过时间超过 15 个百分点，或最近一次信心低于 50%，即视为有风险。"


@dataclass(frozen=True)
class KeyResultState:
    baseline: float
    target: float
    current: float
    direction: str = "up"  # "up": higher is better; "down": lower is better
    confidence: float | None = None  # latest check-in's confidence, 0..1
    weight: float = 1.0


@dataclass(frozen=True)
class RiskReason:
    code: str  # "behind" or "low_confidence"
    message_en: str
    message_zh: str


@dataclass(frozen=True)
class Assessment:
    progress: float  # 0..1
    expected: float  # elapsed share of the period, 0..1
    reasons: tuple[RiskReason, ...]

    @property
    def at_risk(self) -> bool:
        return bool(self.reasons)


def progress(baseline: float, target: float, current: float, direction: str = "up") -> float:
    """Share of the way from baseline to target, clamped to 0..1, honouring the direction."""
    if target == baseline:
        reached = current >= target if direction == "up" else current <= target
        return 1.0 if reached else 0.0
    share = (current - baseline) / (target - baseline)
    return min(1.0, max(0.0, share))


def elapsed(start: date, end: date, today: date) -> float:
    """Share of the period gone by ``today``: 0 before it starts, 1 from its last day on."""
    if end <= start:
        return 1.0 if today >= end else 0.0
    share = (today - start).days / (end - start).days
    return min(1.0, max(0.0, share))


def assess(kr: KeyResultState, elapsed_share: float) -> Assessment:
    p = progress(kr.baseline, kr.target, kr.current, kr.direction)
    reasons: list[RiskReason] = []
    if elapsed_share - p > BEHIND_MARGIN + _EPS:
        gap = round((elapsed_share - p) * 100)
        reasons.append(
            RiskReason(
                "behind",
                f"Progress {p:.0%} trails the {elapsed_share:.0%} of the period elapsed "
                f"by {gap} points (more than {BEHIND_MARGIN:.0%}).",
                f"进度 {p:.0%} 落后于周期已过时间 {elapsed_share:.0%} 共 {gap} 个百分点"
                f"（超过 {BEHIND_MARGIN:.0%}）。",
            )
        )
    if kr.confidence is not None and kr.confidence < LOW_CONFIDENCE - _EPS:
        reasons.append(
            RiskReason(
                "low_confidence",
                f"Latest confidence {kr.confidence:.0%} is below {LOW_CONFIDENCE:.0%}.",
                f"最近一次信心 {kr.confidence:.0%} 低于 {LOW_CONFIDENCE:.0%}。",
            )
        )
    return Assessment(progress=p, expected=elapsed_share, reasons=tuple(reasons))


def rollup(items: Sequence[tuple[float, float]]) -> float | None:
    """Weighted mean of (progress, weight) pairs; all-zero weights count equally; none → None."""
    if not items:
        return None
    total = sum(max(w, 0.0) for _, w in items)
    if total <= 0:
        return sum(p for p, _ in items) / len(items)
    return sum(p * max(w, 0.0) for p, w in items) / total


def target_path(
    start: date, end: date, baseline: float, target: float
) -> tuple[tuple[date, float], ...]:
    """The straight line from baseline on the first day to target on the last."""
    return ((start, baseline), (end, target))


@dataclass(frozen=True)
class LinkedKeyResult:
    """What strategic fit looks at for one key result a requirement moves."""

    at_risk: bool
    joint: bool
    weight: float = 1.0


FIT_BASE, FIT_AT_RISK, FIT_JOINT, FIT_MAX = 2.0, 3.0, 2.0, 10.0


def strategic_fit(links: Sequence[LinkedKeyResult]) -> float:
    """0–10: each linked key result adds 2, plus 3 if it is at risk, plus 2 if its objective is
    joint (both sides own it), scaled by the key result's weight; capped at 10."""
    points = sum(
        (FIT_BASE + FIT_AT_RISK * link.at_risk + FIT_JOINT * link.joint) * max(link.weight, 0.0)
        for link in links
    )
    return round(min(FIT_MAX, points), 1)
