"""Pages of resources: pools, the capacity calendar, campaigns, and demands of items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.accounts.selectors import members_of
from truce.core.access import access_requirement
from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, PreconditionFailed, TruceError
from truce.core.history import history_of
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.domain import capacity as cap
from truce.resources import access, forms, selectors, services
from truce.resources.models import CampaignStatus, Channel, Granularity, ResourcePool

PAGE_SIZE = 50


def _fetch(helper, request, *args, write=False):
    try:
        return helper(request.user, *args, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _denied(exc: PermissionDenied):
    return DjangoPermissionDenied(exc.message)


# Pools -------------------------------------------------------------------------------------


@login_required
@workspace_view()
def pool_list(request, ctx):
    pools = list(ResourcePool.objects.filter(workspace=ctx.workspace))
    found = selectors.loads(ctx.workspace, first=_earliest_current(pools))
    today = timezone.localdate()
    for p in pools:
        current = cap.period_start(today, p.granularity)
        p.now = found.get((p.pk, current), cap.Load())
        p.now_label = cap.label(current, p.granularity)
        p.overcommitted = sorted(
            cap.label(s, p.granularity)
            for (pk, s), load in found.items()
            if pk == p.pk and s >= current and load.overcommitted
        )
    context = {"ctx": ctx, "pools": pools, "may_create": ctx.can_write}
    return render(request, "resources/pools.html", context)


def _earliest_current(pools):
    today = timezone.localdate()
    return min((cap.period_start(today, p.granularity) for p in pools), default=today)


@login_required
@workspace_view(write=True)
def pool_new(request, ctx):
    form = forms.PoolForm(request.POST or None, initial={"side": ctx.membership.side})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            pool = services.pool_create(ctx=ctx, **data)
        except TruceError as exc:  # including another side's pool: said on the form
            add_form_errors(form, exc)
        else:
            return redirect("resources:pool", slug=ctx.workspace.slug, pool_id=pool.pk)
    context = {"ctx": ctx, "form": form, "heading": _("New resource pool")}
    return render(request, "resources/form.html", context)


@login_required
def pool_detail(request, slug, pool_id):
    ctx, pool = _fetch(access.access_pool, request, slug, pool_id)
    context = {
        "ctx": ctx,
        "pool": pool,
        **selectors.pool_overview(pool),
        "may_manage": services.may_manage_pool(ctx, pool.side),
        "history": history_of(pool, limit=30),
    }
    return render(request, "resources/pool.html", context)


@login_required
def pool_edit(request, slug, pool_id):
    ctx, pool = _fetch(access.access_pool, request, slug, pool_id, write=True)
    form = forms.PoolForm(
        request.POST or None, editing=True, initial=forms.PoolForm.initial_for(pool)
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.pool_update(ctx=ctx, pool=pool, expected_version=version, **data),
        )
        if saved:
            messages.success(request, _("%(name)s saved.") % {"name": pool.name})
            return redirect("resources:pool", slug=slug, pool_id=pool.pk)
    context = {"ctx": ctx, "form": form, "heading": pool.name, "pool": pool, "theirs": theirs}
    return render(request, "resources/form.html", context)


@login_required
@require_POST
def pool_delete(request, slug, pool_id):
    ctx, pool = _fetch(access.access_pool, request, slug, pool_id, write=True)
    try:
        services.pool_delete(
            ctx=ctx, pool=pool, expected_version=version_from_form(request.POST.get("version"))
        )
    except PermissionDenied as exc:
        raise _denied(exc) from None
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("resources:pool", slug=slug, pool_id=pool.pk)
    messages.success(request, _("%(name)s deleted.") % {"name": pool.name})
    return redirect("resources:pools", slug=slug)


# Capacity calendar -------------------------------------------------------------------------


def _calendar_range(request) -> tuple[str, object]:
    granularity = request.GET.get("g", cap.MONTH)
    if granularity not in cap.GRANULARITIES:
        granularity = cap.MONTH
    try:
        first = cap.parse(request.GET.get("from", ""), granularity)
    except ValueError:
        first = cap.period_start(timezone.localdate(), granularity)
    return granularity, first


@login_required
@workspace_view()
def calendar(request, ctx):
    granularity, first = _calendar_range(request)
    context = {
        "ctx": ctx,
        "granularity": granularity,
        "granularities": Granularity.choices,
        **selectors.calendar(ctx.workspace, granularity, first),
    }
    for row in context["rows"]:
        row["may_manage"] = services.may_manage_pool(ctx, row["pool"].side)
    return render(request, "resources/calendar.html", context)


@login_required
@require_POST
def capacity_cell(request, slug, pool_id):
    """Set one period's capacity from the calendar; answers with the pool's row."""
    ctx, pool = _fetch(access.access_pool, request, slug, pool_id, write=True)
    starts = _row_starts(request, pool)
    row_error, status = "", 200
    try:
        start = cap.parse(request.POST.get("start", ""), pool.granularity)
        amount = request.POST.get("amount", "").strip()
        services.capacities_set(
            ctx=ctx,
            pool=pool,
            expected_version=version_from_form(request.POST.get("version")),
            amounts={start: amount or None},
        )
    except ValueError:
        row_error, status = _("Choose one of this pool's periods."), 422
    except PermissionDenied as exc:
        raise _denied(exc) from None
    except PreconditionFailed as exc:
        pool.refresh_from_db()
        row_error, status = exc.message, 412
    except TruceError as exc:
        row_error = " ".join([exc.message, *(m for ms in exc.fields.values() for m in ms)])
        status = 422
    if not request.htmx:
        if row_error:
            messages.error(request, row_error)
        url = reverse("resources:calendar", args=[slug])
        return redirect(f"{url}?g={pool.granularity}&from={cap.label(starts[0], pool.granularity)}")
    row = selectors.calendar_row(pool, starts)
    row.update(may_manage=True, error=row_error, saved=not row_error)
    context = {"ctx": ctx, "row": row, "granularity": pool.granularity}
    return render(request, "resources/calendar.html#row", context, status=status)


def _row_starts(request, pool):
    try:
        first = cap.parse(request.POST.get("from", ""), pool.granularity)
    except ValueError:
        first = cap.period_start(timezone.localdate(), pool.granularity)
    return cap.periods(first, pool.granularity, selectors.HORIZON[pool.granularity])


# Campaigns ---------------------------------------------------------------------------------


def _campaign_filter(form: forms.CampaignFilterForm) -> selectors.CampaignFilter:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.CampaignFilter(
        status=tuple(data.get("status") or ()),
        channel=data.get("channel") or "",
        owner=data.get("owner"),
        period=data.get("period"),
    )


@login_required
@workspace_view()
def campaign_list(request, ctx):
    form = forms.CampaignFilterForm(request.GET)
    qs = selectors.filter_campaigns(ctx.workspace, _campaign_filter(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    flagged = selectors.flagged_campaigns(ctx.workspace, [c.pk for c in page])
    for c in page:
        c.flagged = c.pk in flagged
    context = {
        "ctx": ctx,
        "form": form,
        "page": page,
        "owners": members_of(ctx.workspace),
        "statuses": CampaignStatus.choices,
        "channels": Channel.choices,
        "period_choices": forms.period_filter_choices(),
        "query": _query_without_page(request),
    }
    return render_page(request, "resources/campaigns.html", context, partial="results")


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@workspace_view(write=True)
def campaign_new(request, ctx):
    form = forms.CampaignForm(
        request.POST or None, workspace=ctx.workspace, initial={"owner": ctx.membership.user_id}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            c = services.campaign_create(ctx=ctx, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s created.") % {"ref": c.ref})
            return redirect("resources:campaign", slug=ctx.workspace.slug, campaign_number=c.number)
    context = {"ctx": ctx, "form": form, "heading": _("New campaign")}
    return render(request, "resources/form.html", context)


@login_required
def campaign_detail(request, slug, campaign_number):
    ctx, c = _fetch(access.access_campaign, request, slug, campaign_number)
    return _campaign_page(request, ctx, c)


def _campaign_page(request, ctx, c, *, form=None, row_error=None, status=200):
    demands = selectors.demands_of(campaign=c)
    promoted = list(c.promotes.order_by("number"))
    waiting = c.status in cap.SCHEDULED_CAMPAIGN
    context = {
        "ctx": ctx,
        "c": c,
        "promoted": promoted,
        "unready": [r for r in promoted if waiting and r.status not in _READY] if waiting else [],
        "targets": [(s, CampaignStatus(s).label) for s in services.campaign_targets(c.status)],
        "history": history_of(c, limit=50),
        "flagged": selectors.flagged(demands),
        "deletable": c.status in services.DELETABLE,
        **_demand_section(ctx, demands, form, row_error, c.workspace, campaign=c),
    }
    return render_page(
        request, "resources/campaign.html", context, partial="demands", status=status
    )


_READY = {"scheduled", "in_progress", "released", "reviewed"}


@login_required
def campaign_edit(request, slug, campaign_number):
    ctx, c = _fetch(access.access_campaign, request, slug, campaign_number, write=True)
    form = forms.CampaignForm(
        request.POST or None, workspace=ctx.workspace, initial=forms.CampaignForm.initial_for(c)
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.campaign_update(ctx=ctx, campaign=c, expected_version=version, **data),
        )
        if saved:
            messages.success(request, _("%(ref)s saved.") % {"ref": c.ref})
            return redirect("resources:campaign", slug=slug, campaign_number=c.number)
    context = {"ctx": ctx, "form": form, "heading": str(c), "campaign": c, "theirs": theirs}
    return render(request, "resources/form.html", context)


@login_required
@require_POST
def campaign_move(request, slug, campaign_number):
    ctx, c = _fetch(access.access_campaign, request, slug, campaign_number, write=True)
    try:
        services.campaign_move(
            ctx=ctx,
            campaign=c,
            status=request.POST.get("status", ""),
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
    return redirect("resources:campaign", slug=slug, campaign_number=c.number)


@login_required
@require_POST
def campaign_delete(request, slug, campaign_number):
    ctx, c = _fetch(access.access_campaign, request, slug, campaign_number, write=True)
    try:
        services.campaign_delete(
            ctx=ctx, campaign=c, expected_version=version_from_form(request.POST.get("version"))
        )
    except TruceError as exc:
        messages.error(request, exc.message)
        return redirect("resources:campaign", slug=slug, campaign_number=c.number)
    messages.success(request, _("%(ref)s deleted.") % {"ref": c.ref})
    return redirect("resources:campaigns", slug=slug)


# Demands -----------------------------------------------------------------------------------


def _demand_section(ctx, demands, form, row_error, workspace, *, campaign=None, requirement=None):
    pools = list(selectors.active_pools(workspace))
    today = timezone.localdate()
    for d in demands:
        first = min(d.start, cap.shift(today, d.pool.granularity, -1))
        options = cap.periods(first, d.pool.granularity, 14)
        d.period_options = [cap.label(s, d.pool.granularity) for s in options]
        if d.label not in d.period_options:
            d.period_options.insert(0, d.label)
        d.error = row_error[1] if row_error and row_error[0] == d.pk else ""
    if campaign is not None:
        add_url = reverse("resources:campaign_demand_add", args=[workspace.slug, campaign.number])
    else:
        add_url = reverse(
            "resources:requirement_demands", args=[workspace.slug, requirement.number]
        )
    return {
        "demands": demands,
        "demand_form": form or forms.DemandForm(pools=selectors.active_pools(workspace)),
        "pools": pools,
        "period_groups": selectors.period_choices(pools),
        "add_url": add_url,
        "suggestions": (
            selectors.suggestions(requirement, pools, demands) if requirement is not None else []
        ),
    }


def _add_demand(request, ctx, *, requirement=None, campaign=None):
    """Returns the bound form (with errors) or None when the demand was added."""
    form = forms.DemandForm(request.POST, pools=selectors.active_pools(ctx.workspace))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.demand_add(
                ctx=ctx, pool=data["pool"], start=data["start"], amount=data["amount"],
                requirement=requirement, campaign=campaign,
            )  # fmt: skip
        except PermissionDenied as exc:
            raise _denied(exc) from None
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return None
    return form


@login_required
def requirement_demands(request, slug, number):
    """What a requirement needs from which pool in which period; POST adds a demand."""
    try:
        ctx, r = access_requirement(request.user, slug, number, write=request.method == "POST")
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise _denied(exc) from None
    form, status = None, 200
    if request.method == "POST":
        form = _add_demand(request, ctx, requirement=r)
        if form is None and not request.htmx:
            return redirect("resources:requirement_demands", slug=slug, number=number)
        status = 422 if form is not None else 200
    return _requirement_page(request, ctx, r, form=form, status=status)


def _requirement_page(request, ctx, r, *, form=None, row_error=None, status=200):
    demands = selectors.demands_of(requirement=r)
    context = {
        "ctx": ctx,
        "r": r,
        "flagged": selectors.flagged(demands),
        "campaigns": list(r.campaigns.order_by("number")),
        **_demand_section(ctx, demands, form, row_error, ctx.workspace, requirement=r),
    }
    return render_page(
        request, "resources/requirement_demands.html", context, partial="demands", status=status
    )


@login_required
@require_POST
def requirement_demand_suggest(request, slug, number):
    """Fill a demand from the requirement's estimate in one click."""
    try:
        ctx, r = access_requirement(request.user, slug, number, write=True)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise _denied(exc) from None
    pools = list(selectors.active_pools(ctx.workspace))
    wanted = request.POST.get("kind", "")
    found = [s for s in selectors.suggestions(r, pools, selectors.demands_of(requirement=r))]
    chosen = next((s for s in found if s["kind"] == wanted), None)
    if chosen is None:
        messages.error(request, _("There is no suggestion of this kind any more."))
    else:
        try:
            services.demand_add(
                ctx=ctx,
                pool=chosen["pool"],
                start=cap.parse(chosen["period"], chosen["pool"].granularity),
                amount=chosen["amount"],
                requirement=r,
            )
        except TruceError as exc:
            messages.error(request, exc.message)
    if request.htmx:
        return _requirement_page(request, ctx, r)
    return redirect("resources:requirement_demands", slug=slug, number=number)


