"""ABC segmentation: the boundary rule, ties, degenerate inputs, and properties of the split."""

from __future__ import annotations

import itertools
import math
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from truce.domain.segments import SegmentStats, SegmentThresholds, segment, segment_summary

RANK = {"A": 0, "B": 1, "C": 2}


def members(result: dict, name: str) -> set:
    return {key for key, seg in result.items() if seg == name}


# The boundary rule -------------------------------------------------------------------------


def test_classic_split_80_15_5() -> None:
    values = {"a": 50, "b": 30, "c": 10, "d": 5, "e": 3, "f": 2}
    assert segment(values) == {"a": "A", "b": "A", "c": "B", "d": "B", "e": "C", "f": "C"}


def test_the_customer_crossing_a_threshold_belongs_to_the_upper_class() -> None:
    # x alone is 70 % (< 80 %), so y, which carries the total across 80 %, is still A.
    # z starts at 90 % (< 95 %), so it is B although B then ends at 100 %.
    assert segment({"x": 70, "y": 20, "z": 10}) == {"x": "A", "y": "A", "z": "B"}


def test_a_customer_starting_exactly_on_the_threshold_is_not_in_the_upper_class() -> None:
    # Share before y is exactly 80 %: A is already full.
    assert segment({"x": 80, "y": 15, "z": 5}) == {"x": "A", "y": "B", "z": "C"}


def test_float_noise_does_not_move_a_customer_across_the_boundary() -> None:
    # 0.1 * 8 summed in floats is 0.7999999999999999, which naively is "< 0.8".
    values = {k: 0.1 for k in range(10)}
    result = segment(values)
    assert members(result, "A") == set(range(8))
    assert members(result, "B") == {8, 9}


def test_one_big_customer_is_a_on_its_own() -> None:
    # The whale alone is 99.8 % of value: the others start past 95 % and are C.
    assert segment({"whale": 1000, "minnow": 1, "shrimp": 1}) == {
        "whale": "A",
        "minnow": "C",
        "shrimp": "C",
    }


def test_single_customer_is_a() -> None:
    assert segment({"only": 5}) == {"only": "A"}


def test_custom_thresholds() -> None:
    values = {"a": 40, "b": 30, "c": 20, "d": 10}
    assert segment(values, SegmentThresholds(0.5, 0.3)) == {"a": "A", "b": "A", "c": "B", "d": "C"}


def test_thresholds_summing_to_one_leave_c_to_worthless_customers() -> None:
    values = {"a": 40, "b": 30, "c": 20, "d": 10, "e": 0}
    result = segment(values, SegmentThresholds(0.7, 0.3))
    assert result == {"a": "A", "b": "A", "c": "B", "d": "B", "e": "C"}


# Ties and degenerate inputs ------------------------------------------------------------------


def test_ties_are_broken_by_id_whatever_the_input_order() -> None:
    ids = [f"c{k:02d}" for k in range(20)]
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    result = segment(dict.fromkeys(shuffled, 1.0))
    assert members(result, "A") == set(ids[:16])
    assert members(result, "B") == set(ids[16:19])
    assert members(result, "C") == {ids[19]}


def test_ids_of_mixed_types_still_segment_deterministically() -> None:
    values = {1: 5.0, "1": 5.0, 2: 1.0}
    assert segment(values) == segment(dict(reversed(values.items())))


def test_no_customers() -> None:
    assert segment({}) == {}


@pytest.mark.parametrize("values", [{"a": 0, "b": 0}, {"a": -5, "b": 0}, {"a": -1, "b": -2}])
def test_no_positive_value_means_everyone_is_c(values: dict) -> None:
    assert set(segment(values).values()) == {"C"}


def test_negative_values_are_c_and_do_not_shrink_the_total() -> None:
    # With the refund counted, the total would be 50 and "a" alone would be 160 % of it.
    result = segment({"a": 80, "b": 15, "c": 5, "refund": -50})
    assert result == {"a": "A", "b": "B", "c": "C", "refund": "C"}


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_rejected_with_the_customer_named(bad: float) -> None:
    with pytest.raises(ValueError, match="customer 'x'"):
        segment({"x": bad, "y": 1})


def test_decimal_values_from_the_database_work() -> None:
    assert segment({"a": Decimal("80.00"), "b": Decimal("20.00")}) == {"a": "A", "b": "B"}


