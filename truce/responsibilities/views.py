"""Pages of responsibilities: the RACI matrix of a requirement, the report, the templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.accounts.selectors import members_of
from truce.core.access import access_requirement
from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, PreconditionFailed, TruceError
from truce.core.http import add_form_errors, workspace_view
from truce.domain import raci
from truce.responsibilities import forms, selectors, services
from truce.responsibilities.models import Activity, WorkType


def _requirement(request, slug, number, *, write=False):
    try:
        return access_requirement(request.user, slug, number, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _activity(ctx, activity_id: int, **filters) -> Activity:
    found = Activity.objects.filter(workspace=ctx.workspace, pk=activity_id, **filters).first()
    if found is None:
        raise Http404()
    return found


@login_required
def matrix(request, slug, number):
    ctx, r = _requirement(request, slug, number)
    context = {"ctx": ctx, "r": r, **selectors.matrix(ctx.workspace, r)}
    return render(request, "responsibilities/matrix.html", context)


def _posted_letters(post, members) -> dict[int, str]:
    """Select fields named ``member-<membership id>``; empty means "nothing"."""
    return {m.pk: v for m in members if (v := post.get(f"member-{m.pk}", "").strip().upper())}


@login_required
@require_POST
def row_save(request, slug, number, activity_id):
    ctx, r = _requirement(request, slug, number, write=True)
    activity = _activity(ctx, activity_id, work_type=WorkType.FEATURE)
    members = list(members_of(ctx.workspace))
    letters = _posted_letters(request.POST, members)
    status = 200
    try:
        services.row_save(
            ctx=ctx,
            requirement=r,
            activity=activity,
            expected_version=version_from_form(request.POST.get("version")),
            cells=list(letters.items()),
        )
    except PreconditionFailed as exc:  # show theirs; saving again overwrites knowingly
        row = selectors.matrix_row(r, activity, members)
        row.error, row.stale, status = exc.message, True, 412
    except TruceError as exc:
        version = _int(request.POST.get("version"))
        row = selectors.with_cells(selectors.MatrixRow(activity, version, letters), members)
        row.error, status = exc.message, 422
    else:
        row = selectors.matrix_row(r, activity, members)
        row.saved = True
    if request.htmx:
        context = {"ctx": ctx, "r": r, "row": row, "letters": selectors.LETTERS}
        return render(request, "responsibilities/matrix.html#row", context, status=status)
    if row.error:
        messages.error(request, f"{activity.label}: {row.error}")
    return redirect("responsibilities:matrix", slug=slug, number=number)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
@workspace_view()
def report(request, ctx):
    form = forms.OverloadForm(request.GET)
    threshold = (form.is_valid() and form.cleaned_data["overload"]) or raci.OVERLOAD_THRESHOLD
    context = {"ctx": ctx, "form": form, **selectors.workspace_report(ctx.workspace, threshold)}
    return render(request, "responsibilities/report.html", context)


def _activity_form(a: Activity, data=None) -> forms.ActivityForm:
    return forms.ActivityForm(data, initial=forms.ActivityForm.initial_for(a), prefix=f"a{a.pk}")


@login_required
@workspace_view()
def templates(request, ctx):
    may_edit = services.may_edit_templates(ctx)
    groups = [
        (label, [(a, _activity_form(a)) for a in services.activities_for(ctx.workspace, kind)])
        for kind, label in WorkType.choices
    ]
    context = {"ctx": ctx, "groups": groups, "may_edit": may_edit}
    return render(request, "responsibilities/templates.html", context)


@login_required
@require_POST
@workspace_view(write=True)
def template_edit(request, ctx, activity_id):
    activity = _activity(ctx, activity_id)
    form = _activity_form(activity, request.POST)
    if not services.may_edit_templates(ctx):
        raise DjangoPermissionDenied(_("Only admins and leads can change the RACI templates."))
    if form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        try:
            services.activity_update(ctx=ctx, activity=activity, expected_version=version, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
    if form.errors:
        messages.error(request, f"{activity.label}: " + " ".join(
            str(m) for errors in form.errors.values() for m in errors
        ))  # fmt: skip
    else:
        messages.success(request, _("%(name)s saved.") % {"name": activity.label})
    return redirect("responsibilities:templates", slug=ctx.workspace.slug)
