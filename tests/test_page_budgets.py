"""Query budgets of every page and every API read, and no N+1: counts do not grow with data.

Every GET route of the access-matrix registries (``PAGES`` and ``OPERATIONS``, merged from
``truce/<app>/tests/access_routes.py``) is requested as a member on the access-matrix world
after one batch of extra data (:func:`grow`), then again after a second batch. The query count
must stay within the page's budget and must not change between the two: a page that queries
once per row would grow with the batch. A new route is covered as soon as it is registered.

Timing is never asserted here; ``bench/pages.py`` measures it at the full large seed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_user
from tests.test_access_matrix import (
    ADMIN,
    OPERATIONS,
    PAGES,
    PUBLIC,
    USER,
    page_routes,
    world,  # noqa: F401  (a fixture)
)

DEFAULT_BUDGET = 15
# Pages allowed more than the default, with the reason.
BUDGETS = {
    # a backup reads every table of every module once: the count follows the schema, not data
    "GET /api/v1/workspaces/{slug}/backup": 130,
    # the health dashboard: nine measures and this week's snapshot, one read each (launches
    # with their checklists in one), plus the change markers of the two measures it keeps
    # between views (time to decision, cross-side response)
    "conflicts:health": 17,
    "conflicts:health_export": 15,
    "GET /api/v1/workspaces/{slug}/health": 15,
    # requirement detail: prerequisites, tags, history, scorecard and scores, feedback, RACI,
    # demands and capacity, the thread, glossary terms
    "requirements:detail": 21,
    # launch detail: milestones, checklist, scope, campaigns, votes, review, templates, history,
    # and its comment thread (comments, follow state)
    "launches:detail": 21,
}
# Pages whose count may grow by a fixed amount between the two batches, with the reason.
GROWTH: dict[str, int] = {}
# Routes that do not answer 200 to a member on the access-matrix world, and why.
STATUS = {
    "home": 302,  # sends the member on to their workspace
    # the code step of two-step sign-in: with no password step behind it, back to sign in
    "accounts:login_code": 302,
    # the review is written once the launch has launched; the world's launch is still planned
    "GET /api/v1/workspaces/{slug}/launches/{launch_number}/review": 404,
}
# Query strings measured in addition to the bare URL (the heavy filters and sorts).
VARIANTS = {
    "requirements:list": [
        {"sort": "priority"},
        {"status": "accepted", "sort": "demand"},
        {"tag": "增长", "owner": "{alice_id}"},
        {"segment": "A", "sort": "updated"},
        {"q": "灰度"},
        {"page": "2"},
    ],
    "requirements:board": [{"q": "灰度"}],
    "requirements:similar": [{"title": "灰度发布方案"}],
    "customers:list": [{"q": "京东"}, {"sort": "value"}],
    "customers:feedback": [{"status": "new"}, {"q": "灰度"}],
    "discussion:activity": [{"kind": "requirement"}],
    "planning:compare": [{"runs": ["{run_id}", "{first_run_id}"]}],
    "GET /api/v1/workspaces/{slug}/requirements": [{"sort": "priority", "status": "accepted"}],
    "GET /api/v1/workspaces/{slug}/requirements-similar": [{"text": "灰度发布方案"}],
    "GET /api/v1/workspaces/{slug}/comments": [{"subject": "requirement:{number}"}],
    "GET /api/v1/workspaces/{slug}/planning/compare": [{"runs": ["{run_id}", "{first_run_id}"]}],
}
# The bare URL answers 400 without its parameters; only the variants are measured.
NEEDS_PARAMS = {
    "GET /api/v1/workspaces/{slug}/comments",
    "GET /api/v1/workspaces/{slug}/planning/compare",
}
# Who scores what when growing: alice the product lens, olivia operations, lena both.
SCORES = [
    ("alice", [("ux_impact", 7), ("strategic_fit", 5), ("effort", 3)]),
    ("olivia", [("reach", 8), ("growth", 6), ("revenue", 4)]),
    ("lena", [("confidence", 6), ("campaign_potential", 5)]),
]
# Pages that must show more after the second batch: proof that grow() reaches what they list.
SHOW_MORE = {
    "requirements:list", "requirements:detail", "requirements:board", "customers:list",
    "customers:detail", "customers:feedback", "goals:period", "goals:key_result",
    "responsibilities:matrix", "resources:calendar", "resources:campaigns", "resources:campaign",
    "launches:list", "launches:detail", "launches:timeline", "conflicts:list", "conflicts:detail",
    "meetings:meeting", "meetings:decisions", "meetings:actions", "meetings:decision",
    "glossary:list", "integrations:endpoint", "discussion:activity", "discussion:inbox",
    "planning:scenario", "planning:run", "accounts:members", "accounts:workspaces",
    "GET /api/v1/workspaces/{slug}/requirements", "GET /api/v1/inbox",
    "GET /api/v1/workspaces/{slug}/decisions",
}  # fmt: skip
# Not in SHOW_MORE: the activity API's first page is already full before growing, and the newest
# entries of a batch may be as long as the ones they push off it (same bytes on PostgreSQL).
# URL keyword -> world key, where a route names its keyword differently from the world.
KWARGS = {"meetings:decision": {"number": "decision_number"}}


def targets(keys: dict, names=None) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(label, name, kind, url) of every GET page and API read (or those in ``names``), with
    their variants, at the objects ``keys`` names (URL keyword -> value, as the access matrix's
    world); and the labels left out because ``keys`` lacks what their URL needs."""
    routes, out, missing = page_routes(), [], []

    def add(name, kind, build):
        try:
            url = build()
        except KeyError:
            missing.append(name)
            return
        for label, params in [(name, None), *_variants(name)]:
            try:
                query = "" if params is None else "?" + urlencode(_fill(params, keys), True)
            except KeyError:
                missing.append(label)
                continue
            if params is not None or name not in NEEDS_PARAMS:
                out.append((label, name, kind, url + query))

    def page_url(name):
        rename = KWARGS.get(name, {})
        kwargs = {k: keys[rename.get(k, k)] for k in routes[name].pattern.converters}
        if name == "accounts:password_reset_confirm":
            kwargs["token"] = "set-password"
        return reverse(name, kwargs=kwargs)

    for name, (kind, method) in sorted(PAGES.items()):
        if method == "get" and (names is None or name in names):
            add(name, kind, lambda name=name: page_url(name))
    for op, kind in sorted(OPERATIONS.items()):
        if op.startswith("GET ") and (names is None or op in names):
            add(op, kind, lambda op=op: op.split(" ", 1)[1].format(**keys))
    return out, missing


