"""Writes for customers and feedback (客户之声). Every function is atomic and records history.

Two derived values are kept here and nowhere else:

- ``Customer.segment`` (A/B/C), recomputed for the whole workspace whenever a value changes,
  because one customer's value moves everyone's share;
- a requirement's demand (``demand_value``, ``demand_customers``, ``top_segment``), recomputed
  whenever feedback is linked or unlinked, or a linked customer's value or segment changes.

Neither bumps ``version``: they are not user edits, so they must not make someone's open edit
form stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from truce.accounts.models import Workspace
from truce.core import history
from truce.core.access import WorkspaceAccess
from truce.core.errors import ValidationFailed, validation_from_django
from truce.core.models import ChangeRecord
from truce.core.text import index_text
from truce.customers.models import Customer, Feedback, SegmentPolicy
from truce.domain.segments import SegmentThresholds, segment
from truce.requirements.models import Requirement

CUSTOMER_FIELDS = ["name", "value", "churn_risk", "notes", "external_id"]
FEEDBACK_FIELDS = ["text", "customer", "channel", "received_on"]
BATCH = 500  # ids per IN (…) clause, well below SQLite's and PostgreSQL's parameter limits


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


def _chunks(ids: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _record(ctx: WorkspaceAccess, subject, verb: str, changes: dict | None = None) -> None:
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=subject,
        verb=verb,
        changes=changes,
    )


# Segments ------------------------------------------------------------------------------------


def segment_policy_of(workspace: Workspace) -> SegmentPolicy:
    """The workspace's thresholds, created with the defaults (80 % / 15 %) on first use."""
    policy, _ = SegmentPolicy.objects.get_or_create(workspace=workspace)
    return policy


@transaction.atomic
def segment_policy_update(
    *, ctx: WorkspaceAccess, a_share: float, b_share: float, expected_version: int | None
) -> SegmentPolicy:
    policy = segment_policy_of(ctx.workspace)
    before = history.snapshot(policy, ["a_share", "b_share"])
    policy.a_share, policy.b_share = a_share, b_share
    _clean(policy, exclude=["workspace"])
    if a_share + b_share > 1 + 1e-9:
        # xgettext:no-python-format
        message = _("A and B together cannot hold more than 100% of the value.")
        raise ValidationFailed(fields={"b_share": [message]})
    policy.save_versioned(expected_version=expected_version, update_fields=["a_share", "b_share"])
    changes = history.diff(before, history.snapshot(policy, ["a_share", "b_share"]))
    if changes:
        _record(ctx, policy, ChangeRecord.Verb.UPDATED, changes)
        segments_recompute(ctx.workspace)
    return policy


@transaction.atomic
def segments_recompute(workspace: Workspace) -> set[int]:
    """Re-run the ABC rule over every customer; write only the segments that changed.

    Returns the ids of customers whose segment changed; the demand of the requirements they
    ask for is refreshed too (their ``top_segment`` may have changed).
    """
    # Lock the policy row so two recomputes of one workspace run one after the other, and the
    # second reads the values the first committed (PostgreSQL; SQLite serialises writers).
    policy = SegmentPolicy.objects.select_for_update().get(pk=segment_policy_of(workspace).pk)
    thresholds = SegmentThresholds(a_share=policy.a_share, b_share=policy.b_share)
    rows = list(Customer.objects.filter(workspace=workspace).values_list("pk", "value", "segment"))
    fresh = segment({pk: float(value) for pk, value, _ in rows}, thresholds)
    moved: dict[str, list[int]] = {}
    for pk, _value, current in rows:
        if fresh[pk] != current:
            moved.setdefault(fresh[pk], []).append(pk)
    # One UPDATE per segment and chunk, not one per customer: 20,000 moves are ~40 statements.
    for name, ids in moved.items():
        for chunk in _chunks(ids):
            Customer.objects.filter(pk__in=chunk).update(segment=name)
    changed = {pk for ids in moved.values() for pk in ids}
    if changed:
        demand_recompute(_requirements_asked_by(workspace, changed))
    return changed


def _requirements_asked_by(workspace: Workspace, customer_ids: set[int]) -> list[int]:
    linked = Feedback.objects.filter(workspace=workspace, requirement__isnull=False)
    if len(customer_ids) <= BATCH:
        linked = linked.filter(customer_id__in=customer_ids)
    else:  # cheaper to refresh every requirement with demand than to send a huge IN list
        linked = linked.filter(customer__isnull=False)
    return list(linked.values_list("requirement_id", flat=True).distinct())


# Demand --------------------------------------------------------------------------------------


def _asking_customers():
    """Customers with feedback linked to the outer requirement, each counted once (EXISTS,
    not a join, so three feedback items from one customer still add their value once)."""
    asked = Feedback.objects.filter(customer=OuterRef("pk"), requirement=OuterRef(OuterRef("pk")))
    # Grouping by a constant aggregates the whole subquery into one row.
    return Customer.objects.filter(Exists(asked)).order_by().annotate(one=Value(1)).values("one")


