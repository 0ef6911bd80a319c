"""Likely duplicates: TF-IDF cosine over word tokens (pure; tokens given as jieba makes them)."""

from truce.domain.similarity import Match, cosine, informative, rank, terms

COUPON_FAILS = ["优惠", "优惠券", "领取", "失败"]
CANDIDATES = {
    1: ["修复", "优惠", "优惠券", "领取", "流程"],
    2: ["优化", "会员", "到期", "提醒"],
    3: ["新增", "直播", "入口"],
    4: ["优化", "优惠", "优惠券", "展示", "样式"],
    5: ["上线", "会员", "积分", "规则", "配置"],
}


def test_the_chinese_duplicate_ranks_first():
    found = rank(COUPON_FAILS, CANDIDATES)
    assert found[0].key == 1
    assert all(m.key in (1, 4) for m in found)


def test_unrelated_text_finds_nothing():
    assert rank(["物流", "发票", "导出"], CANDIDATES) == []
    assert rank(["the", "的", "用户"], CANDIDATES) == []


def test_the_same_words_score_one_and_scores_are_fractions():
    found = rank(["优化", "会员", "到期", "提醒"], CANDIDATES)
    assert found[0] == Match(2, 1.0)
    assert all(0 <= m.score <= 1 for m in found)


def test_limit_and_threshold():
    assert len(rank(COUPON_FAILS, CANDIDATES, limit=1)) == 1
    assert rank(COUPON_FAILS, CANDIDATES, threshold=0.99) == []


def test_english_duplicates():
    docs = {"a": ["fix", "coupons", "claim", "flow"], "b": ["improve", "search", "ranking"]}
    assert [m.key for m in rank(["coupons", "claim", "fails"], docs)] == ["a"]


def test_terms_drop_stopwords_lone_characters_and_repeats():
    assert terms(["优惠券", "的", "优", "用户", "Coupons", "coupons", "a"]) == ["优惠券", "coupons"]


def test_informative_puts_longer_words_first_and_drops_their_sub_words():
    assert informative(["优惠", "优惠券", "领取", "失败"]) == ["优惠券", "失败", "领取"]
    assert informative(["优惠", "优惠券", "领取", "失败"], limit=1) == ["优惠券"]


def test_cosine_of_disjoint_or_empty_vectors_is_zero():
    assert cosine({"a": 1.0}, {"b": 1.0}) == 0
    assert cosine({}, {"b": 1.0}) == 0
