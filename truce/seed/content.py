"""Realistic demo content: what a Chinese e-commerce team's pool looks like, and an English one."""

from __future__ import annotations

# (title, description, kind, origin side, owner, status, tags, estimate days)
SPARK_REQUIREMENTS = [
    (
        "新人首单礼包：注册即领 3 张优惠券",
        "## 背景\n拉新成本上涨，首单转化率仅 **12%**。\n\n"
        "## 方案\n- 注册后自动发放满减券\n- 7 天内未使用时推送提醒",
        "feature",
        "operations",
        "olivia",
        "accepted",
        ["拉新", "优惠券"],
        8,
    ),
    (
        "结算页改版：减少填写步骤",
        "把地址、发票、优惠券合并为一屏，目标结算转化 +3%。埋点：`checkout_step_view`。",
        "improvement",
        "product",
        "alice",
        "scheduled",
        ["体验", "转化"],
        15,
    ),
    (
        "灰度发布开关平台化",
        "每个新功能都能按用户分群灰度（1% → 10% → 50% → 全量），出问题一键回滚。",
        "feature",
        "product",
        "alice",
        "in_progress",
        ["基础能力"],
        20,
    ),
    (
        "双十一会场直播间挂件",
        "直播间展示会场入口与倒计时；运营可在后台配置挂件文案与跳转。",
        "feature",
        "operations",
        "olivia",
        "under_review",
        ["大促", "直播"],
        10,
    ),
    (
        "推送频控：每人每天最多 3 条",
        "用户投诉推送太多导致卸载。需要按用户、按渠道的频控与静默时段。",
        "improvement",
        "product",
        "alice",
        "proposed",
        ["推送", "留存"],
        6,
    ),
    (
        "会员积分抵现",
        "积分可在结算时抵扣现金（100 积分 = 1 元），提升复购。",
        "feature",
        "operations",
        "olivia",
        "proposed",
        ["会员", "复购"],
        12,
    ),
    (
        "订单页展示物流预计送达时间",
        "客服工单中 30% 询问“什么时候到”。",
        "improvement",
        "product",
        "alice",
        "released",
        ["客服", "体验"],
        5,
    ),
    (
        "修复：iOS 17 优惠券领取按钮无响应",
        "应用商店差评集中在此问题。",
        "bug",
        "operations",
        "alice",
        "reviewed",
        ["优惠券", "缺陷"],
        2,
    ),
    (
        "社群团购小程序入口",
        "社群运营希望在微信群内直接开团，需要小程序分享卡片。",
        "feature",
        "operations",
        "olivia",
        "on_hold",
        ["社群", "小程序"],
        18,
    ),
    ("搜索结果页接入商品评分排序", "", "experiment", "product", None, "proposed", ["搜索"], 7),
    (
        "客服工单标签体系重构",
        "按“问题类型 × 模块”打标签，便于需求池汇总客户之声。",
        "tech_debt",
        "product",
        "lena",
        "accepted",
        ["客服"],
        9,
    ),
    (
        "老用户召回短信 A/B 测试",
        "两组文案对比 7 日回访率，预算 2 万元。",
        "experiment",
        "operations",
        "olivia",
        "rejected",
        ["召回", "短信"],
        3,
    ),
]

NORTHWIND_REQUIREMENTS = [
    (
        "Referral programme: give $10, get $10",
        "Growth wants a double-sided referral reward.",
        "feature",
        "operations",
        "charlie",
        "under_review",
        ["growth"],
        10,
    ),
    (
        "Onboarding checklist for new workspaces",
        "Reduce time-to-value; measure activation.",
        "improvement",
        "product",
        "victor",
        "accepted",
        ["activation"],
        6,
    ),
]

SPARK_PREREQUISITES = [(4, 3), (1, 3)]  # (requirement index, prerequisite index), 1-based

# (name, value in 万元 GMV a year, churn risk)
SPARK_CUSTOMERS = [
    ("杭州优选食品旗舰店", 1800, False),
    ("深圳极客数码", 1250, True),
    ("上海小满母婴", 640, False),
    ("成都川味坊", 320, False),
    ("北京书香文创", 150, True),
    ("广州潮牌工作室", 95, False),
    ("苏州丝绸坊", 60, False),
    ("武汉热干面连锁", 30, False),
]

# (text, customer index or None, channel, requirement index (1-based) or None)
SPARK_FEEDBACK = [
    ("结算时要填的东西太多了，经常放弃下单", 0, "ticket", 2),
    ("新用户第一单能不能有个大额券？我们店拉新很难", 2, "sales", 1),
    ("iOS 上点领券没反应，差评都是这个", 1, "app_store", 8),
    ("推送太频繁，用户说要卸载", 1, "community", 5),
    ("希望积分可以直接抵现金", 3, "survey", 6),
    ("物流什么时候到？客服每天被问几十次", 0, "ticket", 7),
    ("直播间里能不能直接挂会场入口", 5, "sales", 4),
    ("团购开团能不能在微信群里直接分享", None, "community", None),
    ("搜索结果能不能按评分排序", 6, "survey", None),
]

# (requirement index, username, {criterion: score}): a contested item and an agreed one
SPARK_SCORES = [
    (5, "alice", {"ux_impact": 9, "strategic_fit": 8, "confidence": 8, "effort": 3}),
    (5, "olivia", {"reach": 3, "growth": 2, "revenue": 2, "campaign_potential": 1}),
    (6, "olivia", {"reach": 9, "growth": 8, "revenue": 9, "campaign_potential": 8}),
    (6, "alice", {"ux_impact": 3, "strategic_fit": 2, "confidence": 4, "effort": 8}),
    (2, "alice", {"ux_impact": 8, "strategic_fit": 8, "confidence": 7, "effort": 6}),
    (2, "olivia", {"reach": 8, "growth": 7, "revenue": 8, "campaign_potential": 5}),
    (1, "lena", {"ux_impact": 6, "strategic_fit": 7, "reach": 9, "growth": 9}),
]

# Goals for the current quarter: (objective, side, owner, [(kr, unit, baseline, target, direction,
# current, confidence, [requirement indexes it is served by])])
SPARK_GOALS = [
    (
        "双十一大促 GMV 创新高",
        "joint",
        "lena",
        [
            ("大促期间 GMV（亿元）", "亿元", 2.0, 3.0, "up", 2.3, 0.4, [1, 4]),
            ("新客首单转化率", "%", 12, 18, "up", 15.5, 0.7, [1]),
        ],
    ),
    (
        "结算体验更顺畅",
        "product",
        "alice",
        [
            ("结算页放弃率", "%", 45, 30, "down", 37, 0.8, [2]),
        ],
    ),
    (
        "推送不打扰用户",
        "operations",
        "olivia",
        [
            ("因推送导致的卸载率", "%", 2.0, 1.0, "down", 1.9, 0.5, [5]),
        ],
    ),
]

# Northwind's lead scores both lenses, so its scenario has something to weigh.
NORTHWIND_SCORES = [
    (1, "lena", {"ux_impact": 6, "strategic_fit": 7, "confidence": 7, "effort": 5,
                 "reach": 8, "growth": 9, "revenue": 7, "campaign_potential": 9}),
    (2, "lena", {"ux_impact": 8, "strategic_fit": 8, "confidence": 8, "effort": 4,
                 "reach": 5, "growth": 6, "revenue": 4, "campaign_potential": 3}),
]  # fmt: skip
