from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

RoleName = Literal["admin", "product", "operations", "lead", "viewer"]
SideName = Literal["product", "operations"]
LanguageName = Literal["", "zh-hans", "en"]


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    language: str
    two_factor: bool = Field(..., description="Two-step sign-in is on.")


class TwoFactorOut(Schema):
    enabled: bool
    enabled_at: datetime | None
    recovery_codes_left: int


class TwoFactorOff(Schema):
    password: str = Field(..., max_length=1024, description="Your current password.")
    code: str = Field(..., max_length=20, description="A code from your app, or a recovery code.")


class AccountClose(Schema):
    password: str = Field(..., max_length=1024, description="Your current password.")


class MeUpdate(Schema):
    display_name: str | None = Field(None, max_length=80)
    email: str | None = Field(None, max_length=254)
    language: LanguageName | None = None
    password: str | None = Field(
        None,
        max_length=1024,
        description="Your current password: needed to change the email address, unless this "
        "browser session signed in or confirmed it within the last minutes.",
    )


class WorkspaceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    version: int
    role: str
    side: str
    admins_need_two_factor: bool


class WorkspaceCreate(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    slug: str = Field("", max_length=50)
    description: str = Field("", max_length=5000)
    side: SideName = "product"


class WorkspaceUpdate(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=5000)
    admins_need_two_factor: bool | None = Field(
        None,
        description="Admins must use two-step sign-in to manage the workspace; turning it on "
        "needs your own two-step sign-in. Omitted or null keeps the setting.",
    )


class MemberOut(Schema):
    id: int
    user: UserOut
    role: str
    side: str
    version: int


class MemberUpdate(Schema):
    role: RoleName
    side: SideName


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    side: str
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationCreate(Schema):
    email: str = Field("", max_length=254)
    role: RoleName
    side: SideName
    ttl_days: int | None = Field(None, ge=1, le=90)


class InvitationCreated(InvitationOut):
    url: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class SessionOut(Schema):
    id: int
    device: str = Field(..., description='What the browser is, e.g. "Chrome on Windows".')
    user_agent: str
    ip_address: str | None
    signed_in_at: datetime
    last_seen_at: datetime = Field(..., description="Updated at most once a minute.")
    current: bool = Field(..., description="The session making this call.")


class TokenCreate(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    expires_in_days: int | None = Field(None, ge=1, le=3650)
    password: str | None = Field(
        None,
        max_length=1024,
        description="Your current password: always needed with a bearer token; with the "
        "browser session, unless it signed in or confirmed it within the last minutes.",
    )


class TokenCreated(TokenOut):
    token: str


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    action: str
    action_label: str
    outcome: Literal["success", "failure"]
    actor: str | None = Field(None, description="Username, or null when unknown or deleted.")
    target: str
    data: dict
    ip_address: str | None
    user_agent: str


class AuditPage(Schema):
    count: int
    items: list[AuditEventOut]
