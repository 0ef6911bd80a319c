"""Dual-lens scoring: each side scores its lens, Truce combines them and says where they disagree.

A scorecard has criteria; each criterion belongs to the product lens (产品) or the operations lens
(运营), has a weight and a scale, and says whether higher or lower is better. Several people may
score one criterion; :func:`evaluate` turns their scores into

- a mean per criterion, normalised to 0..1 with "better" always towards 1 (lower-better
  criteria such as effort are inverted);
- a score per lens: the weighted mean of the lens's *scored* criteria, reweighted over what was
  scored, with ``coverage`` = the share of the lens's weight that has been scored. ``None`` when
  nothing of positive weight in the lens has been scored (zero-weight criteria are shown but
  never count);
- a combined priority in 0..1 (see "Methods");
- contest reasons: the two lenses disagree (``lens_divergence``, only when both are scored) or
  the scorers of one criterion disagree (``scorer_disagreement``).

Methods
-------
``weighted``: priority = lens scores weighted by ``lens_weights``, over the lenses that have a
score (a product-only item is ranked on its product score until operations weighs in; see
``coverage`` and ``complete``).

``rice``, ``wsjf``: the formula the teams know is computed from the criterion means and reported as
``raw_priority``; ``priority = (raw / best) ** (1 / k)`` with ``best`` the formula at the best end
of every scale and ``k`` its number of factors. ``raw / best`` is the product of each factor's
closeness to its best (``reach / reach_max``, ``effort_min / effort``, …), so this is the
*geometric mean of those closenesses*: it keeps the formula's ranking exactly, is unit-free, and
does not squash everything towards 0 as ``raw / best`` would. ``None`` while any factor is
unscored (``missing`` names them): a RICE without reach is not a RICE. ``lens_weights`` apply to
``weighted`` only; lens scores are computed for every method, for display and divergence.

Lens mapping of the presets (workspaces may edit criteria but must keep the formula keys)
----------------------------------------------------------------------------------------
RICE = Reach × Impact × Confidence / Effort. Reach (users a quarter: channels, DAU, audience) is
operations' knowledge; Confidence and Effort are product's (evidence, engineering estimate).
Impact is claimed by both sides — the very fight Truce exists for — so it is split into
``user_impact`` (product: experience) and ``business_impact`` (operations: conversion, revenue),
both on Intercom's 0.25–3 scale, and Impact = their mean. Confidence (0–100 %) enters as a
fraction of its scale's top.

WSJF = Cost of Delay / Job size, Cost of Delay = user-business value + time criticality + risk
reduction/opportunity enablement (SAFe, modified Fibonacci 1–20). User-business value is split
likewise into ``user_value`` (product) and ``business_value`` (operations), averaged so it still
counts once. Time criticality is operations' (campaign windows: 618, 双11, 春节; competitors);
risk reduction/opportunity enablement and job size are product's (tech risk, enablers, estimate).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple


class Lens(StrEnum):
    PRODUCT = "product"
    OPERATIONS = "operations"


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"


class Method(StrEnum):
    WEIGHTED = "weighted"
    RICE = "rice"
    WSJF = "wsjf"


# Who may score which lens (PRODUCT.md "Who decides what"). Admins administer — members,
# scorecard weights and thresholds — and do not score: whoever sets the rules should not also
# tilt the scores. An admin who must score is given the lead role (or their side's) instead.
ROLE_LENSES: Mapping[str, frozenset[Lens]] = {
    "product": frozenset({Lens.PRODUCT}),
    "operations": frozenset({Lens.OPERATIONS}),
    "lead": frozenset(Lens),
    "admin": frozenset(),
    "viewer": frozenset(),
}


def _num(value: float) -> str:
    """A scale value as people write it: 2, 2.5, 0.25 — never 2.0."""
    return f"{value:g}"


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


@dataclass(frozen=True)
class Criterion:
    """One thing a lens looks at, e.g. reach (运营) or effort (产品, lower is better)."""

    key: str
    label: str
    lens: Lens
    weight: float = 1.0
    scale_min: float = 0
    scale_max: float = 10
    direction: Direction = Direction.HIGHER_BETTER
    label_zh: str = ""  # falls back to ``label``

    def __post_init__(self) -> None:
        # Accept plain strings from the Django layer; an unknown one raises ValueError here.
        object.__setattr__(self, "lens", Lens(self.lens))
        object.__setattr__(self, "direction", Direction(self.direction))
        object.__setattr__(self, "label_zh", self.label_zh or self.label)
        if not self.key:
            raise ValueError("a criterion needs a key")
        if not _finite(self.weight) or self.weight < 0:
            raise ValueError(f"criterion {self.key!r}: weight must be ≥ 0, got {self.weight!r}")
        if not (_finite(self.scale_min) and _finite(self.scale_max)):
            raise ValueError(f"criterion {self.key!r}: the scale must be finite numbers")
        if not self.scale_min < self.scale_max:
            raise ValueError(
                f"criterion {self.key!r}: scale_min must be below scale_max, "
                f"got {_num(self.scale_min)}–{_num(self.scale_max)}"
            )

    @property
    def lower_is_better(self) -> bool:
        return self.direction is Direction.LOWER_BETTER

    @property
    def scale_text(self) -> str:
        return f"{_num(self.scale_min)}–{_num(self.scale_max)}"

    def normalise(self, value: float) -> float:
        """0..1 with 1 = best end of the scale (so lower-better criteria are inverted)."""
        share = (value - self.scale_min) / (self.scale_max - self.scale_min)
        # A mean may drift one ulp past the scale; conditionals beat min()/max() on the hot path.
        share = 0.0 if share < 0.0 else 1.0 if share > 1.0 else share
        return 1.0 - share if self.direction is Direction.LOWER_BETTER else share

    def check(self, value: float) -> None:
        if not self.scale_min <= value <= self.scale_max:  # NaN fails too
            raise ValueError(
                f"score {value!r} for criterion {self.key!r} ({self.label}) is outside "
                f"its scale {self.scale_text}"
            )


@dataclass(frozen=True)
class LensWeights:
    """How much each lens counts in the weighted method; normalised, so 1:1 is 0.5:0.5."""

    product: float = 0.5
    operations: float = 0.5

    def __post_init__(self) -> None:
        for lens in Lens:
            weight = self.of(lens)
            if not _finite(weight) or weight < 0:
                raise ValueError(f"lens weight for {lens} must be ≥ 0, got {weight!r}")
        if self.product + self.operations <= 0:
            raise ValueError("at least one lens weight must be positive")

    def of(self, lens: Lens) -> float:
        return self.product if lens is Lens.PRODUCT else self.operations


_Raw = Callable[[Mapping[str, float], Mapping[str, Criterion]], float]


def _rice(m: Mapping[str, float], c: Mapping[str, Criterion]) -> float:
    impact = (m["user_impact"] + m["business_impact"]) / 2
    confidence = m["confidence"] / c["confidence"].scale_max  # a fraction of "certain"
    return m["reach"] * impact * confidence / m["effort"]


def _wsjf(m: Mapping[str, float], c: Mapping[str, Criterion]) -> float:
    value = (m["user_value"] + m["business_value"]) / 2  # user-business value counts once
    return (value + m["time_criticality"] + m["risk_reduction"]) / m["job_size"]


class _Formula(NamedTuple):
    """A formula method: which criteria it reads and how it combines their means."""

    numerators: tuple[str, ...]  # higher is better
    denominators: tuple[str, ...]  # lower is better, strictly positive scale
    factors: int  # k of the geometric mean, see the module docstring
    raw: _Raw


_RICE_KEYS = ("reach", "user_impact", "business_impact", "confidence")
_WSJF_KEYS = ("user_value", "business_value", "time_criticality", "risk_reduction")
FORMULAS: Mapping[Method, _Formula] = {
    Method.RICE: _Formula(_RICE_KEYS, ("effort",), 4, _rice),
    Method.WSJF: _Formula(_WSJF_KEYS, ("job_size",), 2, _wsjf),
}


class _Plan(NamedTuple):
    """What :func:`evaluate` needs, worked out once per scorecard rather than once per call."""

    by_key: Mapping[str, Criterion]
    lens_total: Mapping[Lens, float]
    best: float  # the formula at the best end of every scale (1 for "weighted")


@dataclass(frozen=True)
class Scorecard:
    """How a workspace scores: criteria, method, lens weights and the contested thresholds.

    ``contested_threshold``: lens scores (0..1) further apart than this are contested.
    ``disagreement_threshold``: scorers of one criterion further apart than this share of its
    scale are contested.
    """

    criteria: tuple[Criterion, ...]
    method: Method = Method.WEIGHTED
    lens_weights: LensWeights = field(default_factory=LensWeights)
    contested_threshold: float = 0.3
    disagreement_threshold: float = 0.4
    _plan: _Plan = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        object.__setattr__(self, "method", Method(self.method))
        self._validate()
        object.__setattr__(self, "_plan", self._make_plan())

    def _validate(self) -> None:
        keys = [c.key for c in self.criteria]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(f"criterion keys must be unique; repeated: {', '.join(repeated)}")
        for lens in Lens:
            if not any(c.lens is lens and c.weight > 0 for c in self.criteria):
                raise ValueError(f"the {lens} lens needs at least one criterion with weight > 0")
        for name in ("contested_threshold", "disagreement_threshold"):
            value = getattr(self, name)
            if not (_finite(value) and 0 < value <= 1):
                raise ValueError(f"{name} must be in (0, 1], got {value!r}")
        if self.method in FORMULAS:
            self._validate_formula(FORMULAS[self.method])

    def _validate_formula(self, formula: _Formula) -> None:
        by_key = {c.key: c for c in self.criteria}
        name = self.method.upper()
        absent = [k for k in formula.numerators + formula.denominators if k not in by_key]
        if absent:
            raise ValueError(f"{name} needs the criteria: {', '.join(absent)}")
        for key in formula.numerators:
            if by_key[key].lower_is_better or by_key[key].scale_min < 0:
                raise ValueError(f"{name}: {key!r} must be higher-better with scale_min ≥ 0")
        for key in formula.denominators:  # they divide
            if not by_key[key].lower_is_better or by_key[key].scale_min <= 0:
                raise ValueError(f"{name}: {key!r} must be lower-better with scale_min > 0")

    def _make_plan(self) -> _Plan:
        by_key = {c.key: c for c in self.criteria}
        totals = {lens: sum(c.weight for c in self.criteria if c.lens is lens) for lens in Lens}
        formula = FORMULAS.get(self.method)
        if formula is None:
            return _Plan(by_key, totals, 1.0)
        best = {k: by_key[k].scale_max for k in formula.numerators}
        best |= {k: by_key[k].scale_min for k in formula.denominators}
        return _Plan(by_key, totals, formula.raw(best, by_key))

    def criterion(self, key: str) -> Criterion:
        try:
            return self._plan.by_key[key]
        except KeyError:
            raise ValueError(f"no criterion {key!r} in this scorecard") from None


@dataclass(frozen=True)
class Score:
    """One person's score of one criterion (for one requirement)."""

    criterion_key: str
    scorer_id: str
    value: float


