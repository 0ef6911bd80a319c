"""A thin, quiet wrapper around highspy: build a binary MILP row by row, solve, read the result."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

_BANNER_SHOWN = False

THREADS = 1
"""HiGHS threads for every solver in this process. HiGHS keeps one thread pool per process and
refuses a solve that asks for another size, so the count is set here, once, for all solvers.
One: on the hard NRP instances HiGHS's second worker searched more nodes than it saved (nrp2 at
0.3: 1,873 nodes and 42 CPU-seconds with two, 1,193 nodes and 25 CPU-seconds with one)."""


def use_threads(count: int) -> None:
    """Change the thread count of every later solver (the benchmark compares counts)."""
    global THREADS
    if count != THREADS:
        THREADS = count
        highspy.Highs.resetGlobalScheduler(True)


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner to the C-level stdout when the first solver is created; with
    `--json` that would corrupt the output, so the file descriptor itself is silenced once."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def new_highs() -> highspy.Highs:
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        solver = highspy.Highs()
    else:
        with _quiet_stdout():
            solver = highspy.Highs()
        _BANNER_SHOWN = True
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", THREADS)
    return solver


@dataclass
class BinaryModel:
    """Maximise `costs · x + offset` over binary x subject to `lower <= A x <= upper`."""

    costs: list[float]
    lower_bounds: list[float]
    upper_bounds: list[float]
    offset: float = 0.0

    def __post_init__(self) -> None:
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.starts: list[int] = []
        self.indices: list[int] = []
        self.values: list[float] = []

    def add_row(self, lower: float, upper: float, terms: Sequence[tuple[int, float]]) -> None:
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.starts.append(len(self.indices))
        for index, value in terms:
            self.indices.append(index)
            self.values.append(value)

    @property
    def num_cols(self) -> int:
        return len(self.costs)


@dataclass(frozen=True)
class Result:
    status: str
    has_solution: bool
    x: tuple[float, ...]
    objective: float
    bound: float
    gap: float


_STATUS = {
    "Optimal": "optimal",
    "Time limit reached": "time_limit",
    "Infeasible": "infeasible",
    "Primal infeasible or unbounded": "infeasible",
}


def solve_binary(
    model: BinaryModel,
    *,
    time_limit: float,
    start: Sequence[float] | None = None,
    integer: Sequence[bool] | None = None,
    settings: Mapping[str, bool | int | float] | None = None,
) -> Result:
    """`integer` marks the columns HiGHS must branch on (all by default); the others are
    continuous in [0, 1] and must be integral in every optimal vertex once the marked ones are.
    `settings` are extra HiGHS options."""
    h = new_highs()
    for name, value in (("time_limit", max(time_limit, 0.01)), ("mip_rel_gap", 0.0)):
        h.setOptionValue(name, value)
    for name, value in (settings or {}).items():
        h.setOptionValue(name, value)
    n = model.num_cols
    inf = highspy.kHighsInf
    h.addCols(
        n,
        np.array(model.costs, float),
        np.array(model.lower_bounds, float),
        np.array(model.upper_bounds, float),
        0,
        np.array([], np.int32),
        np.array([], np.int32),
        np.array([], float),
    )
    if model.row_lower:
        lower = np.array([v if v > -1e300 else -inf for v in model.row_lower], float)
        upper = np.array([v if v < 1e300 else inf for v in model.row_upper], float)
        h.addRows(
            len(lower),
            lower,
            upper,
            len(model.indices),
            np.array(model.starts, np.int32),
            np.array(model.indices, np.int32),
            np.array(model.values, float),
        )
    marked = np.arange(n, dtype=np.int32)
    if integer is not None and any(integer):
        marked = np.flatnonzero(np.array(integer, bool)).astype(np.int32)
    h.changeColsIntegrality(
        len(marked), marked, np.full(len(marked), highspy.HighsVarType.kInteger, dtype=np.uint8)
    )
    h.changeObjectiveOffset(model.offset)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if start is not None:
        h.setSolution(n, np.arange(n, dtype=np.int32), np.array(start, float))
    h.run()
    return _result(h)


def _result(h: highspy.Highs) -> Result:
    status_text = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = tuple(h.getSolution().col_value) if has_solution else ()
    return Result(
        status=_STATUS.get(status_text, status_text.lower().replace(" ", "_")),
        has_solution=has_solution,
        x=x,
        objective=info.objective_function_value,
        bound=info.mip_dual_bound,
        gap=info.mip_gap,
    )


class ReusableModel:
    """One HiGHS instance kept across many solves of the same rows (the Pareto sweep): only the
    objective, a few row bounds and the options change between runs, so the model is built once.
    `lp` solves the continuous relaxation on a twin instance to read row duals."""

    def __init__(
        self,
        model: BinaryModel,
        integer: Sequence[bool] | None = None,
        settings: Mapping[str, bool | int | float] | None = None,
    ) -> None:
        self.n = model.num_cols
        self.offset = model.offset
        self.mip = self._build(model)
        self.relaxation = self._build(model)
        marked = np.arange(self.n, dtype=np.int32)
        if integer is not None and any(integer):
            marked = np.flatnonzero(np.array(integer, bool)).astype(np.int32)
        kinds = np.full(len(marked), highspy.HighsVarType.kInteger, dtype=np.uint8)
        self.mip.changeColsIntegrality(len(marked), marked, kinds)
        for name, value in (settings or {}).items():
            self.mip.setOptionValue(name, value)
        self.all = np.arange(self.n, dtype=np.int32)

    @staticmethod
    def _build(model: BinaryModel) -> highspy.Highs:
        h = new_highs()
        n = model.num_cols
        inf = highspy.kHighsInf
        h.addCols(
            n,
            np.array(model.costs, float),
            np.array(model.lower_bounds, float),
            np.array(model.upper_bounds, float),
            0,
            np.array([], np.int32),
            np.array([], np.int32),
            np.array([], float),
        )
        if model.row_lower:
            lower = np.array([v if v > -1e300 else -inf for v in model.row_lower], float)
            upper = np.array([v if v < 1e300 else inf for v in model.row_upper], float)
            h.addRows(
                len(lower),
                lower,
                upper,
                len(model.indices),
                np.array(model.starts, np.int32),
                np.array(model.indices, np.int32),
                np.array(model.values, float),
            )
        h.changeObjectiveOffset(model.offset)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return h

    def _set(self, h: highspy.Highs, costs: np.ndarray, rows: Mapping[int, float]) -> None:
        h.changeColsCost(self.n, self.all, np.asarray(costs, float))
        for row, lower in rows.items():
            h.changeRowBounds(
                row, lower if lower > -1e300 else -highspy.kHighsInf, highspy.kHighsInf
            )

    def solve(
        self,
        costs: np.ndarray,
        rows: Mapping[int, float],
        *,
        time_limit: float,
        gap: float = 0.0,
        start: Sequence[float] | None = None,
    ) -> Result:
        """Maximise `costs · x + offset` with each row in `rows` at least the given value."""
        h = self.mip
        self._set(h, costs, rows)
        h.setOptionValue("time_limit", max(time_limit, 0.01))
        h.setOptionValue("mip_rel_gap", gap)
        if start is not None:
            h.setSolution(self.n, self.all, np.array(start, float))
        h.run()
        return _result(h)

    def dual(self, costs: np.ndarray, rows: Mapping[int, float], row: int) -> float | None:
        """The LP relaxation's shadow price of `row` (how much objective one more unit of its
        lower bound costs), or None when the relaxation has no optimum."""
        h = self.relaxation
        self._set(h, costs, rows)
        h.run()
        if h.modelStatusToString(h.getModelStatus()) != "Optimal":
            return None
        return abs(h.getSolution().row_dual[row])
