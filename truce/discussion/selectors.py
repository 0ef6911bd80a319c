"""Reads of discussion: a thread, mention suggestions, the activity stream and the inbox.
Each runs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Q, Value

from truce.accounts.models import Membership, User
from truce.core.models import ChangeRecord, DomainEvent
from truce.discussion import registry
from truce.discussion.describe import change_sentence, event_sentence, noun_label
from truce.discussion.models import Comment, Follow, Notification

PAGE_SIZE = 30


def thread(ctx, subject, user) -> dict:
    """The comments on ``subject`` (oldest first) and whether ``user`` follows it: 2 queries."""
    entry = registry.entry_for(subject)
    comments = list(
        Comment.objects.filter(workspace=ctx.workspace)
        .on(entry.type, subject.pk)
        .select_related("author")
    )
    for c in comments:
        mine = c.author_id == user.pk and ctx.can_write and not c.is_deleted
        c.can_edit = mine
        c.can_delete = (mine or ctx.is_admin) and not c.is_deleted
    following = Follow.objects.filter(
        user=user, subject_type=entry.type, subject_id=subject.pk
    ).exists()
    return {
        "entry": entry,
        "subject": subject,
        "subject_key": entry.key(subject),
        "comments": comments,
        "following": following,
        "thread_id": f"thread-{entry.type}-{subject.pk}",
    }


def mention_suggestions(ctx, prefix: str, limit: int = 8) -> list[User]:
    """Members whose username or display name starts with ``prefix`` (case-insensitive)."""
    prefix = (prefix or "").strip().lstrip("@")[:80].replace("\x00", "")
    members = User.objects.filter(memberships__workspace=ctx.workspace, is_active=True)
    if prefix:
        members = members.filter(
            Q(username__istartswith=prefix) | Q(display_name__istartswith=prefix)
        )
    return list(members.order_by("username")[:limit])


# Activity stream -------------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    when: datetime
    actor: User | None
    sentence: str
    url: str
    noun: str  # "change" for history records, else the event kind's noun
    excerpt: str = ""


def activity_filters(ctx) -> dict:
    """The choices of the kind and person filters (2 queries)."""
    kinds = (
        DomainEvent.objects.filter(workspace=ctx.workspace)
        .order_by()
        .values_list("kind", flat=True)
    )
    nouns = sorted({k.split(".", 1)[0] for k in kinds.distinct()})
    people = (
        Membership.objects.filter(workspace=ctx.workspace)
        .select_related("user")
        .order_by("user__username")
    )
    return {
        "kinds": [(n, noun_label(n)) for n in nouns],
        "people": [m.user for m in people],
    }


# Event kinds that announce exactly what a history record of the same action says.
MIRRORED = ("requirement.created", "requirement.changed", "requirement.status",
            "requirement.scored")  # fmt: skip


def _streams(ctx, kind: str, person: int | None):
    events = DomainEvent.objects.filter(workspace=ctx.workspace)
    changes = ChangeRecord.objects.filter(workspace=ctx.workspace)
    if person:
        events, changes = events.filter(actor_id=person), changes.filter(actor_id=person)
    if kind == "change":
        events = events.none()
    elif kind:
        events, changes = events.filter(kind__startswith=kind + "."), changes.none()
    else:  # both streams: the history record already tells these, once is enough
        events = events.exclude(kind__in=MIRRORED)
    tag = {"output_field": CharField()}
    return (
        events.order_by()
        .annotate(source=Value("e", **tag))
        .values_list("created_at", "id", "source"),
        changes.order_by()
        .annotate(source=Value("c", **tag))
        .values_list("created_at", "id", "source"),
    )


def activity_page(ctx, *, kind: str = "", person: int | None = None, page: int = 1) -> dict:
    """One page of events and history records, newest first, as sentences (≤ 3 queries plus
    one per kind of item the history records on the page are about)."""
    events, changes = _streams(ctx, kind, person)
    start = (page - 1) * PAGE_SIZE
    keys = list(
        events.union(changes, all=True).order_by("-created_at", "-id")[
            start : start + PAGE_SIZE + 1
        ]
    )
    has_next, keys = len(keys) > PAGE_SIZE, keys[:PAGE_SIZE]
    event_ids = [pk for _when, pk, source in keys if source == "e"]
    change_ids = [pk for _when, pk, source in keys if source == "c"]
    found_events = DomainEvent.objects.filter(pk__in=event_ids).select_related("actor")
    found_changes = ChangeRecord.objects.filter(pk__in=change_ids).select_related("actor")
    by_key = {("e", e.pk): _from_event(e) for e in found_events}
    change_list = list(found_changes)
    titles = _subject_titles(ctx, change_list)
    for c in change_list:
        fallback = (f"{c.subject_type} {c.subject_id}", "")
        title, url = titles.get((c.subject_type, c.subject_id), fallback)
        sentence = change_sentence(c, title)
        by_key[("c", c.pk)] = Activity(c.created_at, c.actor, sentence, url, "change")
    items = [by_key[(source, pk)] for _when, pk, source in keys if (source, pk) in by_key]
    return {"items": items, "page": page, "has_next": has_next, "has_previous": page > 1}


def _from_event(event: DomainEvent) -> Activity:
    excerpt = event.data.get("excerpt", "") if isinstance(event.data, dict) else ""
    noun = event.kind.split(".", 1)[0]
    return Activity(event.created_at, event.actor, event_sentence(event), event.url, noun, excerpt)


def _subject_titles(ctx, changes: list[ChangeRecord]) -> dict:
    """(type, pk) -> (title, url) of the registered items the changes are about."""
    wanted: dict[str, set[int]] = {}
    for c in changes:
        if registry.find(c.subject_type) is not None:
            wanted.setdefault(c.subject_type, set()).add(c.subject_id)
    titles = {}
    for subject_type, ids in wanted.items():
        entry = registry.get(subject_type)
        for obj in entry.model._default_manager.filter(workspace=ctx.workspace, pk__in=ids):
            obj.workspace = ctx.workspace
            titles[(subject_type, obj.pk)] = (entry.title(obj), entry.url(obj))
    return titles


# Inbox -------------------------------------------------------------------------------------


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.inbox_of(user).unread().count()


def inbox_page(user, *, unread_only: bool = False, page: int = 1) -> dict:
    """One page of the person's notifications, newest first (1 query)."""
    rows = Notification.objects.inbox_of(user).select_related("event__actor", "workspace")
    if unread_only:
        rows = rows.unread()
    start = (page - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    for n in found[:PAGE_SIZE]:
        n.sentence = event_sentence(n.event, category=n.category)
        n.excerpt = n.event.data.get("excerpt", "") if isinstance(n.event.data, dict) else ""
    return {
        "notifications": found[:PAGE_SIZE],
        "page": page,
        "has_next": len(found) > PAGE_SIZE,
        "has_previous": page > 1,
    }
