from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from truce.api.schemas import IsoDate
from truce.requirements.schemas import UserRef

StatusName = Literal["planning", "ready_for_review", "go", "launched", "reviewed", "cancelled"]
KindName = Literal[
    "spec_freeze", "code_freeze", "qa", "release", "campaign_start", "campaign_end", "custom"
]
SideName = Literal["product", "operations"]
Numbers = list[int]


class LaunchIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    target_date: IsoDate
    description: str = Field("", max_length=20000)
    requirements: Numbers = Field(default_factory=list, max_length=500)
    campaigns: Numbers = Field(default_factory=list, max_length=500)
    checklist: str | None = Field("feature_launch", max_length=40)
    default_milestones: bool = True


class LaunchPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    target_date: IsoDate | None = None
    description: str | None = Field(None, max_length=20000)
    requirements: Numbers | None = Field(None, max_length=500)
    campaigns: Numbers | None = Field(None, max_length=500)


class LaunchStatusIn(Schema):
    status: StatusName


class MilestoneIn(Schema):
    kind: KindName
    due: IsoDate
    name: str = Field("", max_length=120)
    owner_id: int | None = None


class MilestonePatch(Schema):
    kind: KindName | None = None
    due: IsoDate | None = None
    name: str | None = Field(None, max_length=120)
    owner_id: int | None = None
    done: bool | None = None


class MilestoneOut(Schema):
    id: int
    kind: str
    name: str
    label: str
    due: date
    owner: UserRef | None
    done: bool
    version: int


class ItemIn(Schema):
    text: str = Field(..., min_length=1, max_length=200)
    side: SideName
    owner_id: int | None = None
    blocking: bool = False


class ItemPatch(Schema):
    text: str | None = Field(None, min_length=1, max_length=200)
    side: SideName | None = None
    owner_id: int | None = None
    blocking: bool | None = None
    done: bool | None = None


class ChecklistItemOut(Schema):
    id: int
    text: str
    side: str
    owner: UserRef | None
    blocking: bool
    done: bool
    version: int


class ChecklistIn(Schema):
    key: str = Field(..., min_length=1, max_length=40)


class VoteIn(Schema):
    go: bool
    reason: str = Field("", max_length=2000)


class VoteOut(Schema):
    seat: str
    go: bool
    reason: str
    voter: UserRef
    round: int
    created_at: datetime


class ReadinessOut(Schema):
    product: float
    operations: float
    overall: float
    open_blocking: int


class VerdictOut(Schema):
    outcome: str
    missing: list[str]
    against: list[str]


class LaunchOut(Schema):
    number: int
    name: str
    description: str
    target_date: date
    status: str
    launched_on: date | None
    requirements: list[int]
    campaigns: list[int]
    version: int


class LaunchDetailOut(LaunchOut):
    milestones: list[MilestoneOut]
    checklist: list[ChecklistItemOut]
    readiness: ReadinessOut
    verdict: VerdictOut
    votes: list[VoteOut]
    warnings: list[str]


class MetricIn(Schema):
    key_result_id: int
    before: float | None = Field(None, ge=-1e12, le=1e12)
    after: float | None = Field(None, ge=-1e12, le=1e12)


class ReviewIn(Schema):
    went_well: str = Field("", max_length=20000)
    went_badly: str = Field("", max_length=20000)
    lessons: str = Field("", max_length=20000)
    metrics: list[MetricIn] = Field(default_factory=list, max_length=200)
    decisions: list[int] | None = Field(
        None, max_length=200, description="numbers of the decisions the lessons led to"
    )
    finish: bool = False


class MetricOut(Schema):
    key_result_id: int
    title: str
    before: float | None
    after: float | None


class ReviewOut(Schema):
    went_well: str
    went_badly: str
    lessons: str
    metrics: list[MetricOut]
    decisions: list[int]
    version: int


class TimelineBar(Schema):
    kind: str
    label: str
    start: date
    end: date
    status: str


class TimelinePoint(Schema):
    label: str
    name: str
    date: date
    kind: str
    done: bool


class TimelineOut(Schema):
    bars: list[TimelineBar]
    points: list[TimelinePoint]