@dataclass(frozen=True)
class CriterionResult:
    """The scorers' view of one criterion: their mean, its 0..1 normalisation, their range."""

    key: str
    lens: Lens
    mean: float
    normalised: float
    count: int
    low: float
    high: float


@dataclass(frozen=True)
class LensResult:
    """``score`` in 0..1, None until something weighted is scored; ``coverage``: weight scored."""

    lens: Lens
    score: float | None
    coverage: float


@dataclass(frozen=True)
class ContestReason:
    """Why an item is contested, in numbers and in words (English and zh-Hans).

    ``lens_divergence``: ``low``/``high`` are the two lens scores, ``lens`` the lens that rates the
    item higher. ``scorer_disagreement``: ``low``/``high`` are the lowest and highest score given
    to ``criterion_key`` (on its own scale), ``lens`` its lens. ``gap`` is normalised to 0..1.
    """

    code: Literal["lens_divergence", "scorer_disagreement"]
    lens: Lens
    criterion_key: str | None
    low: float
    high: float
    gap: float
    threshold: float
    message_en: str
    message_zh: str


@dataclass(frozen=True)
class Evaluation:
    """Everything :func:`evaluate` concludes about one item's scores."""

    method: Method
    criteria: tuple[CriterionResult, ...]  # the scored criteria, in scorecard order
    product: LensResult
    operations: LensResult
    priority: float | None  # 0..1
    raw_priority: float | None  # the RICE/WSJF number; equals priority for "weighted"
    missing: tuple[str, ...]  # formula criteria nobody has scored yet (rice/wsjf)
    reasons: tuple[ContestReason, ...]

    @property
    def contested(self) -> bool:
        return bool(self.reasons)

    @property
    def complete(self) -> bool:
        """Every criterion of weight in both lenses has been scored."""
        return self.product.coverage >= 1 and self.operations.coverage >= 1

    @property
    def means(self) -> dict[str, float]:
        return {r.key: r.mean for r in self.criteria}

    def lens(self, lens: Lens | str) -> LensResult:
        return self.product if Lens(lens) is Lens.PRODUCT else self.operations


