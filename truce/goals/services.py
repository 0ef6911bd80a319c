"""Writes to goals: periods, objectives, key results, check-ins, links and sign-offs.

Every function is atomic; changes to objectives and key results are recorded in the history,
which is also what the sign-off panel shows as "changed since the signatures".
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import Membership, Role
from truce.core import history
from truce.core.access import WorkspaceAccess
from truce.core.errors import (
    Conflict,
    PermissionDenied,
    PreconditionFailed,
    ValidationFailed,
    validation_from_django,
)
from truce.core.models import ChangeRecord
from truce.domain import okr
from truce.goals.models import (
    Capacity,
    CheckIn,
    Direction,
    GoalSettings,
    GoalSide,
    KeyResult,
    KeyResultLink,
    Objective,
    Period,
    Signature,
)

OBJECTIVE_FIELDS = ["title", "why", "owner", "side", "parent"]
KEY_RESULT_FIELDS = ["title", "unit", "baseline", "target", "direction", "owner", "weight"]


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _check_owner(workspace, owner) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationFailed(
            fields={"owner": [_("The owner must be a member of this workspace.")]}
        )


def _record(ctx, subject, verb, changes) -> None:
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=subject,
        verb=verb,
        changes=changes,
    )


# Settings and periods ----------------------------------------------------------------------


def goal_settings_for(workspace) -> GoalSettings:
    found, _created = GoalSettings.objects.get_or_create(workspace=workspace)
    return found


@transaction.atomic
def goal_settings_update(
    *, ctx: WorkspaceAccess, requires_lead_signature: bool, expected_version: int | None
) -> GoalSettings:
    if not ctx.is_admin:
        raise PermissionDenied(_("Only workspace admins can do this."))
    found = goal_settings_for(ctx.workspace)
    found.requires_lead_signature = requires_lead_signature
    found.save_versioned(
        expected_version=expected_version, update_fields=["requires_lead_signature"]
    )
    from truce.accounts.models import AuditAction
    from truce.accounts.services import audit

    audit(
        action=AuditAction.WORKSPACE_UPDATED,
        actor=ctx.membership.user,
        workspace=ctx.workspace,
        target=ctx.workspace,
        requires_lead_signature=requires_lead_signature,
    )
    return found


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


@transaction.atomic
def period_create(*, ctx: WorkspaceAccess, name: str, start: date, end: date) -> Period:
    period = Period(
        workspace=ctx.workspace,
        name=name.strip(),
        start=start,
        end=end,
        created_by=ctx.membership.user,
    )
    if start > end:
        raise ValidationFailed(fields={"end": [_("The last day must not be before the first.")]})
    _clean(period)
    period.save()
    return period


# Objectives ----------------------------------------------------------------------------------


def _check_parent(objective: Objective, parent: Objective | None) -> None:
    if parent is None:
        return
    if parent.workspace_id != objective.workspace_id:
        raise ValidationFailed(fields={"parent": [_("Choose an objective of this workspace.")]})
    node, seen = parent, set()
    while node is not None and node.pk not in seen:
        if node.pk == objective.pk:
            raise ValidationFailed(
                fields={"parent": [_("An objective cannot sit under one of its own children.")]}
            )
        seen.add(node.pk)
        node = node.parent


@transaction.atomic
def objective_create(
    *,
    ctx: WorkspaceAccess,
    period: Period,
    title: str,
    why: str = "",
    owner=None,
    side: str = GoalSide.JOINT,
    parent: Objective | None = None,
) -> Objective:
    objective = Objective(
        workspace=ctx.workspace,
        period=period,
        title=title.strip(),
        why=why,
        owner=owner,
        side=side,
        parent=parent,
    )
    _check_owner(ctx.workspace, owner)
    _clean(objective)
    _check_parent(objective, parent)
    objective.save()
    _record(ctx, objective, ChangeRecord.Verb.CREATED, {"title": [None, objective.title]})
    return objective


@transaction.atomic
def objective_update(
    *, ctx: WorkspaceAccess, objective: Objective, expected_version: int | None, **fields
) -> Objective:
    _refuse_unknown(fields, OBJECTIVE_FIELDS)
    before = history.snapshot(objective, OBJECTIVE_FIELDS)
    for name, value in fields.items():
        setattr(objective, name, value.strip() if name == "title" else value)
    _check_owner(ctx.workspace, objective.owner)
    _clean(objective)
    _check_parent(objective, objective.parent)
    objective.save_versioned(expected_version=expected_version, update_fields=list(fields))
    changes = history.diff(before, history.snapshot(objective, OBJECTIVE_FIELDS))
    if changes:
        _record(ctx, objective, ChangeRecord.Verb.UPDATED, changes)
    return objective


def _refuse_unknown(fields: dict, allowed: list[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )


# Key results ---------------------------------------------------------------------------------


def _check_direction(kr: KeyResult) -> None:
    """A target on the wrong side of the baseline would make progress run backwards."""
    if kr.direction == Direction.UP and kr.target < kr.baseline:
        raise ValidationFailed(
            fields={
                "target": [_("When higher is better, the target must not be below the baseline.")]
            }
        )
    if kr.direction == Direction.DOWN and kr.target > kr.baseline:
        raise ValidationFailed(
            fields={
                "target": [_("When lower is better, the target must not be above the baseline.")]
            }
        )


@transaction.atomic
def key_result_create(
    *,
    ctx: WorkspaceAccess,
    objective: Objective,
    title: str,
    baseline: float,
    target: float,
    unit: str = "",
    direction: str = Direction.UP,
    owner=None,
    weight: float = 1.0,
) -> KeyResult:
    kr = KeyResult(
        workspace=ctx.workspace,
        objective=objective,
        title=title.strip(),
        unit=unit,
        baseline=baseline,
        target=target,
        current=baseline,
        direction=direction,
        owner=owner,
        weight=weight,
    )
    _check_owner(ctx.workspace, owner)
    _clean(kr)
    _check_direction(kr)
    kr.save()
    _record(ctx, kr, ChangeRecord.Verb.CREATED, {"title": [None, kr.title]})
    return kr


@transaction.atomic
def key_result_update(
    *, ctx: WorkspaceAccess, key_result: KeyResult, expected_version: int | None, **fields
) -> KeyResult:
    _refuse_unknown(fields, KEY_RESULT_FIELDS)
    before = history.snapshot(key_result, KEY_RESULT_FIELDS)
    for name, value in fields.items():
        setattr(key_result, name, value.strip() if name == "title" else value)
    _check_owner(ctx.workspace, key_result.owner)
    _clean(key_result)
    _check_direction(key_result)
    key_result.save_versioned(expected_version=expected_version, update_fields=list(fields))
    changes = history.diff(before, history.snapshot(key_result, KEY_RESULT_FIELDS))
    if changes:
        _record(ctx, key_result, ChangeRecord.Verb.UPDATED, changes)
    return key_result


@transaction.atomic
def check_in_create(
    *, ctx: WorkspaceAccess, key_result: KeyResult, value: float, confidence: float, note: str = ""
) -> CheckIn:
    """Record a reading; it becomes the key result's current value and confidence. Check-ins
    track progress, not the plan, so they do not reopen a signed goal set."""
    check_in = CheckIn(
        workspace=ctx.workspace,
        key_result=key_result,
        value=value,
        confidence=confidence,
        note=note.strip(),
        author=ctx.membership.user,
    )
    _clean(check_in)
    check_in.save()
    key_result.current, key_result.confidence = value, confidence
    key_result.save_versioned(expected_version=None, update_fields=["current", "confidence"])
    return check_in


# Links to requirements -----------------------------------------------------------------------


@transaction.atomic
def link_add(
    *, ctx: WorkspaceAccess, key_result: KeyResult, requirement, contribution: str = ""
) -> KeyResultLink:
    if requirement.workspace_id != ctx.workspace.pk:
        raise ValidationFailed(fields={"number": [_("Choose a requirement of this workspace.")]})
    link = KeyResultLink(
        workspace=ctx.workspace,
        key_result=key_result,
        requirement=requirement,
        contribution=contribution.strip(),
    )
    _clean(link, exclude=["key_result", "requirement"])
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise Conflict(
            _("%(ref)s is already linked to this key result.") % {"ref": requirement.ref}
        ) from None
    _record(ctx, key_result, ChangeRecord.Verb.LINKED, {"requirement": [None, requirement.ref]})
    _rescore_if_fit_follows_goals(requirement)
    return link


def _rescore_if_fit_follows_goals(requirement) -> None:
    """With the scorecard option on, a link changes the requirement's strategic fit."""
    from truce.requirements.scoring import derives_fit, requirement_rescore, scorecard_for

    card, criteria = scorecard_for(requirement.workspace)
    if derives_fit(card, criteria) is not None:
        requirement_rescore(requirement, card, criteria)


