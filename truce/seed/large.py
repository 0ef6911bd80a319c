"""A large workspace for benchmarks: 100k requirements, 20k customers, 300k feedback, scores.

``truce seed --size large`` calls :func:`seed_large`. Deterministic (``random.Random(seed)``),
and fast: rows go in with ``bulk_create`` in large batches inside one transaction, every
``search_text`` is assembled from tokens cached per fragment (see ``fragments.py``), the full-text
index is built once at the end instead of row by row, and the derived fields (segments, lens
scores, priority, contested) are computed in Python before the rows are written; only the demand
of each requirement is one aggregate UPDATE after the feedback is in.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from truce.accounts.models import Membership, Role, Side, Workspace
from truce.core.progress import Progress
from truce.core.search import fts_bulk_load
from truce.customers.models import Channel, Customer, Feedback
from truce.domain import scoring, segments
from truce.requirements import scoring as requirement_scoring
from truce.requirements.models import Criterion, Requirement, Score, Status, Tag
from truce.seed import PERSONAS, _user
from truce.seed.fragments import MODULES, Composer

MEMBERS = [
    ("admin", Role.ADMIN, Side.PRODUCT),
    ("alice", Role.PRODUCT, Side.PRODUCT),
    ("olivia", Role.OPERATIONS, Side.OPERATIONS),
    ("lena", Role.LEAD, Side.PRODUCT),
    ("victor", Role.VIEWER, Side.OPERATIONS),
]
STATUSES = {
    Status.PROPOSED: 30, Status.UNDER_REVIEW: 12, Status.ACCEPTED: 10, Status.SCHEDULED: 8,
    Status.IN_PROGRESS: 8, Status.RELEASED: 15, Status.REVIEWED: 7, Status.REJECTED: 6,
    Status.ON_HOLD: 4,
}  # fmt: skip
KINDS = {"feature": 45, "improvement": 25, "bug": 15, "tech_debt": 8, "experiment": 7}
CHANNELS = {
    Channel.TICKET: 40, Channel.APP_STORE: 15, Channel.SURVEY: 15, Channel.COMMUNITY: 12,
    Channel.SALES: 12, Channel.OTHER: 6,
}  # fmt: skip
TAGS = [
    "双十一", "618", "春节", "新客", "留存", "转化", "体验", "性能", "合规", "增长", "技术债",
    "iOS", "Android", "小程序", "B端", "商家", "客诉", "数据", "实验", "安全", "国际化",
    "payments", "growth", "ux", "infra", "mobile", "quick-win", "q3", "q4", "research",
]  # fmt: skip
# Who scores which lens: alice and lena (lead) the product lens, olivia and lena operations.
SCORERS = [("alice", scoring.Lens.PRODUCT), ("lena", scoring.Lens.PRODUCT),
           ("olivia", scoring.Lens.OPERATIONS), ("lena", scoring.Lens.OPERATIONS)]  # fmt: skip
ENGLISH_SHARE = 0.2
# Zipf-like popularity: the first modules and tags (会员, 支付, 双十一…) are the common ones.
MODULE_WEIGHTS = list(itertools.accumulate(1 / (k + 1) ** 0.8 for k in range(len(MODULES))))
TAG_WEIGHTS = list(itertools.accumulate(1 / (k + 1) ** 0.8 for k in range(len(TAGS))))
LINKED_SHARE = 0.7


@dataclass(frozen=True)
class Size:
    requirements: int = 100_000
    customers: int = 20_000
    feedback: int = 300_000
    scored: int = 20_000
    # the other modules (see large_resources.py and large_modules.py)
    candidates: int = 1_000  # accepted requirements with demands: the planner's input
    campaigns: int = 150
    comments: int = 20_000
    key_results: int = 30
    launches: int = 60
    meetings: int = 26  # weeks of a weekly meeting that already took place

    def scaled(self, factor: float) -> Size:
        return Size(*(max(1, math.ceil(getattr(self, f.name) * factor))
                      for f in dataclasses.fields(self)))  # fmt: skip

    @property
    def rows(self) -> int:
        return self.requirements + self.customers + self.feedback


def seed_large(
    *, slug: str = "large", size: Size = Size(), seed: int = 42, stream=None
) -> Workspace:
    """Create the workspace ``slug`` with ``size`` rows; refuses if it exists already.
    ``Size().scaled(0.1)`` is a tenth of the full size in every module."""
    if Workspace.objects.filter(slug=slug).exists():
        raise ValueError(f"workspace {slug!r} exists already; use another --workspace")
    batch = 10_000 if connection.vendor == "postgresql" else 5_000
    with Progress(f"Seeding {slug}", size.rows + 3, stream=stream) as bar:
        with transaction.atomic(), _fast_session():
            with fts_bulk_load([Requirement, Feedback]):
                gen = _Generator(random.Random(seed), _workspace(slug), size, batch, bar)
                gen.run()
                from truce.seed.large_resources import seed_large_resources

                # 6 pools × 3 months, campaigns and demands: the scenario planner's load
                seed_large_resources(gen.workspace, random.Random(seed), size=size)
            bar.advance()
            from truce.seed.large_modules import seed_large_modules

            # through the services, once the search index is whole again
            seed_large_modules(gen.workspace, random.Random(seed), size)
        bar.advance()
        with connection.cursor() as cursor:
            # Fresh statistics for the planner; on PostgreSQL VACUUM also sets the visibility
            # map, without which COUNT(*) can't use an index-only scan.
            # VACUUM cannot run inside a transaction (tests wrap one): ANALYZE alone there.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        bar.advance()
    return gen.workspace


def _workspace(slug: str) -> Workspace:
    users = {p.username: _user(p) for p in PERSONAS}
    name = "大规模演示 · Large" if slug == "large" else f"大规模演示 · {slug}"
    ws = Workspace.objects.create(
        slug=slug, name=name, description="压测用的大规模数据。Generated data for benchmarks."
    )
    Membership.objects.bulk_create(
        Membership(workspace=ws, user=users[u], role=role, side=side) for u, role, side in MEMBERS
    )
    return ws


@contextmanager
def _fast_session() -> Iterator[None]:
    """PostgreSQL: don't wait for the WAL flush on commit; a crash loses only the seed."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    yield


