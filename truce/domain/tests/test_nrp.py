from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from truce.domain.optimiser import (
    NrpFormatError,
    nrp_budget,
    nrp_problem,
    parse_nrp,
    read_nrp,
    solve,
    violations,
)

# Two levels (costs 3 4 | 5), 3 needs 1, a repeated pair, two customers.
SMALL = """2
2
3 4
1
5
2
1 3
1 3
2
10 2 1 2
7 1
3
"""
BENCHMARKS = Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "nrp"


def test_parses_levels_dependencies_and_customers(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(SMALL)
    instance = read_nrp(path)
    assert instance.name == "tiny"
    assert instance.costs == (3, 4, 5)
    assert instance.prerequisites == ((1, 3),)
    assert instance.customers == ((10, (1, 2)), (7, (3,)))


def test_problem_uses_string_ids_and_prerequisites() -> None:
    problem = nrp_problem(parse_nrp(SMALL), "0.7")
    assert [i.id for i in problem.items] == ["1", "2", "3"]
    assert problem.item("3").requires == ("1",)
    assert problem.capacities() == {("budget", "release"): 8}
    plan = solve(problem)
    assert plan.selected == ("1", "2") and plan.objective == 10


@pytest.mark.parametrize(
    ("ratio", "total", "budget"),
    [
        ("0.5", 515, 258),
        (0.5, 515, 258),
        ("0.3", 855, 257),
        (Decimal("0.7"), 5, 4),
        ("0.3", 5, 2),
    ],
)
def test_budget_rounds_half_up_exactly(ratio: object, total: int, budget: int) -> None:
    instance = parse_nrp(f"1 1 {total} 0 0")
    assert nrp_budget(instance, ratio) == budget


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "file ends early"),
        ("1 2 3", "file ends early"),
        ("1 1 x 0 0", "expected an integer"),
        ("1 1 3 0 1 5 1 2", "out of range"),
        ("1 1 3 0 0 9", "unexpected data"),
        ("0", "at least 1"),
        ("1 1 -3 0 0", "at least 0"),
    ],
)
def test_bad_files_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(NrpFormatError, match=message):
        parse_nrp(text)


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(NrpFormatError, match="not a text file"):
        read_nrp(path)


def test_bad_ratio() -> None:
    with pytest.raises(ValueError, match="ratio"):
        nrp_budget(parse_nrp(SMALL), "lots")


def test_real_benchmark_instance_reaches_the_published_optimum() -> None:
    if not (BENCHMARKS / "optima.csv").exists():
        pytest.skip(f"NRP benchmark instances not found in {BENCHMARKS}")
    with (BENCHMARKS / "optima.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["instance"] == "nrp-e1")
    instance = read_nrp(BENCHMARKS / "nrp-e1.txt")
    assert nrp_budget(instance, row["ratio"]) == int(row["budget"])
    problem = nrp_problem(instance, row["ratio"])
    plan = solve(problem, time_limit=30)
    assert plan.optimal and plan.objective == int(row["optimum"])
    assert violations(problem, plan.selected) == []
