"""The rest of the large workspace, so every module's pages have their load: history and the
activity stream, comments and the inbox, this quarter's goals, RACI, launches on a timeline,
a weekly meeting with its decisions and action items, detected conflicts and health trends,
the starter glossary, a disabled webhook, and an allocation scenario with two finished runs
and a published plan.

Volume (history, comments, notifications, check-ins, RACI cells) goes in with ``fast_insert``;
the items people work with one at a time (goals, launches, meetings, conflicts, the scenario)
go through the services, as in real use. Deterministic for a given ``rng`` and ``today``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from itertools import cycle

from django.db import connection
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from truce.accounts.models import Membership, Workspace
from truce.core.access import access_workspace
from truce.core.markdown import render_markdown
from truce.core.models import ChangeRecord, DomainEvent
from truce.discussion.mentions import highlight_mentions
from truce.discussion.models import Category, Comment, Follow, Notification
from truce.requirements.models import Requirement, Status

# (text, who is mentioned); zh-Hans mostly, as the workspace works in Chinese.
COMMENTS = [
    ("@{who} 这个需求的产品评分和运营评分差得很远，能先灰度 10% 吗？", True),
    ("双十一前必须上线，否则赶不上活动。", False),
    ("埋点先加好：弹窗关闭率、7 日留存。@{who} 请确认口径。", True),
    ("客服工单这周又多了 30 多条，都在问这个。", False),
    ("估时偏乐观，测试至少还要 3 人天。", False),
    ("@{who} 设计稿已更新，见附件链接。", True),
    ("Can we ship a smaller first version before the campaign?", False),
    ("@{who} the estimate assumes the payment SDK upgrade lands first.", True),
    ("同意，先做 A/B 再全量。", False),
    ("运营这边可以配合推送，但频控要守住。", False),
]
MINUTES = (
    "## 结论\n- 按决策 {ref} 执行。\n\n## 讨论要点\n1. 产品：先灰度。\n2. 运营：大促要触达。\n"
)
LAUNCH_NAMES = ["会员日改版", "新人礼包", "直播间挂件", "积分抵现", "订单页物流时效", "搜索联想",
                "Referral reward", "Checkout redesign", "推送频控", "小程序首页"]  # fmt: skip
OBJECTIVES = ["提升新客转化", "提高复购与留存", "降低客诉", "大促平稳交付", "Grow engaged users"]


def seed_large_modules(workspace: Workspace, rng: random.Random, size, *, today=None) -> None:
    """Add every module's data to the large ``workspace`` (``size``: ``truce.seed.large.Size``)."""
    today = today or timezone.localdate()
    seeder = _Modules(workspace, rng, size, today)
    if not seeder.active:  # a seed too small to have work in progress
        return
    for step in (
        seeder.integrations,
        seeder.history,
        seeder.glossary,
        seeder.goals,
        seeder.raci,
        seeder.launches,
        seeder.meetings,
        seeder.comments,
        seeder.conflicts,
        seeder.planning,
    ):
        step()


