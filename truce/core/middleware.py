"""Activate the signed-in user's chosen language; the browser's choice is the fallback."""

from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    """Runs after LocaleMiddleware (which honours the cookie, then Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class RefuseNulMiddleware:
    """A form or query string holding NUL characters gets a 400 page before any view runs.

    No one types NUL, PostgreSQL cannot store it (and refuses it even in a filter), and some
    views read ``request.POST`` or ``request.GET`` directly rather than through a form (whose
    fields refuse NUL already). Runs after the CSRF check, which has parsed the body; views
    exempt from CSRF (the API) refuse NUL themselves, field by field (truce/api/parser.py).
    """

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "csrf_exempt", False):
            return None
        sources = [request.GET]
        if request.method == "POST" and request.content_type in self.FORMS:
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return _refuse_nul(request)
        return None


def _refuse_nul(request):
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    context = {"message": _("Null characters are not allowed."), "status": 400}
    return render(request, "400.html", context, status=400)


class RefusedFormMiddleware:
    """A POST answered with 200 and a page showing a refused form gets a 4xx: 409 when the
    form was stale (someone else saved first; the page shows their version), 422 when a
    field was invalid.

    A form shown again is a refusal, and clients, tests and proxies should see it as one,
    whichever view drew it. Refusals are drawn one way across the templates: the callout
    with the other person's version (marked ``data-stale``) for a stale save; ``field-error``
    next to a field and ``form-errors`` above the form (``includes/form.html``) for invalid
    input. htmx swaps 409 and 422 like a 200 (``truce.js``), so the page looks the same.
    """

    STALE = b" data-stale"
    MARKS = (b'class="field-error"', b'class="form-errors"')

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code == 200
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            if self.STALE in response.content:
                response.status_code = 409
            elif any(mark in response.content for mark in self.MARKS):
                response.status_code = 422
        return response
