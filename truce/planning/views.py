"""Planning pages: scenarios, a scenario with its latest run (polled until done), a run's
result, explanations on demand, adopting a Pareto point, comparison, plans and sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.core import jobs
from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, TruceError
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.planning import access, forms, selectors, services
from truce.planning.models import PeriodPlan, Run, RunStatus, Scenario


def _fetch(helper, request, slug, pk, *, write=False):
    try:
        return helper(request.user, slug, pk, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


@login_required
@workspace_view()
def scenario_list(request, ctx):
    scenarios = Scenario.objects.for_workspace(ctx.workspace).select_related("period")
    done = (
        Run.objects.filter(workspace=ctx.workspace, status=RunStatus.DONE)
        .select_related("scenario")
        .only("id", "number", "finished_at", "scenario__name")
        .order_by("-id")[:30]
    )
    plans = PeriodPlan.objects.filter(workspace=ctx.workspace).select_related("period", "scenario")
    context = {"ctx": ctx, "scenarios": scenarios, "done_runs": done, "plans": plans}
    return render(request, "planning/scenarios.html", context)


@login_required
@workspace_view(write=True)
def scenario_new(request, ctx):
    form = forms.ScenarioForm(request.POST or None, workspace=ctx.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(ctx=ctx, **form.service_fields())
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("planning:scenario", slug=ctx.workspace.slug, scenario_id=scenario.pk)
    context = {"ctx": ctx, "form": form, "heading": _("New scenario")}
    return render(request, "planning/scenario_form.html", context)


@login_required
def scenario_edit(request, slug, scenario_id):
    ctx, scenario = _fetch(access.access_scenario, request, slug, scenario_id, write=True)
    form = forms.ScenarioForm(
        request.POST or None,
        workspace=ctx.workspace,
        initial=forms.ScenarioForm.initial_for(scenario),
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.scenario_update(
                ctx=ctx, scenario=scenario, expected_version=version, **form.service_fields()
            ),
        )
        if saved:
            return redirect("planning:scenario", slug=slug, scenario_id=scenario.pk)
    context = {
        "ctx": ctx,
        "form": form,
        "heading": _("Edit scenario"),
        "scenario": scenario,
        "theirs": theirs,
    }
    return render(request, "planning/scenario_form.html", context)


@login_required
@require_POST
def scenario_delete(request, slug, scenario_id):
    ctx, scenario = _fetch(access.access_scenario, request, slug, scenario_id, write=True)
    try:
        services.scenario_delete(
            ctx=ctx,
            scenario=scenario,
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("planning:scenario", slug=slug, scenario_id=scenario.pk)
    messages.success(request, _("Scenario deleted."))
    return redirect("planning:scenarios", slug=slug)


def _run_context(request, ctx, run: Run | None) -> dict:
    q = request.GET.get("q", "")[:100]
    show_all = request.GET.get("all") == "1"
    result = selectors.run_result(run, q=q, show_all=show_all) if run else {}
    return {"ctx": ctx, "run": run, "result": result}


@login_required
def scenario_detail(request, slug, scenario_id):
    ctx, scenario = _fetch(access.access_scenario, request, slug, scenario_id)
    runs = selectors.latest_runs(scenario)
    jobs.reap_shown(runs)  # a run whose worker was killed shows as failed, not running forever
    latest = None
    if runs:
        latest = Run.objects.filter(pk=runs[0].pk).defer(*selectors.DOCUMENTS).first()
    if latest is not None:
        latest.scenario, latest.workspace = scenario, ctx.workspace
    context = {"scenario": scenario, "runs": runs, **_run_context(request, ctx, latest)}
    return render(request, "planning/scenario.html", context)


@login_required
@require_POST
def run_start(request, slug, scenario_id):
    ctx, scenario = _fetch(access.access_scenario, request, slug, scenario_id, write=True)
    try:
        services.run_start(ctx=ctx, scenario=scenario)
    except TruceError as exc:
        messages.error(request, exc.message)
    return redirect("planning:scenario", slug=slug, scenario_id=scenario.pk)


@login_required
def run_detail(request, slug, run_id):
    """The run's result; htmx polls ask for the "run" fragment only."""
    ctx, run = _fetch(access.access_run, request, slug, run_id)
    jobs.reap_shown([run])
    context = {"scenario": run.scenario, **_run_context(request, ctx, run)}
    return render_page(request, "planning/run.html", context, partial="run")


@login_required
def explain(request, slug, run_id, item_key):
    ctx, run = _fetch(access.access_run, request, slug, run_id)
    try:
        item = services.explain_item(run=run, item_id=item_key)
    except NotFound:
        raise Http404() from None
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("planning:run", slug=slug, run_id=run.pk)
    context = {"ctx": ctx, "scenario": run.scenario, "run": run, "item": item}
    if not request.htmx:  # the run page with this item alone
        context["result"] = selectors.run_result(run, only=item_key)
    return render_page(request, "planning/run.html", context, partial="why")


@login_required
@require_POST
def adopt(request, slug, run_id):
    ctx, run = _fetch(access.access_run, request, slug, run_id, write=True)
    try:
        services.run_adopt(
            ctx=ctx,
            run=run,
            point=int(request.POST.get("point", "-1") or -1),
            expected_version=version_from_form(request.POST.get("version")),
        )
    except (TruceError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("No trade-off point with this number.")))
    else:
        messages.success(request, _("The run's selection is now this trade-off point."))
    if request.POST.get("back") == "scenario":
        return redirect("planning:scenario", slug=slug, scenario_id=run.scenario_id)
    return redirect("planning:run", slug=slug, run_id=run.pk)


@login_required
@require_POST
def publish(request, slug, run_id):
    ctx, run = _fetch(access.access_run, request, slug, run_id, write=True)
    try:
        plan = services.plan_publish(ctx=ctx, run=run)
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("planning:scenario", slug=slug, scenario_id=run.scenario_id)
    messages.success(request, _("Published. It is agreed once both sides and a lead sign it."))
    return redirect("planning:plan", slug=slug, plan_id=plan.pk)


@login_required
@workspace_view()
def compare(request, ctx):
    ids = [i for i in request.GET.getlist("runs") if i.isdigit()][:3]
    runs = list(
        Run.objects.filter(workspace=ctx.workspace, pk__in=ids, status=RunStatus.DONE)
        .select_related("scenario")
        .defer(*selectors.DOCUMENTS)
        .order_by("id")
    )
    show_all = request.GET.get("all") == "1"
    context = {"ctx": ctx, "runs": runs, "comparison": None, "show_all": show_all}
    if len(runs) >= 2:
        limit = selectors.MOST if show_all else selectors.SHOWN
        context["comparison"] = selectors.compare(runs, limit=limit)
    elif ids:
        messages.error(request, _("Choose two or three finished runs to compare."))
    return render(request, "planning/compare.html", context)


@login_required
def plan_detail(request, slug, plan_id):
    ctx, plan = _fetch(access.access_plan, request, slug, plan_id)
    context = {"ctx": ctx, "plan": plan, "signoff": selectors.plan_signoff(plan)}
    return render_page(request, "planning/plan.html", context, partial="signoff")


@login_required
@require_POST
def plan_sign(request, slug, plan_id):
    ctx, plan = _fetch(access.access_plan, request, slug, plan_id, write=True)
    try:
        services.plan_sign(ctx=ctx, plan=plan, expected_hash=request.POST.get("hash"))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except TruceError as exc:
        messages.error(request, exc.message)
    return redirect("planning:plan", slug=slug, plan_id=plan.pk)
