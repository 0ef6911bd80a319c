"""The starter glossary: the jargon product and operations teams in Chinese internet companies
trip over most, in both languages. A workspace imports it with one click (``starter_import``);
the demo seed loads it into every workspace.

Each entry: a stable ``key`` (so importing twice adds nothing), the term in Chinese and English,
aliases (other spellings, any language), the ``side`` that uses it (product, operations, both),
a plain definition, the *other side's* equivalent (for a shared term: how the other side tends to
put it), and an example sentence — each in zh-Hans and English.
"""

from __future__ import annotations

STARTER: list[dict] = [
    {
        "key": "canary",
        "term_zh": "灰度发布",
        "term_en": "Canary release",
        "aliases": ["灰度", "灰度上线", "gradual rollout", "staged rollout"],
        "side": "product",
        "definition_zh": "新版本先只对一小部分用户开放，观察数据和问题，再逐步扩大到全部用户；"
        "出了问题可以快速关闭或回滚，影响面小。",
        "definition_en": "A new version is first switched on for a small share of users, watched "
        "for problems and metric changes, then widened step by step to everyone; if something "
        "breaks it can be switched off for the few affected.",
        "equivalent_zh": "分批放量、小范围试投：活动要等全量后才能对所有人宣传",
        "equivalent_en": "a soft launch to a slice of users; promote it to everyone only after "
        "it reaches 100%",
        "example_zh": "新结算页下周一灰度 5%，数据正常的话周四全量。",
        "example_en": "The new checkout goes to 5% of users on Monday and to everyone on "
        "Thursday if the numbers hold.",
    },
    {
        "key": "tracking",
        "term_zh": "埋点",
        "term_en": "Event tracking",
        "aliases": ["数据埋点", "tracking events", "tracking event"],
        "side": "product",
        "definition_zh": "在产品里预先设置的数据采集点：用户完成某个动作（浏览、点击、下单）时上报"
        "一条事件，之后才能统计和分析这个动作。没埋点的行为，事后查不到。",
        "definition_en": "Data collection points built into the product: when a user does "
        "something (views, clicks, orders) an event is recorded so it can be counted and "
        "analysed later. What is not tracked cannot be measured afterwards.",
        "equivalent_zh": "事件追踪、数据上报：活动报表里的点击和转化数据就来自这里",
        "equivalent_en": "the data behind campaign reports: clicks and conversions per step",
        "example_zh": "领券按钮要加埋点，否则活动结束后算不出领券率。",
        "example_en": "Add tracking to the coupon button, or we cannot compute the claim rate "
        "after the campaign.",
    },
    {
        "key": "iteration",
        "term_zh": "迭代",
        "term_en": "Iteration",
        "aliases": ["sprint", "版本迭代", "冲刺"],
        "side": "product",
        "definition_zh": "研发的一个固定周期（常见 1–4 周），周期内完成一批事先选定的需求并交付；"
        "周期开始后一般不再加需求。",
        "definition_en": "A fixed development cycle (usually one to four weeks) in which a chosen "
        "set of requirements is built and delivered; new work is normally not added once it "
        "has started.",
        "equivalent_zh": "一个版本周期：想赶上某次活动，需求要在迭代开始前排进去",
        "equivalent_en": "the release cycle: to make a campaign date, the request must be "
        "planned before the cycle starts",
        "example_zh": "积分抵现排在下个迭代，预计 6 月 20 日上线。",
        "example_en": "Points-as-cash is in the next iteration, expected live on 20 June.",
    },
    {
        "key": "mvp",
        "term_zh": "MVP",
        "term_en": "MVP",
        "aliases": ["最小可行产品", "minimum viable product"],
        "side": "product",
        "definition_zh": "最小可行产品：只包含验证核心假设所必需功能的最早版本，用最低成本先确认"
        "用户是否真的需要，再决定是否继续投入。",
        "definition_en": "Minimum viable product: the earliest version with only what is needed "
        "to test the core assumption, so we learn cheaply whether users really want it before "
        "investing more.",
        "equivalent_zh": "试水版、先跑通最小闭环：功能少，但足够拿真实用户验证",
        "equivalent_en": "a pilot: few features, but enough to test with real customers",
        "example_zh": "直播带货先做 MVP：只支持一个直播间和一种优惠券。",
        "example_en": "The live-shopping MVP supports one room and one coupon type.",
    },
    {
        "key": "gmv",
        "term_zh": "GMV",
        "term_en": "GMV",
        "aliases": ["成交总额", "商品交易总额", "gross merchandise volume"],
        "side": "operations",
        "definition_zh": "商品交易总额：一段时间内下单的商品总金额，通常包含未支付、取消和退货的"
        "订单，所以不等于实际收入。",
        "definition_en": "Gross merchandise volume: the total value of goods ordered in a period, "
        "usually including unpaid, cancelled and returned orders, so it is not the same as "
        "revenue.",
        "equivalent_zh": "下单金额总和（毛额，不扣退款），不是营收",
        "equivalent_en": "the sum of all order amounts (gross, before refunds), not revenue",
        "example_zh": "大促当天 GMV 破千万，但退货率也到了 18%。",
        "example_en": "GMV passed ten million on sale day, but 18% of it was returned.",
    },
    {
        "key": "dau_mau",
        "term_zh": "DAU/MAU",
        "term_en": "DAU/MAU",
        "aliases": ["DAU", "MAU", "日活", "月活", "daily active users", "monthly active users"],
        "side": "both",
        "definition_zh": "日活跃用户数 / 月活跃用户数：一天 / 一个月内至少使用一次产品的去重"
        "用户数。“活跃”的口径（打开、登录还是有关键行为）要事先说清；DAU÷MAU 常用来衡量粘性。",
        "definition_en": "Daily / monthly active users: distinct users who used the product at "
        "least once that day / month. Agree on what counts as active (open, log in, or a key "
        "action); DAU ÷ MAU is a common measure of stickiness.",
        "equivalent_zh": "产品看“粘性”（DAU÷MAU），运营看“盘子多大、活动能触达多少人”",
        "equivalent_en": "product reads it as stickiness (DAU ÷ MAU); operations as audience size "
        "a campaign can reach",
        "example_zh": "签到改版后 DAU 涨了 8%，MAU 基本不变，说明老用户来得更勤了。",
        "example_en": "After the check-in redesign DAU rose 8% while MAU stayed flat: existing "
        "users come more often.",
    },
    {
        "key": "acquisition",
        "term_zh": "拉新",
        "term_en": "User acquisition",
        "aliases": ["获客", "新客获取", "acquiring users"],
        "side": "operations",
        "definition_zh": "通过广告投放、活动、邀请、渠道合作等方式获得新用户（新注册、新下载或首次"
        "下单），通常用获客成本和新客数衡量。",
        "definition_en": "Getting new users (sign-ups, installs or first orders) through ads, "
        "campaigns, referrals or partners; measured by the number of new users and the cost "
        "per new user.",
        "equivalent_zh": "新用户获取、注册转化：需要产品提供注册流程、新人礼包、邀请入口",
        "equivalent_en": "new sign-ups: relies on the product's sign-up flow, welcome offer and "
        "invite entry points",
        "example_zh": "本季度拉新目标 20 万，单个新客成本控制在 15 元以内。",
        "example_en": "This quarter's acquisition target is 200,000 new users at under ¥15 each.",
    },
    {
        "key": "activation",
        "term_zh": "促活",
        "term_en": "Activation",
        "aliases": ["促进活跃", "re-engagement", "user activation"],
        "side": "operations",
        "definition_zh": "让用户更多、更常使用产品的运营动作，如签到、任务、推送、限时活动；也包括"
        "让新用户尽快完成第一次关键行为（例如首单）。",
        "definition_en": "Operations work that makes users use the product more and more often: "
        "check-ins, tasks, push messages, limited-time events; also getting new users to their "
        "first key action (such as a first order) quickly.",
        "equivalent_zh": "提升活跃、用户激活：对应产品里的新手引导、签到、消息触达等功能",
        "equivalent_en": "engagement: product features such as onboarding, check-ins and "
        "notifications",
        "example_zh": "周末促活活动：连续签到 3 天送 5 元无门槛券。",
        "example_en": "Weekend activation: check in three days in a row for a ¥5 coupon.",
    },
    {
        "key": "retention",
        "term_zh": "留存",
        "term_en": "Retention",
        "aliases": ["留存率", "retention rate", "用户留存"],
        "side": "both",
        "definition_zh": "一段时间后仍在使用产品的用户比例，如次日留存、7 日留存、30 日留存；"
        "按首次使用日期分组（同期群）来看。",
        "definition_en": "The share of users still using the product after a period, e.g. day-1, "
        "day-7 or day-30 retention, usually read per group of users who started on the same "
        "day (cohort).",
        "equivalent_zh": "产品说“用户还在不在用”，运营说“老客回不回来、复购多少”",
        "equivalent_en": 'product asks "do they keep using it"; operations asks "do they come '
        'back and buy again"',
        "example_zh": "推送过多导致 7 日留存下降了 2 个百分点。",
        "example_en": "Too many push messages cut day-7 retention by two points.",
    },
    {
        "key": "conversion",
        "term_zh": "转化率",
        "term_en": "Conversion rate",
        "aliases": ["转化", "CVR", "conversion"],
        "side": "both",
        "definition_zh": "完成目标行为（注册、下单、付费等）的用户数 ÷ 进入这一环节的用户数。"
        "说转化率时要说清从哪一步到哪一步。",
        "definition_en": "Users who complete a target action (sign up, order, pay) divided by the "
        "users who reached that step. Always say from which step to which.",
        "equivalent_zh": "产品看页面/流程每一步的通过率，运营看活动带来的下单率",
        "equivalent_en": "product reads step-by-step pass rates; operations reads how many "
        "campaign visitors buy",
        "example_zh": "结算页改版后，从提交订单到支付成功的转化率从 62% 升到 68%。",
        "example_en": "After the checkout redesign, conversion from order to payment rose from "
        "62% to 68%.",
    },
    {
        "key": "roi",
        "term_zh": "ROI",
        "term_en": "ROI",
        "aliases": ["投资回报率", "投入产出比", "return on investment"],
        "side": "operations",
        "definition_zh": "投资回报率 =（收益 − 投入）÷ 投入，衡量一笔预算值不值得花。电商投放里"
        "常被简化为 GMV ÷ 花费（严格说这叫 ROAS），引用时要说清口径。",
        "definition_en": "Return on investment = (gain − cost) ÷ cost: whether money spent pays "
        "off. In e-commerce ads it is often simplified to GMV ÷ spend (strictly ROAS), so say "
        "which one you mean.",
        "equivalent_zh": "投入产出比：产品侧常对应“人天投入换来多少指标提升”",
        "equivalent_en": "payoff for effort: in product terms, metric gain per person-day spent",
        "example_zh": "这次直播投放花了 5 万，带来 20 万 GMV，按 GMV 口径 ROI 是 4。",
        "example_en": "The live-stream ads cost ¥50k and brought ¥200k GMV: an ROI of 4 by GMV.",
    },
    {
        "key": "private_traffic",
        "term_zh": "私域",
        "term_en": "Private traffic",
        "aliases": ["私域流量", "owned audience"],
        "side": "operations",
        "definition_zh": "企业自己拥有、可以免费反复触达的用户，如企业微信好友、社群、公众号粉丝、"
        "会员；与需要按曝光或点击付费的公域流量（平台推荐、广告）相对。",
        "definition_en": "Users a company owns and can reach again for free: WeCom contacts, group "
        "chats, official-account followers, members; the opposite of public traffic (platform "
        "feeds, ads) paid per view or click.",
        "equivalent_zh": "自有触达渠道：需要产品打通企业微信、社群、会员体系等能力",
        "equivalent_en": "owned channels: needs product hooks into WeCom, groups and the "
        "membership system",
        "example_zh": "把下单用户加到企业微信，沉淀到私域，后续活动直接群发。",
        "example_en": "Add buyers as WeCom contacts to build private traffic for later campaigns.",
    },
    {
        "key": "viral",
        "term_zh": "裂变",
        "term_en": "Viral referral",
        "aliases": ["裂变营销", "referral", "viral loop"],
        "side": "operations",
        "definition_zh": "借助老用户分享、邀请、拼团、助力等机制，让用户带来新用户，实现像细胞分裂"
        "一样的传播式增长。",
        "definition_en": "Growth where existing users bring new ones through sharing, invitations, "
        'group buying or "help me" mechanics, so the audience multiplies.',
        "equivalent_zh": "分享邀请机制、病毒传播系数（K 因子）：需要邀请链接、奖励发放和防作弊",
        "equivalent_en": "share-and-invite mechanics with a viral coefficient (K factor): needs "
        "invite links, reward payout and fraud checks",
        "example_zh": "邀请 3 位好友助力即可免单，是一次典型的裂变活动。",
        "example_en": '"Invite three friends and the order is free" is a classic viral referral.',
    },
    {
        "key": "funnel",
        "term_zh": "漏斗",
        "term_en": "Funnel",
        "aliases": ["转化漏斗", "漏斗分析", "conversion funnel"],
        "side": "both",
        "definition_zh": "把用户完成目标的过程拆成连续步骤（如浏览 → 加购 → 下单 → 支付），"
        "统计每一步的人数和转化率，找出流失最多的环节。",
        "definition_en": "The path to a goal split into steps (view → add to cart → order → pay), "
        "with the number of users and the conversion at each step, to find where most drop "
        "out.",
        "equivalent_zh": "产品看流程哪一步卡住，运营看活动流量在哪一步流失",
        "equivalent_en": "product looks for the step that blocks users; operations for where "
        "campaign traffic leaks",
        "example_zh": "漏斗显示加购到下单流失了 70%，问题出在运费提示。",
        "example_en": "The funnel shows 70% drop between cart and order: the shipping fee "
        "surprise.",
    },
    {
        "key": "ab_test",
        "term_zh": "A/B 测试",
        "term_en": "A/B test",
        "aliases": ["AB测试", "AB 实验", "A/B testing", "split test"],
        "side": "product",
        "definition_zh": "把用户随机分成两组（或多组），分别看到不同版本，在足够样本和时间后比较"
        "关键指标，用数据判断哪个版本更好。",
        "definition_en": "Users are randomly split into two (or more) groups that see different "
        "versions; after enough users and time the key metric is compared to decide which "
        "version is better.",
        "equivalent_zh": "分组对照实验：像投放里同时试两版素材，看哪版效果好",
        "equivalent_en": "a controlled split, like running two ad creatives side by side to see "
        "which performs",
        "example_zh": "首页两种 banner 做 A/B 测试，各 50% 流量，跑满两周再下结论。",
        "example_en": "Two home-page banners in an A/B test, 50% traffic each, for two full weeks.",
    },
    {
        "key": "prd",
        "term_zh": "PRD",
        "term_en": "PRD",
        "aliases": ["产品需求文档", "product requirements document"],
        "side": "product",
        "definition_zh": "产品需求文档：写清要做什么、为什么做、功能细节、交互和验收标准，是设计、"
        "研发和测试工作的依据。",
        "definition_en": "Product requirements document: what we build and why, the detailed "
        "behaviour, the interaction and the acceptance criteria; design, engineering and QA "
        "work from it.",
        "equivalent_zh": "需求文档、方案说明：活动规则和玩法要写进去，研发才会照着做",
        "equivalent_en": "the spec: campaign rules must be written into it or they will not be "
        "built",
        "example_zh": "运营提的积分规则已经补进 PRD 第 3 节。",
        "example_en": "The points rules from operations are now in section 3 of the PRD.",
    },
    {
        "key": "req_review",
        "term_zh": "需求评审",
        "term_en": "Requirement review",
        "aliases": ["评审会", "spec review"],
        "side": "product",
        "definition_zh": "产品把需求和方案讲给设计、研发、测试（以及相关运营），一起确认目标、"
        "范围、可行性和工作量的会议；通过后才进入排期。",
        "definition_en": "The meeting where the product manager walks design, engineering, QA "
        "(and the operations people concerned) through a requirement to agree its goal, scope, "
        "feasibility and effort; only then is it scheduled.",
        "equivalent_zh": "立项 / 方案评审会：运营的诉求要在这里讲清楚，否则很难再加进来",
        "equivalent_en": "the go/no-go meeting for a request: state operations' needs here, "
        "later changes are hard",
        "example_zh": "周三下午需求评审，请运营同学带上活动目标和预算。",
        "example_en": "Requirement review is on Wednesday afternoon; operations, bring the "
        "campaign goal and budget.",
    },
    {
        "key": "scheduling",
        "term_zh": "排期",
        "term_en": "Scheduling",
        "aliases": ["排期表", "delivery schedule"],
        "side": "product",
        "definition_zh": "确定一个需求由谁做、什么时候开始、什么时候完成和上线的计划。排期受研发"
        "人力限制，插入新需求通常意味着别的需求后移。",
        "definition_en": "Deciding who builds a requirement, when it starts, and when it is done "
        "and live. It is limited by engineering capacity: adding something usually pushes "
        "something else back.",
        "equivalent_zh": "上线时间表：活动档期要以此为准，而不是反过来",
        "equivalent_en": "the delivery date a campaign calendar can rely on",
        "example_zh": "会员积分抵现已排期到 7 月第二个迭代。",
        "example_en": "Points-as-cash is scheduled for the second iteration of July.",
    },
    {
        "key": "launch",
        "term_zh": "上线",
        "term_en": "Go-live",
        "aliases": ["发布上线", "go live", "launch"],
        "side": "both",
        "definition_zh": "新功能或新版本发布到线上环境，真实用户可以使用。App 还要算上应用商店审核"
        "时间。",
        "definition_en": "A feature or version is released to production and real users can use "
        "it. For mobile apps, add the app-store review time.",
        "equivalent_zh": "产品说“发布”，运营说“可以开始宣传了”——上线不等于全量，要确认灰度进度",
        "equivalent_en": 'product says "released"; operations hears "we can promote it" — '
        "check it is at 100% rollout first",
        "example_zh": "新人礼包 6 月 1 日上线，活动海报 6 月 3 日再发。",
        "example_en": "The welcome pack goes live on 1 June; the campaign posters go out on "
        "3 June.",
    },
    {
        "key": "retro",
        "term_zh": "复盘",
        "term_en": "Retrospective",
        "aliases": ["retro", "post-mortem", "postmortem"],
        "side": "both",
        "definition_zh": "项目、活动或故障结束后，对照目标回顾结果，分析做得好和不好的地方及原因，"
        "总结下次的改进措施。重在找原因和改进，不是追责。",
        "definition_en": "After a project, campaign or incident: compare the result with the goal, "
        "work out what went well and badly and why, and agree improvements for next time. "
        "About causes and fixes, not blame.",
        "equivalent_zh": "产品叫回顾会 / 故障复盘，运营叫活动总结",
        "equivalent_en": "product: retro or post-mortem; operations: campaign wrap-up",
        "example_zh": "双十一结束后一周内完成复盘，产品和运营一起参加。",
        "example_en": "Hold the retrospective within a week after the sale, product and "
        "operations together.",
    },
    {
        "key": "aov",
        "term_zh": "客单价",
        "term_en": "Average order value",
        "aliases": ["AOV", "客单"],
        "side": "operations",
        "definition_zh": "每位成交顾客平均花了多少钱 = 销售额 ÷ 成交顾客数；电商里也常按订单算"
        "（GMV ÷ 订单数），引用时要说清是按人还是按单。",
        "definition_en": "How much each paying customer spends on average = sales ÷ paying "
        "customers; in e-commerce often per order instead (GMV ÷ orders), so say which.",
        "equivalent_zh": "平均每单金额：凑单、满减、推荐搭配等功能影响它",
        "equivalent_en": "average basket size: bundles, spend-more offers and recommendations "
        "move it",
        "example_zh": "满 199 减 30 把客单价从 156 元拉到了 205 元。",
        "example_en": '"¥30 off orders over ¥199" lifted average order value from ¥156 to ¥205.',
    },
    {
        "key": "winback",
        "term_zh": "召回",
        "term_en": "Win-back",
        "aliases": ["用户召回", "流失召回", "winback"],
        "side": "operations",
        "definition_zh": "用推送、短信、优惠券等方式，让一段时间没来或已流失的用户重新回来使用。"
        "注意：推荐算法里的“召回”是另一个意思（候选内容检索）。",
        "definition_en": "Bringing back users who have been inactive or have churned, with push "
        'messages, text messages or coupons. Note: in recommender systems "召回" means '
        "candidate retrieval, something else.",
        "equivalent_zh": "流失用户唤回：需要产品提供人群圈选、触达通道和频控",
        "equivalent_en": "re-engaging lapsed users: needs audience selection, messaging channels "
        "and frequency limits in the product",
        "example_zh": "给 30 天未下单的用户发召回短信，附 10 元券。",
        "example_en": "Send a win-back text with a ¥10 coupon to users with no order in 30 days.",
    },
    {
        "key": "kol_koc",
        "term_zh": "KOL/KOC",
        "term_en": "KOL/KOC",
        "aliases": ["KOL", "KOC", "达人", "关键意见领袖", "influencer"],
        "side": "operations",
        "definition_zh": "KOL（关键意见领袖）是在某领域有较大影响力的达人或专家；"
        "KOC（关键意见消费者）是粉丝不多但真实可信的普通消费者，靠口碑影响身边的人。",
        "definition_en": "KOL (key opinion leader): an influencer or expert with a large audience "
        "in a field. KOC (key opinion consumer): an ordinary customer with a small but trusting "
        "audience who sways others by word of mouth.",
        "equivalent_zh": "外部推广渠道：可能需要专属链接、邀请码和效果追踪",
        "equivalent_en": "outside promoters: may need dedicated links, codes and tracking",
        "example_zh": "新品先找 20 位 KOC 试用写笔记，再请头部 KOL 直播。",
        "example_en": "Twenty KOCs try the new product and post reviews before a top KOL hosts "
        "a live stream.",
    },
    {
        "key": "arpu",
        "term_zh": "ARPU",
        "term_en": "ARPU",
        "aliases": ["每用户平均收入", "average revenue per user"],
        "side": "operations",
        "definition_zh": "每用户平均收入 = 一段时间内的总收入 ÷ 同期用户数。分母用活跃用户还是付费"
        "用户（后者叫 ARPPU）要说清。",
        "definition_en": "Average revenue per user = revenue in a period ÷ users in that period. "
        "Say whether the users are all active users or only paying ones (then it is ARPPU).",
        "equivalent_zh": "人均贡献收入：会员、增值功能的定价和转化会影响它",
        "equivalent_en": "revenue per user: pricing and conversion of paid features move it",
        "example_zh": "会员体系上线后，月 ARPU 从 8.2 元升到 9.6 元。",
        "example_en": "After the membership launch, monthly ARPU rose from ¥8.2 to ¥9.6.",
    },
]
