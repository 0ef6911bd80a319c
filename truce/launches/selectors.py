"""Reads for the launch pages and API: a launch's overview (warnings, readiness, verdict),
the list, and the timeline of launches, campaigns and milestones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import get_language

from truce.domain import launch as rules
from truce.launches.models import Launch, Milestone, Review, Status
from truce.launches.services import current_votes, linked_key_results, readiness_of, value_on
from truce.requirements.models import Requirement
from truce.resources.models import Campaign


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def warnings_of(launch: Launch, milestones, campaigns) -> list[str]:
    """Date clashes in the reader's language. A campaign is checked against the release
    milestone of this launch for each feature it promotes (or the launch itself when it
    promotes nothing named)."""
    found = rules.warnings(
        target=launch.target_date,
        milestones=[rules.Milestone(m.kind, m.due, m.name) for m in milestones],
        campaigns=[
            rules.CampaignDates(
                c.title,
                c.starts_on,
                c.ends_on,
                [(r.title, None) for r in c.promotes.all()] or [(launch.name, None)],
            )
            for c in campaigns
        ],
    )
    return [w.message_zh if _zh() else w.message_en for w in found]


@dataclass
class Overview:
    launch: Launch
    milestones: list[Milestone]
    checklist: list
    requirements: list[Requirement]
    campaigns: list[Campaign]
    readiness: rules.Readiness
    verdict: rules.Verdict
    votes: list
    warnings: list[str]
    review: Review | None

    @property
    def product_pct(self) -> int:
        return round(self.readiness.product * 100)

    @property
    def operations_pct(self) -> int:
        return round(self.readiness.operations * 100)

    @property
    def overall_pct(self) -> int:
        return round(self.readiness.overall * 100)


def overview(launch: Launch) -> Overview:
    """Everything the launch page shows, in a fixed number of queries."""
    milestones = list(launch.milestones.select_related("owner"))
    checklist = list(launch.checklist.select_related("owner"))
    requirements = list(launch.requirements.select_related("owner").order_by("number"))
    campaigns = list(
        launch.campaigns.prefetch_related(
            Prefetch("promotes", queryset=Requirement.objects.only("id", "number", "title"))
        ).order_by("number")
    )
    votes = list(launch.votes.select_related("voter"))
    launch_votes = [v for v in votes if v.round == launch.review_round]
    review = Review.objects.filter(launch=launch).prefetch_related("metrics__key_result").first()
    return Overview(
        launch=launch,
        milestones=milestones,
        checklist=checklist,
        requirements=requirements,
        campaigns=campaigns,
        readiness=readiness_of(launch, checklist),
        verdict=rules.verdict(rules.Vote(v.seat, v.go, v.reason) for v in launch_votes),
        votes=votes,
        warnings=warnings_of(launch, milestones, campaigns),
        review=review,
    )


def launch_list(workspace, *, status: str = "", upcoming_days: int | None = None):
    """Launches with counts for the list, readiness computed from prefetched checklists."""
    qs = Launch.objects.filter(workspace=workspace).prefetch_related("checklist", "milestones")
    if status:
        qs = qs.filter(status=status)
    if upcoming_days is not None:
        from django.utils import timezone

        today = timezone.localdate()
        qs = qs.filter(target_date__gte=today, target_date__lte=today + timedelta(upcoming_days))
    launches = list(qs.order_by("target_date", "number"))
    for launch in launches:
        items = list(launch.checklist.all())
        launch.ready = readiness_of(launch, items)
        launch.ready_pct = round(launch.ready.overall * 100)
    return launches


def unready_upcoming(workspace, today: date, days: int = 14) -> list[Launch]:
    """Launches due within ``days`` that still have open checklist items (for meeting
    agendas)."""
    launches = launch_list(workspace, upcoming_days=days)
    return [
        x
        for x in launches
        if x.status not in (Status.CANCELLED, Status.LAUNCHED, Status.REVIEWED)
        and x.ready.overall < 1
    ]


def timeline(workspace, *, start: date | None = None, end: date | None = None, status=""):
    """Bars for launches (planning window: first milestone → target date), campaigns (their
    dates) and points for milestones, for the Plotly timeline."""
    launches = Launch.objects.filter(workspace=workspace).exclude(status=Status.CANCELLED)
    if status:
        launches = Launch.objects.filter(workspace=workspace, status=status)
    launches = list(launches.prefetch_related("milestones").order_by("target_date"))
    campaigns = list(
        Campaign.objects.filter(workspace=workspace, starts_on__isnull=False).order_by("starts_on")
    )
    bars, points = [], []
    for launch in launches:
        ms = list(launch.milestones.all())
        first = min([m.due for m in ms] + [launch.target_date])
        label = f"L{launch.number} {launch.name}"
        bars.append(
            {"kind": "launch", "label": label, "start": first, "end": launch.target_date,
             "status": launch.status}
        )  # fmt: skip
        for m in ms:
            points.append({"label": f"L{launch.number} {launch.name}", "name": m.label,
                           "date": m.due, "kind": m.kind, "done": m.done})  # fmt: skip
    for c in campaigns:
        bars.append({"kind": "campaign", "label": f"C{c.number} {c.title}",
                     "start": c.starts_on, "end": c.ends_on or c.starts_on,
                     "status": c.status})  # fmt: skip
    if start:
        bars = [b for b in bars if b["end"] >= start]
        points = [p for p in points if p["date"] >= start]
    if end:
        bars = [b for b in bars if b["start"] <= end]
        points = [p for p in points if p["date"] <= end]
    return {
        "bars": [{**b, "start": b["start"].isoformat(), "end": b["end"].isoformat()} for b in bars],
        "points": [{**p, "date": p["date"].isoformat()} for p in points],
    }


def review_suggestions(launch: Launch) -> list[dict]:
    """Key results the scope serves, with the value at launch and now (prefilled before/after);
    values already in the review win."""
    review = Review.objects.filter(launch=launch).first()
    saved = {m.key_result_id: m for m in review.metrics.all()} if review else {}
    out = []
    for kr in linked_key_results(launch):
        m = saved.get(kr.pk)
        before = m.before if m else value_on(kr, launch.launched_on)
        after = m.after if m else kr.current
        delta = None if before is None or after is None else after - before
        out.append({"key_result": kr, "before": before, "after": after, "delta": delta,
                    "saved": m is not None})  # fmt: skip
    return out


def votes_now(launch: Launch):
    return current_votes(launch)
