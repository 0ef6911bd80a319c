"""Fragment libraries for the large seed: mixed zh-Hans / English product and feedback text.

Texts are composed from *segments* joined by whitespace (or after a "。"), so jieba cuts each
segment on its own exactly as it cuts the whole text: jieba splits its input into blocks at every
character outside ``[\\u4E00-\\u9FD5a-zA-Z0-9+#&._%-]`` before segmenting. ``Composer`` therefore
tokenises each distinct segment once and assembles ``search_text`` from the cached tokens; the
seed's tests check the result equals ``index_text`` of the composed text.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape

from truce.core.text import assemble_index, text_tokens

# (zh, en) pairs, so a requirement and the feedback asking for it can talk about the same thing.
MODULES = [
    ("会员", "membership"),
    ("支付", "payments"),
    ("优惠券", "coupons"),
    ("推送", "push notifications"),
    ("直播", "live streaming"),
    ("搜索", "search"),
    ("购物车", "shopping cart"),
    ("订单", "orders"),
    ("客服", "customer service"),
    ("积分", "loyalty points"),
    ("物流", "shipping"),
    ("退款", "refunds"),
    ("商品详情页", "product page"),
    ("首页", "home page"),
    ("秒杀", "flash sales"),
    ("拼团", "group buying"),
    ("签到", "daily check-in"),
    ("评价", "reviews"),
    ("发票", "invoices"),
    ("收货地址", "delivery addresses"),
    ("消息中心", "inbox"),
    ("分享裂变", "referral sharing"),
    ("短视频", "short videos"),
    ("小程序", "mini program"),
]
ACTIONS = [
    ("优化", "Improve"),
    ("新增", "Add"),
    ("改版", "Redesign"),
    ("修复", "Fix"),
    ("支持", "Support"),
    ("重构", "Refactor"),
    ("上线", "Launch"),
    ("升级", "Upgrade"),
    ("简化", "Simplify"),
    ("统一", "Unify"),
]
OBJECTS = [
    ("领取流程", "claim flow"),
    ("入口", "entry point"),
    ("规则配置", "rule settings"),
    ("数据看板", "dashboard"),
    ("到期提醒", "expiry reminders"),
    ("页面加载速度", "page load time"),
    ("异常提示", "error messages"),
    ("权限管理", "permissions"),
    ("批量操作", "bulk actions"),
    ("运营后台", "operations console"),
    ("埋点上报", "tracking events"),
    ("风控策略", "risk rules"),
    ("排序算法", "ranking"),
    ("展示样式", "layout"),
    ("库存同步", "stock sync"),
    ("结算逻辑", "checkout logic"),
    ("多语言文案", "translations"),
    ("新人引导", "onboarding"),
    ("召回策略", "win-back campaign"),
    ("分享海报", "share posters"),
    ("实验分流", "experiment bucketing"),
    ("接口超时", "API timeouts"),
    ("缓存策略", "caching"),
    ("导出报表", "report export"),
]
PLATFORMS = ["iOS", "Android", "小程序", "H5", "PC 端", "商家后台"]
CAMPAIGNS = [
    ("双十一", "Singles' Day"),
    ("618", "the 618 sale"),
    ("春节", "Chinese New Year"),
    ("年货节", "the New Year shopping festival"),
    ("开学季", "back-to-school"),
    ("周年庆", "the anniversary sale"),
    ("会员日", "member day"),
    ("黑五", "Black Friday"),
]
PROBLEMS = [
    ("领取失败", "fails to load"),
    ("加载很慢", "is very slow"),
    ("经常闪退", "keeps crashing"),
    ("找不到入口", "is hard to find"),
    ("显示错误", "shows wrong numbers"),
    ("提示看不懂", "has confusing messages"),
    ("重复扣款", "charges twice"),
    ("数据不同步", "is out of sync"),
    ("规则太复杂", "has rules that are too complex"),
    ("没有提醒", "sends no reminder"),
]
GOALS = [
    ("提升转化率", "lift conversion"),
    ("降低客诉", "cut complaints"),
    ("提高复购", "drive repeat purchases"),
    ("拉新", "acquire new users"),
    ("提升留存", "improve retention"),
    ("减少人工成本", "reduce manual work"),
]
CITIES = ["杭州", "上海", "北京", "深圳", "成都", "广州", "苏州", "武汉", "南京", "西安"]
BRANDS = ["云帆", "星河", "青禾", "锦程", "优品", "乐活", "嘉木", "百川", "新程", "禾丰", "鲸选"]
TRADES = ["科技", "贸易", "零售", "食品", "服饰", "母婴", "美妆", "数码", "家居", "文化"]
EN_BRANDS = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Wingtip"]
EN_TRADES = ["Trading", "Retail", "Foods", "Apparel", "Outdoor", "Electronics", "Home"]
CHANNEL_TEXT = {
    "ticket": [
        "{camp}期间{mod}{prob}，客服工单激增。",
        "用户反馈{mod}{prob}，请尽快处理。",
        "{plat}用户投诉{mod}{prob}。",
        "Customer says {mod_en} {prob_en} on {plat}.",
    ],
    "survey": [
        "调研中很多受访者希望{act}{mod}{obj}。",
        "问卷反馈：{mod}{obj}不好用，希望{goal}。",
        "Survey: users want us to {act_en_l} {mod_en} {obj_en}.",
    ],
    "sales": [
        "大客户要求{mod}支持{obj}，否则续约有风险。",
        "商家希望{camp}前{act}{mod}{obj}。",
        "Key account asks for {mod_en} {obj_en} before renewal.",
    ],
    "app_store": [
        "差评：{mod}{prob}，体验太差。",
        "{plat}版本{mod}{prob}，希望修复。",
        "App review: {mod_en} {prob_en}, please fix.",
    ],
    "community": [
        "社群里有人吐槽{mod}{prob}。",
        "群友建议{act}{mod}{obj}，{goal}。",
        "Community post: {mod_en} {prob_en} during {camp_en}.",
    ],
    "other": ["内部反馈：{mod}{obj}需要{act}。", "Note: {mod_en} {obj_en} needs work."],
}
DESCRIPTION_ZH = [
    "目前{mod}{obj}存在问题，{camp}期间尤其明显。",
    "本需求目标是{goal}，覆盖{plat}。",
    "运营侧希望在{camp}前完成，产品侧需要评估工作量。",
    "近期客服工单中与{mod}相关的投诉明显增加。",
    "需要和技术确认{obj}的改造范围。",
    "上线后通过数据看板跟踪效果。",
]
DESCRIPTION_EN = [
    "Today {mod_en} {obj_en} is a pain point, especially during {camp_en}.",
    "The goal is to {goal_en} on {plat}.",
    "Operations wants it before {camp_en}; product needs an estimate first.",
    "Support tickets about {mod_en} went up last month.",
]


@dataclass(frozen=True)
class Text:
    """A composed text and the cached tokens of its segments (see the module docstring)."""

    text: str
    pieces: tuple


class Composer:
    """Builds texts from fragments and remembers each segment's jieba tokens."""

    # Variants of one sentence template about one module; bounds the distinct sentences (and so
    # the jieba work) to a few thousand however many texts are composed.
    VARIANTS = 6

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._cache: dict[str, tuple[list[str], list[str]]] = {}
        self._pools: dict[tuple[str, int], list[str]] = {}

    def tokens(self, segment: str) -> tuple[list[str], list[str]]:
        hit = self._cache.get(segment)
        if hit is None:
            hit = self._cache[segment] = text_tokens(segment)
        return hit

    def text(self, segments: list[str], joiner: str = " ") -> Text:
        return Text(joiner.join(segments), tuple(self.tokens(s) for s in segments))

    @staticmethod
    def search_text(*texts: Text) -> str:
        return assemble_index(piece for t in texts for piece in t.pieces)

    def sentence(self, template: str, module: int) -> str:
        pool = self._pools.setdefault((template, module), [])
        if len(pool) < self.VARIANTS:
            pool.append(template.format(**self.slots(module)))
            return pool[-1]
        return self.rng.choice(pool)

    def slots(self, module: int) -> dict[str, str]:
        r = self.rng
        act, obj, camp = r.choice(ACTIONS), r.choice(OBJECTS), r.choice(CAMPAIGNS)
        prob, goal = r.choice(PROBLEMS), r.choice(GOALS)
        mod = MODULES[module]
        return {
            "mod": mod[0], "mod_en": mod[1], "act": act[0], "act_en": act[1],
            "act_en_l": act[1].lower(), "obj": obj[0], "obj_en": obj[1], "camp": camp[0],
            "camp_en": camp[1], "prob": prob[0], "prob_en": prob[1], "goal": goal[0],
            "goal_en": goal[1], "plat": r.choice(PLATFORMS),
        }  # fmt: skip

    def title(self, module: int, english: bool) -> Text:
        r = self.rng
        act, obj = r.choice(ACTIONS), r.choice(OBJECTS)
        mod = MODULES[module]
        core = f"{act[1]} {mod[1]} {obj[1]}" if english else f"{act[0]}{mod[0]}{obj[0]}"
        segments = [core]
        if r.random() < 0.25:
            segments.append(f"({r.choice(PLATFORMS)})" if english else f"（{r.choice(PLATFORMS)}）")
        elif r.random() < 0.15:
            camp = r.choice(CAMPAIGNS)
            segments.append(f"for {camp[1]}" if english else f"· {camp[0]}专项")
        return self.text(segments)

    def description(self, module: int, english: bool) -> tuple[Text, str]:
        """The Markdown text and its HTML (plain paragraphs, so rendering is escaping)."""
        r = self.rng
        paragraphs: list[list[str]] = []
        for _ in range(r.choice((1, 1, 2, 2, 3))):
            lang_en = english if r.random() < 0.85 else not english
            library = DESCRIPTION_EN if lang_en else DESCRIPTION_ZH
            sentences = [self.sentence(s, module) for s in r.sample(library, r.choice((1, 2, 3)))]
            paragraphs.append(sentences)
        segments = [s for p in paragraphs for s in p]
        text = "\n\n".join(" ".join(p) for p in paragraphs)
        html = "".join(f"<p>{escape(' '.join(p), quote=False)}</p>\n" for p in paragraphs)
        return Text(text, tuple(self.tokens(s) for s in segments)), html

    def feedback(self, module: int, channel: str) -> Text:
        r = self.rng
        templates = CHANNEL_TEXT[channel]
        count = 2 if r.random() < 0.2 else 1
        return self.text([self.sentence(r.choice(templates), module) for _ in range(count)])

    def customer_name(self, index: int) -> Text:
        """E.g. "杭州云帆科技 123": the number keeps 20,000 names distinct."""
        r = self.rng
        if r.random() < 0.2:
            core = f"{r.choice(EN_BRANDS)} {r.choice(EN_TRADES)}"
        else:
            core = f"{r.choice(CITIES)}{r.choice(BRANDS)}{r.choice(TRADES)}"
        return self.text([core, str(index)])
