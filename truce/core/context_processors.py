"""What every page's shell needs: the CSP nonce, the workspace switcher, the current role."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def shell(request) -> dict:
    from django.conf import settings

    from truce.accounts.selectors import memberships_of

    user = getattr(request, "user", None)
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        # Lazy, so pages that never show the switcher (sign-in, errors) pay no query.
        "my_memberships": SimpleLazyObject(lambda: list(memberships_of(user)) if user else []),
        # Each language in its own name, so a reader who cannot read the page still finds theirs.
        "language_choices": settings.LANGUAGES,
        "ctx": getattr(request, "workspace_access", None),
    }
