"""Meetings pages: the list, series, a meeting (agenda, minutes, attendance), decisions,
action items and the personal calendar feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, TruceError
from truce.core.http import add_form_errors, render_page, save_or_show_theirs, workspace_view
from truce.meetings import access, calendar, forms, records, selectors, services
from truce.meetings.models import ActionStatus, AgendaItem, MeetingStatus


def _fetch(helper, request, slug, pk, *, write=False):
    try:
        return helper(request.user, slug, pk, write=write)
    except NotFound:
        raise Http404() from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


def _run(request, action) -> bool:
    """Run a service for a POST; role refusals are 403 pages, other refusals a message."""
    try:
        action()
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None
    except TruceError as exc:
        messages.error(request, exc.message)
        return False
    return True


# Meetings and series -------------------------------------------------------------------------


@login_required
@workspace_view()
def meeting_list(request, ctx):
    services.ensure_upcoming(ctx.workspace)
    context = {"ctx": ctx, **selectors.meetings_overview(ctx.workspace)}
    return render(request, "meetings/list.html", context)


def _series_form_page(request, ctx, form, heading, theirs=None):
    context = {"ctx": ctx, "form": form, "heading": heading, "theirs": theirs}
    return render(request, "meetings/series_form.html", context)


@login_required
@workspace_view(write=True)
def series_new(request, ctx):
    initial = {"starts_on": timezone.localdate(), "timezone": "Asia/Shanghai"}
    form = forms.SeriesForm(request.POST or None, workspace=ctx.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.series_create(ctx=ctx, **data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("meetings:list", slug=ctx.workspace.slug)
    return _series_form_page(request, ctx, form, _("New meeting series"))


@login_required
def series_edit(request, slug, series_id):
    ctx, series = _fetch(access.access_series, request, slug, series_id, write=True)
    form = forms.SeriesForm(
        request.POST or None,
        workspace=ctx.workspace,
        initial=forms.SeriesForm.initial_for(series),
    )
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        version = data.pop("version")
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.series_update(
                ctx=ctx, series=series, expected_version=version, **data
            ),
        )
        if saved:
            return redirect("meetings:list", slug=slug)
    return _series_form_page(request, ctx, form, _("Edit meeting series"), theirs)


@login_required
def meeting_detail(request, slug, meeting_id, *, forms_in=None, status=200):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id)
    if meeting.status == MeetingStatus.SCHEDULED and meeting.agenda_refreshed_at is None:
        services.agenda_generate(meeting)
    detail = selectors.meeting_detail(meeting)
    forms_in = forms_in or {}
    context = {
        "ctx": ctx,
        "meeting": meeting,
        **detail,
        "agenda_form": forms_in.get("agenda") or forms.AgendaItemForm(),
        "minutes_form": forms_in.get("minutes")
        or forms.MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version}),
        "attendance_form": forms.AttendanceForm(attendance=detail["attendance"]),
        "action_form": forms_in.get("action") or forms.ActionForm(workspace=ctx.workspace),
        "theirs": forms_in.get("theirs"),
        "can_run": services.can_run(ctx, meeting, detail["attendance"]),
        "moves": [("up", _("Move up")), ("down", _("Move down"))],
    }
    partial = forms_in.get("partial", "agenda")
    return render_page(request, "meetings/meeting.html", context, partial=partial, status=status)


def _back(meeting):
    return redirect("meetings:meeting", slug=meeting.workspace.slug, meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_start(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    _run(request, lambda: services.meeting_start(ctx=ctx, meeting=meeting))
    return _back(meeting)


@login_required
@require_POST
def meeting_finish(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    if _run(request, lambda: services.meeting_finish(ctx=ctx, meeting=meeting)):
        messages.success(request, _("Meeting finished."))
    return _back(meeting)


# Agenda --------------------------------------------------------------------------------------


def _agenda_done(request, slug, meeting_id, meeting):
    """htmx swaps the agenda in place; without JavaScript the page reloads."""
    if request.htmx:
        return meeting_detail(request, slug, meeting_id)
    return _back(meeting)


@login_required
@require_POST
def agenda_refresh(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    _run(request, lambda: services.agenda_refresh(ctx=ctx, meeting=meeting))
    return _agenda_done(request, slug, meeting_id, meeting)


@login_required
@require_POST
def agenda_add(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    form = forms.AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(ctx=ctx, meeting=meeting, **form.cleaned_data)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            return _agenda_done(request, slug, meeting_id, meeting)
    return meeting_detail(request, slug, meeting_id, forms_in={"agenda": form}, status=422)


def _item(meeting, request):
    try:
        item_id = int(request.POST.get("item", ""))
    except ValueError:
        raise Http404() from None
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
    if item is None:
        raise Http404()
    return item


@login_required
@require_POST
def agenda_move(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    offset = -1 if request.POST.get("direction") == "up" else 1
    _run(
        request,
        lambda: services.agenda_move(
            ctx=ctx, meeting=meeting, item=_item(meeting, request), offset=offset
        ),
    )
    return _agenda_done(request, slug, meeting_id, meeting)


@login_required
@require_POST
def agenda_remove(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    _run(
        request,
        lambda: services.agenda_item_remove(ctx=ctx, meeting=meeting, item=_item(meeting, request)),
    )
    return _agenda_done(request, slug, meeting_id, meeting)


# Minutes and attendance ----------------------------------------------------------------------


@login_required
@require_POST
def minutes(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    form = forms.MinutesForm(request.POST)
    theirs = None
    if form.is_valid():
        saved, theirs = save_or_show_theirs(
            form,
            lambda: services.minutes_update(
                ctx=ctx,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved:
            if request.htmx:
                return meeting_detail(request, slug, meeting_id, forms_in={"partial": "minutes"})
            return _back(meeting)
    forms_in = {"minutes": form, "theirs": theirs, "partial": "minutes"}
    return meeting_detail(request, slug, meeting_id, forms_in=forms_in, status=422)


@login_required
@require_POST
def attendance(request, slug, meeting_id):
    ctx, meeting = _fetch(access.access_meeting, request, slug, meeting_id, write=True)
    rows = selectors.meeting_detail(meeting)["attendance"]
    form = forms.AttendanceForm(request.POST, attendance=rows)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for v in form.errors.values() for m in v))
    elif _run(
        request,
        lambda: services.attendance_set(ctx=ctx, meeting=meeting, presence=form.presence()),
    ):
        messages.success(request, _("Attendance saved."))
    return _back(meeting)


# Decisions -----------------------------------------------------------------------------------


@login_required
@workspace_view()
def decision_list(request, ctx):
    query = request.GET.get("q", "")[:200]
    current_only = request.GET.get("current") == "1"
    decisions = list(selectors.decision_log(ctx.workspace, query, current_only=current_only)[:200])
    context = {"ctx": ctx, "decisions": decisions, "q": query, "current_only": current_only}
    return render_page(request, "meetings/decisions.html", context, partial="results")


@login_required
def decision_detail(request, slug, number):
    ctx, decision = _fetch(access.access_decision, request, slug, number)
    context = {"ctx": ctx, "decision": decision, **selectors.decision_links(decision)}
    context["action_form"] = forms.ActionForm(workspace=ctx.workspace)
    return render(request, "meetings/decision.html", context)


@login_required
@workspace_view(write=True)
def decision_new(request, ctx):
    from truce.meetings import linking

    meeting, supersedes = linking.context_objects(ctx, request.GET or request.POST)
    initial = linking.initial_for(ctx, meeting, supersedes)
    form = forms.DecisionForm(request.POST or None, workspace=ctx.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = linking.resolve(ctx, form.cleaned_data)
            decision = records.decision_record(
                ctx=ctx, meeting=meeting, supersedes=supersedes, **data
            )
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Decision %(ref)s recorded.") % {"ref": decision.ref})
            if meeting is not None:
                return _back(meeting)
            return redirect("meetings:decision", slug=ctx.workspace.slug, number=decision.number)
    context = {"ctx": ctx, "form": form, "meeting": meeting, "supersedes": supersedes}
    return render(request, "meetings/decision_form.html", context)


# Action items --------------------------------------------------------------------------------


@login_required
@workspace_view()
def action_list(request, ctx):
    status = request.GET.get("status", "open")
    mine = request.GET.get("mine") == "1"
    items = selectors.actions_list(
        ctx.workspace, status=status, owner=request.user if mine else None
    )
    choices = [
        ("open", pgettext("action item status", "Open")),
        ("overdue", _("Overdue")),
        ("done", _("Done")),
        ("cancelled", _("Cancelled")),
        ("all", _("All")),
    ]
    context = {
        "ctx": ctx,
        "actions": items,
        "status": status,
        "mine": mine,
        "status_choices": choices,
    }
    return render(request, "meetings/actions.html", context)


@login_required
@workspace_view(write=True)
def action_new(request, ctx):
    from truce.meetings import linking

    meeting, _none = linking.context_objects(ctx, request.POST)
    decision = linking.decision_from(ctx, request.POST.get("decision"))
    form = forms.ActionForm(request.POST, workspace=ctx.workspace)
    if form.is_valid():
        try:
            records.action_create(ctx=ctx, meeting=meeting, decision=decision, **form.cleaned_data)
        except TruceError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, _("Action item added."))
            if meeting is not None:
                return _back(meeting)
            if decision is not None:
                return redirect(
                    "meetings:decision", slug=ctx.workspace.slug, number=decision.number
                )
            return redirect("meetings:actions", slug=ctx.workspace.slug)
    if meeting is not None:
        return meeting_detail(
            request, ctx.workspace.slug, meeting.pk, forms_in={"action": form}, status=422
        )
    context = {"ctx": ctx, "form": form, "decision": decision}
    return render(request, "meetings/action_form.html", context, status=422)


@login_required
def action_detail(request, slug, action_id, *, form=None, theirs=None, status=200):
    ctx, action = _fetch(access.access_action, request, slug, action_id)
    form = form or forms.ActionForm(
        workspace=ctx.workspace,
        initial={"title": action.title, "owner": action.owner_id, "due": action.due},
    )
    context = {
        "ctx": ctx,
        "action": action,
        "overdue": action.is_overdue(timezone.localdate()),
        "form": form,
        "theirs": theirs,
        "status_choices": ActionStatus.choices,
    }
    return render(request, "meetings/action.html", context, status=status)


@login_required
@require_POST
def action_edit(request, slug, action_id):
    ctx, action = _fetch(access.access_action, request, slug, action_id, write=True)
    form = forms.ActionForm(request.POST, workspace=ctx.workspace)
    theirs = None
    if form.is_valid():
        version = version_from_form(request.POST.get("version"))
        saved, theirs = save_or_show_theirs(
            form,
            lambda: records.action_update(
                ctx=ctx, action=action, expected_version=version, **form.cleaned_data
            ),
        )
        if saved:
            return redirect("meetings:action", slug=slug, action_id=action.pk)
    return action_detail(request, slug, action_id, form=form, theirs=theirs, status=422)


@login_required
@require_POST
def action_status(request, slug, action_id):
    ctx, action = _fetch(access.access_action, request, slug, action_id, write=True)
    form = forms.ActionStatusForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: records.action_update(
                ctx=ctx,
                action=action,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
            ),
        )
    else:
        messages.error(request, _("Choose open, done or cancelled."))
    target = request.POST.get("next", "")
    if target.startswith(f"/w/{slug}/") and "//" not in target:
        return redirect(target)
    return redirect("meetings:action", slug=slug, action_id=action.pk)


# Calendar feed -------------------------------------------------------------------------------


@login_required
def calendar_settings(request, *, new_url: str = ""):
    from truce.meetings.models import CalendarFeed

    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {"feed": feed, "new_url": new_url}
    return render(request, "meetings/calendar.html", context)


@login_required
@require_POST
def calendar_regenerate(request):
    raw = calendar.feed_regenerate(user=request.user)
    return calendar_settings(request, new_url=calendar.feed_url(raw))


def feed(request, feed_token: str):
    """Public but secret: the token is the only credential; a wrong one is a plain 404."""
    user = calendar.feed_owner(feed_token)
    if user is None:
        raise Http404()
    response = HttpResponse(
        calendar.feed_document(user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="truce.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
