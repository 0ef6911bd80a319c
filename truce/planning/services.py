"""Writes of planning: scenarios, runs (started here, executed by a task), adopting a Pareto
point, publishing a run as the period's plan, and signing it.

When the plan is agreed (product, operations and — as the goals settings say — a lead have
signed its current content), its requirements move to "scheduled" through the requirements
workflow and its campaigns to "scheduled"; what cannot move is reported on the plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import Membership
from truce.core import events, faults, history, jobs
from truce.core.access import WorkspaceAccess
from truce.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    TruceError,
    ValidationFailed,
    validation_from_django,
)
from truce.core.models import ChangeRecord
from truce.goals.models import Capacity as SignCapacity
from truce.goals.models import Period
from truce.goals.services import capacity_of, goal_settings_for
from truce.planning import engine, layout
from truce.planning.inputs import build_inputs
from truce.planning.models import PeriodPlan, PlanSignature, Run, RunItem, RunStatus, Scenario
from truce.requirements.models import Requirement, Status
from truce.resources.models import Campaign, CampaignStatus

SCENARIO_FIELDS = [
    "name",
    "description",
    "period",
    "horizon",
    "statuses",
    "tags",
    "side",
    "owner",
    "include_campaigns",
    "picked",
    "mandatory",
    "excluded",
    "product_weight",
    "operations_weight",
    "customer_weight",
    "product_floor",
    "operations_floor",
]
KEY = re.compile(r"^(?:#|R)?(\d{1,9})$|^C(\d{1,9})$", re.IGNORECASE)
LIMITS = {"solve_limit": 30.0, "pareto_limit": 15.0, "explain_budget": 20.0}
EXPLAIN_LIMIT = 5.0


# Item keys ------------------------------------------------------------------------------------


def normalize_key(raw: str) -> str | None:
    """ "#12", "R12", "12" → "R12"; "C3" → "C3"; anything else → None."""
    match = KEY.match(raw.strip())
    if not match:
        return None
    return f"R{int(match[1])}" if match[1] else f"C{int(match[2])}"


def split_keys(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,，、;；]+", text or "") if part]


def _keys(ctx: WorkspaceAccess, raw: Iterable[str], field: str) -> list[str]:
    keys, bad = [], []
    for item in raw:
        key = normalize_key(str(item))
        if key is None:
            bad.append(str(item))
        elif key not in keys:
            keys.append(key)
    numbers = {p: {int(k[1:]) for k in keys if k[0] == p} for p in "RC"}
    found_r = set(
        Requirement.objects.filter(workspace=ctx.workspace, number__in=numbers["R"]).values_list(
            "number", flat=True
        )
    )
    found_c = set(
        Campaign.objects.filter(workspace=ctx.workspace, number__in=numbers["C"]).values_list(
            "number", flat=True
        )
    )
    bad += [f"#{n}" for n in sorted(numbers["R"] - found_r)]
    bad += [f"C{n}" for n in sorted(numbers["C"] - found_c)]
    if bad:
        raise ValidationFailed(
            fields={field: [_("Unknown items: %(items)s.") % {"items": ", ".join(bad[:10])}]}
        )
    return keys


# Scenarios -------------------------------------------------------------------------------------


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _normalize(ctx: WorkspaceAccess, fields: dict) -> dict:
    out = dict(fields)
    for name in ("picked", "mandatory", "excluded"):
        if name in out:
            out[name] = _keys(ctx, out[name] or [], name)
    if "horizon" in out:
        out["horizon"] = sorted({_iso(d) for d in out["horizon"] or []})
    if "statuses" in out:
        unknown = [s for s in out["statuses"] or [] if s not in Status.values]
        if unknown:
            raise ValidationFailed(fields={"statuses": [_("Unknown status.")]})
        out["statuses"] = sorted(set(out["statuses"] or []))
    if "tags" in out:
        out["tags"] = sorted({t.strip()[:40] for t in out["tags"] or [] if t and t.strip()})
    for name in ("name", "description"):
        if name in out:
            out[name] = (out[name] or "").strip()
    return out


def _iso(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationFailed(fields={"horizon": [_("Enter periods as dates.")]}) from None


def _check(ctx: WorkspaceAccess, scenario: Scenario) -> None:
    taken = Scenario.objects.filter(workspace=ctx.workspace, name=scenario.name)
    if taken.exclude(pk=scenario.pk).exists():
        raise ValidationFailed(fields={"name": [_("Another scenario already has this name.")]})
    _clean(scenario)
    if (
        scenario.owner_id
        and not Membership.objects.filter(
            workspace=ctx.workspace, user_id=scenario.owner_id
        ).exists()
    ):
        raise ValidationFailed(
            fields={"owner": [_("The owner must be a member of this workspace.")]}
        )
    if scenario.period is not None and scenario.period.workspace_id != ctx.workspace.pk:
        raise ValidationFailed(fields={"period": [_("Choose a period of this workspace.")]})
    both = set(scenario.mandatory) & set(scenario.excluded)
    if both:
        raise ValidationFailed(
            fields={
                "excluded": [
                    _("An item cannot be both mandatory and excluded: %(items)s.")
                    % {"items": ", ".join(sorted(both))}
                ]
            }
        )
    weights = (scenario.product_weight, scenario.operations_weight, scenario.customer_weight)
    if not any(w > 0 for w in weights):
        raise ValidationFailed(
            fields={"product_weight": [_("At least one weight must be above zero.")]}
        )


def _record(ctx: WorkspaceAccess, subject, verb: str, changes: dict) -> None:
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=subject,
        verb=verb,
        changes=changes,
    )


@transaction.atomic
def scenario_create(*, ctx: WorkspaceAccess, name: str, **fields) -> Scenario:
    _refuse_unknown(fields)
    data = _normalize(ctx, {"name": name, **fields})
    scenario = Scenario(workspace=ctx.workspace, created_by=ctx.membership.user, **data)
    _check(ctx, scenario)
    scenario.save()
    _record(ctx, scenario, ChangeRecord.Verb.CREATED, {"name": [None, scenario.name]})
    return scenario


def _refuse_unknown(fields: dict) -> None:
    unknown = set(fields) - set(SCENARIO_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )


@transaction.atomic
def scenario_update(
    *, ctx: WorkspaceAccess, scenario: Scenario, expected_version: int | None, **fields
) -> Scenario:
    _refuse_unknown(fields)
    data = _normalize(ctx, fields)
    before = history.snapshot(scenario, list(data))
    for name, value in data.items():
        setattr(scenario, name, value)
    _check(ctx, scenario)
    scenario.save_versioned(expected_version=expected_version, update_fields=list(data))
    changes = history.diff(before, history.snapshot(scenario, list(data)))
    if changes:
        _record(ctx, scenario, ChangeRecord.Verb.UPDATED, changes)
    return scenario


@transaction.atomic
def scenario_delete(*, ctx: WorkspaceAccess, scenario: Scenario, expected_version: int) -> None:
    # The version check takes the row lock, so nobody changes the scenario until it is gone.
    scenario.save_versioned(expected_version=expected_version, update_fields=[])
    _record(ctx, scenario, ChangeRecord.Verb.DELETED, {"name": [scenario.name, None]})
    scenario.delete()


# Runs -------------------------------------------------------------------------------------------


@transaction.atomic
def run_start(*, ctx: WorkspaceAccess, scenario: Scenario) -> Run:
    """Snapshot the scenario's inputs now and queue the solve; the page polls the run."""
    from truce.planning.tasks import execute_run

    Scenario.objects.select_for_update().filter(pk=scenario.pk).exists()
    inputs = build_inputs(scenario)
    if not inputs["items"]:
        raise ValidationFailed(_("No requirement or campaign matches this scenario."))
    if not any(amount > 0 for amount in inputs["capacity"].values()):
        raise ValidationFailed(
            _("There is no capacity in the chosen periods: add resource pools and capacity first.")
        )
    top = Run.objects.filter(scenario=scenario).aggregate(n=Max("number"))["n"] or 0
    previous = Run.objects.filter(scenario=scenario, status=RunStatus.DONE).order_by("-id").first()
    run = Run.objects.create(
        workspace=ctx.workspace,
        scenario=scenario,
        number=top + 1,
        previous=previous,
        inputs=inputs,
        created_by=ctx.membership.user,
    )
    faults.pause("run.start")
    transaction.on_commit(lambda: execute_run.enqueue(run_id=run.pk))
    return run


