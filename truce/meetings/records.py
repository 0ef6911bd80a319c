"""What a meeting leaves behind: decisions (immutable, superseded rather than edited) and
action items (owned, due, reminded on the morning they are due).

Events emitted here (``data`` keys):
- ``decision.recorded``: number, question, outcome, meeting_id, supersedes (number or None),
  requirements (numbers), recipients (user ids: the decider and the meeting's attendees);
- ``action.assigned``: action_id, owner_id, due (ISO date), recipients ([owner_id]);
- ``action.due``: the same, sent once on the due date's morning while the item is open.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import Membership, Workspace
from truce.core import events
from truce.core.access import WorkspaceAccess
from truce.core.errors import Conflict, ValidationFailed, validation_from_django
from truce.core.text import index_text
from truce.meetings.models import ActionItem, ActionStatus, Decision, Meeting, MeetingStatus

REMINDER_TIME = time(9, 0)  # the morning of the due date, in the server's time zone
ACTION_FIELDS = ["title", "owner", "due", "status"]


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


EARLIEST, LATEST = date(1970, 1, 1), date(9000, 12, 31)


def _check_day(value, field: str) -> None:
    day = value.date() if isinstance(value, datetime) else value
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValidationFailed(fields={field: [_("Choose a date between 1970 and 9000.")]})


def _check_member(workspace, user, field: str) -> None:
    if user is None or not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationFailed(fields={field: [_("Choose a member of this workspace.")]})


# Decisions -----------------------------------------------------------------------------------


def _next_number(workspace) -> int:
    Workspace.objects.select_for_update().filter(pk=workspace.pk).exists()
    top = Decision.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def _check_links(ctx, meeting, supersedes, requirements, key_results, campaigns) -> None:
    ws = ctx.workspace.pk
    if meeting is not None:
        if meeting.workspace_id != ws:
            raise ValidationFailed(fields={"meeting": [_("Choose a meeting of this workspace.")]})
        if meeting.status == MeetingStatus.SCHEDULED:
            raise ValidationFailed(
                fields={"meeting": [_("Start the meeting before recording its decisions.")]}
            )
    if supersedes is not None and supersedes.workspace_id != ws:
        raise ValidationFailed(fields={"supersedes": [_("Choose a decision of this workspace.")]})
    for name, items in (
        ("requirements", requirements),
        ("key_results", key_results),
        ("campaigns", campaigns),
    ):
        if any(item.workspace_id != ws for item in items):
            raise ValidationFailed(fields={name: [_("Link only items of this workspace.")]})


@transaction.atomic
def decision_record(
    *,
    ctx: WorkspaceAccess,
    question: str,
    product_position: str,
    operations_position: str,
    outcome: str,
    decided_by,
    options: list[str] | None = None,
    product_rationale: str = "",
    operations_rationale: str = "",
    rationale: str = "",
    decided_at: datetime | None = None,
    meeting: Meeting | None = None,
    supersedes: Decision | None = None,
    requirements=(),
    key_results=(),
    campaigns=(),
) -> Decision:
    """Record a decision with both sides' positions. It can never be changed afterwards; to
    change course, record a new decision that ``supersedes`` it."""
    options = [o.strip() for o in (options or []) if o and o.strip()]
    decision = Decision(
        workspace=ctx.workspace,
        number=0,
        question=question.strip(),
        options=options,
        product_position=product_position.strip(),
        product_rationale=product_rationale.strip(),
        operations_position=operations_position.strip(),
        operations_rationale=operations_rationale.strip(),
        outcome=outcome.strip(),
        rationale=rationale.strip(),
        decided_by=decided_by,
        decided_at=decided_at or timezone.now(),
        recorded_by=ctx.membership.user,
        meeting=meeting,
        supersedes=supersedes,
    )
    _clean(decision, exclude=["number", "supersedes", "meeting", "workspace", "decided_by"])
    if any(len(o) > 200 for o in options) or len(options) > 20:
        raise ValidationFailed(fields={"options": [_("Up to 20 options of 200 characters.")]})
    _check_member(ctx.workspace, decided_by, "decided_by")
    _check_day(decision.decided_at, "decided_at")
    requirements, key_results, campaigns = list(requirements), list(key_results), list(campaigns)
    _check_links(ctx, meeting, supersedes, requirements, key_results, campaigns)
    if supersedes is not None and Decision.objects.filter(supersedes=supersedes).exists():
        raise Conflict(_("%(ref)s has already been superseded.") % {"ref": supersedes.ref})
    decision.number = _next_number(ctx.workspace)
    decision.search_text = index_text(
        decision.question,
        " ".join(options),
        decision.product_position,
        decision.product_rationale,
        decision.operations_position,
        decision.operations_rationale,
        decision.outcome,
        decision.rationale,
    )
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        raise Conflict(_("Someone recorded a decision at the same moment; try again.")) from None
    decision.requirements.set(requirements)
    decision.key_results.set(key_results)
    decision.campaigns.set(campaigns)
    _announce(ctx, decision, requirements)
    return decision


def _announce(ctx: WorkspaceAccess, decision: Decision, requirements) -> None:
    recipients = {decision.decided_by_id}
    if decision.meeting_id:
        recipients |= set(decision.meeting.attendance.values_list("user_id", flat=True))
    events.emit(
        workspace=ctx.workspace,
        kind="decision.recorded",
        actor=ctx.membership.user,
        subject=decision,
        title=f"{decision.ref} {decision.question}",
        url=reverse("meetings:decision", args=[ctx.workspace.slug, decision.number]),
        data={
            "number": decision.number,
            "question": decision.question,
            "outcome": decision.outcome,
            "meeting_id": decision.meeting_id,
            "supersedes": decision.supersedes.number if decision.supersedes else None,
            "requirements": [r.number for r in requirements],
            "recipients": sorted(r for r in recipients if r),
        },
    )


# Action items --------------------------------------------------------------------------------


def _action_url(action: ActionItem) -> str:
    return reverse("meetings:action", args=[action.workspace.slug, action.pk])


def _action_event(ctx_or_none, action: ActionItem, kind: str) -> None:
    events.emit(
        workspace=action.workspace,
        kind=kind,
        actor=ctx_or_none.membership.user if ctx_or_none else None,
        subject=action,
        title=action.title,
        url=_action_url(action),
        data={
            "action_id": action.pk,
            "owner_id": action.owner_id,
            "due": action.due.isoformat(),
            "recipients": [action.owner_id],
        },
    )


@transaction.atomic
def action_create(
    *,
    ctx: WorkspaceAccess,
    title: str,
    owner,
    due: date,
    meeting: Meeting | None = None,
    decision: Decision | None = None,
) -> ActionItem:
    action = ActionItem(
        workspace=ctx.workspace,
        title=title.strip(),
        owner=owner,
        due=due,
        meeting=meeting,
        decision=decision,
        created_by=ctx.membership.user,
    )
    _clean(action, exclude=["owner", "meeting", "decision", "workspace"])
    _check_day(action.due, "due")
    _check_member(ctx.workspace, owner, "owner")
    for name, obj in (("meeting", meeting), ("decision", decision)):
        if obj is not None and obj.workspace_id != ctx.workspace.pk:
            raise ValidationFailed(fields={name: [_("Link only items of this workspace.")]})
    action.save()
    _action_event(ctx, action, "action.assigned")
    schedule_reminder(action)
    return action


@transaction.atomic
def action_update(
    *, ctx: WorkspaceAccess, action: ActionItem, expected_version: int | None, **fields
) -> ActionItem:
    """Change title, owner, due date or status. A new owner is told; a new due date gets a
    new reminder (the old one finds the date changed and sends nothing)."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    before_owner, before_due = action.owner_id, action.due
    for name, value in fields.items():
        setattr(action, name, value.strip() if name == "title" else value)
    _clean(action, exclude=["owner", "meeting", "decision", "workspace"])
    _check_day(action.due, "due")
    _check_member(ctx.workspace, action.owner, "owner")
    update = list(fields)
    if "status" in fields:
        action.completed_at = timezone.now() if action.status == ActionStatus.DONE else None
        update.append("completed_at")
    if action.due != before_due:
        action.reminded_at = None
        update.append("reminded_at")
    action.save_versioned(expected_version=expected_version, update_fields=update)
    if action.owner_id != before_owner:
        _action_event(ctx, action, "action.assigned")
    if action.due != before_due and action.status == ActionStatus.OPEN:
        schedule_reminder(action)
    return action


