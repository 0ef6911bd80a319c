from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from truce.api.schemas import IsoDate
from truce.requirements.schemas import KindName, RequirementRef, SideName

SegmentName = Literal["A", "B", "C"]
ChannelName = Literal["ticket", "survey", "sales", "app_store", "community", "other"]
FeedbackStatusName = Literal["new", "linked", "dismissed"]
CustomerSortName = Literal["value", "name"]
MONEY = {"ge": 0, "le": 10**14 - 1, "decimal_places": 2}


class CustomerRef(Schema):
    id: int
    name: str
    segment: str


class CustomerOut(Schema):
    id: int
    name: str
    value: Decimal
    segment: str
    churn_risk: bool
    notes: str
    external_id: str
    version: int
    created_at: datetime
    updated_at: datetime


class CustomerPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CustomerOut]


class CustomerIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    value: Decimal = Field(Decimal(0), **MONEY)
    churn_risk: bool = False
    notes: str = Field("", max_length=20000)
    external_id: str = Field("", max_length=100)


class CustomerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    value: Decimal | None = Field(None, **MONEY)
    churn_risk: bool | None = None
    notes: str | None = Field(None, max_length=20000)
    external_id: str | None = Field(None, max_length=100)


class SegmentPolicyOut(Schema):
    a_share: float
    b_share: float
    version: int


class SegmentPolicyIn(Schema):
    a_share: float = Field(..., ge=0.01, le=0.99)
    b_share: float = Field(..., ge=0.01, le=0.99)


class FeedbackOut(Schema):
    id: int
    text: str
    customer: CustomerRef | None
    channel: str
    received_on: date
    status: str
    requirement: RequirementRef | None
    version: int
    created_at: datetime
    updated_at: datetime


class FeedbackPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[FeedbackOut]


class FeedbackIn(Schema):
    text: str = Field(..., min_length=1, max_length=20000)
    customer_id: int | None = None
    channel: ChannelName = "other"
    received_on: IsoDate | None = None


class FeedbackPatch(Schema):
    text: str | None = Field(None, min_length=1, max_length=20000)
    customer_id: int | None = None
    channel: ChannelName | None = None
    received_on: IsoDate | None = None


class FeedbackLinkIn(Schema):
    number: int


class CreateRequirementIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str | None = Field(None, max_length=50000)
    kind: KindName = "feature"
    origin_side: SideName | None = None


class CreatedRequirementOut(Schema):
    feedback: FeedbackOut
    requirement: RequirementRef


class DemandCustomerOut(Schema):
    id: int
    name: str
    segment: str
    value: Decimal
    churn_risk: bool
    channels: list[str]
    feedback_count: int


class DemandOut(Schema):
    demand_value: Decimal
    demand_customers: int
    top_segment: str
    anonymous_feedback: int
    count: int = Field(..., description="Customers asking in all, not only on this page.")
    page: int
    page_size: int
    customers: list[DemandCustomerOut]
