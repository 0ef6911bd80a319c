"""`truce nrp`: lives outside truce/domain because it is the command-line edge, not the domain."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from truce import nrp_cli

# Costs 3 4 5, requirement 3 needs 1; customers: 10 wants {1, 2}, 7 wants {3}.
TINY = "2\n2\n3 4\n1\n5\n1\n1 3\n2\n10 2 1 2\n7 1 3\n"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="truce nrp")
    nrp_cli.add_arguments(parser)
    return nrp_cli.run(parser.parse_args(argv))


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    return path


def test_prints_value_cost_budget_gap_and_selection(instance: Path, capsys) -> None:
    assert run(str(instance), "--ratio", "0.7") == 0
    out = capsys.readouterr().out
    assert "value: 10\n" in out and "cost: 7\n" in out
    assert "budget: 8\n" in out  # 0.7 × 12 = 8.4
    assert "gap: 0.0\n" in out and "status: optimal\n" in out
    assert out.strip().endswith("selected: 1 2")


def test_json_output(instance: Path, capsys) -> None:
    assert run(str(instance), "--ratio", "0.7", "--json", "--time-limit", "5") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["budget"] == 8
    assert result["value"] == 10 and result["cost"] == 7
    assert result["selected"] == [1, 2]
    assert result["optimal"] is True and result["gap"] == 0
    assert {"seconds", "status", "baselines"} <= set(result)


@pytest.mark.parametrize("content", ["1 2 oops", "", "1 1 3 0 1 5 1 9"])
def test_bad_file_exits_2_with_a_message(tmp_path: Path, capsys, content: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(content)
    assert run(str(path)) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("truce nrp: error:") and "Traceback" not in captured.err
    assert captured.out == ""


def test_missing_file_exits_2(tmp_path: Path, capsys) -> None:
    assert run(str(tmp_path / "absent.txt")) == 2
    assert "No such file" in capsys.readouterr().err
