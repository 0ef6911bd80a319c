from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

LetterName = Literal["R", "A", "C", "I"]
WorkTypeName = Literal["feature", "campaign", "launch"]


class ActivityOut(Schema):
    id: int
    work_type: str
    key: str
    name: str
    name_zh: str
    position: int
    default_product: str
    default_operations: str
    version: int


class ActivityIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)
    name_zh: str = Field(..., min_length=1, max_length=80)
    position: int = Field(0, ge=0, le=1000)
    default_product: str = Field("", max_length=4, pattern="^[RACIraci]*$")
    default_operations: str = Field("", max_length=4, pattern="^[RACIraci]*$")


class CellOut(Schema):
    member_id: int
    username: str
    side: str
    letter: str


class RowOut(Schema):
    activity_id: int
    key: str
    name: str
    name_zh: str
    version: int = Field(..., description="0 while nobody has saved the row")
    etag: str = Field(..., description="send as If-Match to replace the row")
    gap: bool
    assignments: list[CellOut]


class MatrixOut(Schema):
    number: int
    rows: list[RowOut]


class CellIn(Schema):
    member_id: int
    letter: LetterName


class RowIn(Schema):
    assignments: list[CellIn] = Field(
        ..., max_length=500, description="every letter of the row; [] clears it (a gap)"
    )


class RaciRequirementBrief(Schema):
    number: int
    title: str
    status: str


class GapOut(Schema):
    requirement: RaciRequirementBrief
    activities: list[str]


class OverlapOut(Schema):
    activity: str
    product: list[int] = Field(description="The first requirement numbers (20 at most)")
    operations: list[int] = Field(description="The first requirement numbers (20 at most)")
    product_count: int = Field(description="Requirements where product is Accountable")
    operations_count: int = Field(description="Requirements where operations is Accountable")


class LoadOut(Schema):
    member_id: int
    username: str
    side: str
    accountable: int


class HandoffOut(Schema):
    requirement: RaciRequirementBrief
    from_activity: str
    to_activity: str
    from_side: str
    to_side: str


class ReportOut(Schema):
    threshold: int
    gap_count: int
    gaps: list[GapOut]
    overlaps: list[OverlapOut]
    overloaded: list[LoadOut]
    handoff_count: int
    handoffs: list[HandoffOut]
