from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

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
KindName = Literal["feature", "improvement", "bug", "tech_debt", "experiment"]
SideName = Literal["product", "operations"]
SortName = Literal["newest", "oldest", "priority", "demand", "updated", "title"]


class UserRef(Schema):
    id: int
    username: str
    display_name: str


class RequirementRef(Schema):
    number: int
    title: str
    status: str


class SimilarOut(Schema):
    number: int
    title: str
    status: str
    score: float  # 0..1, TF-IDF cosine of the titles' words


class RequirementOut(Schema):
    number: int
    title: str
    description: str
    description_html: str
    kind: str
    origin_side: str
    status: str
    owner: UserRef | None
    parent_number: int | None
    tags: list[str]
    estimate_days: Decimal | None
    estimate_budget: Decimal | None
    product_score: float | None
    operations_score: float | None
    priority: float | None
    contested: bool
    contest_reasons: list[dict]
    demand_value: Decimal
    demand_customers: int
    top_segment: str
    version: int
    created_at: datetime
    updated_at: datetime


class RequirementPage(Schema):
    count: int = Field(
        ...,
        description="How many requirements match; a search counts at most 2,000 (see `more`).",
    )
    more: bool = Field(
        False, description="True when a search matched more than `count` (counting stopped there)."
    )
    page: int
    page_size: int
    items: list[RequirementOut]


class RequirementIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=50000)
    kind: KindName = "feature"
    origin_side: SideName | None = None
    owner_id: int | None = None
    parent_number: int | None = None
    tags: list[str] = Field(default_factory=list, max_length=20)
    estimate_days: Decimal | None = Field(None, ge=0, le=100000, decimal_places=1)
    estimate_budget: Decimal | None = Field(None, ge=0, le=10**12, decimal_places=2)


class RequirementPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=50000)
    kind: KindName | None = None
    origin_side: SideName | None = None
    owner_id: int | None = None
    parent_number: int | None = None
    tags: list[str] | None = Field(None, max_length=20)
    estimate_days: Decimal | None = Field(None, ge=0, le=100000, decimal_places=1)
    estimate_budget: Decimal | None = Field(None, ge=0, le=10**12, decimal_places=2)


class StatusIn(Schema):
    status: StatusName


RequirementNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]


class BulkStatusIn(Schema):
    numbers: list[RequirementNumber] = Field(..., min_length=1, max_length=500)
    status: StatusName


class BulkStatusOut(Schema):
    moved: int


class PrerequisiteIn(Schema):
    number: RequirementNumber


class ChangeOut(Schema):
    verb: str
    actor: str | None
    changes: dict
    created_at: datetime


class CriterionOut(Schema):
    key: str
    label: str
    label_zh: str
    lens: str
    weight: float
    scale_min: float
    scale_max: float
    lower_is_better: bool


class ScorecardOut(Schema):
    method: str
    product_weight: float
    operations_weight: float
    contested_threshold: float
    disagreement_threshold: float
    fit_from_goals: bool
    version: int
    criteria: list[CriterionOut]


class ScorecardIn(Schema):
    method: Literal["weighted", "rice", "wsjf"]
    product_weight: float = Field(..., ge=0, le=1)
    operations_weight: float = Field(..., ge=0, le=1)
    contested_threshold: float = Field(..., ge=0.01, le=1)
    disagreement_threshold: float = Field(..., ge=0.01, le=1)
    weights: dict[str, float] = Field(default_factory=dict)
    fit_from_goals: bool | None = None


class ScoreOut(Schema):
    criterion: str
    scorer: str
    value: float
    note: str
    updated_at: datetime


class ScoresOut(Schema):
    product_score: float | None
    operations_score: float | None
    priority: float | None
    contested: bool
    contest_reasons: list[dict]
    scores: list[ScoreOut]


class ScoresIn(Schema):
    scores: dict[str, float | None] = Field(..., description="criterion key → value; null clears")
    note: str = Field("", max_length=300)