def _variants(name: str) -> list[tuple[str, dict]]:
    """(label, query parameters) of each variant, labelled by its parameters' names."""
    return [(f"{name} ?{'&'.join(params)}", params) for params in VARIANTS.get(name, [])]


def _fill(params: dict, keys: dict) -> dict:
    def one(v):
        if not isinstance(v, str):
            return [one(x) for x in v]
        value = v.format(**keys)
        if value == "None":
            raise KeyError(v)
        return value

    return {k: one(v) for k, v in params.items()}


@dataclass
class Measured:
    name: str  # the route or operation
    url: str
    client: object
    status: int = 0
    sql: list[str] = field(default_factory=list)
    size: int = 0  # bytes of the body

    @property
    def count(self) -> int:
        return len(self.sql)

    def again(self) -> Measured:
        """Request it once more and keep the lower count: a session's last-seen time is saved
        once a minute, whichever request that falls on."""
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as captured:
            self.client.get(self.url)
        if len(captured) < self.count:
            self.sql = [q["sql"] for q in captured.captured_queries]
        return self


def _measure(clients: dict, keys: dict, names=None) -> dict[str, Measured]:
    """label -> what requesting it took, for every target (or those in ``names``)."""
    out = {}
    found, missing = targets(keys, names)
    assert not missing, f"no value for what these URLs need: {missing}"
    for label, name, kind, url in found:
        client = clients[PUBLIC if kind == PUBLIC else ADMIN if kind == ADMIN else USER]
        client.get(url)  # warm-up: first-use defaults (scorecards, RACI templates) are created
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out[label] = Measured(
            name,
            url,
            client,
            response.status_code,
            [q["sql"] for q in captured.captured_queries],
            len(body),
        )
    return out


