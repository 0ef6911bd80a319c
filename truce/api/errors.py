"""One error envelope for the whole API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from truce.core.errors import PreconditionFailed, TruceError, validation_from_django


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
    if err.get("type") == "string_nul":
        return str(_("Null characters are not allowed."))
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    messages = {
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
            fields.setdefault(_field_name(err.get("loc", ())), []).append(_pydantic_message(err))
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
        return envelope(
            api,
            request,
            401,
            "unauthenticated",
            _("Sign in, or send Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": 'Bearer realm="truce"'},
        )

    @api.exception_handler(HttpError)
    def on_http(request, exc: HttpError):
        code = {403: "forbidden", 405: "method_not_allowed"}.get(exc.status_code, "error")
        message = _("CSRF check failed.") if exc.status_code == 403 else str(exc)
        return envelope(api, request, exc.status_code, code, message)
