"""Schemas shared by every router."""

from __future__ import annotations

from ninja import Schema


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