@login_required
@require_POST
def campaign_demand_add(request, slug, campaign_number):
    ctx, c = _fetch(access.access_campaign, request, slug, campaign_number, write=True)
    form = _add_demand(request, ctx, campaign=c)
    if form is None and not request.htmx:
        return redirect("resources:campaign", slug=slug, campaign_number=c.number)
    return _campaign_page(request, ctx, c, form=form, status=422 if form is not None else 200)


def _owner_page(request, ctx, demand, *, row_error=None, status=200):
    if demand.campaign_id:
        if not request.htmx:
            return redirect(
                "resources:campaign",
                slug=ctx.workspace.slug,
                campaign_number=demand.campaign.number,
            )
        return _campaign_page(request, ctx, demand.campaign, row_error=row_error, status=status)
    if not request.htmx:
        return redirect(
            "resources:requirement_demands",
            slug=ctx.workspace.slug,
            number=demand.requirement.number,
        )
    return _requirement_page(request, ctx, demand.requirement, row_error=row_error, status=status)


@login_required
@require_POST
def demand_edit(request, slug, demand_id):
    """Save one demand row (period and amount); answers with the item's demand section."""
    ctx, demand = _fetch(access.access_demand, request, slug, demand_id, write=True)
    form = forms.DemandRowForm(request.POST, pool=demand.pool)
    row_error, status = None, 200
    if not form.is_valid():
        message = " ".join(m for ms in form.errors.values() for m in ms)
        row_error, status = (demand.pk, message), 422
    else:
        data = form.cleaned_data
        try:
            services.demand_update(
                ctx=ctx, demand=demand, expected_version=data["version"],
                amount=data["amount"], start=data["period"],
            )  # fmt: skip
        except PreconditionFailed as exc:
            row_error, status = (demand.pk, exc.message), 412
        except TruceError as exc:
            fields = [m for ms in exc.fields.values() for m in ms]
            row_error, status = (demand.pk, " ".join([exc.message, *fields])), 422
    if row_error and not request.htmx:
        messages.error(request, row_error[1])
    return _owner_page(request, ctx, demand, row_error=row_error, status=status)


@login_required
@require_POST
def demand_remove(request, slug, demand_id):
    ctx, demand = _fetch(access.access_demand, request, slug, demand_id, write=True)
    row_error, status = None, 200
    try:
        services.demand_remove(
            ctx=ctx, demand=demand, expected_version=version_from_form(request.POST.get("version"))
        )
    except TruceError as exc:
        row_error, status = (demand.pk, exc.message), exc.status
        if not request.htmx:
            messages.error(request, exc.message)
    return _owner_page(request, ctx, demand, row_error=row_error, status=status)