_Results = tuple[CriterionResult, ...]

# Thresholds are compared with a hair of slack so a gap printed as "0.30" is never reported as
# exceeding a threshold of 0.30 because of float noise.
_SLACK = 1e-9


def evaluate(scorecard: Scorecard, scores: Iterable[Score]) -> Evaluation:
    """Combine the scores of one item under ``scorecard``.

    Raises ValueError for an unknown criterion, a value outside the criterion's scale, or one
    scorer scoring the same criterion twice.
    """
    plan = scorecard._plan
    results = _criterion_results(scorecard, _tally(plan, scores))
    product = _lens_result(plan, results, Lens.PRODUCT)
    operations = _lens_result(plan, results, Lens.OPERATIONS)
    priority, raw, missing = _priority(scorecard, results, product, operations)
    reasons = _divergence(scorecard, product, operations) + _disagreements(scorecard, results)
    return Evaluation(
        scorecard.method, results, product, operations, priority, raw, missing, reasons
    )


def _tally(plan: _Plan, scores: Iterable[Score]) -> dict[str, list]:
    """Per criterion key: [sum, count, low, high], validating each score on the way."""
    tallies: dict[str, list] = {}
    seen: set[tuple[str, str]] = set()
    for score in scores:
        key, value = score.criterion_key, score.value
        c = plan.by_key.get(key)
        if c is None:
            raise ValueError(f"score for unknown criterion {key!r}")
        if not c.scale_min <= value <= c.scale_max:  # also catches NaN; check() explains
            c.check(value)
        if (key, score.scorer_id) in seen:
            raise ValueError(f"scorer {score.scorer_id!r} scored criterion {key!r} twice")
        seen.add((key, score.scorer_id))
        tally = tallies.get(key)
        if tally is None:
            tallies[key] = [value, 1, value, value]
            continue
        tally[0] += value
        tally[1] += 1
        if value < tally[2]:
            tally[2] = value
        elif value > tally[3]:
            tally[3] = value
    return tallies


