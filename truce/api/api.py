"""The versioned REST API at /api/v1/. Each app contributes one router."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_update
from ninja import NinjaAPI

from truce.api import errors
from truce.api.auth import AUTH
from truce.api.parser import Marker, NulSafeParser
from truce.api.throttle import UserRate


class TruceAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """Ninja drops each error's input; note first which inputs the parser marked (NUL
        characters, NaN, integers beyond 64 bits), so the message can say so instead of a
        generic "enter text"."""
        error = super().validation_error_from_error_contexts(error_contexts)
        inputs = [
            i.get("input")
            for context in error_contexts
            for i in context.pydantic_validation_error.errors(include_url=False)
        ]
        for item, value in zip(error.errors, inputs, strict=False):
            if isinstance(value, Marker):
                item["type"] = value.kind
        return error


api = TruceAPI(
    title="Truce API",
    version="1",
    description=(
        "Everything a page can do. Authenticate with your session (send X-CSRFToken on "
        "writes) or `Authorization: Bearer <token>`. Updates need `If-Match` with the ETag. "
        'Errors: `{"error": {"code", "message", "fields"}}`, in the language of '
        "Accept-Language or your profile."
    ),
    urls_namespace="api",
    auth=AUTH,
    parser=NulSafeParser(),
    # TRUCE_API_RATE per user; requests that fail to authenticate count per address (errors.py)
    throttle=[UserRate()],
    # Swagger UI sets inline styles; the docs page alone may use them.
    docs_decorator=csp_update({"style-src": [SELF, "'unsafe-inline'"]}),
)
errors.install(api)


def _mount() -> None:
    from importlib import import_module

    from truce.accounts.api import router as accounts_router
    from truce.customers.api import router as customers_router
    from truce.goals.api import router as goals_router
    from truce.requirements.api import router as requirements_router
    from truce.responsibilities.api import router as responsibilities_router

    api.add_router("/", accounts_router)
    api.add_router("/", requirements_router)
    api.add_router("/", customers_router)
    api.add_router("/", responsibilities_router)
    api.add_router("/", goals_router)
    api.add_router("/", import_module("truce.discussion.api").router)
    api.add_router("/", import_module("truce.integrations.api").router)
    api.add_router("/", import_module("truce.glossary.api").router)
    api.add_router("/", import_module("truce.meetings.api").router)
    api.add_router("/", import_module("truce.resources.api").router)
    api.add_router("/", import_module("truce.planning.api").router)
    api.add_router("/", import_module("truce.interop.api").router)
    api.add_router("/", import_module("truce.launches.api").router)
    api.add_router("/", import_module("truce.conflicts.api").router)


_mount()