class _Modules:
    def __init__(self, workspace, rng, size, today: date):
        self.ws, self.rng, self.size, self.today = workspace, rng, size, today
        self.now = timezone.now()
        members = Membership.objects.filter(workspace=workspace).select_related("user")
        self.members = {m.user.username: m for m in members}
        self.users = {name: m.user for name, m in self.members.items()}
        self.ctx = {name: access_workspace(u, workspace.slug) for name, u in self.users.items()}
        reqs = Requirement.objects.filter(workspace=workspace)
        self.active = list(
            reqs.filter(status__in=[Status.ACCEPTED, Status.SCHEDULED, Status.IN_PROGRESS])
            .order_by("number")
            .values_list("pk", "number", "title", "owner_id")[: max(50, size.candidates * 5)]
        )

    def _when(self, days: int) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(max(1, days * 86400)))

    # History ------------------------------------------------------------------------------

    def history(self) -> None:
        """A "created" record for every requirement and a "status" record for those that moved
        on: what the activity stream and each requirement's history read."""
        rows = Requirement.objects.filter(workspace=self.ws).values_list(
            "pk", "title", "status", "created_at", "updated_at", "created_by_id"
        )
        out = []

        def record(pk, author, verb, changes, when) -> dict:
            return {"workspace_id": self.ws.pk, "actor_id": author, "verb": verb,
                    "subject_type": "requirement", "subject_id": pk, "changes": changes,
                    "created_at": when}  # fmt: skip

        for pk, title, status, created, updated, author in rows.iterator(chunk_size=5000):
            out.append(
                record(pk, author, ChangeRecord.Verb.CREATED, {"title": [None, title]}, created)
            )
            if status != Status.PROPOSED:
                moved = {"status": [Status.PROPOSED, status]}
                out.append(record(pk, author, ChangeRecord.Verb.STATUS, moved, updated))
            if len(out) >= 10_000:
                _insert(ChangeRecord, out)
                out = []
        _insert(ChangeRecord, out)

    # Glossary, goals, RACI ----------------------------------------------------------------

    def integrations(self) -> None:
        """A webhook receiver, switched off: the large workspace sends nothing anywhere."""
        from truce.integrations.services import endpoint_create

        endpoint_create(ctx=self.ctx["admin"], name="数据平台 webhook", kind="generic",
                        url="https://example.com/hooks/truce", enabled=False)  # fmt: skip

    def glossary(self) -> None:
        from truce.glossary.services import starter_import

        starter_import(ctx=self.ctx["alice"])

    def goals(self) -> None:
        """Last quarter and this one; this quarter's key results with weekly check-ins and the
        requirements that serve them; signed by both sides and the lead."""
        from truce.goals import services as goals
        from truce.goals.models import CheckIn, KeyResult

        lead, rng = self.ctx["lena"], self.rng
        quarter = (self.today.month - 1) // 3 + 1
        start, end = goals.quarter_bounds(self.today.year, quarter)
        previous = start - timedelta(days=1)
        p_start, p_end = goals.quarter_bounds(previous.year, (previous.month - 1) // 3 + 1)
        goals.period_create(
            ctx=lead,
            name=f"{previous.year} Q{(previous.month - 1) // 3 + 1}",
            start=p_start,
            end=p_end,
        )
        period = goals.period_create(
            ctx=lead, name=f"{self.today.year} Q{quarter}", start=start, end=end
        )
        check_ins, linked = [], self.active[: max(10, self.size.key_results * 10)]
        by_pk = Requirement.objects.in_bulk([pk for pk, *_rest in linked])
        links = cycle(linked)
        objectives = []
        for k in range(self.size.key_results):
            if k % 3 == 0:
                n = len(objectives)
                owner = self.users[("alice", "olivia", "lena")[n % 3]]
                objectives.append(
                    goals.objective_create(
                        ctx=lead,
                        period=period,
                        owner=owner,
                        side=("product", "operations", "joint")[n % 3],
                        title=f"{OBJECTIVES[n % len(OBJECTIVES)]} · {n + 1}",
                    )
                )
            baseline = rng.randrange(10, 60)
            kr = goals.key_result_create(
                ctx=lead,
                objective=objectives[-1],
                title=f"关键结果 {k + 1}",
                unit="%",
                baseline=baseline,
                target=baseline + rng.randrange(5, 30),
                owner=owner,
            )
            weeks = max(1, (self.today - start).days // 7)
            for w in range(weeks):
                value = baseline + (kr.target - baseline) * (w + 1) / 13 * rng.uniform(0.4, 1.2)
                when = timezone.make_aware(datetime.combine(start + timedelta(weeks=w), time(10)))
                check_ins.append(
                    {
                        "workspace_id": self.ws.pk,
                        "key_result_id": kr.pk,
                        "value": round(value, 1),
                        "confidence": round(rng.uniform(0.3, 0.9), 2),
                        "author_id": owner.pk,
                        "created_at": when,
                    }
                )
            for pk in {next(links)[0] for _ in range(10)}:
                goals.link_add(ctx=lead, key_result=kr, requirement=by_pk[pk])
            last = check_ins[-1]
            KeyResult.objects.filter(pk=kr.pk).update(
                current=last["value"], confidence=last["confidence"]
            )
        _insert(CheckIn, check_ins)
        for name in ("alice", "olivia", "lena"):
            goals.period_sign(ctx=self.ctx[name], period=period)

    def raci(self) -> None:
        """Filled matrices for the planning candidates: product R, operations C/I, lead A."""
        from truce.responsibilities.models import Assignment, Row
        from truce.responsibilities.services import activities_for

        activities = activities_for(self.ws)
        alice, olivia, lena = (self.members[n].pk for n in ("alice", "olivia", "lena"))
        first = (Row.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        rows, cells = [], []
        for pk, *_rest in self.active[: self.size.candidates]:
            for activity in activities:
                row_id = first + len(rows)
                rows.append(
                    {
                        "id": row_id,
                        "workspace_id": self.ws.pk,
                        "activity_id": activity.pk,
                        "requirement_id": pk,
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
                letters = [(lena, "A"), (alice, "R"), (olivia, self.rng.choice("CI"))]
                cells += [{"row_id": row_id, "member_id": m, "letter": x} for m, x in letters]
        _insert(Row, rows)
        _insert(Assignment, cells)
        _reset_sequences([Row])

    # Launches and meetings ----------------------------------------------------------------

    def launches(self) -> None:
        """Launches over the last three and next four months, a third already launched with
        their go/no-go votes; the rest being prepared, their checklists partly done."""
        from truce.launches import services
        from truce.launches.models import Launch
        from truce.launches.models import Status as LaunchStatus
        from truce.resources.models import Campaign

        ctx, rng = self.ctx["alice"], self.rng
        campaigns = list(
            Campaign.objects.filter(workspace=self.ws).values_list("number", flat=True)
        )
        pool = cycle(self.active)
        for k in range(self.size.launches):
            past = k % 3 == 0
            offset = -rng.randrange(5, 90) if past else rng.randrange(3, 120)
            scope = [next(pool)[1] for _ in range(rng.randint(2, 6))]
            launch = services.launch_create(
                ctx=ctx,
                name=f"{LAUNCH_NAMES[k % len(LAUNCH_NAMES)]} · {k + 1}",
                target_date=self.today + timedelta(days=offset),
                requirements=scope,
                campaigns=rng.sample(campaigns, min(len(campaigns), rng.choice((0, 1, 1, 2)))),
            )
            items = list(launch.checklist.all())
            done = items if past else items[: rng.randrange(len(items) + 1)]
            for item in done:
                services.item_update(ctx=ctx, item=item, expected_version=item.version, done=True)
            if not past:
                continue
            for m in launch.milestones.all():
                services.milestone_update(
                    ctx=ctx, milestone=m, expected_version=m.version, done=True
                )
            launch.refresh_from_db()
            services.launch_move(
                ctx=ctx, launch=launch, status=LaunchStatus.READY, expected_version=launch.version
            )
            for name in ("alice", "olivia", "lena"):
                services.vote(ctx=self.ctx[name], launch=launch, go=True)
            launch.refresh_from_db()
            services.launch_move(
                ctx=ctx,
                launch=launch,
                status=LaunchStatus.LAUNCHED,
                expected_version=launch.version,
            )
            Launch.objects.filter(pk=launch.pk).update(launched_on=launch.target_date)

    def meetings(self) -> None:
        """A weekly sync since ``size.meetings`` weeks: each past meeting ran with minutes,
        attendance, a decision on an active requirement and two action items (some overdue);
        the next one has its agenda generated."""
        from truce.meetings import records, services
        from truce.meetings.models import Meeting

        lead = self.ctx["lena"]
        upcoming = self.today + timedelta(days=2)
        series = services.series_create(
            ctx=lead,
            title="产品运营周会",
            weekday=upcoming.weekday(),
            start_time=time(10, 0),
            duration_minutes=60,
            starts_on=upcoming - timedelta(weeks=self.size.meetings),
            location="3 楼大会议室",
            today=self.today,
            attendees=[self.users[n] for n in ("alice", "olivia", "lena", "admin")],
        )
        first = upcoming - timedelta(weeks=self.size.meetings)
        services.meetings_generate(series=series, start=first, end=upcoming - timedelta(days=7))
        pool = cycle(self.active[::7] or self.active)
        past = Meeting.objects.filter(series=series, date__lt=self.today).select_related("series")
        for meeting in past.order_by("date"):
            meeting.workspace = self.ws
            services.meeting_start(ctx=lead, meeting=meeting)
            pk, number, title, _owner = next(pool)
            decision = records.decision_record(
                ctx=lead,
                question=f"#{number} {title}：本期是否排期？",
                product_position="先做灰度，控制范围。",
                operations_position="赶在活动前全量。",
                outcome="灰度 10%，活动前评估全量。",
                decided_by=self.users["lena"],
                decided_at=meeting.starts_at + timedelta(minutes=30),
                meeting=meeting,
                requirements=[Requirement.objects.get(pk=pk)],
            )
            for name, days in (("alice", 2), ("olivia", 9)):
                records.action_create(
                    ctx=lead,
                    title=f"跟进 #{number}：{name}",
                    owner=self.users[name],
                    due=meeting.date + timedelta(days=days),
                    meeting=meeting,
                    decision=decision,
                )
            services.minutes_update(
                ctx=lead,
                meeting=meeting,
                expected_version=None,
                minutes=MINUTES.format(ref=decision.ref),
            )
            services.attendance_set(
                ctx=lead,
                meeting=meeting,
                presence={a.user_id: "present" for a in meeting.attendance.all()},
            )
            services.meeting_finish(ctx=lead, meeting=meeting)
            Meeting.objects.filter(pk=meeting.pk).update(
                started_at=meeting.starts_at, finished_at=meeting.ends_at
            )
        nxt = Meeting.objects.select_related("series").get(series=series, date=upcoming)
        nxt.workspace = self.ws
        services.agenda_generate(nxt)

    # Comments and notifications -----------------------------------------------------------

    def comments(self) -> None:
        """``size.comments`` comments on active requirements (a few busy threads, many short
        ones), each announced as an event; mentioned people and owners are notified, the
        older notifications read."""
        rng, ws = self.rng, self.ws
        writers = ["alice", "olivia", "lena"]
        ids = {name: self.users[name].pk for name in self.users}
        first_comment = (Comment.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        first_event = (DomainEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        html: dict[tuple[str, tuple], str] = {}
        comments, mentions, events, notes, follows = [], [], [], [], set()
        subjects = self.active
        for k in range(self.size.comments):
            pk, number, title, owner = subjects[int(len(subjects) * rng.random() ** 2)]
            author = rng.choice(writers)
            text, mentions_someone = rng.choice(COMMENTS)
            who = rng.choice([w for w in writers if w != author]) if mentions_someone else None
            body = text.format(who=who)
            key = (body, (who,) if who else ())
            if key not in html:
                html[key] = highlight_mentions(render_markdown(body), list(key[1]))
            when = self._when(180)
            cid, eid = first_comment + k, first_event + k
            comments.append(
                {
                    "id": cid,
                    "workspace_id": ws.pk,
                    "subject_type": "requirement",
                    "subject_id": pk,
                    "author_id": ids[author],
                    "body": body,
                    "body_html": html[key],
                    "created_at": when,
                    "updated_at": when,
                }
            )
            mentioned = [ids[who]] if who else []
            mentions += [{"comment_id": cid, "user_id": u} for u in mentioned]
            url = reverse("requirements:detail", args=[ws.slug, number])
            events.append(
                {
                    "id": eid,
                    "workspace_id": ws.pk,
                    "kind": "comment.created",
                    "actor_id": ids[author],
                    "subject_type": "requirement",
                    "subject_id": pk,
                    "title": f"#{number} {title}"[:300],
                    "url": f"{url}?comment={cid}#comment-{cid}",
                    "created_at": when,
                    "dispatched_at": when,
                    "data": {
                        "comment_id": cid,
                        "subject": f"requirement:{number}",
                        "excerpt": body[:200],
                        "mentioned": mentioned,
                    },
                }
            )
            told = {(u, Category.MENTION) for u in mentioned}
            if owner and owner != ids[author] and owner not in mentioned:
                told.add((owner, Category.COMMENT))
            old = when < self.now - timedelta(days=14)
            notes += [
                {
                    "workspace_id": ws.pk,
                    "recipient_id": u,
                    "event_id": eid,
                    "category": c,
                    "created_at": when,
                    "read_at": when if old else None,
                }
                for u, c in told
            ]
            follows.add((ids[author], pk))
        _insert(Comment, comments)
        _insert(Comment.mentioned.through, mentions)
        _insert(DomainEvent, events)
        _insert(Notification, notes)
        existing = set(
            Follow.objects.filter(subject_type="requirement").values_list("user_id", "subject_id")
        )
        _insert(
            Follow,
            [
                {
                    "workspace_id": ws.pk,
                    "user_id": u,
                    "subject_type": "requirement",
                    "subject_id": s,
                    "created_at": self.now,
                }
                for u, s in sorted(follows - existing)
            ],
        )
        _reset_sequences([Comment, DomainEvent])

    # Conflicts, planning ------------------------------------------------------------------

    def conflicts(self) -> None:
        """Detection over the whole workspace (contested scores, over-committed pools, RACI
        overlaps, launch clashes), one decided by the lead, and weekly health snapshots."""
        from truce.conflicts import health, services
        from truce.conflicts.models import HealthSnapshot
        from truce.conflicts.models import Status as ConflictStatus
        from truce.domain import health as measures

        opened = services.detect(self.ws)
        for conflict in opened[:: max(1, len(opened) // 5)][:5]:
            services.evidence_add(
                ctx=self.ctx["alice"],
                conflict=conflict,
                side="product",
                label="卸载率周报",
                url="https://example.com/report",
            )
            services.conflict_move(
                ctx=self.ctx["alice"],
                conflict=conflict,
                status=ConflictStatus.ESCALATED,
                expected_version=conflict.version,
            )
            services.conflict_decide(
                ctx=self.ctx["lena"],
                conflict=conflict,
                expected_version=conflict.version,
                outcome="灰度 10%",
                rationale="兼顾留存与转化。",
            )
        now = health.snapshot(self.ws, self.today).values
        share = now.get("contested_share") or 0.2
        for back in range(1, 9):
            week = measures.week_of(self.today - timedelta(weeks=back))
            values = {
                "contested_share": round(min(1.0, share + 0.02 * back), 4),
                "capacity": now.get("capacity", {}),
            }
            HealthSnapshot.objects.update_or_create(
                workspace=self.ws, week=week, defaults={"values": values}
            )

    def planning(self) -> None:
        """The planning candidates as a scenario with two finished runs (fairness floors 30 %,
        then 40 % for product), the second published as the period's plan."""
        from truce.goals.models import Period
        from truce.planning import services
        from truce.planning.inputs import available_periods
        from truce.seed.large_resources import CANDIDATE_TAG

        ctx = self.ctx["alice"]
        period = Period.objects.filter(
            workspace=self.ws, start__lte=self.today, end__gte=self.today
        ).first()
        scenario = services.scenario_create(
            ctx=ctx,
            name="本季度资源分配 · 候选需求",
            tags=[CANDIDATE_TAG],
            statuses=["accepted"],
            horizon=available_periods(self.ws)[:3],
            product_floor=0.3,
            operations_floor=0.3,
            period=period,
        )
        # real runs, with time limits that grow with the size (10 s each at full size)
        limit = max(1.0, self.size.candidates / 100)
        for floor in (0.3, 0.4):
            if floor != scenario.product_floor:
                scenario = services.scenario_update(
                    ctx=ctx, scenario=scenario, expected_version=None, product_floor=floor
                )
            run = services.run_execute(
                services.run_start(ctx=ctx, scenario=scenario).pk,
                solve_limit=limit,
                pareto_limit=limit,
                explain_budget=limit,
            )
        if run is not None and period is not None and run.result.get("feasible"):
            services.plan_publish(ctx=ctx, run=run)


def _insert(model, rows: list[dict]) -> None:
    from truce.seed.large import fast_insert

    for start in range(0, len(rows), 5000):
        fast_insert(model, rows[start : start + 5000])


def _reset_sequences(models) -> None:
    """PostgreSQL: explicit ids were inserted, so move the id sequences past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def showcase(workspace: Workspace) -> dict:
    """URL keywords of the large workspace's busiest objects (the access matrix's names): what
    ``bench/pages.py`` and the page budget tests request. Missing objects are left out."""
    from django.db.models import Count

    from truce.conflicts.models import Conflict, Evidence
    from truce.customers.models import Customer, Feedback
    from truce.goals.models import KeyResult, Period
    from truce.launches.models import Launch
    from truce.meetings.models import ActionItem, Decision, Meeting
    from truce.planning.models import PeriodPlan, Run, Scenario
    from truce.resources.models import Campaign, Demand, ResourcePool
    from truce.responsibilities.models import Activity

    ws = workspace
    alice = Membership.objects.select_related("user").get(workspace=ws, user__username="alice")
    out = {
        "slug": ws.slug,
        "alice_id": alice.user_id,
        "member_id": alice.pk,
        "data_kind": "requirements",
        "file_format": "csv",
        "subject_type": "requirement",
    }
    busiest = (
        Comment.objects.filter(workspace=ws, subject_type="requirement")
        .values("subject_id")
        .annotate(n=Count("id"))
        .order_by("-n", "subject_id")
        .first()
    )
    req = Requirement.objects.filter(workspace=ws)
    req = (req.filter(pk=busiest["subject_id"]) if busiest else req.order_by("number")).first()
    if req is None:
        return out
    out |= {"number": req.number, "subject_key": req.number}
    other = (
        req.prerequisites.first()
        or Requirement.objects.filter(workspace=ws).exclude(pk=req.pk).order_by("number").first()
    )
    found = {
        "prereq": other.number if other else None,
        "comment_id": Comment.objects.filter(
            workspace=ws, subject_type="requirement", subject_id=req.pk
        )
        .values_list("pk", flat=True)
        .first(),
        "notification_id": Notification.objects.filter(recipient_id=alice.user_id, workspace=ws)
        .values_list("pk", flat=True)
        .first(),
        "activity_id": Activity.objects.filter(workspace=ws).values_list("pk", flat=True).first(),
        "customer_id": Customer.objects.filter(workspace=ws)
        .order_by("-value")
        .values_list("pk", flat=True)
        .first(),
        "feedback_id": Feedback.objects.filter(workspace=ws, requirement=req)
        .values_list("pk", flat=True)
        .first(),
        "pool_id": ResourcePool.objects.filter(workspace=ws)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "campaign_number": Campaign.objects.filter(workspace=ws)
        .annotate(n=Count("demands"))
        .order_by("-n", "number")
        .values_list("number", flat=True)
        .first(),
        "demand_id": Demand.objects.filter(pool__workspace=ws)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
        "term_id": _first_term(ws),
    }
    period = Period.objects.filter(workspace=ws).order_by("-start").first()
    if period is not None:
        kr = KeyResult.objects.filter(objective__period=period).order_by("pk").first()
        found |= {
            "period_id": period.pk,
            "kr_id": kr.pk if kr else None,
            "objective_id": kr.objective_id if kr else None,
        }
    scenario = Scenario.objects.filter(workspace=ws).order_by("pk").first()
    runs = list(Run.objects.filter(scenario=scenario, status="done").order_by("-pk")[:2])
    if runs:
        selected = runs[0].result.get("optimal_selected") or [runs[0].inputs["items"][0]["id"]]
        found |= {
            "scenario_id": scenario.pk,
            "run_id": runs[0].pk,
            "item_key": selected[0],
            "first_run_id": runs[-1].pk if len(runs) > 1 else None,
            "plan_id": PeriodPlan.objects.filter(run__in=runs).values_list("pk", flat=True).first(),
        }
    launch = (
        Launch.objects.filter(workspace=ws, status="planning")
        .annotate(n=Count("requirements"))
        .order_by("-n", "number")
        .first()
    )
    if launch is not None:
        found |= {
            "launch_number": launch.number,
            "milestone_id": launch.milestones.values_list("pk", flat=True).first(),
            "check_id": launch.checklist.values_list("pk", flat=True).first(),
        }
    conflict = (
        Conflict.objects.filter(workspace=ws)
        .annotate(n=Count("evidence"))
        .order_by("-n", "number")
        .first()
    )
    if conflict is not None:
        found |= {
            "conflict_number": conflict.number,
            "evidence_id": Evidence.objects.filter(conflict=conflict)
            .values_list("pk", flat=True)
            .first(),
        }
    meeting = Meeting.objects.filter(workspace=ws, started_at__isnull=True).order_by("date").first()
    if meeting is not None:
        found |= {
            "meeting_id": meeting.pk,
            "series_id": meeting.series_id,
            "agenda_item_id": meeting.agenda_items.values_list("pk", flat=True).first(),
        }
    decision = Decision.objects.filter(workspace=ws).order_by("-number").first()
    if decision is not None:
        found |= {
            "decision_number": decision.number,
            "action_id": ActionItem.objects.filter(workspace=ws)
            .order_by("due", "pk")
            .values_list("pk", flat=True)
            .first(),
        }
    from truce.integrations.models import Endpoint

    found["endpoint_id"] = (
        Endpoint.objects.filter(workspace=ws).values_list("pk", flat=True).first()
    )
    return out | {k: v for k, v in found.items() if v is not None}


def _first_term(ws):
    from truce.glossary.models import Term

    return Term.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True).first()
