"""Demo discussion: a heated but civil thread on spark's contested requirement (alice and
olivia mention each other, in Chinese), one on a key result, and an English thread in
northwind; the people mentioned find unread notifications in their inbox. No e-mail is sent."""

from __future__ import annotations

from truce.core.access import access_workspace
from truce.core.models import DomainEvent
from truce.discussion import notify, services
from truce.discussion.models import Comment
from truce.goals.models import KeyResult
from truce.requirements.models import Requirement

SPARK_THREAD = [
    (
        "alice",
        "@olivia 这个需求的产品评分和运营评分差得很远。从体验看，弹窗太多会伤害留存，"
        "我们能不能先做 **A/B 灰度**，只对 10% 新用户开放？",
    ),
    (
        "olivia",
        "@alice 理解你的顾虑。但双十一前拉新是硬指标，晚两周上线就赶不上活动了。"
        "灰度可以，但比例至少 30%，否则数据不够看。",
    ),
    (
        "alice",
        "那就 30%，埋点先加好：\n\n- 弹窗关闭率\n- 7 日留存\n\n@lena 请帮忙拍板上线时间。",
    ),
]
SPARK_KR_THREAD = [("olivia", "本周数据回落，主要是活动预热期流量结构变化，下周会回升。")]
NORTHWIND_THREAD = [
    (
        "charlie",
        "@victor Growth needs this live before the spring campaign. "
        "Can we ship a smaller first version?",
    ),
    ("victor", "@charlie Yes, if we drop the leaderboard. I'll update the estimate."),
]


def seed(ws, spec, users) -> None:
    if Comment.objects.filter(workspace=ws).exists():
        return
    if spec["language"] == "zh-hans":
        subject = (
            Requirement.objects.filter(workspace=ws, contested=True).order_by("number").first()
            or Requirement.objects.filter(workspace=ws).order_by("number").first()
        )
        _thread(ws, users, subject, SPARK_THREAD)
        kr = KeyResult.objects.filter(workspace=ws).order_by("id").first()
        _thread(ws, users, kr, SPARK_KR_THREAD)
    else:
        subject = Requirement.objects.filter(workspace=ws).order_by("number").first()
        _thread(ws, users, subject, NORTHWIND_THREAD)


def _thread(ws, users, subject, lines) -> None:
    if subject is None:
        return
    for username, body in lines:
        user = users.get(username)
        if user is None or not user.memberships.filter(workspace=ws).exists():
            continue
        comment = services.comment_create(
            ctx=access_workspace(user, ws.slug), subject=subject, body=body
        )
        event = DomainEvent.objects.get(kind="comment.created", data__comment_id=comment.pk)
        notify.route(event, email=False)
