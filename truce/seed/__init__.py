"""Demo data: two workspaces (one Chinese, one English) with the personas used everywhere.

Idempotent: running it again updates nothing that exists and creates what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from truce.accounts.models import Membership, Role, Side, User, Workspace
from truce.core.access import access_workspace
from truce.core.progress import Progress
from truce.seed.content import (
    NORTHWIND_REQUIREMENTS,
    NORTHWIND_SCORES,
    SPARK_CUSTOMERS,
    SPARK_FEEDBACK,
    SPARK_GOALS,
    SPARK_PREREQUISITES,
    SPARK_REQUIREMENTS,
    SPARK_SCORES,
)

DEMO_PASSWORD = "truce-demo-2026"


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    email: str
    language: str


PERSONAS = [
    Persona("admin", "管理员 Admin", "admin@example.com", "zh-hans"),
    Persona("alice", "李爱丽 Alice", "alice@example.com", "zh-hans"),
    Persona("olivia", "欧阳丽娜 Olivia", "olivia@example.com", "zh-hans"),
    Persona("lena", "林乐 Lena", "lena@example.com", "zh-hans"),
    Persona("victor", "Victor Wang", "victor@example.com", "en"),
    Persona("charlie", "Charlie Brown", "charlie@example.com", "en"),
]

WORKSPACES = [
    {
        "slug": "spark",
        "language": "zh-hans",
        "name": "星火电商 · 增长与体验",
        "description": "产品与运营共同规划：需求池、活动、季度 OKR。\n"
        "Product and operations of Spark Commerce plan the quarter together.",
        "requirements": SPARK_REQUIREMENTS,
        "prerequisites": SPARK_PREREQUISITES,
        "customers": SPARK_CUSTOMERS,
        "feedback": SPARK_FEEDBACK,
        "scores": SPARK_SCORES,
        "goals": SPARK_GOALS,
        "members": [
            ("admin", Role.ADMIN, Side.PRODUCT),
            ("alice", Role.PRODUCT, Side.PRODUCT),
            ("olivia", Role.OPERATIONS, Side.OPERATIONS),
            ("lena", Role.LEAD, Side.PRODUCT),
            ("victor", Role.VIEWER, Side.OPERATIONS),
        ],
    },
    {
        "slug": "northwind",
        "language": "en",
        "name": "Northwind Growth",
        "description": "An English-speaking team: product and growth marketing.",
        "requirements": NORTHWIND_REQUIREMENTS,
        "scores": NORTHWIND_SCORES,
        "members": [
            ("charlie", Role.ADMIN, Side.OPERATIONS),
            ("victor", Role.PRODUCT, Side.PRODUCT),
            ("lena", Role.LEAD, Side.PRODUCT),
        ],
    },
]


@transaction.atomic
def seed_demo() -> dict[str, User]:
    users = {}
    with Progress("Seeding demo users and workspaces", len(PERSONAS) + len(WORKSPACES)) as bar:
        for p in PERSONAS:
            users[p.username] = _user(p)
            bar.advance()
        for spec in WORKSPACES:
            _workspace(spec, users)
            bar.advance()
    return users


def _user(p: Persona) -> User:
    user, created = User.objects.get_or_create(
        username=p.username,
        defaults={"display_name": p.display_name, "email": p.email, "language": p.language},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _workspace(spec: dict, users: dict[str, User]) -> Workspace:
    ws, _ = Workspace.objects.get_or_create(
        slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"]}
    )
    for username, role, side in spec["members"]:
        Membership.objects.get_or_create(
            workspace=ws, user=users[username], defaults={"role": role, "side": side}
        )
        if users[username].last_workspace_id is None:
            users[username].last_workspace = ws
            users[username].save(update_fields=["last_workspace"])
    _requirements(ws, spec, users)
    _app_seeds(ws, spec, users)
    return ws


def _app_seeds(ws: Workspace, spec: dict, users: dict[str, User]) -> None:
    """Each app may add its demo data in ``truce/<app>/seed.py``: ``seed(ws, spec, users)``,
    called in INSTALLED_APPS order after the requirements, goals and scores exist. A seeder must
    be idempotent (running ``truce seed`` twice adds nothing) and write through the services.
    ``spec["language"]`` tells which language the workspace's content is in ("zh-hans"/"en")."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("truce."):
            continue
        try:
            module = import_module(f"{config.name}.seed")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.seed":
                raise
            continue
        module.seed(ws, spec, users)


