"""Schemas shared by every router."""

from __future__ import annotations

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorBody


# Responses every authenticated operation may give, so the OpenAPI document tells the truth.
COMMON_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
WRITE_ERRORS = {**COMMON_ERRORS, 409: ErrorOut, 412: ErrorOut, 428: ErrorOut}