# Thresholds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (0, 0.15, "a_share must be between 0 and 1"),
        (1, 0.1, "a_share must be between 0 and 1"),
        (-0.2, 0.5, "a_share must be between 0 and 1"),
        (math.nan, 0.1, "a_share must be between 0 and 1"),
        (0.8, 0, "b_share must be greater than 0"),
        (0.8, -0.1, "b_share must be greater than 0"),
        (0.8, math.nan, "b_share must be greater than 0"),
        (0.9, 0.2, "a_share \\+ b_share must be at most 1"),
    ],
)
def test_invalid_thresholds_are_refused(a: float, b: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SegmentThresholds(a, b)


def test_default_thresholds() -> None:
    assert SegmentThresholds() == SegmentThresholds(0.8, 0.15)


# Summary -----------------------------------------------------------------------------------


def test_summary_counts_and_values_per_segment() -> None:
    values = {"a": 50, "b": 30, "c": 10, "d": 5, "e": 3, "f": 2, "g": -4}
    summary = segment_summary(values)
    assert summary["A"] == SegmentStats(count=2, value=80, share=0.8)
    assert summary["B"] == SegmentStats(count=2, value=15, share=0.15)
    assert summary["C"].count == 3
    assert summary["C"].value == pytest.approx(1)


def test_summary_always_has_all_three_segments() -> None:
    assert segment_summary({}) == dict.fromkeys("ABC", SegmentStats(0, 0.0, 0.0))


def test_summary_reuses_given_segments() -> None:
    values = {"a": 1, "b": 1}
    forced = {"a": "C", "b": "C"}
    assert segment_summary(values, segments=forced)["C"].count == 2


# Scale -------------------------------------------------------------------------------------


def test_fifty_thousand_customers_all_get_a_segment() -> None:
    rng = random.Random(1)
    values = {f"cust-{k}": rng.paretovariate(1.2) for k in range(50_000)}
    result = segment(values)
    assert len(result) == 50_000
    assert set(result.values()) == {"A", "B", "C"}


# Properties --------------------------------------------------------------------------------

customer_values = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.floats(min_value=-10, max_value=1e6, allow_nan=False),
    max_size=40,
)
share_pairs = st.tuples(st.floats(0.05, 0.95), st.floats(0.01, 1.0)).filter(
    lambda ab: ab[0] + ab[1] <= 1
)


@given(customer_values, share_pairs)
def test_every_customer_gets_exactly_one_segment(values: dict, ab: tuple) -> None:
    result = segment(values, SegmentThresholds(*ab))
    assert result.keys() == values.keys()
    assert set(result.values()) <= {"A", "B", "C"}


@given(customer_values, share_pairs)
def test_a_holds_at_least_its_share_and_is_minimal(values: dict, ab: tuple) -> None:
    a_share, b_share = ab
    result = segment(values, SegmentThresholds(a_share, b_share))
    total = math.fsum(v for v in values.values() if v > 0)
    if total <= 0:
        return
    in_a = [values[k] for k in members(result, "A")]
    in_ab = in_a + [values[k] for k in members(result, "B")]
    slack = 1e-6 * total
    assert math.fsum(in_a) >= a_share * total - slack
    assert math.fsum(in_ab) >= (a_share + b_share) * total - slack
    if not in_a:  # only when the total underflows (denormal values): nothing to keep minimal
        assert a_share * total <= slack
        return
    # Without its smallest member, A would fall short: no customer is A without need.
    assert math.fsum(in_a) - min(in_a) < a_share * total + slack


@given(customer_values, share_pairs)
def test_a_higher_value_never_gets_a_lower_class(values: dict, ab: tuple) -> None:
    result = segment(values, SegmentThresholds(*ab))
    ordered = sorted(values, key=values.__getitem__)
    for low, high in itertools.pairwise(ordered):
        if values[high] > values[low]:
            assert RANK[result[high]] <= RANK[result[low]]


@given(
    st.dictionaries(st.integers(0, 50), st.integers(-5, 1000), max_size=30),
    st.sampled_from([2, 4, 1024]),
)
def test_rescaling_values_changes_nothing(values: dict, factor: int) -> None:
    # Powers of two keep float sums exact, so the split must be identical.
    scaled = {k: v * factor for k, v in values.items()}
    assert segment(values) == segment(scaled)


@given(customer_values, st.randoms())
def test_input_order_does_not_matter(values: dict, rng: random.Random) -> None:
    items = list(values.items())
    rng.shuffle(items)
    assert segment(dict(items)) == segment(values)
