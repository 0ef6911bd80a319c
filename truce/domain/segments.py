"""ABC customer segmentation by cumulative share of value (客户分层).

Customers are sorted by value, highest first, and walked while a running total is kept:

- **A** — the customers that together make up the top ``a_share`` (default 80 %) of total value;
- **B** — the next ``b_share`` (default 15 %);
- **C** — everyone else.

Boundary rule (the one customer whose value crosses a threshold): a customer belongs to the
*upper* class. Precisely, with ``before`` the value of all customers ranked ahead of it and
``total`` the sum of positive values,

- A if ``before / total < a_share``;
- B otherwise, if ``before / total < a_share + b_share``;
- C otherwise.

So the A set is the shortest prefix whose share reaches ``a_share``: A always holds at least
``a_share`` of the value (a single big customer is A on its own), and dropping its last member
would leave it below ``a_share``. A relative tolerance of 1e-9 keeps float rounding in the
running sum from moving a customer that sits exactly on a threshold.

Ties in value are ranked by id (ascending), so the same input always gives the same answer and a
customer never gets a lower class than one with a higher value. Customers with zero or negative
value (refunds, dormant accounts) are always C and do not count towards the total, so they cannot
shrink the pie that defines A; if no customer has a positive value, everyone is C.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

SEGMENTS = ("A", "B", "C")

# Float noise in a running sum is ~n·ε·total; 1e-9 dwarfs that yet is far below any real share.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class SegmentThresholds:
    """A = top ``a_share`` of value, B = the next ``b_share``; C = the rest.

    Valid when ``0 < a_share < a_share + b_share <= 1``.
    """

    a_share: float = 0.8
    b_share: float = 0.15

    def __post_init__(self) -> None:
        a, b = self.a_share, self.b_share
        # Written as negations so that NaN fails every check.
        if not 0 < a < 1:
            raise ValueError(f"a_share must be between 0 and 1 (exclusive), got {a!r}")
        if not b > 0:
            raise ValueError(f"b_share must be greater than 0, got {b!r}")
        if not a + b <= 1 + _TOLERANCE:
            raise ValueError(f"a_share + b_share must be at most 1, got {a!r} + {b!r} = {a + b!r}")


@dataclass(frozen=True)
class SegmentStats:
    """How many customers a segment holds and what they are worth.

    ``share`` is ``value`` over the total positive value (0 when there is none).
    """

    count: int
    value: float
    share: float


def _ranked(values: Mapping[Hashable, float]) -> list[tuple[Hashable, float]]:
    """Positive-value customers, highest value first, ties by id."""
    positive = [(key, float(value)) for key, value in values.items() if value > 0]
    try:
        positive.sort(key=lambda kv: (-kv[1], kv[0]))
    except TypeError:
        # Ids of mixed types (int and str) cannot be compared; any fixed order will do.
        positive.sort(key=lambda kv: (-kv[1], type(kv[0]).__name__, repr(kv[0])))
    return positive


def _check_finite(values: Mapping[Hashable, float]) -> None:
    for key, value in values.items():
        if not math.isfinite(value):
            raise ValueError(f"customer {key!r} has a value that is not a finite number: {value!r}")


def segment(
    values: Mapping[Hashable, float], thresholds: SegmentThresholds = SegmentThresholds()
) -> dict[Hashable, str]:
    """Map every customer id to "A", "B" or "C" (see the module docstring for the rule).

    O(n log n): one sort and one pass.
    """
    _check_finite(values)
    result: dict[Hashable, str] = dict.fromkeys(values, "C")
    ranked = _ranked(values)
    total = math.fsum(value for _, value in ranked)
    if total <= 0:
        return result
    a_limit = (thresholds.a_share - _TOLERANCE) * total
    b_limit = (thresholds.a_share + thresholds.b_share - _TOLERANCE) * total
    before = 0.0
    for key, value in ranked:
        if before < a_limit:
            result[key] = "A"
        elif before < b_limit:
            result[key] = "B"
        else:
            break  # everyone further down is C already
        before += value
    return result


def segment_summary(
    values: Mapping[Hashable, float],
    thresholds: SegmentThresholds = SegmentThresholds(),
    *,
    segments: Mapping[Hashable, str] | None = None,
) -> dict[str, SegmentStats]:
    """Count and value per segment, always with all three keys "A", "B", "C".

    Pass ``segments`` when they were just computed by :func:`segment` to skip a second sort.
    """
    if segments is None:
        segments = segment(values, thresholds)
    counts = dict.fromkeys(SEGMENTS, 0)
    sums: dict[str, list[float]] = {name: [] for name in SEGMENTS}
    for key, value in values.items():
        name = segments[key]
        counts[name] += 1
        sums[name].append(value)
    positive = math.fsum(value for value in values.values() if value > 0)
    result = {}
    for name in SEGMENTS:
        value = math.fsum(sums[name])
        share = value / positive if positive > 0 else 0.0
        result[name] = SegmentStats(count=counts[name], value=value, share=share)
    return result
