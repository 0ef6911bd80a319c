from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class IssueOut(Schema):
    row: int
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    kind: str
    preset: str
    filename: str
    file_format: str
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: dict[str, str] = Field(
        ..., description='Column index (as text) -> field, e.g. {"0": "title"}'
    )
    estimate_unit: str
    status: str
    rows_total: int
    progress_done: int
    error_count: int
    errors: list[IssueOut]
    warning_count: int
    warnings: list[IssueOut]
    created_count: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    interrupted: bool = Field(
        ..., description="The process running it was stopped; nothing was imported"
    )
    can_retry: bool = Field(..., description="POST …/retry runs it again")


class MappingIn(Schema):
    mapping: dict[str, str] = Field(
        ..., description='Column index (as text) -> field; "" ignores it'
    )
    estimate_unit: str = Field("", max_length=10)


class RestoreJobOut(Schema):
    id: int
    filename: str
    size: int
    slug: str = Field(..., description="Short name of the workspace the backup becomes")
    status: str = Field(..., description="queued, restoring, done or failed")
    rows_total: int
    progress_done: int
    restored: str | None = Field(..., description="Slug of the restored workspace, once done")
    message: str
    errors: dict[str, list[str]] = Field(..., description="Field -> messages of a refusal")
    created_at: datetime
    finished_at: datetime | None
    interrupted: bool = Field(
        ..., description="The process running it was stopped; nothing was restored"
    )
    can_retry: bool = Field(..., description="POST …/retry runs it again from the stored file")
