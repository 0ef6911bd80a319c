from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from truce.api.schemas import IsoDate

StatusName = Literal[
    "proposed",
    "under_review",
    "accepted",
    "scheduled",
    "in_progress",
    "released",
    "reviewed",
    "rejected",
    "on_hold",
]
SideName = Literal["", "product", "operations"]
Key = str  # "R12" (or "#12", "12") for a requirement, "C3" for a campaign
Weight = float


class _ScenarioFields(Schema):
    description: str = Field("", max_length=10000)
    period_id: int | None = None
    horizon: list[IsoDate] = Field(default_factory=list, max_length=60)
    statuses: list[StatusName] = Field(default_factory=list, max_length=9)
    tags: list[str] = Field(default_factory=list, max_length=20)
    side: SideName = ""
    owner_id: int | None = None
    include_campaigns: bool = True
    picked: list[Key] = Field(default_factory=list, max_length=2000)
    mandatory: list[Key] = Field(default_factory=list, max_length=2000)
    excluded: list[Key] = Field(default_factory=list, max_length=2000)
    product_weight: Weight = Field(1.0, ge=0, le=100)
    operations_weight: Weight = Field(1.0, ge=0, le=100)
    customer_weight: Weight = Field(1.0, ge=0, le=100)
    product_floor: float = Field(0.0, ge=0, le=1)
    operations_floor: float = Field(0.0, ge=0, le=1)


class ScenarioIn(_ScenarioFields):
    name: str = Field(..., min_length=1, max_length=120)


class ScenarioPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=10000)
    period_id: int | None = None
    horizon: list[IsoDate] | None = Field(None, max_length=60)
    statuses: list[StatusName] | None = Field(None, max_length=9)
    tags: list[str] | None = Field(None, max_length=20)
    side: SideName | None = None
    owner_id: int | None = None
    include_campaigns: bool | None = None
    picked: list[Key] | None = Field(None, max_length=2000)
    mandatory: list[Key] | None = Field(None, max_length=2000)
    excluded: list[Key] | None = Field(None, max_length=2000)
    product_weight: Weight | None = Field(None, ge=0, le=100)
    operations_weight: Weight | None = Field(None, ge=0, le=100)
    customer_weight: Weight | None = Field(None, ge=0, le=100)
    product_floor: float | None = Field(None, ge=0, le=1)
    operations_floor: float | None = Field(None, ge=0, le=1)


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    period_id: int | None
    horizon: list[str]
    statuses: list[str]
    tags: list[str]
    side: str
    owner_id: int | None
    include_campaigns: bool
    picked: list[str]
    mandatory: list[str]
    excluded: list[str]
    product_weight: float
    operations_weight: float
    customer_weight: float
    product_floor: float
    operations_floor: float
    version: int


class RunBrief(Schema):
    id: int
    scenario_id: int
    number: int
    status: str
    progress: float
    stage: str
    error: str
    interrupted: bool = Field(
        ..., description="Its worker was stopped before it finished; start the scenario again"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    timings: dict[str, float]
    version: int


class RunStarted(Schema):
    id: int
    status: str
    url: str


class ItemOut(Schema):
    id: str
    kind: str
    ref: str
    title: str
    side: str
    owner: str
    status: str
    product: float
    operations: float
    customer: float
    pulled_in: bool


class RunResultOut(Schema):
    optimal: bool
    gap: float | None
    feasible: bool
    adopted: int | None
    selected: list[str]
    optimal_selected: list[str]
    values: dict[str, float]
    objective: float
    usage: dict[str, float]
    baseline: dict[str, Any]
    explanations: dict[str, Any]


class RunOut(RunBrief):
    previous_id: int | None
    periods: list[str]
    pools: dict[str, Any]
    capacity: dict[str, float]
    items: list[ItemOut]
    result: RunResultOut | None


class ParetoPointOut(Schema):
    index: int
    product: float
    operations: float
    customer: float
    proven: bool
    gap: float | None
    selected: list[str]
    current: bool


class ParetoOut(Schema):
    points: list[ParetoPointOut]
    complete: bool


class AdoptIn(Schema):
    point: int = Field(..., ge=0, le=1000)


class ExplanationOut(Schema):
    item: str
    included: bool
    blocked: list[dict[str, Any]]
    bundle: list[str]
    extra_capacity: dict[str, float]
    displaced: list[str]
    added: list[str]
    value_change: dict[str, float]
    objective_change: float
    possible: bool


class CompareQuery(Schema):
    runs: list[int] = Field(default_factory=list, max_length=3)


class CompareColumn(Schema):
    run_id: int
    scenario: str
    number: int
    values: dict[str, float]
    objective: float
    selected: list[str]
    utilisation: list[dict[str, Any]]


class CompareOut(Schema):
    runs: list[CompareColumn]
    items: list[dict[str, Any]]


class PlanSignatureOut(Schema):
    signer: str
    capacity: str
    signed_at: datetime
    plan_hash: str
    counts: bool


class PlanOut(Schema):
    id: int
    period_id: int
    period: str
    scenario_id: int | None
    run_id: int | None
    items: list[dict[str, Any]]
    values: dict[str, float]
    content_hash: str
    published_at: datetime
    agreed: bool
    required: list[str]
    signatures: list[PlanSignatureOut]
    apply_report: dict[str, Any]
    version: int
