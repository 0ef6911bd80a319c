"""Allocation optimiser: the proven best portfolio under capacity, with explanations.

Pure Python (no Django): frozen dataclasses in (`Problem`), frozen dataclasses out (`Plan`).
"""

from truce.domain.optimiser.evaluate import violations
from truce.domain.optimiser.explain import Explanation, explain
from truce.domain.optimiser.greedy import baselines, greedy_customers, greedy_items
from truce.domain.optimiser.model import (
    Customer,
    Fairness,
    Item,
    Plan,
    Pool,
    Problem,
    Slot,
    Weights,
)
from truce.domain.optimiser.nrp import (
    NrpFormatError,
    NrpInstance,
    nrp_budget,
    nrp_problem,
    parse_nrp,
    read_nrp,
)
from truce.domain.optimiser.pareto import ParetoFront, ParetoPoint, pareto
from truce.domain.optimiser.solve import SolveOptions, solve

__all__ = [
    "Customer",
    "Explanation",
    "Fairness",
    "Item",
    "NrpFormatError",
    "NrpInstance",
    "ParetoFront",
    "ParetoPoint",
    "Plan",
    "Pool",
    "Problem",
    "Slot",
    "SolveOptions",
    "Weights",
    "baselines",
    "explain",
    "greedy_customers",
    "greedy_items",
    "nrp_budget",
    "nrp_problem",
    "pareto",
    "parse_nrp",
    "read_nrp",
    "solve",
    "violations",
]