@transaction.atomic
def link_remove(*, ctx: WorkspaceAccess, key_result: KeyResult, requirement) -> None:
    deleted, _n = KeyResultLink.objects.filter(
        key_result=key_result, requirement=requirement
    ).delete()
    if deleted:
        _record(
            ctx, key_result, ChangeRecord.Verb.UNLINKED, {"requirement": [requirement.ref, None]}
        )
        _rescore_if_fit_follows_goals(requirement)


# Sign-off ------------------------------------------------------------------------------------


def goal_hash(period: Period) -> str:
    """Fingerprint of what was agreed: every objective's and key result's plan fields (not
    check-in values). Any change to them changes the hash, so older signatures stop counting."""
    objectives = list(
        Objective.objects.filter(period=period)
        .order_by("pk")
        .values("pk", "title", "why", "owner_id", "side", "parent_id")
    )
    key_results = list(
        KeyResult.objects.filter(objective__period=period)
        .order_by("pk")
        .values(
            "pk",
            "objective_id",
            "title",
            "unit",
            "baseline",
            "target",
            "direction",
            "owner_id",
            "weight",
        )
    )
    plan = {"period": [str(period.start), str(period.end)], "o": objectives, "k": key_results}
    return hashlib.sha256(json.dumps(plan, sort_keys=True, default=str).encode()).hexdigest()


