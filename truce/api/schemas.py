"""Schemas shared by every router."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError


def _text_only(kind: str):
    """Dates and times come as ISO 8601 text: pydantic would otherwise read a bare number as
    Unix seconds (1700000000 → 2023-11-14), which nobody sending a date means. The refusal
    has the type of pydantic's own, so the error handler words it like any bad date."""

    def check(value):
        if isinstance(value, (int, float)):  # bool too
            raise PydanticCustomError(kind, "Use ISO 8601 text")
        return value

    return BeforeValidator(check)


IsoDate = Annotated[dt.date, _text_only("date_type")]
IsoDateTime = Annotated[dt.datetime, _text_only("datetime_type")]
IsoTime = Annotated[dt.time, _text_only("time_type")]


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorBody


# Responses every authenticated operation may give, so the OpenAPI document tells the truth
# (429: over TRUCE_API_RATE, with Retry-After; 413: a body over DATA_UPLOAD_MAX_MEMORY_SIZE).
COMMON_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
WRITE_ERRORS = {**COMMON_ERRORS, 409: ErrorOut, 412: ErrorOut, 413: ErrorOut, 428: ErrorOut}
