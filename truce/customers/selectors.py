"""Reads for customers and feedback, shared by the pages and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from django.db.models import Aggregate, CharField, Count, Q, QuerySet, Sum

from truce.core.search import fts_filter, fts_newest, index_scorer
from truce.core.text import is_cjk, tokens
from truce.customers.models import Channel, Customer, Feedback
from truce.requirements.models import Requirement

CUSTOMER_SORTS = {"value": ["-value", "name"], "name": ["name", "pk"]}


@dataclass(frozen=True)
class CustomerFilter:
    """Empty values mean "any"."""

    segment: str = ""
    churn_risk: bool | None = None
    q: str = ""
    sort: str = "value"


@dataclass(frozen=True)
class FeedbackFilter:
    """The inbox shows new feedback unless asked otherwise; ``status=""`` means any."""

    status: str = Feedback.State.NEW
    channel: str = ""
    customer: int | None = None
    q: str = ""


def filter_customers(workspace, f: CustomerFilter) -> QuerySet[Customer]:
    qs = Customer.objects.for_workspace(workspace)
    if f.segment:
        qs = qs.filter(segment=f.segment)
    if f.churn_risk is not None:
        qs = qs.filter(churn_risk=f.churn_risk)
    if f.q.strip():
        # Names are short and few per workspace; a substring match is what people expect.
        qs = qs.filter(name__icontains=f.q.strip())
    return qs.order_by(*CUSTOMER_SORTS.get(f.sort, CUSTOMER_SORTS["value"]))


def segment_overview(workspace) -> dict[str, dict]:
    """Count, value and share of value per segment (always A, B, C), in one query."""
    rows = {
        row["segment"]: row
        for row in Customer.objects.for_workspace(workspace)
        .order_by()
        .values("segment")
        .annotate(count=Count("pk"), value=Sum("value"))
    }
    total = sum((row["value"] or 0) for row in rows.values())
    out = {}
    for name in "ABC":
        row = rows.get(name, {})
        value = row.get("value") or 0
        share = float(value / total) if total else 0.0
        out[name] = {
            "count": row.get("count", 0),
            "value": value,
            "share": share,
            "percent": round(share * 100, 1),
        }
    return out


def customer_feedback(customer: Customer) -> list[Feedback]:
    """The customer's feedback, newest first, with the requirement each is linked to."""
    return list(customer.feedback.select_related("requirement"))


def filter_feedback(workspace, f: FeedbackFilter) -> QuerySet[Feedback]:
    qs = Feedback.objects.for_workspace(workspace)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.customer:
        qs = qs.filter(customer_id=f.customer)
    if f.q:
        qs = fts_filter(qs, f.q)
    return qs.select_related("customer", "requirement")


DEMAND_TOP = 20  # customers the requirement page lists; the rest are a click away


class _Channels(Aggregate):
    """The distinct channels of a group as one comma-separated string: GROUP_CONCAT on SQLite,
    STRING_AGG on PostgreSQL (channel keys hold no commas)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(distinct)s%(expressions)s)"
    allow_distinct = True
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(distinct)s%(expressions)s, ',')",
            **extra,
        )


def asking_customers(requirement: Requirement) -> QuerySet[Customer]:
    """Customers with feedback linked to ``requirement``, each once, best segment and highest
    value first, annotated with ``feedback_count`` and ``channel_keys``. One grouped query over
    the requirement's feedback: slice it for a page, ``count()`` it for the total."""
    return (
        Customer.objects.filter(
            workspace_id=requirement.workspace_id, feedback__requirement=requirement
        )
        .only("id", "name", "segment", "value", "churn_risk")
        .annotate(
            feedback_count=Count("feedback"),
            channel_keys=_Channels("feedback__channel", distinct=True),
        )
        .order_by("segment", "-value", "name", "pk")
    )


