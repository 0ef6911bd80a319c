"""Pages of the requirements pool: list, board, detail, create/edit, status moves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from truce.accounts.selectors import members_of
from truce.core.access import access_requirement
from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, PreconditionFailed, TruceError
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.core.search import FoundPaginator
from truce.customers.selectors import asking_customers, demand_breakdown, with_channels
from truce.domain import workflow
from truce.requirements import forms, scoring, selectors, services
from truce.requirements.models import Requirement, Status, Tag
from truce.requirements.similar import similar_requirements
from truce.responsibilities.selectors import owner_line

PAGE_SIZE = 50
CUSTOMERS_PAGE_SIZE = 50


def _requirement(request, slug, number, *, write=False):
    try:
        return access_requirement(request.user, slug, number, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _filter_from(form: forms.FilterForm) -> selectors.RequirementFilter:
    data = form.cleaned_data if form.is_valid() else {}
    contested = {"yes": True, "no": False}.get(data.get("contested") or "")
    return selectors.RequirementFilter(
        status=tuple(data.get("status") or ()),
        owner=data.get("owner"),
        tag=data.get("tag", ""),
        side=data.get("side", ""),
        segment=data.get("segment", ""),
        contested=contested,
        q=data.get("q", ""),
        sort=data.get("sort") or "newest",
    )


@login_required
@workspace_view()
def requirement_list(request, ctx):
    form = forms.FilterForm(request.GET)
    found = selectors.list_requirements(ctx.workspace, _filter_from(form))
    page = FoundPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_list_relations(page.object_list)
    context = {
        "ctx": ctx,
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "owners": members_of(ctx.workspace),
        "tags": Tag.objects.filter(workspace=ctx.workspace),
        "statuses": Status.choices,
    }
    return render_page(request, "requirements/list.html", context, partial="results")


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@workspace_view()
def board(request, ctx):
    columns = selectors.board_columns(ctx.workspace, request.GET.get("q", ""))
    for column in columns:
        _prepare_cards(ctx, column["cards"])
    return render(request, "requirements/board.html", {"ctx": ctx, "columns": columns})


def _prepare_cards(ctx, cards) -> None:
    """Links and allowed moves per card, computed once per status rather than per card in the
    template: reversing URLs and walking the workflow for 180 cards cost most of the board's
    render time."""
    base = reverse("requirements:list", args=[ctx.workspace.slug])
    targets: dict[str, list] = {}
    for r in cards:
        if r.status not in targets:
            targets[r.status] = [
                (s.value, Status(s.value).label) for s in workflow.allowed_targets(r.status)
            ]
        r.targets = targets[r.status]
        r.detail_url = f"{base}{r.number}/"
        r.move_url = f"{base}{r.number}/status/"


@login_required
@workspace_view(write=True)
def requirement_new(request, ctx):
    form = forms.RequirementForm(
        request.POST or None, workspace=ctx.workspace, initial={"origin_side": ctx.membership.side}
    )
    form.suggest_duplicates(reverse("requirements:similar", args=[ctx.workspace.slug]))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            r = services.requirement_create(ctx=ctx, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s created.") % {"ref": r.ref})
            return redirect("requirements:detail", slug=ctx.workspace.slug, number=r.number)
    return render(request, "requirements/form.html", {"ctx": ctx, "form": form})


@login_required
@workspace_view()
def requirement_similar(request, ctx):
    """The "possibly the same as" hint under the title of a new requirement (htmx)."""
    matches = similar_requirements(ctx.workspace, request.GET.get("title", "")[:200])
    return render(request, "requirements/form.html#similar", {"ctx": ctx, "similar": matches})


@login_required
def requirement_detail(request, slug, number):
    ctx, r = _requirement(request, slug, number)
    context = {
        "ctx": ctx,
        "r": r,
        **selectors.requirement_detail(r),
        **scoring.scoring_panel(ctx, r),
        "demand": demand_breakdown(r),
        "raci_owners": owner_line(r),
        "targets": workflow.allowed_targets(r.status),
        "statuses": dict(Status.choices),
    }
    return render(request, "requirements/detail.html", context)


@login_required
def requirement_customers(request, slug, number):
    """Every customer asking for the requirement, a page at a time; the detail page lists the
    top ones."""
    ctx, r = _requirement(request, slug, number)
    page = Paginator(asking_customers(r), CUSTOMERS_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_channels(page.object_list)
    context = {"ctx": ctx, "r": r, "page": page}
    return render_page(request, "requirements/customers.html", context, partial="results")


@login_required
def requirement_edit(request, slug, number):
    ctx, r = _requirement(request, slug, number, write=True)
    form = forms.RequirementForm(
        request.POST or None, workspace=ctx.workspace, initial=forms.RequirementForm.initial_for(r)
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.requirement_update(
                ctx=ctx, requirement=r, expected_version=version, **data
            ),
        )
        if saved:
            messages.success(request, _("%(ref)s saved.") % {"ref": r.ref})
            return redirect("requirements:detail", slug=slug, number=number)
    context = {
        "ctx": ctx,
        "form": form,
        "r": r,
        "theirs": theirs,
        "their_tags": sorted(t.name for t in theirs.tags.all()) if theirs else [],
    }
    return render(request, "requirements/form.html", context)


@login_required
@require_POST
def scores_set(request, slug, number):
    ctx, r = _requirement(request, slug, number, write=True)
    error, fields = None, {}
    try:
        scoring.scores_set(
            ctx=ctx,
            requirement=r,
            values=_score_values(request.POST),
            note=request.POST.get("note", ""),
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except TruceError as exc:
        error, fields = exc.message, exc.fields
    r.refresh_from_db()
    context = {
        "ctx": ctx,
        "r": r,
        "score_error": error,
        "score_fields": fields,
        "scored": not error,
        **scoring.scoring_panel(ctx, r),
    }
    if request.htmx:
        return render(
            request, "requirements/scoring_panel.html#panel", context, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    return redirect("requirements:detail", slug=slug, number=number)


def _score_values(post) -> dict[str, float | None]:
    """Form fields named ``score-<key>``; empty clears the actor's score."""
    values: dict[str, float | None] = {}
    for name, raw in post.items():
        if not name.startswith("score-"):
            continue
        key = name.removeprefix("score-")
        try:
            values[key] = float(raw) if raw.strip() else None
        except ValueError:
            raise TruceError(fields={key: [_("Enter a number.")]}) from None
    return values


