"""API of discussion: comments on any registered item, follows, mention suggestions, the
activity stream, the personal inbox and notification preferences."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja.responses import Status

from truce.accounts.models import User
from truce.api.schemas import COMMON_ERRORS, WRITE_ERRORS
from truce.core.access import access_workspace
from truce.core.concurrency import version_from_if_match
from truce.core.errors import ValidationFailed
from truce.discussion import registry, selectors, services
from truce.discussion.access import access_comment, access_notification, resolve_subject
from truce.discussion.describe import event_sentence
from truce.discussion.models import Category, Comment, Notification
from truce.discussion.schemas import (
    ActivityStreamPage,
    CommentIn,
    CommentOut,
    CommentPatch,
    FollowIn,
    FollowOut,
    InboxPage,
    InboxReadAllOut,
    MemberSuggestion,
    NotificationOut,
    NotificationPreferencesIn,
    NotificationPreferencesOut,
)

router = Router(tags=["discussion"])
BASE = "/workspaces/{slug}"
MAX_PAGE = 10000
THREAD_PAGE, THREAD_MAX = 200, 500  # comments of a thread per API read: by default, at most
THREAD_FIELDS = ("id", "author_id", "body", "body_html", "created_at", "edited_at")
THREAD_FIELDS += ("deleted_at", "version")


def _user_ref(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "display_name": user.display_name}


def _comment_out(comment: Comment, ref: str) -> dict:
    return {
        "id": comment.pk,
        "subject": ref,
        "author": _user_ref(comment.author),
        "body": comment.body,
        "body_html": comment.body_html,
        "mentioned": [_user_ref(u) for u in comment.mentioned.all()],
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "deleted": comment.is_deleted,
        "version": comment.version,
    }


def _subject(ctx, ref: str):
    subject_type, key = registry.parse_ref(ref)
    return resolve_subject(ctx, subject_type, key)


def _page(page: int) -> int:
    return max(1, min(page, MAX_PAGE))


@router.get(BASE + "/comments", response={200: list[CommentOut], **COMMON_ERRORS})
def comment_list(
    request,
    response: HttpResponse,
    slug: str,
    subject: str = Query("", max_length=80, description='"type:key", e.g. "requirement:12"'),
    limit: int = Query(THREAD_PAGE, ge=1, le=THREAD_MAX),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    """The thread of ``subject`` ("requirement:12", "keyresult:3"), oldest first: ``limit``
    comments from ``offset``; the ``X-Total-Count`` header says how many the thread has."""
    ctx = access_workspace(request.user, slug)
    if not subject:
        raise ValidationFailed(fields={"subject": [_("Name the item, e.g. requirement:12.")]})
    entry, found = _subject(ctx, subject)
    thread = Comment.objects.filter(workspace=ctx.workspace).on(entry.type, found.pk)
    comments = list(thread.values(*THREAD_FIELDS)[offset : offset + limit])
    total = offset + len(comments)
    if len(comments) == limit or (offset and not comments):
        total = thread.count()
    response["X-Total-Count"] = str(total)
    return _thread_out(comments, entry.ref(found))


def _thread_out(comments: list[dict], ref: str) -> list[dict]:
    """Comments read as rows, with their authors and mentions in two queries (no model
    instance or related manager per comment: a long thread stays cheap)."""
    through = Comment.mentioned.through
    mentions: dict[int, list[int]] = {}
    pairs = through.objects.filter(comment_id__in=[c["id"] for c in comments])
    for comment_id, user_id in pairs.order_by("pk").values_list("comment_id", "user_id"):
        mentions.setdefault(comment_id, []).append(user_id)
    ids = {c["author_id"] for c in comments} | {u for us in mentions.values() for u in us}
    users = {
        u["id"]: u
        for u in User.objects.filter(pk__in=ids - {None}).values("id", "username", "display_name")
    }
    return [
        {
            "id": c["id"],
            "subject": ref,
            "author": users.get(c["author_id"]),
            "body": c["body"],
            "body_html": c["body_html"],
            "mentioned": [users[u] for u in mentions.get(c["id"], []) if u in users],
            "created_at": c["created_at"],
            "edited_at": c["edited_at"],
            "deleted": c["deleted_at"] is not None,
            "version": c["version"],
        }
        for c in comments
    ]


@router.post(BASE + "/comments", response={201: CommentOut, **WRITE_ERRORS})
def comment_create(request, response: HttpResponse, slug: str, payload: CommentIn):
    """Comment on an item; ``@username`` mentions members, who are notified."""
    ctx = access_workspace(request.user, slug, write=True)
    entry, found = _subject(ctx, payload.subject)
    comment = services.comment_create(ctx=ctx, subject=found, body=payload.body)
    response["ETag"] = comment.etag
    return Status(201, _comment_out(comment, entry.ref(found)))


def _comment_with_ref(request, slug: str, comment_id: int, *, write: bool = False):
    from truce.discussion.access import resolve_subject_of

    ctx, comment = access_comment(request.user, slug, comment_id, write=write)
    entry, found = resolve_subject_of(ctx, comment)
    return ctx, comment, entry.ref(found)


@router.get(BASE + "/comments/{comment_id}", response={200: CommentOut, **COMMON_ERRORS})
def comment_detail(request, response: HttpResponse, slug: str, comment_id: int):
    _ctx, comment, ref = _comment_with_ref(request, slug, comment_id)
    response["ETag"] = comment.etag
    return _comment_out(comment, ref)


@router.patch(BASE + "/comments/{comment_id}", response={200: CommentOut, **WRITE_ERRORS})
def comment_update(
    request,
    response: HttpResponse,
    slug: str,
    comment_id: int,
    payload: CommentPatch,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Edit your own comment (If-Match with its ETag)."""
    ctx, comment, ref = _comment_with_ref(request, slug, comment_id, write=True)
    version = version_from_if_match(if_match, pk=comment.pk)
    services.comment_update(ctx=ctx, comment=comment, body=payload.body, expected_version=version)
    response["ETag"] = comment.etag
    return _comment_out(comment, ref)


