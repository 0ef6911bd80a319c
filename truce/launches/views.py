"""Launch pages: the list, the timeline, a launch with milestones, checklist and go/no-go,
and the post-launch review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, PreconditionFailed, TruceError
from truce.core.history import history_of
from truce.core.http import add_form_errors, save_or_show_theirs, workspace_view
from truce.launches import access, forms, selectors, services
from truce.launches.models import Review, Status


def _launch(request, slug, launch_number, *, write=False):
    try:
        return access.access_launch(request.user, slug, launch_number, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _child(helper, ctx, launch, pk):
    try:
        return helper(ctx, launch, pk)
    except NotFound:
        raise Http404() from None


def _back(launch, anchor=""):
    response = redirect("launches:detail", slug=launch.workspace.slug, launch_number=launch.number)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@workspace_view()
def launch_list(request, ctx):
    form = forms.FilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    context = {
        "ctx": ctx,
        "form": form,
        "launches": selectors.launch_list(ctx.workspace, status=status),
    }
    return render(request, "launches/list.html", context)


@login_required
@workspace_view()
def timeline(request, ctx):
    form = forms.FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    chart = selectors.timeline(
        ctx.workspace,
        start=data.get("start"),
        end=data.get("end"),
        status=data.get("status") or "",
    )
    labels = {
        "launch": _("Launch"),
        "campaign": _("Campaign"),
        "milestone": _("Milestones"),
        "today": _("Today"),
    }
    context = {"ctx": ctx, "form": form, "chart": {**chart, "labels": labels}}
    return render(request, "launches/timeline.html", context)


@login_required
@workspace_view(write=True)
def launch_new(request, ctx):
    templates = services.checklist_templates_for(ctx.workspace)
    form = forms.NewLaunchForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["checklist"] = data.get("checklist") or None
        try:
            launch = services.launch_create(ctx=ctx, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Launch planned."))
            return _back(launch)
    context = {"ctx": ctx, "form": form, "heading": _("Plan a launch")}
    return render(request, "launches/form.html", context)


@login_required
def launch_detail(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number)
    view = selectors.overview(launch)
    seat = services.seat_of(ctx)
    context = {
        "ctx": ctx,
        "launch": launch,
        "o": view,
        "seat": seat,
        "milestone_form": forms.MilestoneForm(workspace=ctx.workspace, prefix="m"),
        "item_form": forms.ItemForm(workspace=ctx.workspace, prefix="i"),
        "vote_form": forms.VoteForm(),
        "templates": services.checklist_templates_for(ctx.workspace),
        "history": history_of(launch, limit=30),
        "next_statuses": _next_statuses(launch),
    }
    return render(request, "launches/detail.html", context)


def _next_statuses(launch):
    from truce.domain import launch as rules

    return [s for s in Status if s != Status.GO and rules.can_move(launch.status, s.value)]


@login_required
def launch_edit(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    initial = {
        "name": launch.name,
        "target_date": launch.target_date,
        "description": launch.description,
        "requirements": ", ".join(
            str(n) for n in launch.requirements.order_by("number").values_list("number", flat=True)
        ),
        "campaigns": ", ".join(
            f"C{n}" for n in launch.campaigns.order_by("number").values_list("number", flat=True)
        ),
        "version": launch.version,
    }
    form = forms.LaunchForm(request.POST or None, initial=initial)
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")

        def save():
            return services.launch_update(ctx=ctx, launch=launch, expected_version=version, **data)

        saved, theirs = save_or_show_theirs(form, save)
        if saved:
            messages.success(request, _("Launch saved."))
            return _back(launch)
    context = {"ctx": ctx, "form": form, "theirs": theirs, "launch": launch,
               "heading": _("Edit launch")}  # fmt: skip
    return render(request, "launches/form.html", context)


@login_required
@require_POST
def launch_move(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    try:
        services.launch_move(
            ctx=ctx,
            launch=launch,
            status=request.POST.get("status", ""),
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Status: %(status)s") % {"status": launch.get_status_display()})
    return _back(launch)


@login_required
@require_POST
def milestone_add(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    form = forms.MilestoneForm(request.POST, workspace=ctx.workspace, prefix="m")
    if form.is_valid():
        try:
            services.milestone_add(ctx=ctx, launch=launch, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
    if form.errors:
        messages.error(request, _flat(form))
    return _back(launch, "milestones")


@login_required
@require_POST
def milestone_done(request, slug, launch_number, milestone_id):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    milestone = _child(access.access_milestone, ctx, launch, milestone_id)
    try:
        services.milestone_update(
            ctx=ctx,
            milestone=milestone,
            expected_version=version_from_form(request.POST.get("version")),
            done=request.POST.get("done") == "on",
        )
    except TruceError as exc:
        messages.error(request, exc.message)
    return _back(launch, "milestones")


@login_required
@require_POST
def milestone_delete(request, slug, launch_number, milestone_id):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    milestone = _child(access.access_milestone, ctx, launch, milestone_id)
    try:
        services.milestone_delete(
            ctx=ctx,
            milestone=milestone,
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
    return _back(launch, "milestones")


@login_required
@require_POST
def checklist_apply(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    try:
        added = services.apply_checklist(ctx=ctx, launch=launch, key=request.POST.get("key", ""))
    except TruceError as exc:
        messages.error(request, _flat_exc(exc))
    else:
        messages.success(request, _("%(count)d checklist items added.") % {"count": added})
    return _back(launch, "readiness")


@login_required
@require_POST
def item_add(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    form = forms.ItemForm(request.POST, workspace=ctx.workspace, prefix="i")
    if form.is_valid():
        try:
            services.item_add(ctx=ctx, launch=launch, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
    if form.errors:
        messages.error(request, _flat(form))
    return _back(launch, "readiness")


@login_required
@require_POST
def item_toggle(request, slug, launch_number, check_id):
    """Tick or untick a checklist item; htmx swaps the readiness section."""
    ctx, launch = _launch(request, slug, launch_number, write=True)
    item = _child(access.access_item, ctx, launch, check_id)
    error, status = None, 200
    try:
        services.item_update(
            ctx=ctx,
            item=item,
            expected_version=version_from_form(request.POST.get("version")),
            done=request.POST.get("done") == "on",
        )
    except TruceError as exc:
        error, status = exc.message, exc.status
    if request.htmx:
        context = {"ctx": ctx, "launch": launch, "o": selectors.overview(launch), "error": error}
        return render(request, "launches/detail.html#readiness", context, status=status)
    if error:
        messages.error(request, error)
    return _back(launch, "readiness")


@login_required
@require_POST
def item_delete(request, slug, launch_number, check_id):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    item = _child(access.access_item, ctx, launch, check_id)
    try:
        services.item_delete(
            ctx=ctx, item=item, expected_version=version_from_form(request.POST.get("version"))
        )
    except TruceError as exc:
        messages.error(request, exc.message)
    return _back(launch, "readiness")


@login_required
@require_POST
def vote(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number, write=True)
    form = forms.VoteForm(request.POST)
    if form.is_valid():
        try:
            services.vote(ctx=ctx, launch=launch, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
    if form.errors:
        messages.error(request, _flat(form))
    else:
        launch.refresh_from_db()
        messages.success(request, _("Vote recorded. Status: %(status)s")
                         % {"status": launch.get_status_display()})  # fmt: skip
    return _back(launch, "review")


@login_required
def review(request, slug, launch_number):
    ctx, launch = _launch(request, slug, launch_number)
    existing = Review.objects.filter(launch=launch).first()
    initial = {"version": existing.version if existing else None}
    if existing:
        initial |= {k: getattr(existing, k) for k in ("went_well", "went_badly", "lessons")}
        initial["decisions"] = ", ".join(
            f"D{n}" for n in existing.decisions.order_by("number").values_list("number", flat=True)
        )
    form = forms.ReviewForm(request.POST or None, initial=initial)
    suggestions = selectors.review_suggestions(launch)
    theirs = None
    if request.method == "POST":
        if not ctx.can_write:
            raise DjangoPermissionDenied(_("Viewers can read but not change anything."))
        if form.is_valid():
            data = form.cleaned_data.copy()
            version = data.pop("version")
            metrics = _posted_metrics(request.POST, suggestions, form)
            if not form.errors:
                try:
                    services.review_save(
                        ctx=ctx,
                        launch=launch,
                        expected_version=version,
                        metrics=metrics,
                        finish=request.POST.get("finish") == "1",
                        **data,
                    )
                except PreconditionFailed as exc:
                    # Someone saved the review meanwhile: show theirs, keep this person's text,
                    # and carry the current version so saving again replaces it knowingly.
                    form.add_error(None, exc.message)
                    theirs = exc.current
                    if theirs is not None:
                        form.data = form.data.copy()
                        form.data["version"] = theirs.version
                except TruceError as exc:
                    add_form_errors(form, exc)
                else:
                    messages.success(request, _("Review saved."))
                    return redirect("launches:review", slug=slug, launch_number=launch_number)
    context = {"ctx": ctx, "launch": launch, "form": form, "suggestions": suggestions,
               "review": existing, "theirs": theirs}  # fmt: skip
    return render(request, "launches/review.html", context)


def _posted_metrics(post, suggestions, form):
    out = []
    for s in suggestions:
        kr = s["key_result"]
        values = []
        for key in ("before", "after"):
            raw = post.get(f"kr-{kr.pk}-{key}", "").strip().replace(",", ".")
            try:
                values.append(float(raw) if raw else None)
            except ValueError:
                form.add_error(None, _("“%(value)s” is not a number (%(kr)s).")
                               % {"value": raw, "kr": kr.title})  # fmt: skip
                values.append(None)
        out.append((kr.pk, *values))
    return out


def _flat(form) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


def _flat_exc(exc: TruceError) -> str:
    return " ".join([exc.message, *[m for v in exc.fields.values() for m in v]])