def _requirements(ws: Workspace, spec: dict, users: dict[str, User]) -> None:
    """Create the workspace's demo requirements once, through the real services."""
    from truce.requirements import services
    from truce.requirements.models import Requirement

    if Requirement.objects.filter(workspace=ws).exists():
        return
    author = next(
        u for name, role, _ in spec["members"] if role != Role.VIEWER for u in [users[name]]
    )
    ctx = access_workspace(author, ws.slug)
    created = []
    for title, text, kind, side, owner, status, tags, days in spec["requirements"]:
        r = services.requirement_create(
            ctx=ctx,
            title=title,
            description=text,
            kind=kind,
            origin_side=side,
            owner=users.get(owner) if owner else None,
            tags=tags,
            estimate_days=days,
        )
        _walk_to(ctx, r, status)
        created.append(r)
    for req, prereq in spec.get("prerequisites", []):
        services.prerequisite_add(
            ctx=ctx, requirement=created[req - 1], prerequisite=created[prereq - 1]
        )
    _voice_of_customers(ctx, spec, created)
    _goals(ws, spec, users, created)
    from truce.requirements.scoring import scores_set

    for index, username, values in spec.get("scores", []):
        scores_set(
            ctx=access_workspace(users[username], ws.slug),
            requirement=created[index - 1],
            values=values,
        )


def _goals(ws: Workspace, spec: dict, users: dict[str, User], created: list) -> None:
    """This quarter's shared OKRs, linked to the work that serves them, signed by both sides
    and the lead; one key result is behind and shows as at risk."""
    from django.utils import timezone

    from truce.goals import services as goals

    if not spec.get("goals"):
        return
    lead = access_workspace(users["lena"], ws.slug)
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    start, end = goals.quarter_bounds(today.year, quarter)
    period = goals.period_create(ctx=lead, name=f"{today.year} Q{quarter}", start=start, end=end)
    for title, side, owner, krs in spec["goals"]:
        objective = goals.objective_create(
            ctx=lead, period=period, title=title, side=side, owner=users[owner]
        )
        for name, unit, base, target, direction, current, confidence, served_by in krs:
            kr = goals.key_result_create(
                ctx=lead,
                objective=objective,
                title=name,
                unit=unit,
                baseline=base,
                target=target,
                direction=direction,
                owner=users[owner],
            )
            goals.check_in_create(ctx=lead, key_result=kr, value=current, confidence=confidence)
            for index in served_by:
                goals.link_add(ctx=lead, key_result=kr, requirement=created[index - 1])
    for name in ("alice", "olivia", "lena"):
        goals.period_sign(ctx=access_workspace(users[name], ws.slug), period=period)


def _voice_of_customers(ctx, spec: dict, created: list) -> None:
    """Customers with their value, and feedback triaged into the requirements it asks for."""
    from decimal import Decimal

    from truce.customers import services as customers

    people = [
        customers.customer_create(ctx=ctx, name=name, value=Decimal(value) * 10000, churn_risk=risk)
        for name, value, risk in spec.get("customers", [])
    ]
    for text, who, channel, req in spec.get("feedback", []):
        item = customers.feedback_create(
            ctx=ctx, text=text, channel=channel, customer=people[who] if who is not None else None
        )
        if req is not None:
            customers.feedback_link(ctx=ctx, feedback=item, requirement=created[req - 1])


def _walk_to(ctx, requirement, status: str) -> None:
    """Move along the workflow to ``status``, so the history looks like real work."""
    from truce.requirements import services

    path = {
        "proposed": [],
        "under_review": ["under_review"],
        "accepted": ["under_review", "accepted"],
        "scheduled": ["under_review", "accepted", "scheduled"],
        "in_progress": ["under_review", "accepted", "scheduled", "in_progress"],
        "released": ["under_review", "accepted", "scheduled", "in_progress", "released"],
        "reviewed": [
            "under_review",
            "accepted",
            "scheduled",
            "in_progress",
            "released",
            "reviewed",
        ],
        "rejected": ["under_review", "rejected"],
        "on_hold": ["on_hold"],
    }[status]
    for step in path:
        services.requirement_move(ctx=ctx, requirement=requirement, status=step)
