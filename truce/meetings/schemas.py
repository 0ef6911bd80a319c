from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from ninja import Field, Schema

from truce.api.schemas import IsoDate, IsoDateTime, IsoTime
from truce.requirements.schemas import UserRef

CadenceName = Literal["weekly", "biweekly"]
PresenceName = Literal["", "present", "absent", "late"]
ActionStatusName = Literal["open", "done", "cancelled"]
Text = Field(..., min_length=1, max_length=5000)
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class SeriesIn(Schema):
    title: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=5000)
    cadence: CadenceName = "weekly"
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start_time: IsoTime
    duration_minutes: int = Field(60, ge=5, le=600)
    timezone: str = Field("Asia/Shanghai", min_length=1, max_length=64)
    starts_on: IsoDate
    until: IsoDate | None = None
    location: str = Field("", max_length=300)
    attendee_ids: list[Id] = Field(..., min_length=1, max_length=200)


class SeriesPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    description: str | None = Field(None, max_length=5000)
    cadence: CadenceName | None = None
    weekday: int | None = Field(None, ge=0, le=6)
    start_time: IsoTime | None = None
    duration_minutes: int | None = Field(None, ge=5, le=600)
    timezone: str | None = Field(None, min_length=1, max_length=64)
    starts_on: IsoDate | None = None
    until: IsoDate | None = None
    location: str | None = Field(None, max_length=300)
    attendee_ids: list[Id] | None = Field(None, min_length=1, max_length=200)


class SeriesOut(Schema):
    id: int
    title: str
    description: str
    cadence: str
    weekday: int
    start_time: time
    duration_minutes: int
    timezone: str
    starts_on: date
    until: date | None
    location: str
    attendees: list[UserRef]
    version: int


class AgendaItemOut(Schema):
    id: int
    position: int
    source: str
    source_title: str
    key: str
    text: str
    link: str
    side: str
    severity: str
    manual: bool


class AgendaItemIn(Schema):
    text: str = Field(..., min_length=1, max_length=500)
    link: str = Field("", max_length=500)


class AgendaOrderIn(Schema):
    order: list[Id] = Field(..., max_length=500, description="item ids, first to last")


class AgendaOut(Schema):
    frozen: bool
    generated_at: datetime | None
    items: list[AgendaItemOut]


class AttendanceOut(Schema):
    user: UserRef
    presence: str


class AttendanceEntry(Schema):
    user_id: Id
    presence: PresenceName


class AttendanceIn(Schema):
    attendance: list[AttendanceEntry] = Field(..., max_length=200)


class MeetingOut(Schema):
    id: int
    series_id: int
    title: str
    date: date
    starts_at: datetime
    ends_at: datetime
    timezone: str
    status: str
    minutes: str
    minutes_html: str
    started_at: datetime | None
    finished_at: datetime | None
    version: int


class MeetingDetailOut(MeetingOut):
    agenda: AgendaOut
    attendance: list[AttendanceOut]
    decisions: list[int]
    action_items: list[int]


class MinutesIn(Schema):
    minutes: str = Field(..., max_length=100_000)


class DecisionIn(Schema):
    question: str = Field(..., min_length=1, max_length=300)
    options: list[str] = Field(default_factory=list, max_length=20)
    product_position: str = Text
    product_rationale: str = Field("", max_length=5000)
    operations_position: str = Text
    operations_rationale: str = Field("", max_length=5000)
    outcome: str = Text
    rationale: str = Field("", max_length=5000)
    decided_by_id: Id | None = Field(None, description="default: you")
    decided_at: IsoDateTime | None = None
    meeting_id: Id | None = None
    requirement_numbers: list[Id] = Field(default_factory=list, max_length=100)
    key_result_ids: list[Id] = Field(default_factory=list, max_length=100)
    campaign_numbers: list[Id] = Field(default_factory=list, max_length=100)


class DecisionOut(Schema):
    number: int
    question: str
    options: list[str]
    product_position: str
    product_rationale: str
    operations_position: str
    operations_rationale: str
    outcome: str
    rationale: str
    decided_by: UserRef | None
    decided_at: datetime
    recorded_by: UserRef | None
    meeting_id: int | None
    supersedes: int | None
    superseded_by: int | None
    requirement_numbers: list[int]
    key_result_ids: list[int]
    campaign_numbers: list[int]
    created_at: datetime


class ActionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    owner_id: Id
    due: IsoDate
    meeting_id: Id | None = None
    decision_number: Id | None = None


class ActionPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    owner_id: Id | None = None
    due: IsoDate | None = None
    status: ActionStatusName | None = None


class ActionOut(Schema):
    id: int
    title: str
    owner: UserRef
    due: date
    status: str
    overdue: bool
    meeting_id: int | None
    decision_number: int | None
    reminded_at: datetime | None
    completed_at: datetime | None
    version: int


class CalendarFeedOut(Schema):
    url: str