def capacity_of(membership: Membership) -> str | None:
    if membership.role == Role.LEAD:
        return Capacity.LEAD
    if membership.role == Role.VIEWER:
        return None
    return membership.side


@transaction.atomic
def period_sign(
    *, ctx: WorkspaceAccess, period: Period, expected_hash: str | None = None
) -> Signature:
    """Sign the goal set as it is now; with ``expected_hash`` (the hash the signer was shown),
    only if it is still that: nobody signs goals they have not seen."""
    capacity = capacity_of(ctx.membership)
    if capacity is None:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    current = goal_hash(period)
    if expected_hash and expected_hash != current:
        raise PreconditionFailed(
            _("The goals changed since you opened this page. Review what changed and sign again.")
        )
    if not Objective.objects.filter(period=period).exists():
        raise ValidationFailed(_("Add at least one objective before signing."))
    try:
        with transaction.atomic():
            return Signature.objects.create(
                workspace=ctx.workspace,
                period=period,
                signer=ctx.membership.user,
                capacity=capacity,
                goal_hash=current,
            )
    except IntegrityError:
        raise Conflict(_("You have already signed this version of the goals.")) from None


# Strategic fit -------------------------------------------------------------------------------


def strategic_fit_for(requirement, *, today: date | None = None) -> float:
    """A 0–10 "strategic fit" suggestion for a requirement from the key results it moves:
    more for key results at risk and for joint objectives (see okr.strategic_fit)."""
    links = KeyResultLink.objects.filter(requirement=requirement).select_related(
        "key_result__objective__period"
    )
    today = today or timezone.localdate()
    linked = []
    for link in links:
        kr = link.key_result
        period = kr.objective.period
        assessment = okr.assess(state_of(kr), okr.elapsed(period.start, period.end, today))
        linked.append(
            okr.LinkedKeyResult(
                at_risk=assessment.at_risk,
                joint=kr.objective.side == GoalSide.JOINT,
                weight=kr.weight,
            )
        )
    return okr.strategic_fit(linked)


def state_of(kr: KeyResult) -> okr.KeyResultState:
    return okr.KeyResultState(
        baseline=kr.baseline,
        target=kr.target,
        current=kr.current,
        direction=kr.direction,
        confidence=kr.confidence,
        weight=kr.weight,
    )
