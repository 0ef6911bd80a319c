"""Domain errors raised by services and access helpers, mapped to HTTP by views and the API.

Messages are translated strings; ``fields`` maps a field name to a list of messages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class TruceError(Exception):
    """Base of errors a user can act on. ``status`` is the HTTP status the API answers with."""

    status = 400
    code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None):
        self.message = str(message or self.default_message)
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        super().__init__(self.message)


class NotFound(TruceError):
    """Missing and forbidden look the same, so outsiders learn nothing about what exists."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class PermissionDenied(TruceError):
    """The object is visible to the user, but the user's role may not do this."""

    status = 403
    code = "forbidden"
    default_message = _("Your role in this workspace does not allow this.")


class ValidationFailed(TruceError):
    status = 400
    code = "invalid"
    default_message = _("Some fields are invalid.")


class Conflict(TruceError):
    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state.")


class PreconditionFailed(TruceError):
    """The client's version (If-Match / hidden version field) is stale."""

    status = 412
    code = "stale"
    default_message = _(
        "Someone else changed this since you loaded it. Reload to see their change."
    )

    def __init__(self, message=None, *, current=None, fields=None):
        super().__init__(message, fields=fields)
        self.current = current


class PreconditionRequired(TruceError):
    status = 428
    code = "precondition_required"
    default_message = _("Send the If-Match header with the ETag you last read.")


def validation_from_django(exc) -> ValidationFailed:
    """Turn django.core.exceptions.ValidationError into our error with field messages."""
    if hasattr(exc, "error_dict"):
        fields = {
            ("__all__" if k == "__all__" else k): [str(m) for e in v for m in e.messages]
            for k, v in exc.error_dict.items()
        }
        return ValidationFailed(fields=fields)
    return ValidationFailed("; ".join(str(m) for m in exc.messages))