def _weighted(rng: random.Random, table: dict, k: int) -> list:
    return rng.choices(list(table), weights=list(table.values()), k=k)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


class _Generator:
    """One run of the seed; holds the ids it hands out so rows can point at each other."""

    def __init__(self, rng, workspace, size: Size, batch: int, bar: Progress):
        self.rng, self.workspace, self.size, self.batch, self.bar = rng, workspace, size, batch, bar
        self.compose = Composer(rng)
        self.now = timezone.now()
        members = Membership.objects.filter(workspace=workspace).select_related("user")
        self.users = {m.user.username: m.user for m in members}

    def run(self) -> None:
        criteria = self._criteria()
        tags = self._tags()
        modules = self._requirements(criteria, tags)
        customers = self._customers()
        self._feedback(modules, customers)
        self._demand()
        self._reset_sequences()

    def _insert(self, model, objs: list, *, count: bool = True) -> None:
        for start in range(0, len(objs), self.batch):
            chunk = objs[start : start + self.batch]
            fast_insert(model, chunk)
            if count:
                self.bar.advance(len(chunk))

    def _when(self, days: int = 365) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(days * 86400))

    def _criteria(self) -> dict[str, Criterion]:
        """The default scorecard, installed the way the app installs it on first use."""
        card, criteria = requirement_scoring.scorecard_for(self.workspace)
        self.card = requirement_scoring.to_domain(card, criteria)
        return {c.key: c for c in criteria}

    def _tags(self) -> list[Tag]:
        Tag.objects.bulk_create(Tag(workspace=self.workspace, name=n) for n in TAGS)
        by_name = {t.name: t for t in Tag.objects.filter(workspace=self.workspace)}
        return [by_name[n] for n in TAGS]

    # Requirements -----------------------------------------------------------------------

    def _requirements(self, criteria: dict[str, Criterion], tags: list[Tag]) -> list[int]:
        """Insert requirements (with tags and scores); returns each one's module, by id."""
        rng, n = self.rng, self.size.requirements
        first = self.first_requirement = _next_id(Requirement)
        statuses, kinds = _weighted(rng, STATUSES, n), _weighted(rng, KINDS, n)
        owners = [self.users[u].pk for u in ("alice", "olivia", "lena", "admin")]
        scored = set(rng.sample(range(n), min(self.size.scored, n)))
        modules, rows, links, scores = [], [], [], []
        for i in range(n):
            module = rng.choices(range(len(MODULES)), cum_weights=MODULE_WEIGHTS)[0]
            modules.append(module)
            req = self._requirement(first + i, i + 1, module, statuses[i], kinds[i], owners)
            if i in scored:
                scores.extend(self._score(req, criteria))
            rows.append(req)
            links.extend(self._tag_links(req["id"], tags))
        self._insert(Requirement, rows)
        self._insert(Requirement.tags.through, links, count=False)
        self._insert(Score, scores, count=False)
        return modules

    def _requirement(self, pk, number, module, status, kind, owners) -> dict:
        rng = self.rng
        english = rng.random() < ENGLISH_SHARE
        title = self.compose.title(module, english)
        description, html = self.compose.description(module, english)
        created = self._when()
        return dict(
            id=pk, workspace_id=self.workspace.pk, number=number, title=title.text,
            description=description.text, description_html=html, kind=kind,
            origin_side=Side.OPERATIONS if rng.random() < 0.45 else Side.PRODUCT,
            owner_id=rng.choice(owners) if rng.random() < 0.85 else None, status=status,
            estimate_days=Decimal(round(rng.lognormvariate(1.6, 0.9), 1))
            if rng.random() < 0.7 else None,
            estimate_budget=Decimal(rng.randrange(1, 500) * 1000) if rng.random() < 0.3 else None,
            created_by_id=owners[0], search_text=Composer.search_text(title, description),
            created_at=created, updated_at=created + timedelta(days=rng.random() * 30),
        )  # fmt: skip

    def _tag_links(self, pk: int, tags: list[Tag]) -> list:
        count = self.rng.choices((0, 1, 2, 3), weights=(25, 40, 25, 10))[0]
        picked = set(self.rng.choices(tags, cum_weights=TAG_WEIGHTS, k=count))
        return [{"requirement_id": pk, "tag_id": t.pk} for t in picked]

    def _score(self, req: dict, criteria: dict[str, Criterion]) -> list[dict]:
        """2-4 scorers over their lens's criteria; a sixth of items split the lenses sharply."""
        rng, card = self.rng, self.card
        pairs = [SCORERS[0], SCORERS[2], *rng.sample([SCORERS[1], SCORERS[3]], rng.randint(0, 2))]
        base = rng.uniform(2, 9)
        split = rng.uniform(3, 6) if rng.random() < 0.17 else 0
        rows, domain_scores = [], []
        for username, lens in pairs:
            user = self.users[username]
            centre = base + (split if lens is scoring.Lens.OPERATIONS else -split / 2)
            for c in card.criteria:
                if c.lens is not lens:
                    continue
                value = float(min(10, max(0, round(rng.gauss(centre, 1.5)))))
                rows.append({"workspace_id": self.workspace.pk, "requirement_id": req["id"],
                             "criterion_id": criteria[c.key].pk, "scorer_id": user.pk,
                             "value": value, "created_at": req["created_at"],
                             "updated_at": req["created_at"]})  # fmt: skip
                domain_scores.append(scoring.Score(c.key, str(user.pk), value))
        _apply_evaluation(req, scoring.evaluate(card, domain_scores))
        return rows

    # Customers and feedback --------------------------------------------------------------

    def _customers(self) -> list[tuple[int, object]]:
        """Insert customers with Pareto values (α≈1.16: the 80/20 rule); returns (id, name)."""
        rng, first = self.rng, _next_id(Customer)
        values = {first + i: round(rng.paretovariate(1.16) * 5000, 2)
                  for i in range(self.size.customers)}  # fmt: skip
        classes = segments.segment(values)
        rows, names = [], []
        for pk, value in values.items():
            name = self.compose.customer_name(pk - first + 1)
            names.append((pk, name))
            created = self._when(3 * 365)
            rows.append({"id": pk, "workspace_id": self.workspace.pk, "name": name.text,
                         "value": Decimal(str(value)), "segment": classes[pk],
                         "churn_risk": rng.random() < 0.05, "external_id": f"CRM-{pk:07d}",
                         "created_at": created, "updated_at": created})  # fmt: skip
        self._insert(Customer, rows)
        return names

    def _feedback(self, modules: list[int], customers: list[tuple[int, object]]) -> None:
        rng, n = self.rng, self.size.feedback
        first_req = self.first_requirement
        # Popular requirements attract most feedback: index ~ n·u³, scattered by a coprime step.
        step = 7919 if math.gcd(7919, len(modules)) == 1 else 1
        channels = _weighted(rng, CHANNELS, n)
        rows = []
        for i in range(n):
            linked = rng.random() < LINKED_SHARE
            index = int(len(modules) * rng.random() ** 3) * step % len(modules) if linked else None
            module = modules[index] if index is not None else rng.randrange(len(MODULES))
            text = self.compose.feedback(module, channels[i])
            customer = customers[rng.randrange(len(customers))] if rng.random() < 0.9 else None
            pieces = (text,) + ((customer[1],) if customer else ())
            received = self._when()
            rows.append(dict(
                workspace_id=self.workspace.pk, text=text.text, channel=channels[i],
                customer_id=customer[0] if customer else None, received_on=received.date(),
                status="linked" if linked else ("dismissed" if rng.random() < 0.2 else "new"),
                requirement_id=first_req + index if linked else None,
                search_text=Composer.search_text(*pieces), created_at=received,
                updated_at=received,
            ))  # fmt: skip
            if len(rows) == self.batch:
                self._insert(Feedback, rows)
                rows = []
        self._insert(Feedback, rows)

    def _demand(self) -> None:
        """Each requirement's distinct asking customers: total value, count, best segment."""
        r, f, c = (m._meta.db_table for m in (Requirement, Feedback, Customer))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {r} SET demand_value = d.total, demand_customers = d.n, "
                f"top_segment = d.best FROM (SELECT p.requirement_id, SUM(c.value) AS total, "
                f"COUNT(*) AS n, MIN(c.segment) AS best FROM (SELECT DISTINCT requirement_id, "
                f"customer_id FROM {f} WHERE workspace_id = %s AND requirement_id IS NOT NULL "
                f"AND customer_id IS NOT NULL) p JOIN {c} c ON c.id = p.customer_id "
                f"GROUP BY p.requirement_id) d WHERE {r}.id = d.requirement_id",
                [self.workspace.pk],
            )

    def _reset_sequences(self) -> None:
        """PostgreSQL: explicit ids were inserted, so move the id sequences past them."""
        if connection.vendor != "postgresql":
            return
        sql = connection.ops.sequence_reset_sql(no_style(), [Requirement, Customer])
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