def demand_recompute(requirement_ids: Iterable[int]) -> None:
    """Demand of each requirement from its distinct asking customers: total value, count, and
    best segment (A < B < C, so MIN is the best). One UPDATE per batch of requirements."""
    ids = sorted({pk for pk in requirement_ids if pk is not None})
    base = _asking_customers()
    total = Subquery(base.annotate(v=Sum("value")).values("v"))
    count = Subquery(base.annotate(n=Count("pk")).values("n"))
    best = Subquery(base.annotate(s=Min("segment")).values("s"))
    for chunk in _chunks(ids):
        Requirement.objects.filter(pk__in=chunk).update(
            demand_value=Coalesce(total, Value(Decimal(0))),
            demand_customers=Coalesce(count, Value(0)),
            top_segment=Coalesce(best, Value("")),
        )


def _requirements_of_customer(customer: Customer) -> list[int]:
    return list(
        Feedback.objects.filter(customer=customer, requirement__isnull=False)
        .values_list("requirement_id", flat=True)
        .distinct()
    )


# Customers -----------------------------------------------------------------------------------


@transaction.atomic
def customer_create(
    *,
    ctx: WorkspaceAccess,
    name: str,
    value: Decimal = Decimal(0),
    churn_risk: bool = False,
    notes: str = "",
    external_id: str = "",
) -> Customer:
    customer = Customer(
        workspace=ctx.workspace,
        name=(name or "").strip(),
        value=value,
        churn_risk=churn_risk,
        notes=notes,
        external_id=(external_id or "").strip(),
    )
    _clean(customer)
    customer.save()
    _record(ctx, customer, ChangeRecord.Verb.CREATED, {"name": [None, customer.name]})
    if customer.value > 0:
        segments_recompute(ctx.workspace)
        customer.refresh_from_db(fields=["segment"])
    return customer


@transaction.atomic
def customer_update(
    *, ctx: WorkspaceAccess, customer: Customer, expected_version: int | None, **fields
) -> Customer:
    """Change any of CUSTOMER_FIELDS; a new value re-segments the workspace and refreshes the
    demand of the requirements this customer asks for."""
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    before = history.snapshot(customer, CUSTOMER_FIELDS)
    for name, value in fields.items():
        setattr(customer, name, value.strip() if name in ("name", "external_id") else value)
    _clean(customer)
    customer.save_versioned(expected_version=expected_version, update_fields=list(fields))
    changes = history.diff(before, history.snapshot(customer, CUSTOMER_FIELDS))
    if changes:
        _record(ctx, customer, ChangeRecord.Verb.UPDATED, changes)
    if "value" in changes:
        segments_recompute(ctx.workspace)
        demand_recompute(_requirements_of_customer(customer))
        customer.refresh_from_db(fields=["segment"])
    return customer


@transaction.atomic
def customer_delete(
    *, ctx: WorkspaceAccess, customer: Customer, expected_version: int | None = None
) -> None:
    """Delete a customer; their feedback stays (without a customer) and demand is refreshed."""
    # The version check takes the row lock, so nobody changes the customer until it is gone.
    customer.save_versioned(expected_version=expected_version, update_fields=[])
    requirement_ids = _requirements_of_customer(customer)
    _record(ctx, customer, ChangeRecord.Verb.DELETED, {"name": [customer.name, None]})
    customer.delete()
    segments_recompute(ctx.workspace)
    demand_recompute(requirement_ids)


# Feedback ------------------------------------------------------------------------------------


def _check_customer(workspace: Workspace, customer: Customer | None) -> None:
    if customer is not None and customer.workspace_id != workspace.pk:
        raise ValidationFailed(fields={"customer": [_("Choose a customer of this workspace.")]})


def _check_requirement(workspace: Workspace, requirement: Requirement) -> None:
    if requirement.workspace_id != workspace.pk:
        raise ValidationFailed(
            fields={"requirement": [_("Choose a requirement of this workspace.")]}
        )


def _refresh_search(feedback: Feedback) -> None:
    name = feedback.customer.name if feedback.customer_id else ""
    feedback.search_text = index_text(feedback.text, name)


@transaction.atomic
def feedback_create(
    *,
    ctx: WorkspaceAccess,
    text: str,
    customer: Customer | None = None,
    channel: str = "other",
    received_on: date | None = None,
) -> Feedback:
    _check_customer(ctx.workspace, customer)
    feedback = Feedback(
        workspace=ctx.workspace,
        text=(text or "").strip(),
        customer=customer,
        channel=channel,
        created_by=ctx.membership.user,
    )
    if received_on is not None:
        feedback.received_on = received_on
    _clean(feedback)
    _refresh_search(feedback)
    feedback.save()
    _record(ctx, feedback, ChangeRecord.Verb.CREATED, {"text": [None, str(feedback)]})
    return feedback


