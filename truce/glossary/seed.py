"""Demo glossary: the starter glossary in every workspace, plus a couple of terms of the
workspace's own (a Spark campaign name in Chinese, Northwind's metrics in English)."""

from __future__ import annotations

from truce.accounts.models import Membership, Role
from truce.core.access import access_workspace
from truce.glossary.models import Term
from truce.glossary.services import starter_import, term_create

OWN_TERMS = {
    "zh-hans": [
        {
            "term_zh": "星火日",
            "term_en": "Spark Day",
            "aliases": ["星火节"],
            "side": "operations",
            "definition_zh": "每月 18 日的会员专属促销日：会员价、满减和积分翻倍同时生效。",
            "definition_en": "The members' sale on the 18th of every month: member prices, "
            "spend-more discounts and double points at once.",
            "equivalent_zh": "每月一次的大流量日：前后三天不宜灰度大改动",
            "equivalent_en": "a monthly traffic peak: avoid rolling out big changes in the "
            "three days around it",
            "example_zh": "新结算页要赶在 6 月星火日之前全量。",
            "example_en": "The new checkout must reach everyone before June's Spark Day.",
        },
        {
            "term_zh": "封版",
            "term_en": "Code freeze",
            "aliases": ["冻结期"],
            "side": "product",
            "definition_zh": "大促前的一段时间只修严重问题、不发新功能，以保证系统稳定。",
            "definition_en": "A period before a big sale when only serious bugs are fixed and "
            "no new features ship, to keep the system stable.",
            "equivalent_zh": "大促前的“不上新”窗口：活动需要的功能必须在封版前上线",
            "equivalent_en": "the no-new-features window before a sale: what a campaign needs "
            "must be live before it",
            "example_zh": "双十一前 10 天封版。",
            "example_en": "Code freeze starts ten days before Singles' Day.",
        },
    ],
    "en": [
        {
            "term_en": "North Star metric",
            "term_zh": "北极星指标",
            "aliases": ["NSM"],
            "side": "both",
            "definition_en": "The one number that best captures the value customers get; for "
            "Northwind, weekly workspaces with at least three active members.",
            "definition_zh": "最能体现用户获得价值的那一个指标；Northwind 的是每周至少三名"
            "成员活跃的工作区数。",
            "equivalent_en": "product: the outcome every feature should move; growth: the "
            "number campaigns are judged by",
            "equivalent_zh": "产品：每个功能都应推动的结果；增长：衡量活动的那个数字",
            "example_en": "Referral rewards count only if they lift the North Star metric.",
            "example_zh": "邀请奖励只有拉动北极星指标才算有效。",
        },
        {
            "term_en": "Time-to-value",
            "term_zh": "价值实现时间",
            "aliases": ["TTV"],
            "side": "product",
            "definition_en": "How long a new customer takes from sign-up to the first moment "
            "the product is clearly useful to them.",
            "definition_zh": "新客户从注册到第一次明确感受到产品有用所花的时间。",
            "equivalent_en": "how fast a new sign-up becomes an activated user",
            "equivalent_zh": "新注册用户多快变成激活用户",
            "example_en": "The onboarding checklist should cut time-to-value to one day.",
            "example_zh": "新手清单要把价值实现时间缩短到一天。",
        },
    ],
}


def seed(ws, spec, users) -> None:
    writer = (
        Membership.objects.filter(workspace=ws, role__in=[Role.ADMIN, Role.LEAD])
        .select_related("user")
        .order_by("id")
        .first()
    )
    if writer is None:
        return
    ctx = access_workspace(writer.user, ws.slug)
    starter_import(ctx=ctx)  # adds only what is missing
    existing = {t.key for t in Term.objects.for_workspace(ws).only("key")}
    for fields in OWN_TERMS.get(spec.get("language", "en"), []):
        if fields["term_zh"].casefold() not in existing:
            term_create(ctx=ctx, **fields)
