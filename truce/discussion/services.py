"""Writes of discussion: comments (create, edit, soft delete), follows, reading notifications
and notification preferences.

Comment writes announce themselves as domain events (``comment.created``, ``comment.edited``,
``comment.deleted``); ``truce.discussion.notify`` turns those into notifications after commit.
``data`` of comment events: ``comment_id``, ``subject`` ("type:key" as the API writes it),
``excerpt`` (the first 200 characters) and ``mentioned`` (user ids; for ``comment.edited``
only the people the edit newly mentions).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import User
from truce.core.access import WorkspaceAccess
from truce.core.errors import Conflict, PermissionDenied, ValidationFailed
from truce.core.events import emit
from truce.core.markdown import render_markdown
from truce.discussion import registry
from truce.discussion.mentions import highlight_mentions, mentioned_usernames
from truce.discussion.models import Category, Comment, Follow, Notification, Preferences

MAX_BODY = 10000


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(fields={"body": [_("Write something first.")]})
    if len(body) > MAX_BODY:
        raise ValidationFailed(
            fields={"body": [_("Keep a comment under %(n)s characters.") % {"n": MAX_BODY}]}
        )
    return body


def _mentions(ctx: WorkspaceAccess, body: str) -> list[User]:
    """Members of the workspace the text mentions, in order of first mention."""
    members = {u.username: u for u in User.objects.filter(memberships__workspace=ctx.workspace)}
    return [members[name] for name in mentioned_usernames(body, members)]


def _render(body: str, mentioned: list[User]) -> str:
    return highlight_mentions(render_markdown(body), [u.username for u in mentioned])


def _announce(ctx, comment: Comment, subject, kind: str, mentioned: list[int]) -> None:
    entry = registry.entry_for(subject)
    emit(
        workspace=ctx.workspace,
        kind=kind,
        actor=ctx.membership.user,
        subject=subject,
        title=entry.title(subject),
        url=f"{entry.url(subject)}?comment={comment.pk}#comment-{comment.pk}",
        data={
            "comment_id": comment.pk,
            "subject": entry.ref(subject),
            "excerpt": comment.body[:200],
            "mentioned": mentioned,
        },
    )


def _subject_of(ctx: WorkspaceAccess, comment: Comment):
    from truce.discussion.access import resolve_subject_of

    return resolve_subject_of(ctx, comment)[1]


def _follow(ctx: WorkspaceAccess, user, subject) -> None:
    Follow.objects.get_or_create(
        user=user,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        defaults={"workspace": ctx.workspace},
    )


@transaction.atomic
def comment_create(*, ctx: WorkspaceAccess, subject, body: str) -> Comment:
    """Add a comment to ``subject``'s thread; the author follows the item from now on."""
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    registry.entry_for(subject)  # only registered items have threads
    body = _clean_body(body)
    mentioned = _mentions(ctx, body)
    comment = Comment.objects.create(
        workspace=ctx.workspace,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        author=ctx.membership.user,
        body=body,
        body_html=_render(body, mentioned),
    )
    comment.mentioned.set(mentioned)
    _follow(ctx, ctx.membership.user, subject)
    _announce(ctx, comment, subject, "comment.created", [u.pk for u in mentioned])
    return comment


def _check_author(ctx: WorkspaceAccess, comment: Comment, *, admin_may: bool) -> None:
    if comment.author_id == ctx.membership.user_id or (admin_may and ctx.is_admin):
        return
    raise PermissionDenied(_("Only the author can change a comment."))


@transaction.atomic
def comment_update(
    *, ctx: WorkspaceAccess, comment: Comment, body: str, expected_version: int | None
) -> Comment:
    """Change one's own comment; people it newly mentions are told, the others are not."""
    _check_author(ctx, comment, admin_may=False)
    if comment.is_deleted:
        raise Conflict(_("A deleted comment cannot be edited."))
    body = _clean_body(body)
    before = set(comment.mentioned.values_list("pk", flat=True))
    mentioned = _mentions(ctx, body)
    comment.body, comment.body_html = body, _render(body, mentioned)
    comment.edited_at = timezone.now()
    comment.save_versioned(
        expected_version=expected_version, update_fields=["body", "body_html", "edited_at"]
    )
    comment.mentioned.set(mentioned)
    new = [u.pk for u in mentioned if u.pk not in before]
    _announce(ctx, comment, _subject_of(ctx, comment), "comment.edited", new)
    return comment


@transaction.atomic
def comment_delete(*, ctx: WorkspaceAccess, comment: Comment, expected_version: int | None):
    """Remove the text of one's own comment (admins may remove anyone's); the thread keeps a
    "deleted" marker in its place."""
    _check_author(ctx, comment, admin_may=True)
    if comment.is_deleted:
        return comment
    comment.body, comment.body_html, comment.deleted_at = "", "", timezone.now()
    comment.save_versioned(
        expected_version=expected_version, update_fields=["body", "body_html", "deleted_at"]
    )
    comment.mentioned.clear()
    subject = _subject_of(ctx, comment)
    _announce(ctx, comment, subject, "comment.deleted", [])
    return comment


@transaction.atomic
def follow_set(*, ctx: WorkspaceAccess, subject, follow: bool) -> bool:
    """Follow or stop following ``subject``. Viewers may follow: it changes only what they
    are told, not the workspace."""
    registry.entry_for(subject)
    if follow:
        _follow(ctx, ctx.membership.user, subject)
    else:
        Follow.objects.filter(
            user=ctx.membership.user,
            subject_type=subject._meta.model_name,
            subject_id=subject.pk,
        ).delete()
    return follow


# Notifications ---------------------------------------------------------------------------


def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark everything in the person's inbox read; returns how many were unread."""
    return Notification.objects.inbox_of(user).unread().update(read_at=timezone.now())


def preferences_for(user) -> Preferences:
    found, _created = Preferences.objects.get_or_create(user=user)
    return found


@transaction.atomic
def preferences_update(
    *, user, choices: dict[str, dict[str, bool]], expected_version: int | None
) -> Preferences:
    """Set (in the inbox, by e-mail) per category; categories not given keep their value."""
    unknown = sorted(set(choices) - set(Category.values))
    if unknown:
        raise ValidationFailed(
            fields={"choices": [_("Unknown category: %(c)s.") % {"c": ", ".join(unknown)}]}
        )
    prefs = preferences_for(user)
    merged = dict(prefs.choices)
    for category, chosen in choices.items():
        in_app, email = prefs.wants(category)
        merged[category] = {
            "in_app": bool(chosen.get("in_app", in_app)),
            "email": bool(chosen.get("email", email)),
        }
    prefs.choices = merged
    prefs.save_versioned(expected_version=expected_version, update_fields=["choices"])
    return prefs
