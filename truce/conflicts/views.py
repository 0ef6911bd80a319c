"""Conflict pages: the list, a conflict with both positions, evidence and the decision, and
the collaboration-health dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from truce.conflicts import access, forms, health, services
from truce.conflicts.models import Conflict, Status
from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, TruceError
from truce.core.history import history_of
from truce.core.http import add_form_errors, save_or_show_theirs, workspace_view

PAGE = 30


def _conflict(request, slug, number, *, write=False):
    try:
        return access.access_conflict(request.user, slug, number, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _back(conflict, anchor=""):
    response = redirect(
        "conflicts:detail", slug=conflict.workspace.slug, conflict_number=conflict.number
    )
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@workspace_view()
def conflict_list(request, ctx):
    form = forms.FilterForm(request.GET or None)
    qs = Conflict.objects.filter(workspace=ctx.workspace).select_related("requirement", "decision")
    if form.is_valid():
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["source"]:
            qs = qs.filter(source=form.cleaned_data["source"])
    page = Paginator(qs.order_by("-number"), PAGE).get_page(request.GET.get("page"))
    counts = {s: 0 for s in Status.values}
    for status in Conflict.objects.filter(workspace=ctx.workspace).values_list("status", flat=True):
        counts[status] += 1
    context = {"ctx": ctx, "form": form, "page": page, "counts": counts}
    return render(request, "conflicts/list.html", context)


@login_required
@require_POST
@workspace_view(write=True)
def detect(request, ctx):
    opened = services.detect(ctx.workspace, get_language() or "zh-hans")
    messages.success(request, _("%(count)d new conflicts found.") % {"count": len(opened)})
    return redirect("conflicts:list", slug=ctx.workspace.slug)


@login_required
@workspace_view(write=True)
def conflict_new(request, ctx):
    form = forms.ConflictForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        number = data.pop("requirement")
        try:
            requirement = None
            if number:
                from truce.requirements.models import Requirement

                requirement = Requirement.objects.filter(
                    workspace=ctx.workspace, number=number
                ).first()
                if requirement is None:
                    form.add_error("requirement", _("No requirement with this number here."))
                    raise _Invalid
            conflict = services.conflict_open(ctx=ctx, requirement=requirement, **data)
        except _Invalid:
            pass
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return _back(conflict)
    return render(request, "conflicts/form.html", {"ctx": ctx, "form": form,
                                                   "heading": _("Open a conflict")})  # fmt: skip


class _Invalid(Exception):
    pass


@login_required
def conflict_detail(request, slug, conflict_number):
    ctx, conflict = _conflict(request, slug, conflict_number)
    evidence = list(conflict.evidence.select_related("added_by"))
    context = {
        "ctx": ctx,
        "c": conflict,
        "product_evidence": [e for e in evidence if e.side == "product"],
        "operations_evidence": [e for e in evidence if e.side == "operations"],
        "evidence_form": forms.EvidenceForm(prefix="e"),
        "decide_form": forms.DecideForm(prefix="d", initial={"version": conflict.version}),
        "history": history_of(conflict, limit=30),
        "next_statuses": [s for s in (Status.DISCUSSING, Status.ESCALATED)
                          if services.rules.can_move(conflict.status, s)],
    }  # fmt: skip
    return render(request, "conflicts/detail.html", context)


@login_required
def conflict_edit(request, slug, conflict_number):
    ctx, conflict = _conflict(request, slug, conflict_number, write=True)
    initial = {k: getattr(conflict, k) for k in services.EDITABLE} | {"version": conflict.version}
    form = forms.EditForm(request.POST or None, initial=initial)
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.conflict_update(
                ctx=ctx, conflict=conflict, expected_version=version, **data
            ),
        )
        if saved:
            return _back(conflict)
    context = {"ctx": ctx, "form": form, "theirs": theirs, "c": conflict,
               "heading": _("Edit %(ref)s") % {"ref": conflict.ref}}  # fmt: skip
    return render(request, "conflicts/form.html", context)


@login_required
@require_POST
def conflict_move(request, slug, conflict_number):
    ctx, conflict = _conflict(request, slug, conflict_number, write=True)
    try:
        services.conflict_move(
            ctx=ctx,
            conflict=conflict,
            status=request.POST.get("status", ""),
            expected_version=version_from_form(request.POST.get("version")),
        )
    except TruceError as exc:
        messages.error(request, exc.message)
    else:
        if conflict.status == Status.ESCALATED:
            messages.success(request, _("Escalated: it is on the next sync meeting's agenda "
                                        "and the leads have been told."))  # fmt: skip
    return _back(conflict)


@login_required
@require_POST
def evidence_add(request, slug, conflict_number):
    ctx, conflict = _conflict(request, slug, conflict_number, write=True)
    form = forms.EvidenceForm(request.POST, prefix="e")
    if form.is_valid():
        try:
            services.evidence_add(ctx=ctx, conflict=conflict, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
    if form.errors:
        messages.error(request, " ".join(str(m) for v in form.errors.values() for m in v))
    return _back(conflict, "evidence")


@login_required
@require_POST
def evidence_remove(request, slug, conflict_number, evidence_id):
    ctx, conflict = _conflict(request, slug, conflict_number, write=True)
    try:
        item = access.access_evidence(conflict, evidence_id)
        services.evidence_remove(ctx=ctx, evidence=item)
    except NotFound:
        raise Http404() from None
    except TruceError as exc:
        messages.error(request, exc.message)
    return _back(conflict, "evidence")


@login_required
@require_POST
def conflict_decide(request, slug, conflict_number):
    ctx, conflict = _conflict(request, slug, conflict_number, write=True)
    form = forms.DecideForm(request.POST, prefix="d")
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = None
            if data["decision"]:
                from truce.meetings.models import Decision

                decision = Decision.objects.filter(
                    workspace=ctx.workspace, number=data["decision"]
                ).first()
                if decision is None:
                    raise NotFound(_("No decision with this number here."))
            services.conflict_decide(
                ctx=ctx,
                conflict=conflict,
                expected_version=data["version"],
                decision=decision,
                outcome=data["outcome"],
                rationale=data["rationale"],
            )
        except TruceError as exc:
            add_form_errors(form, exc)
    if form.errors:
        messages.error(request, " ".join(str(m) for v in form.errors.values() for m in v))
    else:
        messages.success(request, _("Decided and on record."))
    return _back(conflict, "decision")


@login_required
@workspace_view()
def health_dashboard(request, ctx):
    data = health.dashboard(ctx.workspace, timezone.localdate())
    return render(request, "conflicts/health.html", {"ctx": ctx, "data": data})


@login_required
@workspace_view()
def health_export(request, ctx):
    data = health.dashboard(ctx.workspace, timezone.localdate())
    response = HttpResponse(
        health.to_excel(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"truce-health-{ctx.workspace.slug}-{timezone.localdate().isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