def grow(ctx, keys: dict, batch: int, size: int = 3) -> dict:
    """Add ``size`` more of everything the pages at ``keys`` list or show: members,
    requirements (tags, owners, scores, comments, feedback, prerequisites, demands, RACI,
    key-result links), customers, goals and check-ins, pools, campaigns, launches with their
    milestones and checklists, conflicts with evidence, agenda items, decisions and actions,
    glossary terms, webhook deliveries, imports, notifications, health snapshots, and a new
    planning run over the grown scenario. Returns the keys that now point elsewhere."""
    from truce.accounts.models import Membership, Role, Side, Workspace
    from truce.accounts.services import invitation_create, token_create
    from truce.conflicts import services as conflicts
    from truce.conflicts.models import Conflict, HealthSnapshot
    from truce.core.access import access_workspace
    from truce.core.models import DomainEvent
    from truce.customers import services as customers
    from truce.customers.models import Customer
    from truce.discussion import notify
    from truce.discussion import services as discussion
    from truce.domain import health as measures
    from truce.glossary.services import term_create
    from truce.goals import services as goals
    from truce.goals.models import KeyResult, Period
    from truce.integrations import services as integrations
    from truce.integrations.models import Endpoint
    from truce.interop.services import import_upload
    from truce.launches import services as launches
    from truce.launches.models import Launch
    from truce.meetings import records
    from truce.meetings import services as meetings
    from truce.meetings.models import Decision, Meeting
    from truce.planning import services as planning
    from truce.planning.models import Scenario
    from truce.requirements import services as requirements
    from truce.requirements.models import Requirement
    from truce.requirements.scoring import scores_set
    from truce.resources import services as resources
    from truce.resources.models import Campaign, ResourcePool
    from truce.responsibilities.services import activities_for, row_save

    ws, tag = ctx.workspace, f"b{batch}"
    users = {m.user.username: m.user for m in ws.memberships.select_related("user")}
    as_ = {name: access_workspace(users[name], ws.slug) for name in ("alice", "olivia", "lena")}

    def say(subject, author, body):
        comment = discussion.comment_create(ctx=as_[author], subject=subject, body=body)
        event = DomainEvent.objects.get(kind="comment.created", data__comment_id=comment.pk)
        notify.route(event, email=False)

    # members: one per side and a viewer
    for k, (role, side) in enumerate(
        [
            (Role.PRODUCT, Side.PRODUCT),
            (Role.OPERATIONS, Side.OPERATIONS),
            (Role.VIEWER, Side.PRODUCT),
        ]
    ):
        user = make_user(f"{tag}m{k}", display_name=f"成员 {tag}{k}")
        Membership.objects.create(workspace=ws, user=user, role=role, side=side)
    elsewhere = Workspace.objects.create(name=f"别处 {tag}", slug=f"elsewhere-{tag}")
    Membership.objects.create(
        workspace=elsewhere, user=users["alice"], role=Role.PRODUCT, side=Side.PRODUCT
    )
    for k in range(size):
        invitation_create(ctx=ctx, role="product", side="product", email=f"{tag}{k}@example.com")
        token_create(user=users["alice"], name=f"{tag}-{k}")

    # requirements around the world's requirement
    main = Requirement.objects.get(workspace=ws, number=keys["number"])
    first_customer = Customer.objects.get(pk=keys["customer_id"])
    period = Period.objects.get(pk=keys["period_id"])
    kr = KeyResult.objects.get(pk=keys["kr_id"])
    pool = ResourcePool.objects.get(pk=keys["pool_id"])
    month = date(2026, 12, 1)
    members = list(ws.memberships.exclude(role=Role.VIEWER).order_by("pk"))
    activities = activities_for(ws)

    def raci(k: int) -> list[tuple[int, str]]:
        picked = [members[(k + j) % len(members)].pk for j in range(3)]
        return list(zip(picked, "ARI", strict=True))

    new = []
    for k in range(size):
        req = requirements.requirement_create(
            ctx=as_["alice"],
            title=f"灰度发布 {tag}-{k}",
            description=f"第 {k} 个 @olivia",
            owner=users[("alice", "olivia", "lena")[k % 3]],
            tags=["增长", f"{tag}-{k}", "体验"],
            estimate_days=Decimal(3 + k),
        )
        requirements.requirement_move(ctx=as_["alice"], requirement=req, status="under_review")
        requirements.requirement_move(ctx=as_["lena"], requirement=req, status="accepted")
        for scorer, values in SCORES:
            scores_set(ctx=as_[scorer], requirement=req, values={c: v + k for c, v in values})
        requirements.prerequisite_add(ctx=as_["alice"], requirement=main, prerequisite=req)
        resources.demand_add(ctx=as_["lena"], pool=pool, start=month, amount=2, requirement=req)
        goals.link_add(ctx=as_["lena"], key_result=kr, requirement=req)
        row_save(
            ctx=as_["lena"],
            requirement=req,
            activity=activities[k % len(activities)],
            expected_version=None,
            cells=raci(k),
        )
        customer = customers.customer_create(ctx=ctx, name=f"客户 {tag}-{k}", value=10 + k)
        for subject in (req, main):
            item = customers.feedback_create(ctx=ctx, text=f"想要灰度 {tag}{k}", customer=customer)
            customers.feedback_link(ctx=ctx, feedback=item, requirement=subject)
        customers.feedback_create(ctx=ctx, text=f"新反馈 {tag}{k}", customer=customer)
        customers.feedback_create(ctx=ctx, text=f"京东 {tag}{k}", customer=first_customer)
        for subject in (req, main, kr):
            say(subject, "olivia", f"@alice 看看 {tag}{k}")
        scorer, values = SCORES[k % len(SCORES)]
        scores_set(ctx=as_[scorer], requirement=main, values={c: v - k for c, v in values})
        new.append(req)
    for k, (role, values) in enumerate(
        [(Role.PRODUCT, SCORES[0][1]), (Role.OPERATIONS, SCORES[1][1])]
    ):
        scorer = ws.memberships.get(user__username=f"{tag}m{k}", role=role).user
        scores_set(ctx=access_workspace(scorer, ws.slug), requirement=main, values=dict(values))
    for k, activity in enumerate(activities[:size]):
        row_save(
            ctx=as_["lena"],
            requirement=main,
            activity=activity,
            expected_version=None,
            cells=raci(k + batch),
        )

    # goals
    goals.period_create(
        ctx=as_["lena"],
        name=f"{2030 + batch} Q1",
        start=date(2030 + batch, 1, 1),
        end=date(2030 + batch, 3, 31),
    )
    for k in range(size):
        objective = goals.objective_create(ctx=as_["lena"], period=period, title=f"目标 {tag}{k}")
        for j in range(2):
            other = goals.key_result_create(
                ctx=as_["lena"], objective=objective, title=f"KR {tag}{k}{j}", baseline=0, target=10
            )
            goals.check_in_create(ctx=as_["lena"], key_result=other, value=j + 1, confidence=0.6)
            goals.link_add(ctx=as_["lena"], key_result=other, requirement=new[k])
        goals.check_in_create(ctx=as_["alice"], key_result=kr, value=1 + k / 10, confidence=0.5)

    # pools, campaigns
    for k in range(size):
        extra = resources.pool_create(
            ctx=as_["lena"], name=f"人日 {tag}{k}", kind="days", side="product"
        )
        resources.capacities_set(
            ctx=as_["lena"],
            pool=extra,
            expected_version=None,
            amounts={month: Decimal(20), date(2026, 7, 1): Decimal(5)},
        )
        resources.demand_add(ctx=as_["lena"], pool=extra, start=month, amount=3, requirement=main)
        campaign = resources.campaign_create(
            ctx=as_["olivia"],
            title=f"活动 {tag}{k}",
            channel="push",
            owner=users["olivia"],
            starts_on=date(2026, 12, 1),
            ends_on=date(2026, 12, 5),
            promotes=[new[k], main],
        )
        resources.demand_add(ctx=as_["olivia"], pool=pool, start=month, amount=1, campaign=campaign)
        say(campaign, "alice", f"@olivia 活动 {tag}{k}") if _commentable("campaign") else None
    resources.capacities_set(
        ctx=as_["lena"],
        pool=pool,
        expected_version=None,
        amounts={date(2027 + batch, m, 1): Decimal(m) for m in (1, 2, 3)},
    )
    first_campaign = Campaign.objects.get(workspace=ws, number=keys["campaign_number"])
    for extra in ResourcePool.objects.filter(workspace=ws, name__contains=tag):
        resources.demand_add(
            ctx=as_["olivia"], pool=extra, start=month, amount=2, campaign=first_campaign
        )
    resources.campaign_update(
        ctx=as_["olivia"], campaign=first_campaign, expected_version=None, promotes=[*new, main]
    )

    # launches
    launch = Launch.objects.get(workspace=ws, number=keys["launch_number"])
    numbers = [r.number for r in new]
    campaigns = [c.number for c in Campaign.objects.filter(workspace=ws, title__contains=tag)]
    launches.launch_update(
        ctx=as_["alice"],
        launch=launch,
        expected_version=None,
        requirements=[main.number, *numbers],
        campaigns=campaigns,
    )
    for k in range(size):
        launches.milestone_add(
            ctx=as_["alice"],
            launch=launch,
            kind="qa",
            due=date(2026, 12, 1 + k),
            owner=users["alice"],
        )
        launches.item_add(
            ctx=as_["alice"],
            launch=launch,
            text=f"检查 {tag}{k}",
            side="product",
            owner=users["olivia"],
        )
        launches.launch_create(
            ctx=as_["alice"],
            name=f"上线 {tag}{k}",
            target_date=date(2026, 11, 1 + k),
            requirements=[numbers[k]],
            campaigns=campaigns[k : k + 1],
        )
        say(launch, "olivia", f"@alice 上线 {tag}{k}")

    # conflicts
    first_conflict = Conflict.objects.get(workspace=ws, number=keys["conflict_number"])
    for k in range(size):
        other = conflicts.conflict_open(
            ctx=as_["alice"], title=f"分歧 {tag}{k}", requirement=new[k]
        )
        for side in ("product", "operations"):
            conflicts.evidence_add(ctx=as_["alice"], conflict=other, side=side, label=side)
            conflicts.evidence_add(
                ctx=as_["alice"],
                conflict=first_conflict,
                side=side,
                label=f"{side} {tag}{k}",
                url="https://example.com/x",
            )
        say(first_conflict, "olivia", f"@alice 分歧 {tag}{k}")
    today = timezone.localdate()
    for back in range(1 + batch * size, 1 + (batch + 1) * size):
        HealthSnapshot.objects.update_or_create(
            workspace=ws,
            week=measures.week_of(today - timedelta(weeks=back)),
            defaults={"values": {"contested_share": 0.2, "capacity": {}}},
        )

    # meetings
    meeting = Meeting.objects.select_related("series").get(pk=keys["meeting_id"])
    meeting.workspace = ws
    for k in range(size):
        meetings.agenda_item_add(
            ctx=as_["lena"],
            meeting=meeting,
            text=f"议题 {tag}{k}",
            link=f"/w/{ws.slug}/requirements/{numbers[k]}/",
        )
        decision = records.decision_record(
            ctx=as_["lena"],
            question=f"问题 {tag}{k}？",
            product_position="产品",
            operations_position="运营",
            outcome="结论",
            decided_by=users["lena"],
            meeting=meeting,
            requirements=[new[k], main],
            key_results=[kr],
            campaigns=[first_campaign],
        )
        records.action_create(
            ctx=as_["lena"],
            title=f"行动 {tag}{k}",
            owner=users["alice"],
            due=today + timedelta(days=k),
            meeting=meeting,
            decision=decision,
        )
    first_decision = Decision.objects.get(workspace=ws, number=keys["decision_number"])
    for k in range(size):
        records.action_create(
            ctx=as_["lena"],
            title=f"跟进 {tag}{k}",
            owner=users["olivia"],
            due=today + timedelta(days=k),
            decision=first_decision,
        )
    weekday = (today.weekday() + batch + 1) % 7
    meetings.series_create(
        ctx=as_["lena"],
        title=f"周会 {tag}",
        weekday=weekday,
        start_time=time(15, 0),
        starts_on=today,
        attendees=[m.user for m in members],
    )

    # glossary, integrations, imports
    endpoint = Endpoint.objects.get(pk=keys["endpoint_id"])
    for k in range(size):
        term_create(
            ctx=as_["alice"],
            term_zh=f"术语{tag}{k}",
            term_en=f"term {tag}{k}",
            side="product",
            definition_zh="定义",
        )
        integrations.endpoint_test(ctx=ctx, endpoint=endpoint)
        integrations.endpoint_create(
            ctx=ctx,
            name=f"Hook {tag}{k}",
            kind="generic",
            url=f"https://example.com/{tag}{k}",
            enabled=False,
        )
        upload = SimpleUploadedFile(f"{tag}{k}.csv", "标题,状态\n灰度发布,进行中\n".encode())
        import_upload(ctx=ctx, kind="requirements", upload=upload)

    # planning: the scenario now weighs the new items too; a new run and plan
    scenario = Scenario.objects.get(pk=keys["scenario_id"])
    picked = [*scenario.picked, *(f"R{n}" for n in numbers)]
    planning.scenario_update(
        ctx=as_["alice"], scenario=scenario, expected_version=None, picked=picked
    )
    Requirement.objects.filter(pk__in=[r.pk for r in new]).update(
        product_score=0.6, operations_score=0.4
    )
    run = planning.run_execute(planning.run_start(ctx=as_["alice"], scenario=scenario).pk)
    plan = planning.plan_publish(ctx=as_["alice"], run=run)
    return {"run_id": run.pk, "plan_id": plan.pk, "first_run_id": keys["run_id"]}