def _criterion_results(scorecard: Scorecard, tallies: dict[str, list]) -> _Results:
    results = []
    for c in scorecard.criteria:
        tally = tallies.get(c.key)
        if tally is not None:
            total, count, low, high = tally
            mean = total / count
            results.append(
                CriterionResult(c.key, c.lens, mean, c.normalise(mean), count, low, high)
            )
    return tuple(results)


def _lens_result(plan: _Plan, results: _Results, lens: Lens) -> LensResult:
    weighted = weight = 0.0
    for r in results:
        if r.lens is lens:
            w = plan.by_key[r.key].weight
            weighted += w * r.normalised
            weight += w
    if weight <= 0:
        return LensResult(lens, None, 0.0)
    return LensResult(lens, min(1.0, weighted / weight), min(1.0, weight / plan.lens_total[lens]))


def _priority(
    scorecard: Scorecard, results: _Results, product: LensResult, operations: LensResult
) -> tuple[float | None, float | None, tuple[str, ...]]:
    """(priority 0..1, raw formula value, formula criteria still unscored)."""
    formula = FORMULAS.get(scorecard.method)
    if formula is None:
        priority = _weighted_priority(scorecard.lens_weights, product, operations)
        return priority, priority, ()
    means = {r.key: r.mean for r in results}
    missing = tuple(k for k in formula.numerators + formula.denominators if k not in means)
    if missing:
        return None, None, missing
    plan = scorecard._plan
    raw = formula.raw(means, plan.by_key)
    return min(1.0, (raw / plan.best) ** (1 / formula.factors)), raw, ()