@router.delete(BASE + "/comments/{comment_id}", response={204: None, **WRITE_ERRORS})
def comment_delete(
    request,
    slug: str,
    comment_id: int,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Delete your own comment (admins: any); the thread keeps a "deleted" marker."""
    ctx, comment, _ref = _comment_with_ref(request, slug, comment_id, write=True)
    version = version_from_if_match(if_match, pk=comment.pk)
    services.comment_delete(ctx=ctx, comment=comment, expected_version=version)
    return Status(204, None)


@router.put(BASE + "/following", response={200: FollowOut, **COMMON_ERRORS})
def follow_set(request, slug: str, payload: FollowIn):
    """Follow (or stop following) an item: followers hear about its comments and changes."""
    ctx = access_workspace(request.user, slug)
    entry, found = _subject(ctx, payload.subject)
    following = services.follow_set(ctx=ctx, subject=found, follow=payload.follow)
    return {"subject": entry.ref(found), "following": following}


@router.get(BASE + "/mention-suggestions", response={200: list[MemberSuggestion], **COMMON_ERRORS})
def mention_suggestions(request, slug: str, q: str = Query("", max_length=80)):
    """Members whose username or display name starts with ``q``."""
    ctx = access_workspace(request.user, slug)
    return [
        {"id": u.pk, "username": u.username, "display_name": u.display_name, "name": u.name}
        for u in selectors.mention_suggestions(ctx, q)
    ]


@router.get(BASE + "/activity", response={200: ActivityStreamPage, **COMMON_ERRORS})
def activity(
    request,
    slug: str,
    kind: str = Query("", max_length=40, description='"change", or an event noun: "comment"'),
    person: int | None = Query(None, ge=1, le=2**62, description="a member's user id"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
):
    ctx = access_workspace(request.user, slug)
    found = selectors.activity_page(ctx, kind=kind, person=person, page=_page(page))
    return {
        "page": found["page"],
        "has_next": found["has_next"],
        "items": [
            {
                "at": a.when,
                "actor": _user_ref(a.actor),
                "kind": a.noun,
                "sentence": a.sentence,
                "url": a.url,
                "excerpt": a.excerpt,
            }
            for a in found["items"]
        ],
    }


def _notification_out(n: Notification) -> dict:
    event = n.event
    return {
        "id": n.pk,
        "workspace": n.workspace.slug,
        "category": n.category,
        "kind": event.kind,
        "sentence": getattr(n, "sentence", None) or event_sentence(event, category=n.category),
        "url": event.url,
        "excerpt": event.data.get("excerpt", "") if isinstance(event.data, dict) else "",
        "actor": _user_ref(event.actor),
        "created_at": n.created_at,
        "read": n.read_at is not None,
    }


@router.get("/inbox", response={200: InboxPage, **COMMON_ERRORS})
def inbox(request, unread: bool = False, page: int = Query(1, ge=1, le=MAX_PAGE)):
    """Your notifications from every workspace, newest first."""
    found = selectors.inbox_page(request.user, unread_only=unread, page=_page(page))
    return {
        "unread": selectors.unread_count(request.user),
        "page": found["page"],
        "has_next": found["has_next"],
        "items": [_notification_out(n) for n in found["notifications"]],
    }


@router.post("/inbox/{notification_id}/read", response={200: NotificationOut, **COMMON_ERRORS})
def notification_read(request, notification_id: int):
    notification = access_notification(request.user, notification_id)
    services.notification_mark_read(user=request.user, notification=notification)
    return _notification_out(notification)


@router.post("/inbox/read-all", response={200: InboxReadAllOut, **COMMON_ERRORS})
def notifications_read_all(request):
    return {"marked": services.notifications_mark_all_read(user=request.user)}


def _preferences_out(prefs) -> dict:
    rows = []
    for value, label in Category.choices:
        in_app, email = prefs.wants(value)
        rows.append({"category": value, "label": str(label), "in_app": in_app, "email": email})
    return {"version": prefs.version, "categories": rows}


@router.get(
    "/notification-preferences", response={200: NotificationPreferencesOut, **COMMON_ERRORS}
)
def preferences_detail(request, response: HttpResponse):
    """Per category: in the inbox, by e-mail (categories: mention, comment, change, decision,
    signoff, action_item)."""
    prefs = services.preferences_for(request.user)
    response["ETag"] = prefs.etag
    return _preferences_out(prefs)


@router.put("/notification-preferences", response={200: NotificationPreferencesOut, **WRITE_ERRORS})
def preferences_update(
    request,
    response: HttpResponse,
    payload: NotificationPreferencesIn,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Set the channels of the categories given; the others keep theirs. Needs If-Match."""
    prefs = services.preferences_for(request.user)
    version = version_from_if_match(if_match, pk=prefs.pk)
    choices = {k: v.dict() for k, v in payload.choices.items()}
    prefs = services.preferences_update(
        user=request.user, choices=choices, expected_version=version
    )
    response["ETag"] = prefs.etag
    return _preferences_out(prefs)
