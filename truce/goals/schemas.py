from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from truce.api.schemas import IsoDate
from truce.requirements.schemas import UserRef

GoalSideName = Literal["product", "operations", "joint"]
DirectionName = Literal["up", "down"]
Number = float  # bounded per field below so SQLite never sees an overflow


class PeriodIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    start: IsoDate
    end: IsoDate


class PeriodOut(Schema):
    id: int
    name: str
    start: date
    end: date
    version: int


class KeyResultOut(Schema):
    id: int
    objective_id: int
    title: str
    unit: str
    baseline: float
    target: float
    current: float
    direction: str
    owner: UserRef | None
    confidence: float | None
    weight: float
    progress: float
    at_risk: bool
    risk_reasons: list[str]
    version: int


class ObjectiveOut(Schema):
    id: int
    title: str
    why: str
    side: str
    owner: UserRef | None
    parent_id: int | None
    progress: float | None
    at_risk: bool
    key_results: list[KeyResultOut]
    version: int


class SignatureOut(Schema):
    signer: str
    capacity: str
    signed_at: datetime
    goal_hash: str
    counts: bool


class SignoffOut(Schema):
    agreed: bool
    goal_hash: str
    required: list[str]
    signatures: list[SignatureOut]


class PeriodDetailOut(PeriodOut):
    objectives: list[ObjectiveOut]
    signoff: SignoffOut
    rule: str


class ObjectiveIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    why: str = Field("", max_length=10000)
    side: GoalSideName = "joint"
    owner_id: int | None = None
    parent_id: int | None = None


class ObjectivePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    why: str | None = Field(None, max_length=10000)
    side: GoalSideName | None = None
    owner_id: int | None = None
    parent_id: int | None = None


class KeyResultIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    unit: str = Field("", max_length=20)
    baseline: Number = Field(..., ge=-1e12, le=1e12)
    target: Number = Field(..., ge=-1e12, le=1e12)
    direction: DirectionName = "up"
    owner_id: int | None = None
    weight: Number = Field(1.0, ge=0, le=100)


class KeyResultPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    unit: str | None = Field(None, max_length=20)
    baseline: Number | None = Field(None, ge=-1e12, le=1e12)
    target: Number | None = Field(None, ge=-1e12, le=1e12)
    direction: DirectionName | None = None
    owner_id: int | None = None
    weight: Number | None = Field(None, ge=0, le=100)


class CheckInIn(Schema):
    value: Number = Field(..., ge=-1e12, le=1e12)
    confidence: Number = Field(..., ge=0, le=1)
    note: str = Field("", max_length=500)


class CheckInOut(Schema):
    value: float
    confidence: float
    note: str
    author: str | None
    created_at: datetime


class KeyResultLinkIn(Schema):
    number: int = Field(..., ge=1, le=2**31 - 1)
    contribution: str = Field("", max_length=200)


class LinkOut(Schema):
    number: int
    title: str
    origin_side: str
    contribution: str


class AlignmentKeyResult(Schema):
    id: int
    title: str
    at_risk: bool
    product: list[LinkOut]
    operations: list[LinkOut]


class RequirementBrief(Schema):
    number: int
    title: str
    origin_side: str


class AlignmentOut(Schema):
    key_results: list[AlignmentKeyResult]
    idle_key_results: list[int]
    orphans: list[RequirementBrief]


class GoalSettingsOut(Schema):
    requires_lead_signature: bool
    version: int


class GoalSettingsIn(Schema):
    requires_lead_signature: bool
