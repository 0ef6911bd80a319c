"""Reads of discussion: a thread, mention suggestions, the activity stream and the inbox.
Each runs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, IntegerField, Q, Subquery, Value

from truce.accounts.models import Membership, User
from truce.core.models import ChangeRecord, DomainEvent
from truce.discussion import registry
from truce.discussion.describe import change_sentence, event_sentence, noun_label
from truce.discussion.models import Comment, Follow, Notification

PAGE_SIZE = 30
THREAD_PAGE = 30  # comments a thread shows at once; the others load a page at a time
# The query parameters that show a thread beyond its latest page (links work without
# JavaScript): from a comment on (deep links), the page after one, the page before one.
ANCHORS = {"comment": "from", "comments_after": "after", "comments_before": "before"}


def thread_anchor(params) -> tuple[str, int] | None:
    """(mode, comment id) from a page's query parameters; None for the latest page."""
    for name, mode in ANCHORS.items():
        value = params.get(name, "")
        if value.isdigit() and len(value) <= 18:
            return mode, int(value)
    return None


class _Count(Subquery):
    """How many rows a query has, as a value every row of another query carries (the
    database counts once: the subquery does not depend on the outer row)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _rows(ctx, entry, subject):
    return Comment.objects.filter(workspace=ctx.workspace).on(entry.type, subject.pk)


def _relative(rows, mode: str, pk: int) -> Q:
    """The comments of ``rows`` from, after or before comment ``pk`` in thread order
    (created_at, id); none if ``pk`` is not one of ``rows``."""
    at = Subquery(rows.filter(pk=pk).values("created_at")[:1])
    if mode == "before":
        return Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk)
    if mode == "after":
        return Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk)
    return Q(created_at__gt=at) | Q(created_at=at, pk__gte=pk)


def _page_of(rows, *, newest: bool) -> tuple[list[Comment], int]:
    """THREAD_PAGE comments of ``rows`` (its newest or its oldest), oldest first, and how
    many ``rows`` has in all: one query."""
    order = ("-created_at", "-id") if newest else ("created_at", "id")
    found = list(
        rows.select_related("author")
        .annotate(matching=_Count(rows.order_by().values("pk")))
        .order_by(*order)[:THREAD_PAGE]
    )
    if newest:
        found.reverse()
    return found, (found[0].matching if found else 0)


def _mark(ctx, user, comments: list[Comment]) -> list[Comment]:
    for c in comments:
        mine = c.author_id == user.pk and ctx.can_write and not c.is_deleted
        c.can_edit = mine
        c.can_delete = (mine or ctx.is_admin) and not c.is_deleted
    return comments


def thread_place(ctx, subject) -> dict:
    """What a thread's links and ids are made of (no query)."""
    entry = registry.entry_for(subject)
    if subject.workspace_id == ctx.workspace.pk:
        subject.workspace = ctx.workspace  # spares url() a query
    return {
        "entry": entry,
        "subject": subject,
        "subject_key": entry.key(subject),
        "subject_url": entry.url(subject),
        "thread_id": f"thread-{entry.type}-{subject.pk}",
    }


def thread(ctx, subject, user, anchor: tuple[str, int] | None = None) -> dict:
    """The latest page of comments on ``subject`` (oldest first), how many come before it,
    and whether ``user`` follows it: 2 queries, however long the thread.

    With an ``anchor`` (``thread_anchor``) the page at that comment is read too (one more
    query), so a deep link shows an old comment: ``head`` is that page and ``gap`` the number
    of comments between it and the latest page, which the thread offers to load. Pages that
    meet are one list, ``comments``. ``earlier`` counts the comments before the first shown."""
    entry = registry.entry_for(subject)
    rows = _rows(ctx, entry, subject)
    comments, total = _page_of(rows, newest=True)
    head, earlier, gap = [], total - len(comments), 0
    if anchor is not None:
        mode, pk = anchor
        found, matching = _page_of(rows.filter(_relative(rows, mode, pk)), newest=mode == "before")
        if found and found[0].pk not in {c.pk for c in comments}:  # it starts before them
            earlier = matching - len(found) if mode == "before" else total - matching
            seen = {c.pk for c in found}
            later = [c for c in comments if c.pk not in seen]
            gap = max(0, total - earlier - len(found) - len(later))
            head, comments = (found, later) if gap else ([], found + later)
    following = Follow.objects.filter(
        user=user, subject_type=entry.type, subject_id=subject.pk
    ).exists()
    first = (head or comments)[:1]
    return {
        **thread_place(ctx, subject),
        "head": _mark(ctx, user, head),
        "comments": _mark(ctx, user, comments),
        "total": total,
        "earlier": earlier,
        "earlier_before": first[0].pk if first and earlier else None,
        "gap": gap,
        "gap_after": head[-1].pk if gap else None,
        "gap_until": comments[0].pk if gap else None,
        "following": following,
    }


def thread_page(
    ctx, subject, user, *, before: int | None = None, between: tuple[int, int] | None = None
) -> dict:
    """The comments a thread's "show earlier" or "show later" control loads: the page just
    before comment ``before``, or the first page after the first comment of ``between`` and
    before its second. 1 query."""
    entry = registry.entry_for(subject)
    rows = _rows(ctx, entry, subject)
    earlier = gap = 0
    if before is not None:
        comments, matching = _page_of(rows.filter(_relative(rows, "before", before)), newest=True)
        earlier = matching - len(comments)
    elif between is not None:
        after, until = between
        wanted = _relative(rows, "after", after) & _relative(rows, "before", until)
        comments, matching = _page_of(rows.filter(wanted), newest=False)
        gap = matching - len(comments)
    else:
        comments = []
    return {
        **thread_place(ctx, subject),
        "comments": _mark(ctx, user, comments),
        "earlier": earlier,
        "earlier_before": comments[0].pk if earlier else None,
        "gap": gap,
        "gap_after": comments[-1].pk if gap else None,
        "gap_until": between[1] if gap and between else None,
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
