"""Site-wide pages: language switch, health check, translated error pages."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from truce.accounts.models import User
from truce.core.incidents import incident_for


@require_POST
def set_language(request):
    """Remember the language in a cookie and, when signed in, on the user's profile."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = ""
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=language)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_400(request, exception=None):
    """Bad requests Django refuses before any view: a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    (413), too many fields or files, or anything else suspicious (400)."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext as _

    status, message = 400, _("The request could not be understood.")
    if isinstance(exception, RequestDataTooBig):
        status = 413
        message = _("The request is too large: at most %(size)s.") % {
            "size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        }
    elif isinstance(exception, TooManyFieldsSent):
        message = _("The request has too many fields.")
    elif isinstance(exception, TooManyFilesSent):
        message = _("The request has too many files.")
    return render(request, "400.html", {"message": message, "status": status}, status=status)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def error_500(request):
    return render(request, "500.html", {"incident": incident_for(request)}, status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