def with_channels(customers) -> list[Customer]:
    """Each customer of :func:`asking_customers` with ``channels`` (keys, in the order of
    ``Channel``) and their ``channel_labels``."""
    order = {value: k for k, value in enumerate(Channel.values)}
    out = list(customers)
    for c in out:
        keys = set(filter(None, (c.channel_keys or "").split(",")))
        c.channels = sorted(keys, key=lambda key: order.get(key, len(order)))
        c.channel_labels = [Channel(key).label for key in c.channels if key in order]
    return out


def demand_counts(requirement: Requirement) -> dict[str, int]:
    """How many distinct customers ask for ``requirement`` and how much of its feedback came
    from nobody in particular, in one aggregate query."""
    return Feedback.objects.filter(
        workspace_id=requirement.workspace_id, requirement=requirement
    ).aggregate(
        customer_count=Count("customer", distinct=True),
        anonymous_feedback=Count("pk", filter=Q(customer__isnull=True)),
    )


def demand_breakdown(requirement: Requirement, *, limit: int = DEMAND_TOP, offset: int = 0) -> dict:
    """Who asks for ``requirement``: ``limit`` customers from ``offset`` in the order of
    :func:`asking_customers`, how many there are in all and how much feedback is anonymous.
    Two queries, however many customers ask (the busiest requirement has thousands)."""
    page = asking_customers(requirement)[offset : offset + limit]
    return {**demand_counts(requirement), "customers": with_channels(page)}


# Likely duplicates --------------------------------------------------------------------------

_STOP = {
    "the", "and", "for", "with", "that", "this", "you", "your", "are", "can", "not", "please",
    "would", "could", "should", "have", "has", "want", "need", "when", "there", "from",
    "我们", "你们", "他们", "希望", "可以", "能够", "一个", "没有", "什么", "怎么", "为什么",
    "如果", "因为", "所以", "但是", "还是", "就是", "这个", "那个", "现在", "已经", "非常",
}  # fmt: skip
_DIGITS = re.compile(r"^\d+$")
SIMILAR_TERMS = 8
SIMILAR_CANDIDATES = 200


def _key_terms(text: str) -> list[str]:
    """The text's most telling words: no stop words, no single letters or characters, no
    bare numbers; longer words first since they say more."""
    seen: dict[str, None] = {}
    for word in tokens(text):
        if word in _STOP or _DIGITS.match(word):
            continue
        if len(word) < (2 if is_cjk(word) else 3):
            continue
        seen.setdefault(word, None)
    return sorted(seen, key=len, reverse=True)[:SIMILAR_TERMS]


def similar_requirements(workspace, text: str, limit: int = 5) -> list[Requirement]:
    """Requirements sharing words with ``text``: most shared words first, newest first among
    equals; each has ``shared``, how many of the text's key words it has.

    Bounded at any size: the index streams the newest requirements sharing at least two of
    the words (or one, when too few share two), at most ``SIMILAR_CANDIDATES``, and only those
    are scored. In a workspace with fewer matches than that, every requirement sharing a word
    is scored, so the answer is that of counting over all of them. Kept in this one function
    so a better ranking can replace it without touching pages or the API.
    """
    terms = _key_terms(text)
    if not terms:
        return []
    scope = Requirement.objects.for_workspace(workspace)
    pairs = [f"{a} {b}" for a, b in combinations(terms, 2)]
    ids = fts_newest(scope, pairs, SIMILAR_CANDIDATES)
    if len(ids) < limit:
        ids += [pk for pk in fts_newest(scope, terms, SIMILAR_CANDIDATES) if pk not in ids]
    rows = Requirement.objects.filter(pk__in=ids).only(
        "pk", "number", "title", "status", "demand_customers", "search_text"
    )
    score = index_scorer(terms)
    found = []
    for r in rows:
        r.shared = score(r.search_text)
        if r.shared:
            found.append(r)
    found.sort(key=lambda r: (-r.shared, -r.number))
    return found[:limit]
