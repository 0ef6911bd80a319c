"""Dual-lens scoring: scorecards, presets, evaluation, contested detection and who may score."""

from __future__ import annotations

import math
import re
import time
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.domain.scoring import (
    Criterion,
    Direction,
    Lens,
    LensWeights,
    Method,
    Score,
    Scorecard,
    default_scorecard,
    evaluate,
    may_score,
    preset,
    rice_scorecard,
    weighted_scorecard,
    who_scored,
    wsjf_scorecard,
)

PROD, OPS = Lens.PRODUCT, Lens.OPERATIONS


def two_criteria(**card: object) -> Scorecard:
    """One 0–100 criterion per lens: lens score = value / 100."""
    criteria = (
        Criterion("ux", "Experience", PROD, 1, 0, 100, label_zh="体验"),
        Criterion("gmv", "GMV", OPS, 1, 0, 100, label_zh="成交额"),
    )
    return Scorecard(criteria, **card)  # type: ignore[arg-type]


def scores(**values: float) -> list[Score]:
    return [Score(key, "alice" if key in {"ux"} else "olivia", v) for key, v in values.items()]


def everyone(card: Scorecard, value: float, scorer: str = "lena") -> list[Score]:
    return [Score(c.key, scorer, value) for c in card.criteria]


# Criteria and scorecards -------------------------------------------------------------------


def test_criterion_accepts_strings_from_the_database() -> None:
    c = Criterion("effort", "Effort", "product", 2, 0, 10, "lower_better", "工作量")
    assert c.lens is Lens.PRODUCT
    assert c.direction is Direction.LOWER_BETTER
    assert c.lower_is_better


def test_criterion_label_zh_falls_back_to_the_english_label() -> None:
    assert Criterion("gmv", "GMV", OPS).label_zh == "GMV"


def test_normalise_puts_better_towards_one() -> None:
    up = Criterion("reach", "Reach", OPS)
    down = Criterion("effort", "Effort", PROD, direction=Direction.LOWER_BETTER)
    assert up.normalise(7) == pytest.approx(0.7)
    assert down.normalise(7) == pytest.approx(0.3)
    assert Criterion("x", "X", PROD, scale_min=-5, scale_max=5).normalise(0) == 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weight": -1}, "criterion 'x': weight must be ≥ 0"),
        ({"weight": math.nan}, "weight must be ≥ 0"),
        ({"scale_min": 5, "scale_max": 5}, "scale_min must be below scale_max, got 5–5"),
        ({"scale_min": 0, "scale_max": math.inf}, "the scale must be finite"),
        ({"lens": "marketing"}, "marketing"),
        ({"direction": "up"}, "up"),
        ({"key": ""}, "needs a key"),
    ],
)
def test_invalid_criteria_are_refused(kwargs: dict, message: str) -> None:
    fields = {"key": "x", "label": "X", "lens": PROD} | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        Criterion(**fields)


def test_scorecard_rejects_repeated_keys() -> None:
    criteria = (Criterion("a", "A", PROD), Criterion("a", "A again", OPS))
    with pytest.raises(ValueError, match="unique; repeated: a"):
        Scorecard(criteria)


