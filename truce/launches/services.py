"""Writes to launches: the launch, its scope and campaigns, milestones, the readiness checklist,
the go/no-go review and the post-launch review. Every function is atomic.

Milestone owners come from RACI: the Accountable person of the matching activity
(``truce.domain.launch.OWNER_ACTIVITY``) on the first requirement in scope that has one.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from truce.accounts.models import Membership, Workspace
from truce.core import events, history
from truce.core.access import WorkspaceAccess
from truce.core.concurrency import refuse_stale
from truce.core.errors import (
    Conflict,
    PermissionDenied,
    PreconditionFailed,
    ValidationFailed,
    validation_from_django,
)
from truce.core.markdown import render_markdown
from truce.core.models import ChangeRecord
from truce.domain import launch as rules
from truce.goals.models import CheckIn, KeyResult, KeyResultLink
from truce.goals.services import capacity_of
from truce.launches.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Launch,
    Milestone,
    MilestoneKind,
    ReadinessItem,
    Review,
    ReviewMetric,
    Seat,
    Side,
    Status,
    Vote,
)
from truce.requirements.models import Requirement
from truce.resources.models import Campaign

LAUNCH_FIELDS = ["name", "description", "target_date"]
MILESTONE_FIELDS = ["kind", "name", "due", "owner", "done"]
ITEM_FIELDS = ["text", "side", "owner", "blocking"]

# Built-in checklists (English, 中文, side, blocking), installed per workspace on first use.
BUILT_IN_CHECKLISTS = {
    "feature_launch": (
        "Feature launch",
        "功能上线",
        [
            ("Requirement review passed", "需求评审通过", "product", True),
            ("Tracking events (埋点) in place and verified", "埋点已上线并验证", "product", True),
            ("QA sign-off", "测试验收通过", "product", True),
            ("Gradual rollout plan and rollback switch", "灰度方案与回滚开关", "product", True),
            ("Help-centre articles and FAQ updated", "帮助中心与 FAQ 已更新", "operations", False),
            ("Customer service briefed", "客服已培训", "operations", True),
            ("Announcement copy approved", "公告文案已确认", "operations", False),
            ("Success metrics and dashboard agreed", "成功指标与看板已约定", "operations", False),
        ],
    ),
    "campaign_launch": (
        "Campaign launch",
        "活动上线",
        [
            ("Feature the campaign promotes is released", "活动推广的功能已发布", "product", True),
            ("Landing page and deep links tested", "落地页与跳转链接已测试", "product", True),
            ("Load test for the traffic peak", "大促流量压测", "product", False),
            ("Budget approved", "预算已审批", "operations", True),
            ("Creative and copy approved", "素材文案已确认", "operations", True),
            (
                "Channels booked (push, SMS, community)",
                "渠道资源已排期（推送、短信、社群）",
                "operations",
                False,
            ),
            ("Coupon rules configured and checked", "优惠券规则已配置并核对", "operations", True),
            ("Data review plan (复盘) set", "数据复盘计划已制定", "operations", False),
        ],
    ),
}

# Default milestone offsets from the target date, in days.
DEFAULT_MILESTONES = (
    (MilestoneKind.SPEC_FREEZE, -21),
    (MilestoneKind.CODE_FREEZE, -10),
    (MilestoneKind.QA, -5),
    (MilestoneKind.RELEASE, -1),
)


def _clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_from_django(exc) from None


EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def _check_date(value, field: str) -> None:
    if value is None:
        raise ValidationFailed(fields={field: [_("Enter a date.")]})
    if not EARLIEST <= value <= LATEST:
        raise ValidationFailed(
            fields={field: [_("Choose a date between %(first)s and %(last)s.")
                            % {"first": EARLIEST, "last": LATEST}]}
        )  # fmt: skip


def _check_write(ctx: WorkspaceAccess) -> None:
    if not ctx.can_write:
        raise PermissionDenied(_("Viewers can read but not change anything."))


def _check_owner(workspace, owner, field: str = "owner") -> None:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationFailed(fields={field: [_("The owner must be a member of this workspace.")]})


def _record(ctx, subject, verb, changes=None) -> None:
    history.record(
        workspace=ctx.workspace,
        actor=ctx.membership.user,
        subject=subject,
        verb=verb,
        changes=changes or {},
    )


def _url(launch: Launch) -> str:
    return reverse("launches:detail", args=[launch.workspace.slug, launch.number])


def _emit(ctx, launch: Launch, kind: str, **data) -> None:
    events.emit(
        workspace=ctx.workspace,
        kind=kind,
        actor=ctx.membership.user,
        subject=launch,
        title=launch.name,
        url=_url(launch),
        data={"number": launch.number, "status": launch.status, **data},
    )


# Scope -------------------------------------------------------------------------------------


def _requirements(workspace, numbers) -> list[Requirement]:
    numbers = sorted(set(numbers or []))
    found = list(Requirement.objects.filter(workspace=workspace, number__in=numbers))
    missing = sorted(set(numbers) - {r.number for r in found})
    if missing:
        raise ValidationFailed(
            fields={"requirements": [_("No such requirements: %(numbers)s.")
                                     % {"numbers": ", ".join(f"#{n}" for n in missing)}]}
        )  # fmt: skip
    return found


def _campaigns(workspace, numbers) -> list[Campaign]:
    numbers = sorted(set(numbers or []))
    found = list(Campaign.objects.filter(workspace=workspace, number__in=numbers))
    missing = sorted(set(numbers) - {c.number for c in found})
    if missing:
        raise ValidationFailed(
            fields={"campaigns": [_("No such campaigns: %(numbers)s.")
                                  % {"numbers": ", ".join(f"C{n}" for n in missing)}]}
        )  # fmt: skip
    return found


def _next_number(workspace: Workspace) -> int:
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
    top = Launch.objects.filter(workspace=workspace).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


def raci_owner(launch: Launch, kind: str):
    """The Accountable person of the activity that owns milestone ``kind`` on the first
    requirement in scope (by number) that has one, or None."""
    from truce.responsibilities.models import Assignment

    activity = rules.OWNER_ACTIVITY.get(rules.MilestoneKind(kind))
    if activity is None:
        return None
    found = (
        Assignment.objects.filter(
            row__requirement__in=launch.requirements.all(),
            row__activity__key=activity,
            letter="A",
        )
        .select_related("member__user")
        .order_by("row__requirement__number")
        .first()
    )
    return found.member.user if found else None


@transaction.atomic
def launch_create(
    *,
    ctx: WorkspaceAccess,
    name: str,
    target_date: date,
    description: str = "",
    requirements: list[int] | None = None,
    campaigns: list[int] | None = None,
    checklist: str | None = "feature_launch",
    default_milestones: bool = True,
) -> Launch:
    """A launch in planning, with the standard milestones before ``target_date`` (owners from
    RACI), campaign start/end milestones from its campaigns' dates, and a checklist."""
    _check_write(ctx)
    launch = Launch(
        workspace=ctx.workspace,
        number=0,
        name=(name or "").strip(),
        description=description or "",
        target_date=target_date,
        created_by=ctx.membership.user,
    )
    _check_date(target_date, "target_date")
    _clean(launch, exclude=["number"])
    scope = _requirements(ctx.workspace, requirements)
    promoted = _campaigns(ctx.workspace, campaigns)
    if (
        checklist
        and checklist not in BUILT_IN_CHECKLISTS
        and not ChecklistTemplate.objects.filter(workspace=ctx.workspace, key=checklist).exists()
    ):
        raise ValidationFailed(fields={"checklist": [_("Choose one of the checklists.")]})
    launch.number = _next_number(ctx.workspace)
    launch.description_html = render_markdown(launch.description)
    launch.save()
    launch.requirements.set(scope)
    launch.campaigns.set(promoted)
    if default_milestones:
        for kind, offset in DEFAULT_MILESTONES:
            Milestone.objects.create(
                launch=launch,
                kind=kind,
                due=target_date + timedelta(days=offset),
                owner=raci_owner(launch, kind),
            )
        _campaign_milestones(launch, promoted)
    if checklist:
        apply_checklist(ctx=ctx, launch=launch, key=checklist)
    _record(ctx, launch, ChangeRecord.Verb.CREATED)
    _emit(ctx, launch, "launch.created")
    return launch


