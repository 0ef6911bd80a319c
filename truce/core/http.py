"""View helpers: map domain errors to pages, resolve the workspace, render htmx partials."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import render

from truce.core.access import access_workspace
from truce.core.errors import NotFound, PermissionDenied, TruceError


def workspace_view(*, write: bool = False, admin: bool = False):
    """Decorator: resolve ``slug`` through the access layer and pass ``ctx`` to the view.

    Anonymous users are sent to sign in by ``login_required`` applied first; outsiders
    get the 404 page; members lacking the role get the 403 page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            try:
                ctx = access_workspace(request.user, slug, write=write, admin=admin)
                request.workspace_access = ctx
                return view(request, ctx, *args, **kwargs)
            except NotFound:
                raise Http404() from None
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from None

        return wrapper

    return decorator


def add_form_errors(form, exc: TruceError) -> None:
    """Show a service's field errors on the form, and anything else as a form-wide error."""
    for field, messages in exc.fields.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def render_page(request, template: str, context: dict, *, partial: str | None = None, status=200):
    """Full page normally; only the named partial when htmx asks for it."""
    name = f"{template}#{partial}" if partial and request.htmx else template
    return render(request, name, context, status=status)


def save_or_show_theirs(form, save) -> tuple[bool, object | None]:
    """Run ``save()`` for a versioned edit form. Returns (saved, theirs): on a stale version the
    form keeps the user's input, says someone else changed the object, and carries the current
    version, so saving again overwrites knowingly; ``theirs`` is the current row to show."""
    from django.utils.translation import gettext as _

    from truce.core.errors import PreconditionFailed

    if "version" in form.fields and form.cleaned_data.get("version") is None:
        # An edit without the version it was loaded with would overwrite blindly.
        form.add_error(
            None,
            _(
                "This form was sent without the version it was loaded with. Reload the page "
                "and make your change again."
            ),
        )
        return False, None
    try:
        save()
    except PreconditionFailed as exc:
        form.add_error(None, exc.message)
        if exc.current is not None:
            form.data = form.data.copy()
            form.data["version"] = exc.current.version
        return False, exc.current
    except TruceError as exc:
        add_form_errors(form, exc)
        return False, None
    return True, None