# Values the drivers take as they are; every other type goes through its field's preparation.
_PLAIN = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "FloatField",
    "ForeignKey", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "SlugField", "SmallIntegerField", "TextField",
}  # fmt: skip


def fast_insert(model, rows: list[dict]) -> None:
    """Insert rows given as ``{attname: value}`` (missing fields take their default) without
    building model instances or compiling SQL per value — several times faster than
    ``bulk_create``. Values are prepared as Django would, then sent with ``executemany``
    (SQLite) or ``COPY`` (PostgreSQL). No signals, no returned ids: set ``id`` to link rows."""
    if not rows:
        return
    conn = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and "id" not in rows[0])]
    plan = [(f.attname, f.get_default(), _preparer(f, conn)) for f in fields]
    values = [
        tuple(prep(row.get(name, default)) if prep else row.get(name, default)
              for name, default, prep in plan)
        for row in rows
    ]  # fmt: skip
    table = conn.ops.quote_name(model._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(f.column) for f in fields)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)


def _preparer(field, conn):
    if field.get_internal_type() in _PLAIN:
        return None
    return lambda value: field.get_db_prep_save(value, conn)


def _apply_evaluation(req: dict, ev: scoring.Evaluation) -> None:
    # The same derived fields, in the same shape, as scoring a requirement in the app.
    req.update(requirement_scoring._derived(ev))
