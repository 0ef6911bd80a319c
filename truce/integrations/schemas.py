from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

KindName = Literal["feishu", "dingtalk", "wecom", "slack", "generic"]
LanguageName = Literal["zh-hans", "en"]


class EndpointIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    kind: KindName
    url: str = Field(..., min_length=1, max_length=1000)
    events: list[str] | None = Field(
        None,
        max_length=50,
        description='Prefixes ("requirement.") or kinds ("launch.go"), or "*"; '
        "omitted: the default set.",
    )
    enabled: bool = True
    language: LanguageName = "zh-hans"
    secret: str = Field("", max_length=200, description="Feishu/DingTalk signing secret.")
    rate_per_minute: int = Field(60, ge=1, le=600, description="Generic webhooks only.")


class EndpointPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    url: str | None = Field(None, min_length=1, max_length=1000)
    events: list[str] | None = Field(None, max_length=50)
    enabled: bool | None = None
    language: LanguageName | None = None
    secret: str | None = Field(None, max_length=200, description='"" removes the secret.')
    rotate_secret: bool = Field(False, description="Generic webhooks: generate a new secret.")
    rate_per_minute: int | None = Field(None, ge=1, le=600)


class EndpointOut(Schema):
    id: int
    name: str
    kind: str
    url: str = Field(description="The full URL for admins; scheme and host for others.")
    events: list[str]
    enabled: bool
    language: str
    rate_per_minute: int
    secret_masked: str = Field(description="Empty for non-admins and unsigned endpoints.")
    secret: str | None = Field(
        None, description="A newly generated secret, only in the answer that made it."
    )
    created_at: datetime
    version: int


class AttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    status_code: int | None
    delivered: bool
    error: str
    response_excerpt: str


class DeliveryOut(Schema):
    id: int
    uid: UUID = Field(description="Sent as the Truce-Delivery header of generic webhooks.")
    event_id: int | None
    kind: str
    title: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str
    created_at: datetime
    attempt_log: list[AttemptOut]