def reminder_moment(due: date) -> datetime:
    """The morning of ``due`` in the server's time zone, as an aware datetime."""
    return datetime.combine(due, REMINDER_TIME, tzinfo=ZoneInfo(settings.TIME_ZONE))


def schedule_reminder(action: ActionItem) -> None:
    """After commit, enqueue the reminder for the due date's morning (at once if that is past,
    or if the task backend cannot defer: the task itself waits for the morning)."""
    from truce.meetings.tasks import remind_action

    when = reminder_moment(action.due)
    action_id, due = action.pk, action.due.isoformat()

    def enqueue() -> None:
        task = remind_action
        if task.get_backend().supports_defer and when > timezone.now():
            task = task.using(run_after=when)
        task.enqueue(action_id=action_id, due=due)

    transaction.on_commit(enqueue)


def action_remind(*, action_id: int, due: str, now: datetime | None = None) -> bool:
    """Send the due reminder if it is still wanted: the item is open, still due that day, the
    morning has come, and no reminder went out for it yet. Returns whether one was sent.

    The claim (setting ``reminded_at``) is one conditional UPDATE, so two workers running the
    same task cannot both send."""
    now = now or timezone.now()
    try:
        day = date.fromisoformat(due)
    except ValueError:
        return False
    if now < reminder_moment(day):
        return False
    with transaction.atomic():
        claimed = ActionItem.objects.filter(
            pk=action_id, status=ActionStatus.OPEN, due=day, reminded_at__isnull=True
        ).update(reminded_at=now)
        if not claimed:
            return False
        action = ActionItem.objects.select_related("workspace").get(pk=action_id)
        _action_event(None, action, "action.due")
    return True