def run_execute(run_id: int, **limits: float) -> Run | None:
    """The task's work: solve, baseline, explanations, Pareto; progress is written as it goes.
    A failure is recorded on the run and raised again (the task runner logs it).

    The worker claims the run (truce.core.jobs) and keeps a heartbeat; every later write is
    conditional on that claim, so a run the reaper has failed (its worker was thought dead)
    never gets a result afterwards."""
    now = timezone.now()
    claim = jobs.claim_fields(now)
    claimed = Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, progress=0.01, **claim
    )
    if not claimed:
        return None  # already taken (a retried task), failed by the reaper, or gone
    run = Run.objects.get(pk=run_id)
    mine = Run.objects.filter(pk=run_id, status=RunStatus.RUNNING, claimed_by=claim["claimed_by"])

    def report(stage: str, fraction: float) -> None:
        mine.update(stage=stage, progress=fraction, heartbeat_at=timezone.now())

    faults.pause("run.solve")
    with jobs.heartbeat(Run, run_id, claim["claimed_by"]):
        try:
            result, timings = engine.run_all(run.inputs, report=report, **(LIMITS | limits))
            if not mine.exists():  # failed meanwhile (the reaper): no result is written
                run.refresh_from_db()
                return run
            summary, rows = _layout_of(run, result)
        except Exception as exc:
            mine.update(status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
            raise
        with transaction.atomic():
            done = mine.update(
                status=RunStatus.DONE,
                progress=1.0,
                stage="",
                result=result,
                summary=summary,
                timings={k: round(v, 4) for k, v in timings.items()},
                finished_at=timezone.now(),
            )
            if done:
                _write_items(run.pk, rows)
    run.refresh_from_db()
    return run


# Layout: what the pages read (truce.planning.layout) --------------------------------------------


def _previous_doc(run: Run) -> dict | None:
    if run.previous_id is None:
        return None
    return Run.objects.filter(pk=run.previous_id).values("number", "inputs", "result").first()


def _layout_of(run: Run, result: dict) -> tuple[dict, list[dict]]:
    summary = layout.summary(run.inputs, result, _previous_doc(run))
    return summary, layout.items(run.inputs, result)


def _write_items(run_id: int, rows: list[dict]) -> None:
    RunItem.objects.filter(run_id=run_id).delete()
    RunItem.objects.bulk_create([RunItem(run_id=run_id, **row) for row in rows], batch_size=500)


@transaction.atomic
def run_lay_out(run: Run) -> dict:
    """Write the finished run's summary and item rows from its documents; returns the summary.
    Runs lay themselves out when they finish; this is for changes and for runs restored from
    a backup taken before layouts existed."""
    _done(run)
    summary, rows = _layout_of(run, run.result)
    Run.objects.filter(pk=run.pk).update(summary=summary)
    _write_items(run.pk, rows)
    run.summary = summary
    return summary


def _refresh_followers(run: Run) -> None:
    """Runs that compare themselves with ``run`` show its current selection."""
    before = {"number": run.number, "inputs": run.inputs, "result": run.result}
    followers = Run.objects.filter(previous=run, status=RunStatus.DONE)
    for after in followers.only("id", "inputs", "result", "summary"):
        if not after.summary:
            continue  # laid out when it is first shown
        after.summary["previous"] = layout.previous(after.inputs, after.result, before)
        Run.objects.filter(pk=after.pk).update(summary=after.summary)


def _done(run: Run) -> None:
    if run.status != RunStatus.DONE:
        raise Conflict(_("This run has not finished."))


@transaction.atomic
def run_adopt(*, ctx: WorkspaceAccess, run: Run, point: int, expected_version: int | None) -> Run:
    """Make Pareto point ``point`` the run's selection."""
    _done(run)
    try:
        run.result = engine.adopt(run.inputs, run.result, point)
    except IndexError:
        raise ValidationFailed(
            fields={"point": [_("No trade-off point with this number.")]}
        ) from None
    run.save_versioned(expected_version=expected_version, update_fields=["result"])
    run_lay_out(run)
    _refresh_followers(run)
    return run


def _run_item(run: Run, item_id: str) -> RunItem:
    if not run.summary:
        run_lay_out(run)  # a run restored from a backup taken before layouts existed
    item = RunItem.objects.filter(run=run, key=item_id).first()
    if item is None:
        raise NotFound()
    return item


def explain_item(*, run: Run, item_id: str) -> dict:
    """The item's row as the pages show it, with why it is in or out of the run's current
    selection: stored when the run was solved, or worked out the first time someone asks
    (from the run's own inputs, at most EXPLAIN_LIMIT seconds) and stored for every later
    reader; concurrent first readers wait for one solve."""
    _done(run)
    item = _run_item(run, item_id)
    if item.data.get("explanation") is not None:
        return item.data
    with transaction.atomic():
        item = RunItem.objects.select_for_update().get(pk=item.pk)
        if item.data.get("explanation") is None:
            item.data = _explain_and_store(run, item)
    return item.data


def _explain_and_store(run: Run, item: RunItem) -> dict:
    docs = Run.objects.filter(pk=run.pk).values("inputs", "result", "version").get()
    inputs, result = docs["inputs"], docs["result"]
    problem = engine.problem_from(inputs)
    found = engine.explain_item(problem, result["selected"], item.key, EXPLAIN_LIMIT)
    field = "explanations" if result.get("adopted") is None else "adopted_explanations"
    result[field] = {**result.get(field, {}), item.key: found}
    rows = {row["id"]: row for row in inputs["items"]}
    data = item.data | {"explanation": layout.explained(rows, found, rows[item.key])}
    # A cache write: only if nobody changed the run meanwhile, and not a new version.
    if Run.objects.filter(pk=run.pk, version=docs["version"]).update(result=result):
        RunItem.objects.filter(pk=item.pk).update(data=data)
    return data


def run_explain(*, run: Run, item_id: str) -> dict:
    """Why an item is in or out of the run's current selection (the optimiser's explanation;
    see explain_item)."""
    explanation = explain_item(run=run, item_id=item_id)["explanation"]
    return {k: v for k, v in explanation.items() if k in layout.EXPLANATION_FIELDS}


# Plans ------------------------------------------------------------------------------------------


def plan_content(run: Run) -> dict:
    rows = {row["id"]: row for row in run.inputs["items"]}
    return {
        "run": run.pk,
        "run_number": run.number,
        "scenario": run.scenario.name,
        "periods": run.inputs["periods"],
        "items": [
            {k: rows[i][k] for k in ("id", "kind", "ref", "title", "side")}
            for i in run.result["selected"]
        ],
        "values": run.result["values"],
    }


def content_hash(period: Period, content: dict) -> str:
    """What is agreed: the period and the funded items (not the run that found them)."""
    plan = {
        "period": [str(period.start), str(period.end)],
        "items": sorted(i["id"] for i in content["items"]),
    }
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def plan_publish(*, ctx: WorkspaceAccess, run: Run) -> PeriodPlan:
    """Make the run's selection its scenario period's plan (replacing an earlier one)."""
    _done(run)
    if not run.result.get("feasible", False):
        raise ValidationFailed(_("This run found no valid plan to publish."))
    period = run.scenario.period
    if period is None:
        raise ValidationFailed(_("Choose the scenario's planning period before publishing."))
    content = plan_content(run)
    fields = {
        "scenario": run.scenario,
        "run": run,
        "content": content,
        "content_hash": content_hash(period, content),
        "published_by": ctx.membership.user,
        "published_at": timezone.now(),
    }
    plan = PeriodPlan.objects.filter(period=period).first()
    if plan is None:
        plan = PeriodPlan.objects.create(workspace=ctx.workspace, period=period, **fields)
    else:
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.save_versioned(expected_version=None, update_fields=list(fields))
    events.emit(
        workspace=ctx.workspace,
        kind="plan.published",
        actor=ctx.membership.user,
        subject=plan,
        title=_("Plan for %(period)s published") % {"period": period.name},
        url=reverse("planning:plan", args=[ctx.workspace.slug, plan.pk]),
        data={
            "period": period.name,
            "scenario": run.scenario.name,
            "run": run.pk,
            "items": [i["id"] for i in content["items"]],
            "hash": plan.content_hash,
        },
    )
    return plan


def required_capacities(workspace) -> list[str]:
    required = [SignCapacity.PRODUCT, SignCapacity.OPERATIONS]
    if goal_settings_for(workspace).requires_lead_signature:
        required.append(SignCapacity.LEAD)
    return [str(c) for c in required]


def is_agreed(plan: PeriodPlan) -> bool:
    have = set(
        PlanSignature.objects.filter(plan=plan, plan_hash=plan.content_hash).values_list(
            "capacity", flat=True
        )
    )
    return all(c in have for c in required_capacities(plan.workspace))


@transaction.atomic
def plan_sign(
    *, ctx: WorkspaceAccess, plan: PeriodPlan, expected_hash: str | None = None
) -> PlanSignature:
    """Sign the plan as it is now (with ``expected_hash``, the hash the signer was shown, only
    if it is still that); the signature that completes agreement schedules its items."""
    capacity = capacity_of(ctx.membership)
    if capacity is None:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    if expected_hash and expected_hash != plan.content_hash:
        raise PreconditionFailed(
            _("The plan changed since you opened this page. Review what changed and sign again.")
        )
    try:
        with transaction.atomic():
            signature = PlanSignature.objects.create(
                workspace=ctx.workspace,
                plan=plan,
                signer=ctx.membership.user,
                capacity=capacity,
                plan_hash=plan.content_hash,
                items=plan.content["items"],
            )
    except IntegrityError:
        raise Conflict(_("You have already signed this version of the plan.")) from None
    agreed = is_agreed(plan)
    if agreed and plan.applied_hash != plan.content_hash:
        plan.apply_report = _schedule(ctx, plan)
        plan.applied_hash = plan.content_hash
        plan.save_versioned(expected_version=None, update_fields=["apply_report", "applied_hash"])
    events.emit(
        workspace=ctx.workspace,
        kind="plan.signed",
        actor=ctx.membership.user,
        subject=plan,
        title=_("Plan for %(period)s signed") % {"period": plan.period.name},
        url=reverse("planning:plan", args=[ctx.workspace.slug, plan.pk]),
        data={"capacity": capacity, "agreed": agreed, "hash": plan.content_hash},
    )
    return signature


def _schedule(ctx: WorkspaceAccess, plan: PeriodPlan) -> dict:
    """Move the plan's requirements and campaigns to "scheduled"; report what cannot move."""

    from truce.resources.services import watch_overcommitment

    numbers = [int(i["id"][1:]) for i in plan.content["items"] if i["kind"] == "requirement"]
    # Locked until commit: each item moves from the status it has now, not from a copy.
    requirements = list(
        Requirement.objects.select_for_update().filter(workspace=ctx.workspace, number__in=numbers)
    )
    numbers = [int(i["id"][1:]) for i in plan.content["items"] if i["kind"] == "campaign"]
    campaigns = list(
        Campaign.objects.select_for_update().filter(workspace=ctx.workspace, number__in=numbers)
    )
    # Scheduling can push a pool over its capacity: that is announced ("pool.overcommitted"),
    # which flags the pool and opens a conflict.
    with watch_overcommitment(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        requirements=requirements,
        campaigns=campaigns,
    ):
        return _schedule_items(ctx, requirements, campaigns)


def _schedule_items(ctx: WorkspaceAccess, requirements, campaigns) -> dict:
    from truce.requirements.services import requirement_move

    report: dict[str, list] = {"moved": [], "already": [], "refused": []}
    ahead = {Status.SCHEDULED, Status.IN_PROGRESS, Status.RELEASED, Status.REVIEWED}
    for req in requirements:
        if req.status in ahead:
            report["already"].append(req.ref)
            continue
        try:
            with transaction.atomic():
                requirement_move(ctx=ctx, requirement=req, status=Status.SCHEDULED)
        except TruceError as exc:
            report["refused"].append({"ref": req.ref, "reason": exc.message})
        else:
            report["moved"].append(req.ref)
    for campaign in campaigns:
        _schedule_campaign(ctx, campaign, report)
    return report


def _schedule_campaign(ctx: WorkspaceAccess, campaign: Campaign, report: dict) -> None:
    ref = f"C{campaign.number}"
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.PROPOSED):
        before = campaign.status
        campaign.status = CampaignStatus.SCHEDULED
        campaign.save_versioned(expected_version=None, update_fields=["status"])
        _record(ctx, campaign, ChangeRecord.Verb.STATUS, {"status": [before, campaign.status]})
        report["moved"].append(ref)
    elif campaign.status == CampaignStatus.CANCELLED:
        report["refused"].append({"ref": ref, "reason": _("The campaign was cancelled.")})
    else:
        report["already"].append(ref)
