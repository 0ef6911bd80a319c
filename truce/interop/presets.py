"""What a column can become, how headers are recognised, and the presets for exports of Jira,
ZenTao (禅道) and PingCode: their headers, their workflow statuses mapped onto Truce's, their
priorities and work item types.

Truce derives priority from both lenses' scores, so an imported priority becomes a tag
(P0 highest … P4 lowest): visible, filterable, and an input to scoring rather than a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from truce.customers.models import Channel
from truce.interop.values import norm
from truce.requirements.models import Kind, Status


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    required: bool = False
    multiple: bool = False  # several columns may feed it (Jira repeats "Labels")
    aliases: tuple[str, ...] = ()


TARGETS: dict[str, list[Target]] = {
    "requirements": [
        Target("title", _("Title"), True, aliases=(
            "title", "summary", "name", "subject", "标题", "需求名称", "需求标题", "名称", "主题",
            "概要")),
        Target("description", _("Description"), aliases=(
            "description", "details", "描述", "需求描述", "详细描述", "内容", "说明")),
        Target("status", _("Status"), aliases=("status", "state", "状态", "需求状态")),
        Target("kind", _("Type"), aliases=(
            "kind", "type", "issuetype", "类型", "需求类型", "工作项类型", "需求分类")),
        Target("origin_side", _("Origin"), aliases=("origin", "side", "来源方", "提出方")),
        Target("owner", _("Owner"), aliases=(
            "owner", "assignee", "负责人", "指派给", "处理人", "经办人")),
        Target("tags", _("Tags"), multiple=True, aliases=(
            "tags", "tag", "labels", "label", "标签", "关键词", "components", "component",
            "所属模块", "模块", "所属产品")),
        Target("priority", _("Priority (becomes a tag)"), aliases=("priority", "优先级", "pri")),
        Target("estimate_days", _("Estimate"), aliases=(
            "estimate", "estimatedays", "originalestimate", "预计工时", "估算", "估算工时",
            "预估工时", "工时", "人天", "估时")),
        Target("estimate_budget", _("Budget"), aliases=("budget", "estimatebudget", "预算")),
        Target("external_key", _("Key in the other tool"), aliases=(
            "issuekey", "key", "编号", "需求编号", "id", "工作项编号")),
    ],
    "customers": [
        Target("name", _("Name"), True, aliases=(
            "name", "customer", "company", "客户", "客户名称", "名称", "公司", "公司名称")),
        Target("value", _("Value"), aliases=(
            "value", "revenue", "arr", "gmv", "价值", "客户价值", "金额", "年收入", "营收")),
        Target("churn_risk", _("Churn risk"), aliases=("churnrisk", "churn", "atrisk", "流失风险")),
        Target("notes", _("Notes"), aliases=("notes", "note", "备注", "说明")),
        Target("external_id", _("External ID"), aliases=(
            "externalid", "id", "crmid", "编号", "客户编号", "外部编号")),
    ],
    "feedback": [
        Target("text", _("Feedback"), True, aliases=(
            "feedback", "text", "content", "反馈", "反馈内容", "内容", "描述", "原话")),
        Target("customer", _("Customer"), aliases=("customer", "客户", "客户名称", "客户编号")),
        Target("channel", _("Channel"), aliases=("channel", "source", "渠道", "来源")),
        Target("received_on", _("Received on"), aliases=(
            "receivedon", "received", "date", "日期", "反馈日期", "收到日期", "时间")),
        Target("requirement", _("Requirement #"), aliases=(
            "requirement", "requirementnumber", "需求", "关联需求")),
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    columns: dict[str, str]  # header (as the tool writes it) -> target
    estimate_unit: str = "days"
    source: str = ""  # ExternalKey.source


PRESETS = {
    "jira": Preset(
        "jira",
        "Jira",
        {
            "Summary": "title", "Description": "description", "Issue key": "external_key",
            "Status": "status", "Priority": "priority", "Labels": "tags", "Component/s": "tags",
            "Assignee": "owner", "Original Estimate": "estimate_days", "Issue Type": "kind",
        },
        estimate_unit="seconds",
        source="jira",
    ),
    "zentao": Preset(
        "zentao",
        "禅道 ZenTao",
        {
            "编号": "external_key", "需求名称": "title", "需求描述": "description",
            "优先级": "priority", "状态": "status", "预计工时": "estimate_days",
            "所属产品": "tags", "所属模块": "tags", "关键词": "tags", "指派给": "owner",
            "类型": "kind", "需求类型": "kind",
        },
        estimate_unit="hours",
        source="zentao",
    ),
    "pingcode": Preset(
        "pingcode",
        "PingCode",
        {
            "编号": "external_key", "标题": "title", "描述": "description", "状态": "status",
            "优先级": "priority", "负责人": "owner", "标签": "tags", "估算": "estimate_days",
            "预估工时": "estimate_days", "类型": "kind", "工作项类型": "kind",
        },
        estimate_unit="hours",
        source="pingcode",
    ),
}  # fmt: skip

# Statuses of the three tools (and Truce's own values and labels) onto Truce's workflow.
STATUS_WORDS = {
    Status.PROPOSED: (
        "to do",
        "todo",
        "open",
        "backlog",
        "new",
        "reopened",
        "draft",
        "草稿",
        "新建",
        "新增",
        "待处理",
        "未开始",
        "打开",
        "待办",
        "已提交",
        "wait",
        "提议",
    ),
    Status.UNDER_REVIEW: (
        "in review",
        "under review",
        "reviewing",
        "review",
        "评审中",
        "待评审",
        "审核中",
        "已变更",
        "changed",
        "需求评审",
    ),
    Status.ACCEPTED: (
        "selected for development",
        "accepted",
        "ready",
        "active",
        "激活",
        "已确认",
        "已评审",
        "已接受",
        "评审通过",
        "待开发",
    ),
    Status.SCHEDULED: ("scheduled", "planned", "已计划", "已排期", "已立项", "projected", "计划中"),
    Status.IN_PROGRESS: (
        "in progress",
        "in development",
        "developing",
        "testing",
        "进行中",
        "研发中",
        "开发中",
        "处理中",
        "测试中",
        "研发完毕",
        "测试完毕",
        "developed",
        "tested",
        "实现中",
    ),
    Status.RELEASED: (
        "done",
        "resolved",
        "released",
        "已完成",
        "已发布",
        "已上线",
        "已验收",
        "verified",
        "完成",
        "已解决",
    ),
    Status.REVIEWED: ("closed", "reviewed", "已关闭", "关闭", "已复盘"),
    Status.REJECTED: (
        "won't do",
        "wont do",
        "won't fix",
        "rejected",
        "declined",
        "不做",
        "已拒绝",
        "拒绝",
        "已取消",
        "取消",
        "cancelled",
        "canceled",
    ),
    Status.ON_HOLD: ("on hold", "blocked", "paused", "挂起", "暂停", "搁置", "已暂停", "阻塞"),
}
KIND_WORDS = {
    Kind.BUG: ("bug", "defect", "缺陷", "故障", "问题"),
    Kind.IMPROVEMENT: ("improvement", "enhancement", "优化", "改进", "体验优化"),
    Kind.TECH_DEBT: ("tech debt", "technical debt", "技术债", "重构", "refactor"),
    Kind.EXPERIMENT: ("experiment", "spike", "实验", "a/b", "ab test", "调研"),
    Kind.FEATURE: (
        "feature",
        "new feature",
        "story",
        "user story",
        "epic",
        "task",
        "sub-task",
        "subtask",
        "需求",
        "用户需求",
        "软件需求",
        "用户故事",
        "史诗",
        "特性",
        "功能",
        "任务",
        "子任务",
    ),
}
PRIORITY_WORDS = {
    "P0": ("highest", "blocker", "critical", "urgent", "最高", "紧急", "p0", "0"),
    "P1": ("high", "major", "高", "较高", "p1", "1"),
    "P2": ("medium", "normal", "中", "普通", "一般", "p2", "2"),
    "P3": ("low", "minor", "低", "较低", "p3", "3"),
    "P4": ("lowest", "trivial", "最低", "p4", "4"),
}
CHANNEL_WORDS = {
    Channel.TICKET: ("ticket", "support", "客服", "客服工单", "工单", "投诉"),
    Channel.SURVEY: ("survey", "调研", "问卷", "用户调研", "访谈", "nps"),
    Channel.SALES: ("sales", "销售", "商务", "客户经理"),
    Channel.APP_STORE: ("app store", "app store review", "应用商店", "评论", "应用市场"),
    Channel.COMMUNITY: ("community", "社群", "社区", "微信群", "论坛"),
    Channel.OTHER: ("other", "其他", "其它"),
}
SIDE_WORDS = {"product": ("product", "产品", "pm"), "operations": ("operations", "运营", "ops")}


def vocabulary(words: dict, choices=None) -> dict[str, str]:
    """normalised word -> value, including each choice's value and its label in both
    languages (so a file exported from Truce in either language comes back in)."""
    table: dict[str, str] = {}
    for value, synonyms in words.items():
        for word in synonyms:
            table[norm(word)] = str(value)
    for value, label in choices or ():
        table[norm(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table[norm(str(label))] = value
    return table


def targets_for(kind: str) -> dict[str, Target]:
    return {t.name: t for t in TARGETS[kind]}


def guess_mapping(kind: str, headers: list[str], preset: str = "") -> dict[str, str]:
    """{column index: target}: the preset's headers first, then aliases; a single-valued
    target is given to its first matching column only."""
    by_alias = {norm(a): t for t in TARGETS[kind] for a in (t.name, *t.aliases)}
    for t in TARGETS[kind]:
        for language in ("en", "zh-hans"):
            with translation.override(language):
                by_alias.setdefault(norm(str(t.label)), t)
    chosen = PRESETS[preset].columns if preset in PRESETS and kind == "requirements" else {}
    exact = {norm(h): target for h, target in chosen.items()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = norm(header)
        name = exact.get(key) or (by_alias[key].name if key in by_alias else "")
        if not name:
            continue
        target = targets_for(kind)[name]
        if name in taken and not target.multiple:
            continue
        mapping[str(index)] = name
        taken.add(name)
    return mapping