def _campaign_milestones(launch: Launch, campaigns: list[Campaign]) -> None:
    for c in campaigns:
        for kind, when in ((MilestoneKind.CAMPAIGN_START, c.starts_on),
                           (MilestoneKind.CAMPAIGN_END, c.ends_on)):  # fmt: skip
            if when is None:
                continue
            name = f"{c.title}"
            if not Milestone.objects.filter(launch=launch, kind=kind, name=name).exists():
                Milestone.objects.create(
                    launch=launch,
                    kind=kind,
                    name=name,
                    due=when,
                    owner=c.owner or raci_owner(launch, kind),
                )


@transaction.atomic
def launch_update(
    *,
    ctx: WorkspaceAccess,
    launch: Launch,
    expected_version: int | None,
    requirements: list[int] | None = None,
    campaigns: list[int] | None = None,
    **fields,
) -> Launch:
    """Change name, description, target date and (when given) scope and campaigns."""
    _check_write(ctx)
    unknown = set(fields) - set(LAUNCH_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    if launch.status in (Status.REVIEWED, Status.CANCELLED):
        raise Conflict(_("A reviewed or cancelled launch can no longer be changed."))
    before = history.snapshot(launch, LAUNCH_FIELDS)
    before["requirements"] = sorted(launch.requirements.values_list("number", flat=True))
    before["campaigns"] = sorted(launch.campaigns.values_list("number", flat=True))
    for k, v in fields.items():
        setattr(launch, k, v.strip() if k == "name" and isinstance(v, str) else v)
    _check_date(launch.target_date, "target_date")
    _clean(launch)
    launch.description_html = render_markdown(launch.description)
    launch.save_versioned(
        expected_version=expected_version, update_fields=[*LAUNCH_FIELDS, "description_html"]
    )
    after = history.snapshot(launch, LAUNCH_FIELDS)
    if requirements is not None:
        launch.requirements.set(_requirements(ctx.workspace, requirements))
    if campaigns is not None:
        promoted = _campaigns(ctx.workspace, campaigns)
        launch.campaigns.set(promoted)
        _campaign_milestones(launch, promoted)
    after["requirements"] = sorted(launch.requirements.values_list("number", flat=True))
    after["campaigns"] = sorted(launch.campaigns.values_list("number", flat=True))
    changes = history.diff(before, after)
    if changes:
        _record(ctx, launch, ChangeRecord.Verb.UPDATED, changes)
    return launch


@transaction.atomic
def launch_move(
    *, ctx: WorkspaceAccess, launch: Launch, status: str, expected_version: int | None
) -> Launch:
    """Move along the workflow. "go" comes only from the review; "ready for review" needs every
    blocking checklist item done; "launched" records today's date."""
    _check_write(ctx)
    if status not in Status.values:
        raise ValidationFailed(fields={"status": [_("Choose a valid status.")]})
    refuse_stale(launch, expected_version)
    if status == launch.status:
        return launch
    if status == Status.GO:
        raise Conflict(_("A launch goes only when product, operations and a lead all vote go."))
    if not rules.can_move(launch.status, status):
        raise Conflict(
            _("A launch cannot move from “%(old)s” to “%(new)s”.")
            % {"old": launch.get_status_display(), "new": Status(status).label}
        )
    if status == Status.READY:
        _lock_checklist(launch)  # no item changes between this check and the move
        ready = readiness_of(launch)
        if not ready.may_review:
            raise Conflict(
                _("%(count)d blocking checklist items are still open.")
                % {"count": ready.open_blocking}
            )
    old = launch.status
    if old in (Status.READY, Status.GO) and status == Status.PLANNING:
        launch.review_round += 1  # the next review starts from scratch
    launch.status = status
    update = ["status", "review_round"]
    if status == Status.LAUNCHED:
        launch.launched_on = timezone.localdate()
        update.append("launched_on")
    launch.save_versioned(expected_version=expected_version, update_fields=update)
    _record(ctx, launch, ChangeRecord.Verb.STATUS, {"status": [old, status]})
    _emit(ctx, launch, f"launch.{status}", previous=old)
    return launch


# Milestones --------------------------------------------------------------------------------


def _milestone_clean(ctx, launch, kind, name, due, owner) -> None:
    if kind not in MilestoneKind.values:
        raise ValidationFailed(fields={"kind": [_("Choose a valid kind.")]})
    if kind == MilestoneKind.CUSTOM and not (name or "").strip():
        raise ValidationFailed(fields={"name": [_("A custom milestone needs a name.")]})
    _check_date(due, "due")
    _check_owner(ctx.workspace, owner)


@transaction.atomic
def milestone_add(
    *, ctx: WorkspaceAccess, launch: Launch, kind: str, due: date, name: str = "", owner=None
) -> Milestone:
    _check_write(ctx)
    _milestone_clean(ctx, launch, kind, name, due, owner)
    m = Milestone(launch=launch, kind=kind, name=(name or "").strip(), due=due)
    m.owner = owner if owner is not None else raci_owner(launch, kind)
    _clean(m)
    m.save()
    _record(ctx, launch, ChangeRecord.Verb.UPDATED, {"milestone": [None, f"{m.label} {due}"]})
    return m


@transaction.atomic
def milestone_update(
    *, ctx: WorkspaceAccess, milestone: Milestone, expected_version: int | None, **fields
) -> Milestone:
    _check_write(ctx)
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    before = f"{milestone.label} {milestone.due}"
    for k, v in fields.items():
        setattr(milestone, k, v.strip() if k == "name" and isinstance(v, str) else v)
    _milestone_clean(
        ctx, milestone.launch, milestone.kind, milestone.name, milestone.due, milestone.owner
    )
    _clean(milestone)
    milestone.save_versioned(expected_version=expected_version, update_fields=MILESTONE_FIELDS)
    after = f"{milestone.label} {milestone.due}"
    if before != after:
        _record(ctx, milestone.launch, ChangeRecord.Verb.UPDATED, {"milestone": [before, after]})
    return milestone


@transaction.atomic
def milestone_delete(
    *, ctx: WorkspaceAccess, milestone: Milestone, expected_version: int | None
) -> None:
    """Remove a milestone; a stale version (someone changed it meanwhile) is refused."""
    _check_write(ctx)
    milestone.save_versioned(expected_version=expected_version, update_fields=[])
    _record(
        ctx,
        milestone.launch,
        ChangeRecord.Verb.UPDATED,
        {"milestone": [f"{milestone.label} {milestone.due}", None]},
    )
    milestone.delete()


# Readiness checklist -----------------------------------------------------------------------


def checklist_templates_for(workspace) -> list[ChecklistTemplate]:
    """The workspace's checklist templates; the built-in ones are installed on first use."""
    found = list(ChecklistTemplate.objects.filter(workspace=workspace).prefetch_related("items"))
    if found:
        return found
    with transaction.atomic():
        for key, (name, name_zh, items) in BUILT_IN_CHECKLISTS.items():
            template, created = ChecklistTemplate.objects.get_or_create(
                workspace=workspace, key=key, defaults={"name": name, "name_zh": name_zh}
            )
            if created:
                ChecklistTemplateItem.objects.bulk_create(
                    ChecklistTemplateItem(
                        template=template, text=text, text_zh=text_zh, side=side,
                        blocking=blocking, position=i,
                    )
                    for i, (text, text_zh, side, blocking) in enumerate(items)
                )  # fmt: skip
    return list(ChecklistTemplate.objects.filter(workspace=workspace).prefetch_related("items"))


@transaction.atomic
def apply_checklist(*, ctx: WorkspaceAccess, launch: Launch, key: str) -> int:
    """Add the template's items (in the launch author's language) that the launch lacks;
    owners default to the launch's RACI owners per side. Returns how many were added."""
    _check_write(ctx)
    templates = {t.key: t for t in checklist_templates_for(ctx.workspace)}
    template = templates.get(key)
    if template is None:
        raise ValidationFailed(fields={"checklist": [_("Choose one of the checklists.")]})
    from django.utils.translation import get_language

    zh = (get_language() or "").startswith("zh")
    _lock_checklist(launch)
    have = set(launch.checklist.values_list("text", flat=True))
    start = launch.checklist.count()
    owners = {
        Side.PRODUCT: raci_owner(launch, MilestoneKind.RELEASE),
        Side.OPERATIONS: raci_owner(launch, MilestoneKind.CAMPAIGN_START),
    }
    new = []
    for item in template.items.all():
        text = item.text_zh if zh and item.text_zh else item.text
        if text in have:
            continue
        new.append(ReadinessItem(
            launch=launch, text=text, side=item.side, blocking=item.blocking,
            owner=owners.get(item.side), position=start + len(new),
        ))  # fmt: skip
    ReadinessItem.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def item_add(
    *, ctx: WorkspaceAccess, launch: Launch, text: str, side: str, owner=None, blocking=False
) -> ReadinessItem:
    _check_write(ctx)
    _check_owner(ctx.workspace, owner)
    _lock_checklist(launch)
    item = ReadinessItem(
        launch=launch,
        text=(text or "").strip(),
        side=side,
        owner=owner,
        blocking=blocking,
        position=launch.checklist.count(),
    )
    _clean(item)
    item.save()
    return item


@transaction.atomic
def item_update(
    *, ctx: WorkspaceAccess, item: ReadinessItem, expected_version: int | None, **fields
) -> ReadinessItem:
    _check_write(ctx)
    unknown = set(fields) - {*ITEM_FIELDS, "done"}
    if unknown:
        raise ValidationFailed(
            fields={k: [_("This field cannot be changed here.")] for k in unknown}
        )
    if "owner" in fields:
        _check_owner(ctx.workspace, fields["owner"])
    _lock_checklist(item.launch)
    for k, v in fields.items():
        setattr(item, k, v.strip() if k == "text" and isinstance(v, str) else v)
    if "done" in fields:
        item.done_at = timezone.now() if item.done else None
    _clean(item)
    item.save_versioned(
        expected_version=expected_version, update_fields=[*ITEM_FIELDS, "done", "done_at"]
    )
    return item


@transaction.atomic
def item_delete(*, ctx: WorkspaceAccess, item: ReadinessItem, expected_version: int | None) -> None:
    """Remove a checklist item; a stale version (someone changed it meanwhile) is refused."""
    _check_write(ctx)
    _lock_checklist(item.launch)
    item.save_versioned(expected_version=expected_version, update_fields=[])
    item.delete()


def _lock_checklist(launch: Launch) -> None:
    """Take the launch's row lock for the rest of the transaction. Every change to its
    checklist and the move to "ready for review" take it, so the readiness a move checks is
    the one it moves on: a blocking item unchecked at the same moment waits, and is not lost
    behind a launch that went ready without it (on PostgreSQL; SQLite's write transactions
    are serial already)."""
    list(Launch.objects.select_for_update().filter(pk=launch.pk).values_list("pk"))


def readiness_of(launch: Launch, items=None) -> rules.Readiness:
    items = launch.checklist.all() if items is None else items
    return rules.readiness(rules.CheckItem(i.side, i.done, i.blocking) for i in items)


# Go / no-go --------------------------------------------------------------------------------


def seat_of(ctx: WorkspaceAccess) -> str | None:
    """Product and operations members vote for their side; leads vote as the lead seat."""
    return capacity_of(ctx.membership)


def current_votes(launch: Launch):
    return [v for v in launch.votes.all() if v.round == launch.review_round]


@transaction.atomic
def vote(*, ctx: WorkspaceAccess, launch: Launch, go: bool, reason: str = "") -> Vote:
    """Record the caller's seat's go or no-go. All three seats go → the launch goes; any no-go
    → back to planning (a new review round)."""
    seat = seat_of(ctx)
    if seat is None:
        raise PermissionDenied(_("Viewers can read but not change anything."))
    launch = Launch.objects.select_for_update().get(pk=launch.pk)
    if launch.status != Status.READY:
        raise Conflict(_("Votes are taken only while the launch is ready for review."))
    reason = (reason or "").strip()
    if rules.vote_problem(go, reason):
        raise ValidationFailed(fields={"reason": [_("Say why it is a no-go.")]})
    cast = Vote.objects.create(
        launch=launch,
        round=launch.review_round,
        seat=seat,
        voter=ctx.membership.user,
        go=go,
        reason=reason,
    )
    _record(
        ctx,
        launch,
        ChangeRecord.Verb.UPDATED,
        {
            f"vote · {Seat(seat).label}": [
                None,
                ("go" if go else "no-go") + (f": {reason}" if reason else ""),
            ]
        },
    )
    outcome = rules.verdict(rules.Vote(v.seat, v.go, v.reason) for v in current_votes(launch))
    if outcome.outcome == "go":
        launch.status = Status.GO
        launch.save_versioned(expected_version=None, update_fields=["status"])
        _record(ctx, launch, ChangeRecord.Verb.STATUS, {"status": [Status.READY, Status.GO]})
        _emit(ctx, launch, "launch.go")
    elif outcome.outcome == "no_go":
        launch.status = Status.PLANNING
        launch.review_round += 1
        launch.save_versioned(expected_version=None, update_fields=["status", "review_round"])
        _record(ctx, launch, ChangeRecord.Verb.STATUS, {"status": [Status.READY, Status.PLANNING]})
        _emit(ctx, launch, "launch.no_go", seat=seat, reason=reason)
    return cast


# Post-launch review ------------------------------------------------------------------------


def _decisions(workspace, numbers) -> list:
    """The lessons' decisions, by number (D3 → 3); unknown numbers are refused by name."""
    from truce.meetings.models import Decision

    numbers = sorted(set(numbers))
    found = list(Decision.objects.filter(workspace=workspace, number__in=numbers))
    missing = sorted(set(numbers) - {d.number for d in found})
    if missing:
        raise ValidationFailed(
            fields={"decisions": [_("No such decisions: %(numbers)s.")
                                  % {"numbers": ", ".join(f"D{n}" for n in missing)}]}
        )  # fmt: skip
    return found


def linked_key_results(launch: Launch) -> list[KeyResult]:
    """Key results served by the launch's scope (through goal links)."""
    ids = KeyResultLink.objects.filter(requirement__in=launch.requirements.all()).values(
        "key_result_id"
    )
    return list(KeyResult.objects.filter(pk__in=ids).select_related("objective").order_by("pk"))


def value_on(kr: KeyResult, day: date | None) -> float:
    """The key result's value on ``day``: the last check-in on or before it, else baseline."""
    if day is None:
        return kr.current
    last = CheckIn.objects.filter(key_result=kr, created_at__date__lte=day).order_by("-created_at")
    found = last.values_list("value", flat=True).first()
    return kr.baseline if found is None else found


@transaction.atomic
def review_save(
    *,
    ctx: WorkspaceAccess,
    launch: Launch,
    expected_version: int | None,
    went_well: str = "",
    went_badly: str = "",
    lessons: str = "",
    metrics: list[tuple[int, float | None, float | None]] | None = None,
    decisions: list[int] | None = None,
    finish: bool = False,
) -> Review:
    """Write the post-launch review. ``metrics`` pairs key-result ids with before/after values
    (None keeps the suggestion: the value at launch and the current value). ``finish`` moves
    the launch to "reviewed"."""
    _check_write(ctx)
    if launch.status not in (Status.LAUNCHED, Status.REVIEWED):
        raise Conflict(_("A launch is reviewed after it launched."))
    review, created = Review.objects.get_or_create(launch=launch)
    if not created and expected_version is None:
        # Written meanwhile by someone who got there first: theirs is not overwritten blindly.
        raise PreconditionFailed(current=review)
    review.went_well, review.went_badly, review.lessons = went_well, went_badly, lessons
    review.lessons_html = render_markdown(lessons)
    fields = ["went_well", "went_badly", "lessons", "lessons_html"]
    if created:
        review.save(update_fields=fields)
    else:
        review.save_versioned(expected_version=expected_version, update_fields=fields)
    if decisions is not None:
        review.decisions.set(_decisions(ctx.workspace, decisions))
    allowed = {kr.pk: kr for kr in linked_key_results(launch)}
    for kr_id, before, after in metrics or []:
        kr = allowed.get(kr_id)
        if kr is None:
            raise ValidationFailed(
                fields={"metrics": [_("Key result %(id)s is not served by this launch.")
                                    % {"id": kr_id}]}
            )  # fmt: skip
        ReviewMetric.objects.update_or_create(
            review=review,
            key_result=kr,
            defaults={
                "before": value_on(kr, launch.launched_on) if before is None else before,
                "after": kr.current if after is None else after,
            },
        )
    if finish and launch.status == Status.LAUNCHED:
        launch.status = Status.REVIEWED
        launch.save_versioned(expected_version=None, update_fields=["status"])
        _record(
            ctx, launch, ChangeRecord.Verb.STATUS, {"status": [Status.LAUNCHED, Status.REVIEWED]}
        )
        _emit(ctx, launch, "launch.reviewed")
    return review