@pytest.mark.parametrize(
    "criteria",
    [
        (Criterion("a", "A", PROD),),
        (Criterion("a", "A", PROD), Criterion("b", "B", OPS, weight=0)),
    ],
)
def test_scorecard_needs_a_weighted_criterion_in_each_lens(criteria: tuple) -> None:
    with pytest.raises(ValueError, match="the operations lens needs at least one criterion"):
        Scorecard(criteria)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"contested_threshold": 0}, "contested_threshold must be in (0, 1]"),
        ({"contested_threshold": 1.5}, "contested_threshold must be in (0, 1]"),
        ({"disagreement_threshold": -0.1}, "disagreement_threshold must be in (0, 1]"),
        ({"method": "moscow"}, "moscow"),
    ],
)
def test_scorecard_settings_are_validated(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        two_criteria(**kwargs)


@pytest.mark.parametrize(
    ("weights", "message"),
    [((-1, 1), "lens weight for product must be ≥ 0"), ((0, 0), "at least one lens weight")],
)
def test_lens_weights_are_validated(weights: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LensWeights(*weights)


def test_formula_methods_need_their_criteria() -> None:
    with pytest.raises(ValueError, match="RICE needs the criteria: user_impact, business_impact"):
        Scorecard(default_scorecard().criteria, Method.RICE)


@pytest.mark.parametrize(
    "effort",
    [
        Criterion("effort", "Effort", PROD, 1, 0.5, 12),  # higher-better
        Criterion("effort", "Effort", PROD, 1, 0, 12, Direction.LOWER_BETTER),  # would divide by 0
    ],
)
def test_the_divisor_must_be_lower_better_and_positive(effort: Criterion) -> None:
    criteria = tuple(effort if c.key == "effort" else c for c in rice_scorecard().criteria)
    with pytest.raises(ValueError, match="RICE: 'effort' must be lower-better with scale_min > 0"):
        Scorecard(criteria, Method.RICE)


def test_formula_factors_must_not_go_negative() -> None:
    odd = Criterion("user_value", "User value", PROD, 1, -5, 20)
    criteria = tuple(odd if c.key == "user_value" else c for c in wsjf_scorecard().criteria)
    with pytest.raises(ValueError, match="WSJF: 'user_value' must be higher-better"):
        Scorecard(criteria, Method.WSJF)


def test_unknown_criterion_lookup_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no criterion 'nope'"):
        default_scorecard().criterion("nope")


# Presets -----------------------------------------------------------------------------------


def keys(card: Scorecard, lens: Lens) -> list[str]:
    return [c.key for c in card.criteria if c.lens is lens]


def test_default_scorecard_has_the_two_lenses_of_the_product() -> None:
    card = default_scorecard()
    assert card.method is Method.WEIGHTED
    assert keys(card, PROD) == ["ux_impact", "strategic_fit", "confidence", "effort"]
    assert keys(card, OPS) == ["reach", "growth", "revenue", "campaign_potential"]
    assert card.criterion("effort").lower_is_better
    assert weighted_scorecard() == card


def test_rice_splits_impact_between_the_lenses() -> None:
    card = rice_scorecard()
    assert keys(card, PROD) == ["user_impact", "confidence", "effort"]
    assert keys(card, OPS) == ["reach", "business_impact"]


def test_wsjf_splits_value_between_the_lenses() -> None:
    card = wsjf_scorecard()
    assert keys(card, PROD) == ["user_value", "risk_reduction", "job_size"]
    assert keys(card, OPS) == ["business_value", "time_criticality"]
    assert card.criterion("job_size").lower_is_better


@pytest.mark.parametrize("method", list(Method))
def test_every_preset_is_labelled_in_english_and_chinese(method: Method) -> None:
    card = preset(method)
    assert card.method is method
    for c in card.criteria:
        assert c.label.isascii()
        assert re.search("[\u4e00-\u9fff]", c.label_zh), c.key


def test_preset_accepts_the_method_name() -> None:
    assert preset("wsjf") == wsjf_scorecard()


# Evaluation --------------------------------------------------------------------------------


def test_mean_of_scorers_per_criterion() -> None:
    card = default_scorecard()
    result = evaluate(card, [Score("reach", "olivia", 4), Score("reach", "oscar", 7)])
    (reach,) = result.criteria
    assert (reach.key, reach.mean, reach.count, reach.low, reach.high) == ("reach", 5.5, 2, 4, 7)
    assert reach.normalised == pytest.approx(0.55)
    assert result.means == {"reach": 5.5}


def test_full_agreement_on_the_best_scores() -> None:
    card = default_scorecard()
    best = [Score(c.key, "lena", 0 if c.lower_is_better else 10) for c in card.criteria]
    result = evaluate(card, best)
    assert result.product.score == result.operations.score == result.priority == 1.0
    assert result.complete
    assert not result.contested


def test_lower_better_effort_pulls_the_product_lens_down() -> None:
    card = default_scorecard()
    result = evaluate(card, everyone(card, 10))
    assert result.product.score == pytest.approx(0.75)  # three 1.0s and effort inverted to 0
    assert result.operations.score == 1.0
    assert result.priority == pytest.approx(0.875)


def test_partial_coverage_reweights_over_the_scored_criteria() -> None:
    card = default_scorecard()
    result = evaluate(card, [Score("ux_impact", "alice", 8), Score("effort", "alice", 2)])
    assert result.product.score == pytest.approx(0.8)
    assert result.product.coverage == 0.5
    assert result.operations.score is None
    assert result.operations.coverage == 0
    assert result.priority == pytest.approx(0.8)  # ranked on what is known
    assert not result.complete


def test_no_scores_at_all() -> None:
    result = evaluate(default_scorecard(), [])
    assert result.product.score is result.operations.score is result.priority is None
    assert result.criteria == ()
    assert not result.contested


def test_coverage_counts_weight_not_criteria() -> None:
    criteria = (
        Criterion("big", "Big", PROD, weight=3),
        Criterion("small", "Small", PROD, weight=1),
        Criterion("gmv", "GMV", OPS),
    )
    result = evaluate(Scorecard(criteria), [Score("big", "alice", 5)])
    assert result.product.coverage == 0.75


def test_zero_weight_criteria_are_shown_but_do_not_count() -> None:
    criteria = (
        Criterion("note", "Note", PROD, weight=0),
        Criterion("ux", "UX", PROD),
        Criterion("gmv", "GMV", OPS),
    )
    result = evaluate(Scorecard(criteria), [Score("note", "alice", 9)])
    assert result.means == {"note": 9}
    assert result.product.score is None
    assert result.product.coverage == 0


def test_lens_weights_tilt_the_priority() -> None:
    card = two_criteria(lens_weights=LensWeights(3, 1))
    assert evaluate(card, scores(ux=100, gmv=0)).priority == pytest.approx(0.75)


def test_a_lens_weighted_zero_cannot_carry_the_priority_alone() -> None:
    card = two_criteria(lens_weights=LensWeights(1, 0))
    assert evaluate(card, scores(gmv=90)).priority is None


def test_lens_lookup_by_enum_or_name() -> None:
    result = evaluate(two_criteria(), scores(ux=20, gmv=40))
    assert result.lens(OPS) is result.operations
    assert result.lens("product") is result.product


# Invalid scores ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [11, -0.5, math.nan, math.inf])
def test_a_score_outside_the_scale_names_criterion_and_range(value: float) -> None:
    with pytest.raises(ValueError, match=r"criterion 'reach' \(Reach\) is outside its scale 0–10"):
        evaluate(default_scorecard(), [Score("reach", "olivia", value)])


def test_a_score_for_an_unknown_criterion_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown criterion 'moonshot'"):
        evaluate(default_scorecard(), [Score("moonshot", "alice", 5)])


def test_one_scorer_cannot_score_a_criterion_twice() -> None:
    twice = [Score("reach", "olivia", 5), Score("reach", "olivia", 6)]
    with pytest.raises(ValueError, match="'olivia' scored criterion 'reach' twice"):
        evaluate(default_scorecard(), twice)


# Contested ---------------------------------------------------------------------------------


def test_lens_divergence_is_explained_in_both_languages() -> None:
    result = evaluate(two_criteria(), scores(ux=82, gmv=31))
    assert result.contested
    (reason,) = result.reasons
    assert reason.code == "lens_divergence"
    assert reason.lens is PROD  # the side pushing for it
    assert (reason.low, reason.high, reason.threshold) == (0.31, 0.82, 0.3)
    assert reason.gap == pytest.approx(0.51)
    assert (
        reason.message_en
        == "Product rates this 0.82 but operations 0.31 (gap 0.51 > threshold 0.30)"
    )
    assert reason.message_zh == "产品侧评分 0.82，运营侧 0.31，差距 0.51 超过阈值 0.30"


def test_a_gap_equal_to_the_threshold_is_not_contested() -> None:
    # 0.8 - 0.5 is 0.30000000000000004 in floats; it must not count as above 0.30.
    assert not evaluate(two_criteria(), scores(ux=80, gmv=50)).contested


def test_the_threshold_is_configurable() -> None:
    assert evaluate(two_criteria(contested_threshold=0.1), scores(ux=80, gmv=65)).contested


def test_no_divergence_while_one_side_has_not_scored() -> None:
    assert not evaluate(two_criteria(), scores(ux=100)).contested


def test_scorer_disagreement_is_explained_in_both_languages() -> None:
    card = default_scorecard()
    result = evaluate(card, [Score("reach", "olivia", 2), Score("reach", "oscar", 9)])
    (reason,) = result.reasons
    assert (reason.code, reason.criterion_key, reason.lens) == ("scorer_disagreement", "reach", OPS)
    assert (reason.low, reason.high) == (2, 9)
    assert reason.message_en == (
        "Scorers of Reach disagree: 2 to 9 on a 0–10 scale (spread 0.70 > threshold 0.40)"
    )
    assert reason.message_zh == (
        "「触达范围」的评分人意见分歧：在 0–10 分制上从 2 到 9（差距 0.70 超过阈值 0.40）"
    )


def test_scorer_spread_at_the_threshold_or_a_single_scorer_is_not_contested() -> None:
    card = default_scorecard()
    assert not evaluate(card, [Score("reach", "a", 2), Score("reach", "b", 6)]).contested
    assert not evaluate(card, [Score("reach", "a", 0)]).contested


def test_divergence_and_disagreement_are_reported_together() -> None:
    card = two_criteria()
    both = [Score("ux", "alice", 90), Score("ux", "amy", 30), Score("gmv", "olivia", 0)]
    codes = [r.code for r in evaluate(card, both).reasons]
    assert codes == ["lens_divergence", "scorer_disagreement"]


# RICE and WSJF -----------------------------------------------------------------------------


def rice(**overrides: float) -> list[Score]:
    values = {"reach": 5, "user_impact": 2, "business_impact": 1, "confidence": 80, "effort": 2}
    return [Score(k, "lena", v) for k, v in (values | overrides).items()]


def test_rice_reports_the_formula_and_its_normalisation() -> None:
    result = evaluate(rice_scorecard(), rice())
    # 5 × mean(2, 1) × 80 % / 2 = 3; the best possible is 10 × 3 × 100 % / 0.5 = 60.
    assert result.raw_priority == pytest.approx(3.0)
    assert result.priority == pytest.approx((3 / 60) ** (1 / 4))
    assert result.missing == ()


def test_rice_at_the_best_and_worst_ends() -> None:
    best = rice(reach=10, user_impact=3, business_impact=3, confidence=100, effort=0.5)
    assert evaluate(rice_scorecard(), best).priority == pytest.approx(1.0)
    assert evaluate(rice_scorecard(), rice(confidence=0)).priority == 0


def test_rice_waits_for_every_factor() -> None:
    partial = [s for s in rice() if s.criterion_key not in {"reach", "business_impact"}]
    result = evaluate(rice_scorecard(), partial)
    assert result.priority is result.raw_priority is None
    assert result.missing == ("reach", "business_impact")
    assert result.product.score is not None  # the lens view is still there


def test_wsjf_reports_the_formula_and_its_normalisation() -> None:
    values = {"user_value": 8, "business_value": 13, "time_criticality": 5}
    values |= {"risk_reduction": 3, "job_size": 5}
    result = evaluate(wsjf_scorecard(), [Score(k, "lena", v) for k, v in values.items()])
    # Cost of delay = mean(8, 13) + 5 + 3 = 18.5; ÷ 5 = 3.7; the best is (20 + 20 + 20) / 1.
    assert result.raw_priority == pytest.approx(3.7)
    assert result.priority == pytest.approx(math.sqrt(3.7 / 60))


# Who scores --------------------------------------------------------------------------------


def test_who_scored_lists_distinct_scorers_per_criterion() -> None:
    given_scores = [
        Score("reach", "oscar", 3),
        Score("ux_impact", "alice", 5),
        Score("reach", "olivia", 4),
    ]
    assert who_scored(given_scores) == {"reach": ("olivia", "oscar"), "ux_impact": ("alice",)}


@pytest.mark.parametrize(
    ("role", "product", "operations"),
    [
        ("product", True, False),
        ("operations", False, True),
        ("lead", True, True),
        ("admin", False, False),
        ("viewer", False, False),
    ],
)
def test_who_may_score_which_lens(role: str, product: bool, operations: bool) -> None:
    assert may_score(role, Lens.PRODUCT) is product
    assert may_score(role, "operations") is operations


def test_an_unknown_role_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown role 'owner'; expected one of: product"):
        may_score("owner", PROD)


# Speed -------------------------------------------------------------------------------------


def test_evaluate_is_cheap_enough_for_a_large_pool() -> None:
    card = default_scorecard()
    two_each = [Score(c.key, s, v) for c in card.criteria for s, v in (("a", 4), ("b", 7))]
    runs = 5_000
    start = time.perf_counter()
    for _ in range(runs):
        evaluate(card, two_each)
    per_call = (time.perf_counter() - start) / runs
    assert per_call < 500e-6  # measured ≈20 µs; the bound only catches a blow-up


# Properties --------------------------------------------------------------------------------


@st.composite
def scored_cards(draw: st.DrawFn) -> tuple[Scorecard, list[Score]]:
    criteria = []
    for k in range(draw(st.integers(2, 6))):
        # The first two criteria guarantee each lens has weight.
        lens = [PROD, OPS][k] if k < 2 else draw(st.sampled_from(Lens))
        low = draw(st.integers(-10, 10))
        criteria.append(
            Criterion(
                f"c{k}",
                f"C{k}",
                lens,
                draw(st.integers(1 if k < 2 else 0, 5)),
                low,
                low + draw(st.integers(1, 20)),
                draw(st.sampled_from(Direction)),
            )
        )
    card = Scorecard(
        tuple(criteria),
        lens_weights=LensWeights(draw(st.integers(0, 3)), draw(st.integers(1, 3))),
        contested_threshold=draw(st.floats(0.05, 1)),
        disagreement_threshold=draw(st.floats(0.05, 1)),
    )
    given_scores = [
        Score(c.key, f"p{n}", draw(st.floats(c.scale_min, c.scale_max)))
        for c in criteria
        for n in range(draw(st.integers(0, 3)))
    ]
    return card, given_scores


def unit(value: float | None) -> bool:
    return value is None or 0 <= value <= 1


@given(scored_cards())
def test_normalised_numbers_stay_within_zero_and_one(case: tuple) -> None:
    card, given_scores = case
    result = evaluate(card, given_scores)
    assert all(unit(r.normalised) for r in result.criteria)
    for lens in (result.product, result.operations):
        assert unit(lens.score)
        assert 0 <= lens.coverage <= 1
    assert unit(result.priority)
    assert all(0 <= r.gap <= 1 for r in result.reasons)


def swapped(card: Scorecard) -> Scorecard:
    other = {PROD: OPS, OPS: PROD}
    weights = LensWeights(card.lens_weights.operations, card.lens_weights.product)
    criteria = tuple(replace(c, lens=other[c.lens]) for c in card.criteria)
    return replace(card, criteria=criteria, lens_weights=weights)


@given(scored_cards())
def test_contested_is_symmetric_in_swapping_the_lenses(case: tuple) -> None:
    card, given_scores = case
    before, after = evaluate(card, given_scores), evaluate(swapped(card), given_scores)
    assert before.contested == after.contested
    assert [r.code for r in before.reasons] == [r.code for r in after.reasons]
    assert before.product == replace(after.operations, lens=PROD)
    assert before.priority == pytest.approx(after.priority)


@given(scored_cards(), st.data())
def test_flipping_direction_inverts_a_criterion(case: tuple, data: st.DataObject) -> None:
    card, given_scores = case
    target = data.draw(st.sampled_from(card.criteria))
    flip = {Direction.HIGHER_BETTER: Direction.LOWER_BETTER}.get(
        target.direction, Direction.HIGHER_BETTER
    )
    flipped = replace(
        card,
        criteria=tuple(
            replace(c, direction=flip) if c.key == target.key else c for c in card.criteria
        ),
    )
    before = {r.key: r.normalised for r in evaluate(card, given_scores).criteria}
    after = {r.key: r.normalised for r in evaluate(flipped, given_scores).criteria}
    for key, value in before.items():
        expected = 1 - value if key == target.key else value
        assert after[key] == pytest.approx(expected)


rice_values = st.fixed_dictionaries(
    {
        "reach": st.floats(0, 10),
        "user_impact": st.floats(0.25, 3),
        "business_impact": st.floats(0.25, 3),
        "confidence": st.floats(0, 100),
        "effort": st.floats(0.5, 12),
    }
)


@given(rice_values, rice_values)
def test_normalised_rice_keeps_the_rice_ranking(first: dict, second: dict) -> None:
    card = rice_scorecard()
    a = evaluate(card, [Score(k, "lena", v) for k, v in first.items()])
    b = evaluate(card, [Score(k, "lena", v) for k, v in second.items()])
    assert a.raw_priority is not None and b.raw_priority is not None
    if a.raw_priority < b.raw_priority:
        assert a.priority <= b.priority  # type: ignore[operator]
