"""Goals pages: periods, a period with its objectives and sign-off, key results, alignment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, TruceError
from truce.core.history import history_of
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.goals import access, forms, selectors, services
from truce.goals.models import Period
from truce.requirements.models import Requirement


def _fetch(helper, request, slug, pk, *, write=False):
    try:
        return helper(request.user, slug, pk, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


@login_required
@workspace_view()
def period_list(request, ctx):
    context = {
        "ctx": ctx,
        "periods": Period.objects.for_workspace(ctx.workspace),
        "settings": services.goal_settings_for(ctx.workspace),
    }
    return render(request, "goals/periods.html", context)


@login_required
@workspace_view(write=True)
def period_new(request, ctx):
    form = forms.PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_create(ctx=ctx, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("goals:period", slug=ctx.workspace.slug, period_id=period.pk)
    context = {"ctx": ctx, "form": form, "heading": _("New period")}
    return render(request, "goals/form.html", context)


@login_required
@require_POST
@workspace_view(admin=True)
def goal_settings(request, ctx):
    try:
        services.goal_settings_update(
            ctx=ctx,
            requires_lead_signature=request.POST.get("requires_lead_signature") == "on",
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Goal settings saved."))
    return redirect("goals:periods", slug=ctx.workspace.slug)


@login_required
def period_detail(request, slug, period_id):
    ctx, period = _fetch(access.access_period, request, slug, period_id)
    context = {
        "ctx": ctx,
        "period": period,
        **selectors.period_overview(period),
        "signoff": selectors.signoff_state(period),
    }
    return render_page(request, "goals/period.html", context, partial="signoff")


@login_required
@require_POST
def period_sign(request, slug, period_id):
    ctx, period = _fetch(access.access_period, request, slug, period_id, write=True)
    try:
        services.period_sign(ctx=ctx, period=period, expected_hash=request.POST.get("hash"))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except TruceError as exc:
        messages.error(request, exc.message)
    return redirect("goals:period", slug=slug, period_id=period.pk)


@login_required
def objective_new(request, slug, period_id):
    ctx, period = _fetch(access.access_period, request, slug, period_id, write=True)
    form = forms.ObjectiveForm(request.POST or None, workspace=ctx.workspace)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.objective_create(ctx=ctx, period=period, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("goals:period", slug=slug, period_id=period.pk)
    context = {"ctx": ctx, "form": form, "heading": _("New objective"), "back": period}
    return render(request, "goals/form.html", context)


@login_required
def objective_edit(request, slug, objective_id):
    ctx, objective = _fetch(access.access_objective, request, slug, objective_id, write=True)
    form = forms.ObjectiveForm(
        request.POST or None,
        workspace=ctx.workspace,
        exclude_pk=objective.pk,
        initial=forms.ObjectiveForm.initial_for(objective),
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.objective_update(
                ctx=ctx, objective=objective, expected_version=version, **data
            ),
        )
        if saved:
            return redirect("goals:period", slug=slug, period_id=objective.period_id)
    context = {
        "ctx": ctx,
        "form": form,
        "heading": _("Edit objective"),
        "theirs": theirs,
        "back": objective.period,
    }
    return render(request, "goals/form.html", context)


@login_required
def key_result_new(request, slug, objective_id):
    ctx, objective = _fetch(access.access_objective, request, slug, objective_id, write=True)
    form = forms.KeyResultForm(request.POST or None, workspace=ctx.workspace)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            kr = services.key_result_create(ctx=ctx, objective=objective, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("goals:key_result", slug=slug, kr_id=kr.pk)
    context = {"ctx": ctx, "form": form, "heading": _("New key result"), "back": objective.period}
    return render(request, "goals/form.html", context)


@login_required
def key_result_edit(request, slug, kr_id):
    ctx, kr = _fetch(access.access_key_result, request, slug, kr_id, write=True)
    form = forms.KeyResultForm(
        request.POST or None, workspace=ctx.workspace, initial=forms.KeyResultForm.initial_for(kr)
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.key_result_update(
                ctx=ctx, key_result=kr, expected_version=version, **data
            ),
        )
        if saved:
            return redirect("goals:key_result", slug=slug, kr_id=kr.pk)
    context = {
        "ctx": ctx,
        "form": form,
        "heading": _("Edit key result"),
        "theirs": theirs,
        "back": kr.objective.period,
    }
    return render(request, "goals/form.html", context)


@login_required
def key_result_detail(request, slug, kr_id, *, checkin_form=None, link_form=None, status=200):
    ctx, kr = _fetch(access.access_key_result, request, slug, kr_id)
    period = kr.objective.period
    context = {
        "ctx": ctx,
        "kr": selectors.annotate_key_result(kr, period),
        "period": period,
        "chart": selectors.key_result_chart(kr, period),
        "check_ins": kr.check_ins.select_related("author").order_by("-created_at", "-id")[:50],
        "links": kr.links.select_related("requirement").order_by("requirement__number"),
        "history": history_of(kr, limit=50),
        "checkin_form": checkin_form or forms.CheckInForm(),
        "link_form": link_form or forms.LinkForm(),
        "rule": selectors.rule_text(),
    }
    return render(request, "goals/key_result.html", context, status=status)


@login_required
@require_POST
def check_in(request, slug, kr_id):
    ctx, kr = _fetch(access.access_key_result, request, slug, kr_id, write=True)
    form = forms.CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.check_in_create(ctx=ctx, key_result=kr, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Check-in recorded."))
            return redirect("goals:key_result", slug=slug, kr_id=kr.pk)
    return key_result_detail(request, slug, kr_id, checkin_form=form, status=422)


@login_required
@require_POST
def link_add(request, slug, kr_id):
    ctx, kr = _fetch(access.access_key_result, request, slug, kr_id, write=True)
    form = forms.LinkForm(request.POST)
    if form.is_valid():
        req = Requirement.objects.filter(
            workspace=ctx.workspace, number=form.cleaned_data["number"]
        ).first()
        try:
            if req is None:
                raise TruceError(_("No requirement with this number here."))
            services.link_add(
                ctx=ctx,
                key_result=kr,
                requirement=req,
                contribution=form.cleaned_data["contribution"],
            )
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("goals:key_result", slug=slug, kr_id=kr.pk)
    return key_result_detail(request, slug, kr_id, link_form=form, status=422)


@login_required
@require_POST
def link_remove(request, slug, kr_id, number):
    ctx, kr = _fetch(access.access_key_result, request, slug, kr_id, write=True)
    req = Requirement.objects.filter(workspace=ctx.workspace, number=number).first()
    if req is None:
        raise Http404()
    services.link_remove(ctx=ctx, key_result=kr, requirement=req)
    return redirect("goals:key_result", slug=slug, kr_id=kr.pk)


@login_required
def alignment(request, slug, period_id):
    ctx, period = _fetch(access.access_period, request, slug, period_id)
    context = {"ctx": ctx, "period": period, **selectors.alignment(period)}
    return render(request, "goals/alignment.html", context)
