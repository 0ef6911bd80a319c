"""Writes to conflicts: open by hand or from detected causes, argue with evidence, escalate,
decide. Every function is atomic.

Detection (``detect``) scans what the other modules already know — contested requirements,
over-committed pools, RACI overlaps, launch date clashes — and opens one conflict per cause
(the partial unique constraint on ``key`` holds even when two detections race). It runs as a
task after the events that can create a cause, and from the conflicts page.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from truce.accounts.models import Workspace
from truce.conflicts.models import Conflict, Evidence, Side, Source, Status
from truce.core import events, history
from truce.core.access import WorkspaceAccess
from truce.core.concurrency import refuse_stale
from truce.core.errors import Conflict as ConflictError
from truce.core.errors import PermissionDenied, ValidationFailed
from truce.core.models import ChangeRecord
from truce.domain import conflict as rules

EDITABLE = ["title", "product_position", "operations_position"]
_CLOSED_REQUIREMENTS = ("released", "reviewed", "rejected")


def _check_write(ctx: WorkspaceAccess) -> None:
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def _next_number(workspace) -> int:
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    top = Conflict.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def url_of(conflict: Conflict) -> str:
    return reverse("conflicts:detail", args=[conflict.workspace.slug, conflict.number])


def _emit(workspace, actor, conflict: Conflict, kind: str, **data):
    return events.emit(
        workspace=workspace,
        kind=kind,
        actor=actor,
        subject=conflict,
        title=conflict.title,
        url=url_of(conflict),
        data={"number": conflict.number, "status": conflict.status, "source": conflict.source,
              **data},
    )  # fmt: skip


def _record(ctx, conflict, verb, changes=None) -> None:
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=conflict,
        verb=verb,
        changes=changes or {},
    )


def _subject(ctx, requirement=None, campaign=None, launch=None) -> dict:
    """Subjects must belong to the workspace (numbers are resolved by the callers)."""
    for field, obj in (("requirement", requirement), ("campaign", campaign), ("launch", launch)):
        if obj is not None and obj.workspace_id != ctx.workspace.pk:
            raise ValidationFailed(fields={field: [_("Choose one of this workspace.")]})
    return {"requirement": requirement, "campaign": campaign, "launch": launch}


@transaction.atomic
def conflict_open(
    *,
    ctx: WorkspaceAccess,
    title: str,
    product_position: str = "",
    operations_position: str = "",
    requirement=None,
    campaign=None,
    launch=None,
) -> Conflict:
    """Open a conflict by hand: at least a title; each side states its position."""
    _check_write(ctx)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(fields={"title": [_("Say what the disagreement is about.")]})
    if len(title) > 300:
        raise ValidationFailed(fields={"title": [_("At most 300 characters.")]})
    conflict = Conflict.objects.create(
        workspace=ctx.workspace,
        number=_next_number(ctx.workspace),
        title=title,
        source=Source.MANUAL,
        product_position=product_position or "",
        operations_position=operations_position or "",
        created_by=ctx.membership.user,
        **_subject(ctx, requirement, campaign, launch),
    )
    _record(ctx, conflict, ChangeRecord.Verb.CREATED)
    _emit(ctx.workspace, ctx.membership.user, conflict, "conflict.opened")
    return conflict


@transaction.atomic
def conflict_update(
    *, ctx: WorkspaceAccess, conflict: Conflict, expected_version: int | None, **fields
) -> Conflict:
    """Change the title or a side's position (each side usually edits its own)."""
    _check_write(ctx)
    refuse_stale(conflict, expected_version)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    if conflict.status == Status.DECIDED:
        raise ConflictError(_("A decided conflict is on record and no longer changes."))
    if "title" in fields and not (fields["title"] or "").strip():
        raise ValidationFailed(fields={"title": [_("Say what the disagreement is about.")]})
    before = history.snapshot(conflict, EDITABLE)
    for k, v in fields.items():
        setattr(conflict, k, (v or "").strip() if k == "title" else (v or ""))
    conflict.save_versioned(expected_version=expected_version, update_fields=EDITABLE)
    changes = history.diff(before, history.snapshot(conflict, EDITABLE))
    if changes:
        _record(ctx, conflict, ChangeRecord.Verb.UPDATED, changes)
    return conflict


@transaction.atomic
def evidence_add(
    *, ctx: WorkspaceAccess, conflict: Conflict, side: str, label: str, url: str = ""
) -> Evidence:
    _check_write(ctx)
    if side not in Side.values:
        raise ValidationFailed(fields={"side": [_("Choose product or operations.")]})
    label, url = (label or "").strip(), (url or "").strip()
    if not label:
        raise ValidationFailed(fields={"label": [_("Describe the evidence.")]})
    if len(label) > 300:
        raise ValidationFailed(fields={"label": [_("At most 300 characters.")]})
    if url and not (url.startswith(("https://", "http://", "/")) and len(url) <= 500):
        raise ValidationFailed(
            fields={"url": [_("Give a web address (https://…) or a path in Truce (/w/…).")]}
        )
    if conflict.status == Status.DECIDED:
        raise ConflictError(_("A decided conflict is on record and no longer changes."))
    item = Evidence.objects.create(
        conflict=conflict, side=side, label=label, url=url, added_by=ctx.membership.user
    )
    _record(ctx, conflict, ChangeRecord.Verb.UPDATED, {"evidence": [None, label]})
    return item


