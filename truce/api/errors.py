"""One error envelope for the whole API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import logging
import math

from django.core import signals
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from truce.api import throttle
from truce.api.parser import INT_LIMIT, BodyNotObject
from truce.core.errors import PreconditionFailed, TruceError, validation_from_django
from truce.core.incidents import incident_for

log = logging.getLogger("truce.api")
DJANGO_HANDLES = (PermissionDenied, SuspiciousOperation, BadRequest, MultiPartParserError)
"""Exceptions Django itself turns into 4xx responses: left to it."""


def envelope(api, request, status: int, code: str, message: str, fields=None, headers=None):
    response = api.create_response(
        request,
        {"error": {"code": code, "message": str(message), "fields": fields or {}}},
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(loc) -> str:
    # ninja locations look like ("body", "payload", "name"); keep what the client sent.
    parts = [str(p) for p in loc if p not in {"body", "query", "path", "header", "payload"}]
    return ".".join(parts) or "__all__"


def _pydantic_message(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    messages = {
        "string_nul": _("Null characters are not allowed."),
        "number_not_finite": _("Enter a finite number (not NaN or Infinity)."),
        "finite_number": _("Enter a finite number (not NaN or Infinity)."),
        "number_too_large": _("Enter a smaller number."),
        "missing": _("This field is required."),
        "string_too_long": _("Ensure this value has at most %(max)s characters.")
        % {"max": ctx.get("max_length", "")},
        "string_too_short": _("Ensure this value has at least %(min)s characters.")
        % {"min": ctx.get("min_length", "")},
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "bool_parsing": _("Enter true or false."),
        "string_type": _("Enter text."),
        "enum": _("Select a valid choice: %(expected)s.") % {"expected": ctx.get("expected", "")},
        "literal_error": _("Select a valid choice: %(expected)s.")
        % {"expected": ctx.get("expected", "")},
        "json_invalid": _("The request body is not valid JSON."),
        "float_parsing": _("Enter a number."),
        "float_type": _("Enter a number."),
        "decimal_parsing": _("Enter a number."),
        "decimal_type": _("Enter a number."),
        "date_from_datetime_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_parsing": _("Enter a valid date (YYYY-MM-DD)."),
        "date_type": _("Enter a valid date (YYYY-MM-DD)."),
        "datetime_parsing": _("Enter a valid date and time."),
        "datetime_from_date_parsing": _("Enter a valid date and time."),
        "datetime_type": _("Enter a valid date and time."),
        "time_parsing": _("Enter a valid time (HH:MM)."),
        "time_type": _("Enter a valid time (HH:MM)."),
        "list_type": _("Enter a list."),
        "too_long": _("Ensure this list has at most %(max)s items.")
        % {"max": ctx.get("max_length", "")},
        "greater_than_equal": _("Ensure this value is at least %(ge)s.") % {"ge": ctx.get("ge")},
        "less_than_equal": _("Ensure this value is at most %(le)s.") % {"le": ctx.get("le")},
        "value_error": _("Enter a valid value."),
        "model_attributes_type": _("The request body must be a JSON object."),
        "dict_type": _("The request body must be a JSON object."),
    }
    return str(messages.get(kind, _("Enter a valid value.")))


def install(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            messages = fields.setdefault(_field_name(err.get("loc", ())), [])
            message = _pydantic_message(err)
            if message not in messages:  # a union type reports once per branch
                messages.append(message)
        return envelope(api, request, 422, "invalid", _("Some fields are invalid."), fields)

    @api.exception_handler(TruceError)
    def on_domain(request, exc: TruceError):
        headers = {}
        if isinstance(exc, PreconditionFailed) and getattr(exc.current, "etag", None):
            headers["ETag"] = exc.current.etag
        return envelope(api, request, exc.status, exc.code, exc.message, exc.fields, headers)

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request, exc):
        err = validation_from_django(exc)
        return envelope(api, request, 400, err.code, err.message, err.fields)

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return envelope(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        # Requests that do not authenticate count against their address's (lower) limit.
        wait = throttle.anonymous_wait(request)
        if wait is not None:
            return _too_many(api, request, wait)
        return envelope(
            api,
            request,
            401,
            "unauthenticated",
            _("Sign in, or send Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": 'Bearer realm="truce"'},
        )

    @api.exception_handler(Throttled)
    def on_throttled(request, exc: Throttled):
        return _too_many(api, request, exc.wait)

    @api.exception_handler(HttpError)
    def on_http(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            # ninja wraps anything the body parser raised in this HttpError
            message = (
                _("The request body must be a JSON object.")
                if isinstance(exc.__cause__, BodyNotObject)
                else _("The request body is not valid JSON.")
            )
            return envelope(api, request, 400, "invalid_json", message, {"__all__": [message]})
        code = {403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "error")
        message = _("CSRF check failed.") if exc.status_code == 403 else str(exc)
        return envelope(api, request, exc.status_code, code, message)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request, exc):
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = _("The request is too large: at most %(size)s.") % {"size": _size(limit)}
        return envelope(api, request, 413, "too_large", message)

    @api.exception_handler(TooManyFieldsSent)
    def on_too_many_fields(request, exc):
        return envelope(api, request, 400, "too_many_fields", _("The request has too many fields."))

    @api.exception_handler(TooManyFilesSent)
    def on_too_many_files(request, exc):
        return envelope(api, request, 400, "too_many_files", _("The request has too many files."))

    @api.exception_handler(Exception)
    def on_server_error(request, exc):
        # Anything else is a bug: the client gets JSON with an incident id (not Django's HTML
        # page), the log gets the traceback under the same id, and the test client re-raises
        # it as it does for pages (got_request_exception).
        if isinstance(exc, DJANGO_HANDLES):
            raise exc
        incident = incident_for(request)
        signals.got_request_exception.send(sender=None, request=request)
        message = _(
            "Something went wrong on our side; nothing was half-saved. Incident %(incident)s: "
            "give this to your administrator."
        ) % {"incident": incident}
        response = envelope(api, request, 500, "server_error", message)
        response["X-Truce-Incident"] = incident
        log_response(
            "%s: %s",
            "Internal Server Error",
            request.path,
            response=response,
            request=request,
            exception=exc,
        )  # fmt: skip  (marks the response logged: Django does not log it again)
        return response

    @api.exception_handler(DataError)
    @api.exception_handler(OverflowError)
    def on_out_of_range(request, exc):
        # The last line of defence: a number the schema let through but the database cannot
        # take (SQLite refuses integers beyond 64 bits even in a filter; PostgreSQL refuses to
        # store a value beyond the column's range). Any transaction has rolled back.
        log.warning("Refused a value the database cannot take: %s", exc)
        message = _("A value is out of range for what can be stored.")
        return envelope(api, request, 400, "invalid", message, _huge_numbers(request))


def _huge_numbers(request) -> dict[str, list[str]]:
    """Query and path parameters holding integers beyond 64 bits, by name (the body parser
    refuses those already)."""
    match = getattr(request, "resolver_match", None)
    params = [*request.GET.items(), *((match.kwargs if match else {}).items())]
    texts = [(name, str(value).strip()) for name, value in params]
    return {
        name: [str(_("Enter a smaller number."))]
        for name, text in texts
        if text.lstrip("+-").isdigit() and abs(int(text)) > INT_LIMIT
    }


def _too_many(api, request, wait):
    seconds = max(1, math.ceil(wait or 1))
    return envelope(
        api,
        request,
        429,
        "rate_limited",
        _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": seconds},
        headers={"Retry-After": str(seconds)},
    )


def _size(limit: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(limit))
