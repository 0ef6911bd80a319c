from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from truce.requirements.schemas import UserRef

StatusName = Literal["open", "discussing", "escalated", "decided"]
SourceName = Literal["manual", "contested", "overcommitted", "raci_overlap", "launch_clash"]
SideName = Literal["product", "operations"]


class ConflictIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    product_position: str = Field("", max_length=20000)
    operations_position: str = Field("", max_length=20000)
    requirement: int | None = Field(None, ge=1, le=10**9, description="requirement number")
    launch: int | None = Field(None, ge=1, le=10**9, description="launch number")


class ConflictPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    product_position: str | None = Field(None, max_length=20000)
    operations_position: str | None = Field(None, max_length=20000)


class MoveIn(Schema):
    status: Literal["discussing", "escalated"]


class DecideIn(Schema):
    outcome: str = Field("", max_length=20000)
    rationale: str = Field("", max_length=20000)
    decision: int | None = Field(
        None, ge=1, le=10**9, description="number of an existing decision to link instead"
    )


class EvidenceIn(Schema):
    side: SideName
    label: str = Field(..., min_length=1, max_length=300)
    url: str = Field("", max_length=500)


class EvidenceOut(Schema):
    id: int
    side: str
    label: str
    url: str
    added_by: UserRef | None
    created_at: datetime


class ConflictOut(Schema):
    number: int
    title: str
    source: str
    status: str
    product_position: str
    operations_position: str
    requirement: int | None
    launch: int | None
    decision: int | None
    escalated_at: datetime | None
    decided_at: datetime | None
    created_at: datetime
    version: int


class ConflictDetailOut(ConflictOut):
    evidence: list[EvidenceOut]


class MeasureOut(Schema):
    key: str
    title: str
    definition: str
    unit: str
    values: list[float | None]
    latest: float | None


class HealthOut(Schema):
    weeks: list[str]
    measures: list[MeasureOut]
    capacity: dict[str, dict[str, float]]
    capacity_definition: str


class DetectOut(Schema):
    opened: list[int]