@login_required
@require_POST
def requirement_move(request, slug, number):
    ctx, r = _requirement(request, slug, number, write=True)
    try:
        services.requirement_move(
            ctx=ctx,
            requirement=r,
            status=request.POST.get("status", ""),
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        stale = isinstance(exc, PreconditionFailed)
        if stale and exc.current is not None:
            r = exc.current  # the card shows where someone else put it
        if request.htmx:
            _prepare_cards(ctx, [r])
            return render(
                request,
                "requirements/board.html#card",
                {"ctx": ctx, "r": r, "error": exc.message},
                status=412 if stale else 422,
            )
        messages.error(request, exc.message)
    if request.htmx:
        _prepare_cards(ctx, [r])
        return render(request, "requirements/board.html#card", {"ctx": ctx, "r": r, "moved": True})
    return redirect("requirements:detail", slug=slug, number=number)


@login_required
@require_POST
@workspace_view(write=True)
def bulk_status(request, ctx):
    form = forms.BulkStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select requirements and a status."))
    else:
        try:
            moved = services.requirement_bulk_move(ctx=ctx, **form.cleaned_data)
        except TruceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext("%(n)s requirement moved.", "%(n)s requirements moved.", moved)
                % {"n": moved},
            )
    back = request.POST.get("back", "")  # the list's query string, so filters survive
    url = reverse("requirements:list", args=[ctx.workspace.slug])
    return redirect(f"{url}?{back}" if back and "//" not in back else url)


@login_required
@require_POST
def prerequisite_add(request, slug, number):
    ctx, r = _requirement(request, slug, number, write=True)
    other = Requirement.objects.filter(
        workspace=ctx.workspace, number=_int(request.POST.get("number"))
    ).first()
    try:
        if other is None:
            raise TruceError(_("No requirement with this number here."))
        services.prerequisite_add(ctx=ctx, requirement=r, prerequisite=other)
    except TruceError as exc:
        messages.error(request, exc.message)
    return redirect("requirements:detail", slug=slug, number=number)


@login_required
@require_POST
def prerequisite_remove(request, slug, number, prereq):
    ctx, r = _requirement(request, slug, number, write=True)
    other = Requirement.objects.filter(workspace=ctx.workspace, number=prereq).first()
    if other is None:
        raise Http404()
    services.prerequisite_remove(ctx=ctx, requirement=r, prerequisite=other)
    return redirect("requirements:detail", slug=slug, number=number)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
@workspace_view()
def scorecard(request, ctx):
    card, criteria = scoring.scorecard_for(ctx.workspace)
    initial = {
        f: getattr(card, f)
        for f in (
            "method",
            "product_weight",
            "operations_weight",
            "contested_threshold",
            "disagreement_threshold",
            "fit_from_goals",
            "version",
        )
    }
    form = forms.ScorecardForm(request.POST or None, initial=initial, criteria=criteria)
    may_edit = ctx.is_admin or ctx.role == "lead"
    if request.method == "POST":
        if not may_edit:
            raise DjangoPermissionDenied(_("Only admins and leads can change the scorecard."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                scoring.scorecard_update(
                    ctx=ctx,
                    expected_version=data["version"],
                    weights=form.weights(),
                    **{k: data[k] for k in initial if k != "version"},
                )
            except TruceError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request, _("Scorecard saved. Every requirement is being rescored.")
                )
                return redirect("requirements:scorecard", slug=ctx.workspace.slug)
    context = {"ctx": ctx, "card": card, "criteria": criteria, "form": form, "may_edit": may_edit}
    return render(request, "requirements/scorecard.html", context)