def _commentable(subject_type: str) -> bool:
    from truce.discussion import registry

    return registry.find(subject_type) is not None


@pytest.fixture
def grown(world, personas):  # noqa: F811  (the access matrix's fixture)
    from truce.core.access import access_workspace

    ctx = access_workspace(personas["admin"], world["slug"])
    keys = {**world, "alice_id": personas["alice"].pk}
    keys.update(grow(ctx, keys, batch=1))
    return ctx, keys


@pytest.mark.django_db
def test_every_page_keeps_its_query_budget_and_has_no_n_plus_one(grown, personas):
    ctx, keys = grown
    clients = {
        PUBLIC: client_for(None),
        USER: client_for(personas["alice"]),
        ADMIN: client_for(personas["admin"]),
    }
    before = _measure(clients, keys)
    keys.update(grow(ctx, keys, batch=2))
    after = _measure(clients, keys)
    problems = []
    for key, one in before.items():
        two, name = after[key], one.name
        expected, budget = STATUS.get(name, 200), BUDGETS.get(name, DEFAULT_BUDGET)
        if key in SHOW_MORE and two.size <= one.size:
            problems.append(f"{key}: shows no more after growing ({one.size} → {two.size} bytes)")
        if one.status != expected or two.status != expected:
            problems.append(f"{key}: status {one.status}/{two.status}, expected {expected}")
        if one.count > budget:
            one.again()
        if two.count > min(budget, one.count + GROWTH.get(name, 0)):
            two.again()
        if max(one.count, two.count) > budget:
            problems.append(f"{key}: {max(one.count, two.count)} queries > budget {budget}")
        if two.count > one.count + GROWTH.get(name, 0):
            problems.append(
                f"{key}: {one.count} → {two.count} queries after more data (N+1?):\n    "
                + "\n    ".join(_new_queries(one.sql, two.sql))
            )
    assert not problems, "\n".join(problems)


