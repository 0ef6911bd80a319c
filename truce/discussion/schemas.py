from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from truce.requirements.schemas import UserRef


class CommentOut(Schema):
    id: int
    subject: str  # "type:key", e.g. "requirement:12"
    author: UserRef | None
    body: str
    body_html: str
    mentioned: list[UserRef]
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    version: int


class CommentIn(Schema):
    subject: str = Field(..., max_length=80, description='"type:key", e.g. "requirement:12"')
    body: str = Field(..., min_length=1, max_length=10000)


class CommentPatch(Schema):
    body: str = Field(..., min_length=1, max_length=10000)


class FollowIn(Schema):
    subject: str = Field(..., max_length=80)
    follow: bool


class FollowOut(Schema):
    subject: str
    following: bool


class MemberSuggestion(Schema):
    id: int
    username: str
    display_name: str
    name: str


class ActivityItemOut(Schema):
    at: datetime
    actor: UserRef | None
    kind: str  # "change" for history records, else the noun of the event kind
    sentence: str
    url: str
    excerpt: str


class ActivityStreamPage(Schema):
    page: int
    has_next: bool
    items: list[ActivityItemOut]


class NotificationOut(Schema):
    id: int
    workspace: str  # slug
    category: str
    kind: str
    sentence: str
    url: str
    excerpt: str
    actor: UserRef | None
    created_at: datetime
    read: bool


class InboxPage(Schema):
    unread: int
    page: int
    has_next: bool
    items: list[NotificationOut]


class InboxReadAllOut(Schema):
    marked: int


class NotificationChannels(Schema):
    in_app: bool
    email: bool


class NotificationPreferenceOut(Schema):
    category: str
    label: str
    in_app: bool
    email: bool


class NotificationPreferencesOut(Schema):
    version: int
    categories: list[NotificationPreferenceOut]


class NotificationPreferencesIn(Schema):
    choices: dict[str, NotificationChannels]