def _weighted_priority(
    weights: LensWeights, product: LensResult, operations: LensResult
) -> float | None:
    total = weight = 0.0
    for result in (product, operations):
        w = weights.of(result.lens)
        if result.score is not None and w > 0:
            total += w * result.score
            weight += w
    return min(1.0, total / weight) if weight > 0 else None


def _divergence(
    scorecard: Scorecard, product: LensResult, operations: LensResult
) -> tuple[ContestReason, ...]:
    p, o = product.score, operations.score
    if p is None or o is None:
        return ()  # one side has not spoken; silence is not disagreement
    gap, t = abs(p - o), scorecard.contested_threshold
    if gap <= t + _SLACK:
        return ()
    higher = Lens.PRODUCT if p > o else Lens.OPERATIONS
    en = f"Product rates this {p:.2f} but operations {o:.2f} (gap {gap:.2f} > threshold {t:.2f})"
    zh = f"产品侧评分 {p:.2f}，运营侧 {o:.2f}，差距 {gap:.2f} 超过阈值 {t:.2f}"
    low, high = min(p, o), max(p, o)
    return (ContestReason("lens_divergence", higher, None, low, high, gap, t, en, zh),)


def _disagreements(scorecard: Scorecard, results: _Results) -> tuple[ContestReason, ...]:
    threshold = scorecard.disagreement_threshold
    reasons = []
    for r in results:
        if r.count < 2:
            continue
        c = scorecard._plan.by_key[r.key]
        spread = (r.high - r.low) / (c.scale_max - c.scale_min)
        if spread > threshold + _SLACK:
            reasons.append(_disagreement(c, r, spread, threshold))
    return tuple(reasons)


def _disagreement(
    c: Criterion, r: CriterionResult, spread: float, threshold: float
) -> ContestReason:
    low, high = _num(r.low), _num(r.high)
    en = (
        f"Scorers of {c.label} disagree: {low} to {high} on a {c.scale_text} scale "
        f"(spread {spread:.2f} > threshold {threshold:.2f})"
    )
    zh = (
        f"「{c.label_zh}」的评分人意见分歧：在 {c.scale_text} 分制上从 {low} 到 {high}"
        f"（差距 {spread:.2f} 超过阈值 {threshold:.2f}）"
    )
    return ContestReason(
        "scorer_disagreement", c.lens, c.key, r.low, r.high, spread, threshold, en, zh
    )


def who_scored(scores: Iterable[Score]) -> dict[str, tuple[str, ...]]:
    """Criterion key → the distinct scorers who scored it, sorted (keys sorted too)."""
    by_key: dict[str, set[str]] = {}
    for score in scores:
        by_key.setdefault(score.criterion_key, set()).add(score.scorer_id)
    return {key: tuple(sorted(by_key[key])) for key in sorted(by_key)}


