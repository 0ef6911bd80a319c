"""Discussion pages: comment threads (a fragment of every commentable item's page), mention
suggestions, the workspace's activity stream, the personal inbox and its preferences."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from truce.core.concurrency import version_from_form
from truce.core.errors import NotFound, PermissionDenied, PreconditionFailed, TruceError
from truce.core.http import workspace_view
from truce.discussion import access, forms, selectors, services


def _domain_errors(view):
    """Access errors become the 404 / 403 pages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from None

    return wrapper


def _page(value) -> int:
    try:
        return max(1, min(int(value or 1), 10000))
    except ValueError:
        return 1


def thread_context(request, ctx, subject, anchor=None, **extra) -> dict:
    return {
        "ctx": ctx,
        "user": request.user,
        "form": forms.CommentForm(),
        **selectors.thread(ctx, subject, request.user, anchor),
        **extra,
    }


def _thread_response(request, ctx, entry, subject, *, error=None, status=200, focus=None, **extra):
    """The thread fragment for htmx; otherwise back to the item's page with a message. With
    ``focus`` (a comment id) the thread shows that comment, however old."""
    if request.htmx:
        anchor = ("from", focus) if focus else None
        context = thread_context(request, ctx, subject, anchor, error=error, **extra)
        return render(request, "discussion/thread.html#thread", context, status=status)
    if error:
        messages.error(request, error)
    if focus:
        return HttpResponseRedirect(f"{entry.url(subject)}?comment={focus}#comment-{focus}")
    return HttpResponseRedirect(f"{entry.url(subject)}#comments")


def _comment_id(value) -> int | None:
    value = value or ""
    return int(value) if value.isdigit() and len(value) <= 18 else None


@login_required
@require_GET
@_domain_errors
def thread(request, slug, subject_type, subject_key):
    """More of a thread, for htmx: the page before comment ``?before=``, the page after
    ``?after=`` up to ``?until=`` (where the shown comments resume), or else the whole
    thread, at ``?comment=`` if given (discussion.js asks so for an old ``#comment-`` link)."""
    ctx, _entry, subject = access.access_subject(request.user, slug, subject_type, subject_key)
    before, after, until = (_comment_id(request.GET.get(k)) for k in ("before", "after", "until"))
    if before or (after and until):
        between = (after, until) if after and until else None
        page = selectors.thread_page(ctx, subject, request.user, before=before, between=between)
        return render(request, "discussion/thread.html#more", {"ctx": ctx, **page})
    anchor = selectors.thread_anchor(request.GET)
    return render(
        request, "discussion/thread.html#thread", thread_context(request, ctx, subject, anchor)
    )


@login_required
@require_POST
@_domain_errors
def comment_create(request, slug, subject_type, subject_key):
    ctx, entry, subject = access.access_subject(
        request.user, slug, subject_type, subject_key, write=True
    )
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_create(ctx=ctx, subject=subject, body=form.cleaned_data["body"])
        except TruceError as exc:
            form.add_error("body" if "body" in exc.fields else None, exc.message)
    if form.errors:
        if request.htmx:
            context = thread_context(request, ctx, subject, form=form)
            return render(request, "discussion/thread.html#thread", context, status=422)
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return _thread_response(request, ctx, entry, subject)


@login_required
@require_POST
@_domain_errors
def comment_edit(request, slug, comment_id):
    ctx, comment = access.access_comment(request.user, slug, comment_id, write=True)
    entry, subject = access.resolve_subject_of(ctx, comment)
    body = request.POST.get("body", "")
    try:
        services.comment_update(
            ctx=ctx,
            comment=comment,
            body=body,
            expected_version=version_from_form(request.POST.get("version")),
        )
    except PermissionDenied:
        raise
    except TruceError as exc:
        # keep the writer's text; the thread shows the current one, saving again overwrites
        status = 412 if isinstance(exc, PreconditionFailed) else 422
        draft = {"id": comment.pk, "body": body}
        return _thread_response(
            request, ctx, entry, subject, error=exc.message, status=status, draft=draft,
            focus=comment.pk,
        )  # fmt: skip
    return _thread_response(request, ctx, entry, subject, focus=comment.pk)


@login_required
@require_POST
@_domain_errors
def comment_delete(request, slug, comment_id):
    ctx, comment = access.access_comment(request.user, slug, comment_id, write=True)
    entry, subject = access.resolve_subject_of(ctx, comment)
    try:
        services.comment_delete(
            ctx=ctx,
            comment=comment,
            expected_version=version_from_form(request.POST.get("version")),
        )
    except PermissionDenied:
        raise
    except TruceError as exc:
        return _thread_response(
            request, ctx, entry, subject, error=exc.message, status=412, focus=comment.pk
        )
    return _thread_response(request, ctx, entry, subject, focus=comment.pk)


@login_required
@require_POST
@_domain_errors
def follow(request, slug, subject_type, subject_key):
    ctx, entry, subject = access.access_subject(request.user, slug, subject_type, subject_key)
    following = services.follow_set(
        ctx=ctx, subject=subject, follow=request.POST.get("follow") == "1"
    )
    if request.htmx:  # only the button: the comments the reader has opened stay open
        context = {"ctx": ctx, "following": following, **selectors.thread_place(ctx, subject)}
        return render(request, "discussion/thread.html#follow", context)
    return HttpResponseRedirect(f"{entry.url(subject)}#comments")


@login_required
@require_GET
@workspace_view()
def mention_suggestions(request, ctx):
    """JSON for the @-autocomplete of comment boxes."""
    people = selectors.mention_suggestions(ctx, request.GET.get("q", ""))
    results = [{"username": u.username, "name": u.name} for u in people]
    return JsonResponse({"results": results})


@login_required
@workspace_view()
def activity(request, ctx):
    kind = request.GET.get("kind", "")[:40]
    try:
        person = int(request.GET.get("person") or 0) or None
    except ValueError:
        person = None
    context = {
        "ctx": ctx,
        "kind": kind,
        "person": person,
        **selectors.activity_filters(ctx),
        **selectors.activity_page(
            ctx, kind=kind, person=person, page=_page(request.GET.get("page"))
        ),
    }
    return render(request, "discussion/activity.html", context)


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    context = {
        "unread_only": unread_only,
        "unread": selectors.unread_count(request.user),
        **selectors.inbox_page(
            request.user, unread_only=unread_only, page=_page(request.GET.get("page"))
        ),
    }
    return render(request, "discussion/inbox.html", context)


@login_required
@require_POST
@_domain_errors
def notification_read(request, notification_id):
    """Mark one notification read; with ``open`` also go to what it is about."""
    notification = access.access_notification(request.user, notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    target = notification.event.url
    if "open" in request.POST and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("discussion:inbox")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(n)s notifications marked read.") % {"n": count})
    return redirect("discussion:inbox")


@login_required
def preferences(request):
    prefs = services.preferences_for(request.user)
    form = forms.PreferencesForm(request.POST or None, prefs=prefs)
    theirs = None
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(
                user=request.user,
                choices=form.choices(),
                expected_version=form.cleaned_data["version"],
            )
        except PreconditionFailed as exc:
            form.add_error(None, exc.message)
            theirs = services.preferences_for(request.user)
            form.data = form.data.copy()
            form.data["version"] = theirs.version
        else:
            messages.success(request, _("Notification preferences saved."))
            return redirect("discussion:preferences")
    context = {"form": form, "theirs": theirs}
    return render(request, "discussion/preferences.html", context, status=412 if theirs else 200)