@transaction.atomic
def evidence_remove(*, ctx: WorkspaceAccess, evidence: Evidence) -> None:
    _check_write(ctx)
    if evidence.conflict.status == Status.DECIDED:
        raise ConflictError(_("A decided conflict is on record and no longer changes."))
    _record(ctx, evidence.conflict, ChangeRecord.Verb.UPDATED, {"evidence": [evidence.label, None]})
    evidence.delete()


@transaction.atomic
def conflict_move(
    *, ctx: WorkspaceAccess, conflict: Conflict, status: str, expected_version: int | None
) -> Conflict:
    """Start discussing or escalate. Escalating puts the conflict at the top of the next sync
    meeting's agenda (the "conflicts" agenda source) and tells the leads. Deciding goes
    through ``conflict_decide``."""
    _check_write(ctx)
    refuse_stale(conflict, expected_version)
    if status not in Status.values:
        raise ValidationFailed(fields={"status": [_("Choose a valid status.")]})
    if status == Status.DECIDED:
        raise ConflictError(_("A conflict is decided by recording the decision."))
    problem = rules.move_problem(conflict.status, status, has_decision=False)
    if problem:
        raise ConflictError(
            _("A conflict cannot move from “%(old)s” to “%(new)s”.")
            % {"old": conflict.get_status_display(), "new": Status(status).label}
        )
    old = conflict.status
    conflict.status = status
    update = ["status"]
    if status == Status.ESCALATED:
        conflict.escalated_at, conflict.escalated_by = timezone.now(), ctx.membership.user
        update += ["escalated_at", "escalated_by"]
    conflict.save_versioned(expected_version=expected_version, update_fields=update)
    _record(ctx, conflict, ChangeRecord.Verb.STATUS, {"status": [old, status]})
    event = _emit(ctx.workspace, ctx.membership.user, conflict, f"conflict.{status}", previous=old)
    if status == Status.ESCALATED:
        _notify_leads(ctx, event)
    return conflict


def _notify_leads(ctx, event) -> None:
    """Leads are asked to decide an escalation even if they follow nothing."""
    from truce.accounts.models import Membership, Role
    from truce.discussion.notify import notify_users

    leads = Membership.objects.filter(workspace=ctx.workspace, role=Role.LEAD).values_list(
        "user_id", flat=True
    )
    notify_users(event, list(leads), "decision")


@transaction.atomic
def conflict_decide(
    *,
    ctx: WorkspaceAccess,
    conflict: Conflict,
    expected_version: int | None,
    decision=None,
    outcome: str = "",
    rationale: str = "",
    decided_by=None,
) -> Conflict:
    """Close the conflict with a decision: an existing decision record of the workspace, or a
    new one recorded now from the conflict's question and both positions."""
    _check_write(ctx)
    refuse_stale(conflict, expected_version)
    from truce.meetings.records import decision_record

    if conflict.status == Status.DECIDED:
        raise ConflictError(_("This conflict is already decided."))
    if decision is None:
        if not (outcome or "").strip():
            raise ValidationFailed(fields={"outcome": [_("Write down what was decided.")]})
        decision = decision_record(
            ctx=ctx,
            question=conflict.title,
            product_position=conflict.product_position or "—",
            operations_position=conflict.operations_position or "—",
            outcome=outcome,
            rationale=rationale or "",
            decided_by=decided_by or ctx.membership.user,
            requirements=[conflict.requirement] if conflict.requirement_id else [],
            campaigns=[conflict.campaign] if conflict.campaign_id else [],
        )
    elif decision.workspace_id != ctx.workspace.pk:
        raise ValidationFailed(fields={"decision": [_("Choose a decision of this workspace.")]})
    old = conflict.status
    conflict.status, conflict.decision, conflict.decided_at = (
        Status.DECIDED,
        decision,
        timezone.now(),
    )
    conflict.save_versioned(
        expected_version=expected_version, update_fields=["status", "decision", "decided_at"]
    )
    _record(ctx, conflict, ChangeRecord.Verb.STATUS,
            {"status": [old, Status.DECIDED], "decision": [None, decision.ref]})  # fmt: skip
    _emit(ctx.workspace, ctx.membership.user, conflict, "conflict.decided",
          decision=decision.number)  # fmt: skip
    return conflict


# Detection ---------------------------------------------------------------------------------