@transaction.atomic
def feedback_update(
    *, ctx: WorkspaceAccess, feedback: Feedback, expected_version: int | None, **fields
) -> Feedback:
    unknown = set(fields) - set(FEEDBACK_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    if "customer" in fields:
        _check_customer(ctx.workspace, fields["customer"])
    before = history.snapshot(feedback, FEEDBACK_FIELDS)
    for name, value in fields.items():
        setattr(feedback, name, value.strip() if name == "text" else value)
    _clean(feedback)
    _refresh_search(feedback)
    feedback.save_versioned(
        expected_version=expected_version, update_fields=[*fields, "search_text"]
    )
    changes = history.diff(before, history.snapshot(feedback, FEEDBACK_FIELDS))
    if changes:
        _record(ctx, feedback, ChangeRecord.Verb.UPDATED, changes)
    if "customer" in changes and feedback.requirement_id:
        demand_recompute([feedback.requirement_id])
    return feedback


def _set_triage(
    ctx: WorkspaceAccess,
    feedback: Feedback,
    *,
    status: str,
    requirement: Requirement | None,
    expected_version: int | None,
) -> Feedback:
    """Move feedback to ``status`` / ``requirement`` and keep both requirements' demand right."""
    old = feedback.requirement
    feedback.status, feedback.requirement = status, requirement
    feedback.save_versioned(
        expected_version=expected_version, update_fields=["status", "requirement"]
    )
    if old is not None and old != requirement:
        _record(ctx, old, ChangeRecord.Verb.UNLINKED, {"feedback": [str(feedback), None]})
    if requirement is not None and old != requirement:
        _record(ctx, requirement, ChangeRecord.Verb.LINKED, {"feedback": [None, str(feedback)]})
    demand_recompute([r.pk for r in (old, requirement) if r is not None])
    return feedback


@transaction.atomic
def feedback_link(
    *,
    ctx: WorkspaceAccess,
    feedback: Feedback,
    requirement: Requirement,
    expected_version: int | None = None,
) -> Feedback:
    """Link to ``requirement`` (moving it if it was linked elsewhere)."""
    _check_requirement(ctx.workspace, requirement)
    before = feedback.requirement.ref if feedback.requirement_id else None
    _set_triage(
        ctx,
        feedback,
        status=Feedback.State.LINKED,
        requirement=requirement,
        expected_version=expected_version,
    )
    _record(ctx, feedback, ChangeRecord.Verb.LINKED, {"requirement": [before, requirement.ref]})
    return feedback


@transaction.atomic
def feedback_unlink(
    *, ctx: WorkspaceAccess, feedback: Feedback, expected_version: int | None = None
) -> Feedback:
    """Back to the inbox: unlinks a linked item, or reopens a dismissed one."""
    changes = {"status": [feedback.status, Feedback.State.NEW.value]}
    if feedback.requirement_id:
        changes["requirement"] = [feedback.requirement.ref, None]
    _set_triage(
        ctx,
        feedback,
        status=Feedback.State.NEW,
        requirement=None,
        expected_version=expected_version,
    )
    _record(ctx, feedback, ChangeRecord.Verb.UNLINKED, changes)
    return feedback


@transaction.atomic
def feedback_dismiss(
    *, ctx: WorkspaceAccess, feedback: Feedback, expected_version: int | None = None
) -> Feedback:
    before = feedback.status
    _set_triage(
        ctx,
        feedback,
        status=Feedback.State.DISMISSED,
        requirement=None,
        expected_version=expected_version,
    )
    _record(ctx, feedback, ChangeRecord.Verb.STATUS, {"status": [before, feedback.status]})
    return feedback


def description_from(feedback: Feedback) -> str:
    """The new requirement's description: the customer's words, quoted, with their source."""
    quoted = "\n".join(f"> {line}" for line in feedback.text.splitlines() or [""])
    source = ", ".join(
        part
        for part in (
            feedback.customer.name if feedback.customer_id else "",
            str(feedback.get_channel_display()),
            feedback.received_on.isoformat(),
        )
        if part
    )
    return f"{quoted}\n\n— {source}"


@transaction.atomic
def feedback_create_requirement(
    *,
    ctx: WorkspaceAccess,
    feedback: Feedback,
    title: str,
    description: str | None = None,
    expected_version: int | None = None,
    **requirement_fields,
) -> Requirement:
    """Create a requirement from the feedback (quoting it unless told otherwise) and link it."""
    from truce.requirements.services import requirement_create

    requirement = requirement_create(
        ctx=ctx,
        title=title,
        description=description_from(feedback) if description is None else description,
        **requirement_fields,
    )
    feedback_link(
        ctx=ctx, feedback=feedback, requirement=requirement, expected_version=expected_version
    )
    return requirement
