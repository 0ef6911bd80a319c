"""Word lists behind glossary suggestions: known jargon worth defining wherever it appears,
and general words never worth suggesting. Lower case; Chinese as jieba segments it."""

from __future__ import annotations

_SEED = """
埋点 灰度 迭代 排期 提测 联调 冒烟 封版 发版 回滚 热更新 中台 技术债 需求池 需求评审 验收 上线 复盘
抓手 闭环 赋能 打通 对齐 颗粒度 心智 链路 沉淀 痛点 拉通 落地 兜底 方法论 组合拳 底层逻辑
拉新 促活 留存 召回 转化 裂变 私域 公域 社群 种草 拔草 带货 投放 买量 素材 曝光 点击率 跳失率
复购 复购率 客单价 客单 动销 爆款 引流 流量池 分销 拼团 秒杀 满减 大促 会场 直播间 达人 冷启动
日活 月活 北极星 漏斗 同期群 归因 触达 频控 人群包 画像 分层 大盘 口径 同比 环比
gmv dau mau arpu arppu ltv cac roi roas ctr cvr cpc cpm cpa cps kpi okr sku spu uv pv nps sop
kol koc pgc ugc prd mrd brd mvp pmf poc b2b b2c saas aarrr
churn cohort funnel onboarding upsell cross-sell backlog sprint roadmap canary rollout
attribution touchpoint stickiness virality retention acquisition activation monetization
"""

_STOPWORDS = """
我们 你们 他们 她们 它们 这个 那个 这些 那些 一个 一些 什么 怎么 如何 为什么 因为 所以 但是 而且
如果 虽然 可以 需要 应该 能够 已经 还是 或者 以及 通过 进行 目前 现在 之后 之前 以后 以前 时候
客服 问题 情况 方面 时间 功能 页面 用户 产品 运营 活动 数据 系统 方案 支持 提升 优化 增加 减少 希望
觉得 感觉 一下 一样 一直 没有 不是 就是 还有 以上 以下 其中 同时 然后 比如 例如 部分 全部 每个
the and for are but not you all any can had her was one our out day get has him his how man new now
old see two way who boy did its let put say she too use that with have this will your from they know
want been good much some time very when come here just like long make many over such take than them
well were what which while would there their about after again also could every first into more most
other should still those through under until where whose users user need needs feature features page
team make made each only same then these want wants please
"""

SEED = frozenset(_SEED.split())
STOPWORDS = frozenset(_STOPWORDS.split())