def _new_queries(before: list[str], after: list[str]) -> list[str]:
    """The statements run more often after growing, shortened: where the N+1 is."""
    from collections import Counter

    def shape(sql: str) -> str:
        sql = re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", sql)
        return re.sub(r"IN \(\?(, \?)*\)", "IN (…)", sql)

    extra = Counter(map(shape, after)) - Counter(map(shape, before))
    return [f"{n}× {sql[:200]}" for sql, n in extra.most_common(6)]


# At the large seed -------------------------------------------------------------------------

LARGE_SCALE = 0.05  # of truce.seed.large.Size(): 5,000 requirements, 50 planning candidates…
# The heaviest pages and reads, with every variant of VARIANTS.
HEAVY = [
    "requirements:list", "requirements:board", "requirements:detail", "requirements:scorecard",
    "customers:list", "customers:detail", "customers:feedback", "goals:periods", "goals:period",
    "goals:alignment", "goals:key_result", "responsibilities:report", "responsibilities:matrix",
    "resources:pools", "resources:calendar", "resources:campaigns", "resources:campaign",
    "planning:scenarios", "planning:scenario", "planning:run", "planning:compare",
    "planning:plan", "launches:list", "launches:timeline", "launches:detail", "conflicts:list",
    "conflicts:detail", "conflicts:health", "meetings:list", "meetings:meeting",
    "meetings:decisions", "meetings:actions", "glossary:list", "discussion:activity",
    "discussion:inbox", "accounts:overview", "GET /api/v1/workspaces/{slug}/requirements",
    "GET /api/v1/workspaces/{slug}/feedback", "GET /api/v1/workspaces/{slug}/customers",
    "GET /api/v1/workspaces/{slug}/campaigns",
    "GET /api/v1/workspaces/{slug}/planning/runs/{run_id}",
    "GET /api/v1/workspaces/{slug}/launches-timeline", "GET /api/v1/workspaces/{slug}/health",
    "GET /api/v1/workspaces/{slug}/meetings/{meeting_id}/agenda",
    "GET /api/v1/workspaces/{slug}/activity", "GET /api/v1/inbox",
    "GET /api/v1/workspaces/{slug}/raci/report",
]  # fmt: skip  # fmt: skip


