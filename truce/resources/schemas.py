from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from truce.api.schemas import IsoDate
from truce.requirements.schemas import UserRef

KindName = Literal["days", "money", "custom"]
PoolSideName = Literal["product", "operations", "shared"]
GranularityName = Literal["week", "month", "quarter"]
ChannelName = Literal["push", "sms", "community", "paid", "event", "content", "email", "other"]
CampaignStatusName = Literal["draft", "proposed", "scheduled", "running", "done", "cancelled"]
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), decimal_places=2)]
PeriodText = Annotated[
    str, Field(min_length=1, max_length=20, description='"2026-W48", "2026-11", "2026-Q4"')
]
Number = Annotated[int, Field(ge=1, le=2**31 - 1)]
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
Score = Annotated[float, Field(ge=0, le=10)]


class PoolIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: KindName
    side: PoolSideName
    granularity: GranularityName = "month"
    unit: str = Field("", max_length=20)
    description: str = Field("", max_length=5000)


class PoolPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: KindName | None = None
    side: PoolSideName | None = None
    granularity: GranularityName | None = None
    unit: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=5000)
    archived: bool | None = None


class PoolOut(Schema):
    id: int
    name: str
    kind: str
    side: str
    granularity: str
    unit: str
    description: str
    archived: bool
    version: int


class CapacityIn(Schema):
    period: PeriodText
    amount: Amount


class CapacitiesIn(Schema):
    capacities: list[CapacityIn] = Field(..., max_length=520)


class CapacityOut(Schema):
    period: str
    start: date
    amount: Decimal


class CapacitiesOut(Schema):
    pool_id: int
    version: int
    capacities: list[CapacityOut]


class SlotUseOut(Schema):
    pool_id: int
    pool: str
    period: str
    start: date
    capacity: Decimal
    capacity_recorded: bool
    scheduled: Decimal
    candidate: Decimal
    utilisation: float | None
    overcommitted: bool


class CampaignIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    channel: ChannelName
    description: str = Field("", max_length=50000)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    owner_id: int | None = None
    expected_reach: Count | None = None
    expected_new_users: Count | None = None
    expected_revenue: Amount | None = None
    operations_score: Score | None = None
    product_score: Score | None = None
    promotes: list[Number] = Field(default_factory=list, max_length=200)


class CampaignPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    channel: ChannelName | None = None
    description: str | None = Field(None, max_length=50000)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    owner_id: int | None = None
    expected_reach: Count | None = None
    expected_new_users: Count | None = None
    expected_revenue: Amount | None = None
    operations_score: Score | None = None
    product_score: Score | None = None
    promotes: list[Number] | None = Field(None, max_length=200)


class CampaignStatusIn(Schema):
    status: CampaignStatusName


class CampaignOut(Schema):
    number: int
    title: str
    channel: str
    status: str
    description: str
    description_html: str
    starts_on: date | None
    ends_on: date | None
    owner: UserRef | None
    expected_reach: int | None
    expected_new_users: int | None
    expected_revenue: Decimal | None
    operations_score: float | None
    product_score: float | None
    promotes: list[int]
    overcommitted: bool
    version: int
    created_at: datetime
    updated_at: datetime


class CampaignPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CampaignOut]


class DemandIn(Schema):
    pool_id: int = Field(..., ge=1, le=2**63 - 1)
    period: PeriodText
    amount: Amount
    note: str = Field("", max_length=200)


class DemandPatch(Schema):
    period: PeriodText | None = None
    amount: Amount | None = None
    note: str | None = Field(None, max_length=200)


class PoolDemandOut(Schema):
    id: int
    pool_id: int
    pool: str
    period: str
    start: date
    amount: Decimal
    note: str
    requirement: int | None
    campaign: int | None
    overcommitted: bool
    version: int