def may_score(role: str, lens: Lens | str) -> bool:
    """Whether a member with ``role`` may score criteria of ``lens`` (see ROLE_LENSES)."""
    try:
        lenses = ROLE_LENSES[role]
    except KeyError:
        known = ", ".join(ROLE_LENSES)
        raise ValueError(f"unknown role {role!r}; expected one of: {known}") from None
    return Lens(lens) in lenses


# Presets ------------------------------------------------------------------------------------

_P, _O, _UP, _DOWN = Lens.PRODUCT, Lens.OPERATIONS, Direction.HIGHER_BETTER, Direction.LOWER_BETTER

# key, English label, zh-Hans label, lens, scale_min, scale_max, direction (all weights 1: each
# side starts neutral and tunes its own lens).
_Row = tuple[str, str, str, Lens, float, float, Direction]

_WEIGHTED: tuple[_Row, ...] = (
    ("ux_impact", "User-experience impact", "用户体验影响", _P, 0, 10, _UP),
    ("strategic_fit", "Strategic fit", "战略契合度", _P, 0, 10, _UP),
    ("confidence", "Confidence", "信心度", _P, 0, 10, _UP),
    ("effort", "Effort", "投入工作量", _P, 0, 10, _DOWN),
    ("reach", "Reach", "触达范围", _O, 0, 10, _UP),
    ("growth", "Growth", "增长（拉新、留存）", _O, 0, 10, _UP),
    ("revenue", "Revenue", "营收", _O, 0, 10, _UP),
    ("campaign_potential", "Campaign potential", "活动潜力", _O, 0, 10, _UP),
)
# Intercom's scales: impact 0.25 (minimal) … 3 (massive), confidence in %, effort in person-months.
_RICE: tuple[_Row, ...] = (
    ("user_impact", "Impact on users", "用户影响", _P, 0.25, 3, _UP),
    ("confidence", "Confidence (%)", "信心度（%）", _P, 0, 100, _UP),
    ("effort", "Effort (person-months)", "工作量（人月）", _P, 0.5, 12, _DOWN),
    ("reach", "Reach", "触达范围", _O, 0, 10, _UP),  # 10 = every target user, per quarter
    ("business_impact", "Business impact", "商业影响", _O, 0.25, 3, _UP),  # conversion, revenue
)
# SAFe's modified Fibonacci 1, 2, 3, 5, 8, 13, 20 for every WSJF criterion.
_WSJF: tuple[_Row, ...] = (
    ("user_value", "User value", "用户价值", _P, 1, 20, _UP),
    ("risk_reduction", "Risk reduction / enablement", "降低风险 / 创造机会", _P, 1, 20, _UP),
    ("job_size", "Job size", "工作规模", _P, 1, 20, _DOWN),
    ("business_value", "Business value", "商业价值", _O, 1, 20, _UP),
    ("time_criticality", "Time criticality", "时间紧迫性", _O, 1, 20, _UP),
)


def _card(rows: tuple[_Row, ...], method: Method) -> Scorecard:
    criteria = tuple(
        Criterion(key, en, lens, 1.0, lo, hi, direction, zh)
        for key, en, zh, lens, lo, hi, direction in rows
    )
    return Scorecard(criteria, method)


def default_scorecard() -> Scorecard:
    """Weighted scoring over the four product and four operations criteria of PRODUCT.md."""
    return _card(_WEIGHTED, Method.WEIGHTED)


def weighted_scorecard() -> Scorecard:
    return default_scorecard()


def rice_scorecard() -> Scorecard:
    """RICE over two lenses; see the module docstring for the mapping."""
    return _card(_RICE, Method.RICE)


def wsjf_scorecard() -> Scorecard:
    """WSJF over two lenses; see the module docstring for the mapping."""
    return _card(_WSJF, Method.WSJF)


PRESETS: Mapping[Method, Callable[[], Scorecard]] = {
    Method.WEIGHTED: weighted_scorecard,
    Method.RICE: rice_scorecard,
    Method.WSJF: wsjf_scorecard,
}


def preset(method: Method | str) -> Scorecard:
    """The preset scorecard for a method, e.g. to seed a new workspace."""
    return PRESETS[Method(method)]()
