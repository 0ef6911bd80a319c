"""Reads for customers and feedback, shared by the pages and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, When

from truce.core.search import fts_filter
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


def demand_breakdown(requirement: Requirement) -> dict:
    """Who asks for ``requirement``: each customer once (value, segment, channels), best
    segment and highest value first, plus how much feedback came from nobody in particular.
    One query; the totals are the requirement's stored demand."""
    by_customer: dict[int, dict] = {}
    anonymous = 0
    rows = requirement.feedback.select_related("customer").order_by("received_on", "pk")
    for fb in rows:
        if fb.customer is None:
            anonymous += 1
            continue
        entry = by_customer.setdefault(
            fb.customer_id, {"customer": fb.customer, "channels": [], "feedback_count": 0}
        )
        entry["feedback_count"] += 1
        if fb.channel not in entry["channels"]:
            entry["channels"].append(fb.channel)
    for entry in by_customer.values():
        entry["channel_labels"] = [Channel(c).label for c in entry["channels"]]
    customers = sorted(
        by_customer.values(),
        key=lambda e: (e["customer"].segment, -e["customer"].value, e["customer"].name),
    )
    return {"customers": customers, "anonymous_feedback": anonymous}


# Likely duplicates --------------------------------------------------------------------------

_STOP = {
    "the", "and", "for", "with", "that", "this", "you", "your", "are", "can", "not", "please",
    "would", "could", "should", "have", "has", "want", "need", "when", "there", "from",
    "我们", "你们", "他们", "希望", "可以", "能够", "一个", "没有", "什么", "怎么", "为什么",
    "如果", "因为", "所以", "但是", "还是", "就是", "这个", "那个", "现在", "已经", "非常",
}  # fmt: skip
_DIGITS = re.compile(r"^\d+$")
SIMILAR_TERMS = 8


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
    """Requirements sharing words with ``text``, most shared words first, in one query.

    Deliberately simple (an OR of full-text matches); kept in this one function so a better
    ranking can replace it without touching pages or the API.
    """
    terms = _key_terms(text)
    if not terms:
        return []
    base = Requirement.objects.for_workspace(workspace)
    matches = [Q(pk__in=fts_filter(Requirement.objects.all(), t).values("pk")) for t in terms]
    any_match = matches[0]
    for q in matches[1:]:
        any_match |= q
    score = sum(
        (Case(When(q, then=1), default=0, output_field=IntegerField()) for q in matches[1:]),
        Case(When(matches[0], then=1), default=0, output_field=IntegerField()),
    )
    return list(
        base.filter(any_match)
        .annotate(shared=score)
        .only("pk", "number", "title", "status", "demand_customers")
        .order_by("-shared", "-number")[:limit]
    )
