"""API authentication: a personal bearer token, or the browser session with CSRF enforced."""

from __future__ import annotations

from django.utils import translation
from ninja.security import HttpBearer, SessionAuth

from truce.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        user = token_authenticate(token)
        if user is not None:
            # Views and services read request.user; a token stands in for the session.
            request.user = user
            if user.language:  # the session middleware could not know this user yet
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return user


class Session(SessionAuth):
    """Django's session cookie; unsafe methods must carry the CSRF token (X-CSRFToken)."""

    def __init__(self) -> None:
        super().__init__(csrf=True)


AUTH = [BearerToken(), Session()]
