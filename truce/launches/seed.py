"""Demo launches: one being prepared (a feature with the campaign that promotes it, half of
the checklist done, a campaign that starts before the release to show the clash warning), and
one launched last month with its go/no-go votes and post-launch review."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation

from truce.core.access import access_workspace
from truce.launches import services
from truce.launches.models import Launch, Status
from truce.requirements.models import Requirement
from truce.resources.models import Campaign

CONTENT = {
    "zh-hans": {
        "upcoming": ("新人首单礼包 × 双十二拉新",
                     "首单礼包功能与双十二拉新活动**同天上线**：活动页直接领券。"),
        "past": ("订单页物流时效上线", "订单页展示预计送达时间，配合客服话术同步更新。"),
        "went_well": "产品与客服提前一周对齐话术，上线当天咨询量下降。",
        "went_badly": "埋点晚了两天才验证完，前两天的数据缺失。",
        "lessons": "- 埋点验证放进 **阻塞项**\n- 上线评审前一天冻结文案",
        "reason": "灰度 10% 两天无异常，客服已培训。",
        "scope": (1, 7),
    },
    "en": {
        "upcoming": ("Referral programme with the holiday campaign",
                     "The referral reward ships with the holiday campaign that promotes it."),
        "past": ("Onboarding checklist", "The onboarding checklist with a welcome e-mail series."),
        "went_well": "Support and growth agreed the copy a week early.",
        "went_badly": "Tracking was verified two days late; two days of data are missing.",
        "lessons": "- Make tracking verification a **blocking** item",
        "reason": "Rollout at 10% for two days without errors.",
        "scope": (1, 2),
    },
}  # fmt: skip


def seed(ws, spec, users) -> None:
    if Launch.objects.filter(workspace=ws).exists():
        return
    text = CONTENT["zh-hans" if spec.get("language") == "zh-hans" else "en"]
    writers = [u for name, role, _ in spec["members"] if role != "viewer" for u in [users[name]]]
    ctx = access_workspace(writers[0], ws.slug)
    today = timezone.localdate()
    upcoming_n, past_n = text["scope"]
    upcoming_req = Requirement.objects.filter(workspace=ws, number=upcoming_n).first()
    past_req = Requirement.objects.filter(workspace=ws, number=past_n).first()
    with translation.override(spec.get("language") or "en"):
        _upcoming(ctx, ws, text, today, upcoming_req)
        _past(ctx, ws, spec, users, text, today, past_req)


def _upcoming(ctx, ws, text, today, requirement) -> None:
    campaign = None
    if requirement is not None:
        campaign = Campaign.objects.filter(workspace=ws, promotes=requirement).first()
    campaign = campaign or Campaign.objects.filter(workspace=ws).order_by("number").first()
    name, description = text["upcoming"]
    launch = services.launch_create(
        ctx=ctx,
        name=name,
        description=description,
        target_date=today + timedelta(days=17),
        requirements=[requirement.number] if requirement else [],
        campaigns=[campaign.number] if campaign else [],
        checklist="feature_launch",
    )
    services.apply_checklist(ctx=ctx, launch=launch, key="campaign_launch")
    if campaign is None:  # no resources demo data: show the clash with a milestone instead
        services.milestone_add(
            ctx=ctx, launch=launch, kind="campaign_start", due=today + timedelta(days=12),
            name=name,
        )  # fmt: skip
    for item in list(launch.checklist.all())[::2]:
        services.item_update(ctx=ctx, item=item, expected_version=item.version, done=True)


def _past(ctx, ws, spec, users, text, today, requirement) -> None:
    name, description = text["past"]
    launch = services.launch_create(
        ctx=ctx,
        name=name,
        description=description,
        target_date=today,
        requirements=[requirement.number] if requirement else [],
        checklist="feature_launch",
    )
    for item in launch.checklist.all():
        services.item_update(ctx=ctx, item=item, expected_version=item.version, done=True)
    for m in launch.milestones.all():
        services.milestone_update(ctx=ctx, milestone=m, expected_version=m.version, done=True)
    services.launch_move(
        ctx=ctx, launch=launch, status=Status.READY, expected_version=launch.version
    )
    voters = {}
    for username, _role, _side in spec["members"]:
        seat = services.seat_of(access_workspace(users[username], ws.slug))
        if seat and seat not in voters:
            voters[seat] = users[username]
    for seat in ("product", "operations", "lead"):
        if seat in voters:
            services.vote(
                ctx=access_workspace(voters[seat], ws.slug), launch=launch, go=True,
                reason=text["reason"] if seat == "lead" else "",
            )  # fmt: skip
    launch.refresh_from_db()
    if launch.status != Status.GO:
        return  # a workspace without all three seats keeps it under review
    services.launch_move(
        ctx=ctx, launch=launch, status=Status.LAUNCHED, expected_version=launch.version
    )
    Launch.objects.filter(pk=launch.pk).update(launched_on=today - timedelta(days=20))
    launch.refresh_from_db()
    services.review_save(
        ctx=ctx,
        launch=launch,
        expected_version=None,
        went_well=text["went_well"],
        went_badly=text["went_badly"],
        lessons=text["lessons"],
        metrics=[(kr.pk, None, None) for kr in services.linked_key_results(launch)],
    )