def _open_detected(workspace, source: str, key: str, title: str, **fields) -> Conflict | None:
    """Open a conflict for ``key`` unless an unresolved one exists; None when it exists."""
    if (
        Conflict.objects.filter(workspace=workspace, key=key)
        .exclude(status=Status.DECIDED)
        .exists()
    ):
        return None
    try:
        with transaction.atomic():
            conflict = Conflict.objects.create(
                workspace=workspace,
                number=_next_number(workspace),
                title=title[:300],
                source=source,
                key=key,
                **fields,
            )
    except IntegrityError:  # a concurrent detection opened it first
        return None
    _emit(workspace, None, conflict, "conflict.opened", detected=True)
    return conflict


def _contested(workspace) -> list[tuple]:
    from truce.requirements.models import Requirement

    found = []
    for r in Requirement.objects.filter(workspace=workspace, contested=True).exclude(
        status__in=_CLOSED_REQUIREMENTS
    )[:200]:
        reasons = (
            "；".join(str(x) for x in (r.contest_reasons or [])[:3]) if r.contest_reasons else ""
        )
        found.append((
            Source.CONTESTED,
            rules.key(Source.CONTESTED, "requirement", r.pk),
            _("Scores disagree on %(ref)s %(title)s") % {"ref": r.ref, "title": r.title},
            {
                "requirement": r,
                "product_position": _("Product lens: %(score)s") % {"score": _fmt(r.product_score)},
                "operations_position": _("Operations lens: %(score)s")
                % {"score": _fmt(r.operations_score)} + (f"\n{reasons}" if reasons else ""),
            },
        ))  # fmt: skip
    return found


def _reason(reason) -> str:
    from django.utils.translation import get_language

    if not isinstance(reason, dict):
        return str(reason)
    zh = (get_language() or "").startswith("zh")
    return str(reason.get("message_zh" if zh else "message_en") or "")


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _overcommitted(workspace) -> list[tuple]:
    try:
        from truce.resources.selectors import utilisation
    except ImportError:  # pragma: no cover - part of Truce
        return []
    found = []
    for slot in utilisation(workspace):
        if not slot.overcommitted:
            continue
        pool = slot.pool
        start = slot.start
        found.append((
            Source.OVERCOMMITTED,
            rules.key(Source.OVERCOMMITTED, "pool", pool.pk, start.isoformat()),
            _("%(pool)s is over-committed in the period from %(start)s") % {"pool": pool.name,
                                                                            "start": start},
            {"pool": pool},
        ))  # fmt: skip
    return found


def _raci_overlaps(workspace) -> list[tuple]:
    from truce.responsibilities.selectors import overlaps

    found = []
    for activity, product_items, operations_items in overlaps(workspace):
        refs = lambda items: ", ".join(r.ref for r in items[:5])  # noqa: E731
        found.append((
            Source.RACI_OVERLAP,
            rules.key(Source.RACI_OVERLAP, "activity", activity.key),
            _("Both sides are accountable for “%(activity)s”") % {"activity": activity.label},
            {
                "product_position": _("Product is accountable on %(refs)s")
                % {"refs": refs(product_items)},
                "operations_position": _("Operations is accountable on %(refs)s")
                % {"refs": refs(operations_items)},
            },
        ))  # fmt: skip
    return found


def _launch_clashes(workspace) -> list[tuple]:
    from truce.launches.models import Launch
    from truce.launches.models import Status as LaunchStatus
    from truce.launches.selectors import warnings_of

    found = []
    open_launches = (
        Launch.objects.filter(workspace=workspace)
        .exclude(status__in=[LaunchStatus.LAUNCHED, LaunchStatus.REVIEWED, LaunchStatus.CANCELLED])
        .prefetch_related("milestones", "campaigns__promotes")[:100]
    )
    for launch in open_launches:
        clashes = warnings_of(launch, list(launch.milestones.all()), list(launch.campaigns.all()))
        if clashes:
            found.append((
                Source.LAUNCH_CLASH,
                rules.key(Source.LAUNCH_CLASH, "launch", launch.pk),
                _("Dates clash in launch L%(n)s %(name)s") % {"n": launch.number,
                                                              "name": launch.name},
                {"launch": launch, "product_position": "\n".join(clashes)},
            ))  # fmt: skip
    return found


DETECTORS = (_contested, _overcommitted, _raci_overlaps, _launch_clashes)


def detect(workspace, language: str = "zh-hans") -> list[Conflict]:
    """Open a conflict for every cause that has none unresolved; returns the new ones. Titles
    are written in ``language`` (the workspace's working language)."""
    opened = []
    # Causes that already have an unresolved conflict (most of them, most of the time) are
    # skipped without a query or a write transaction each; ``_open_detected`` checks again.
    unresolved = set(
        Conflict.objects.filter(workspace=workspace)
        .exclude(status=Status.DECIDED)
        .values_list("key", flat=True)
    )
    with override(language):
        for detector in DETECTORS:
            for source, key, title, fields in detector(workspace):
                if key in unresolved:
                    continue
                with transaction.atomic():
                    conflict = _open_detected(workspace, source, key, str(title), **{
                        k: str(v) if k.endswith("_position") else v for k, v in fields.items()
                    })  # fmt: skip
                if conflict is not None:
                    opened.append(conflict)
    return opened