@pytest.fixture(scope="module")
def large(django_db_setup, django_db_blocker):
    """The large seed at LARGE_SCALE, every module included, once for this module's tests
    (rolled back at the end)."""
    from django.db import transaction
    from django.test import override_settings

    from truce.seed.large import Size, seed_large
    from truce.seed.large_modules import showcase

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        workspace = seed_large(slug="large", size=Size().scaled(LARGE_SCALE), stream=io.StringIO())
        yield showcase(workspace)
        transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
def test_heaviest_pages_keep_their_query_budget_at_the_large_seed(large):
    from truce.accounts.models import User

    clients = {
        PUBLIC: client_for(None),
        USER: client_for(User.objects.get(username="alice")),
        ADMIN: client_for(User.objects.get(username="admin")),
    }
    measured = _measure(clients, large, set(HEAVY))
    assert {m.name for m in measured.values()} == set(HEAVY)
    problems = []
    for key, m in measured.items():
        budget = BUDGETS.get(m.name, DEFAULT_BUDGET)
        if m.status != STATUS.get(m.name, 200):
            problems.append(f"{key}: status {m.status}")
        if m.count > budget and m.again().count > budget:
            problems.append(f"{key}: {m.count} queries > budget {budget}")
    assert not problems, "\n".join(problems)
