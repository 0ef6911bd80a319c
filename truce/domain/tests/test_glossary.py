"""Glossary matching and suggestions, without Django."""

from __future__ import annotations

import jieba

from truce.domain.glossary import (
    Document,
    Matcher,
    SuggestionRules,
    annotate_html,
    explains,
    fold,
    sentence_with,
    suggest,
)


def _found(matcher: Matcher, text: str) -> list[tuple[object, str]]:
    return [(h.key, h.text) for h in matcher.find(text)]


def _mark(hit) -> str:
    return f"<b>{hit.text.replace('<', '&lt;')}</b>"


def test_fold_ignores_case_width_and_spaces():
    assert fold("  ＧＭＶ  ") == "gmv"
    assert fold("A/B   测试") == "a/b 测试"


def test_longest_match_wins_and_matches_do_not_overlap():
    m = Matcher([("conv", ["转化"]), ("rate", ["转化率"]), ("dau", ["DAU", "DAU/MAU"])])
    assert _found(m, "提升转化率和转化") == [("rate", "转化率"), ("conv", "转化")]
    assert _found(m, "看 DAU/MAU 比值") == [("dau", "DAU/MAU")]


def test_case_insensitive_keeps_original_spelling():
    m = Matcher([(1, ["gmv"])])
    assert _found(m, "Gmv 与 ＧＭＶ 与 GMV") == [(1, "Gmv"), (1, "ＧＭＶ"), (1, "GMV")]


def test_english_needs_word_boundaries_but_takes_plurals():
    m = Matcher([("roi", ["ROI"]), ("kol", ["KOL"]), ("funnel", ["funnel"])])
    assert _found(m, "PROIFT and ROI, KOLs, funnels; funnelling") == [
        ("roi", "ROI"),
        ("kol", "KOLs"),
        ("funnel", "funnels"),
    ]
    assert _found(m, "提升ROI的方法") == [("roi", "ROI")]


def test_space_in_a_form_matches_any_whitespace_or_none():
    m = Matcher([("ab", ["A/B 测试"])])
    assert _found(m, "做A/B测试，再做 a/b  测试") == [("ab", "A/B测试"), ("ab", "a/b  测试")]


def test_chinese_edges_follow_the_segmentation():
    m = Matcher([("recall", ["召回"]), ("ret", ["留存"])], segment=jieba.lcut)
    assert _found(m, "号召回应") == []  # 号召|回应: both edges inside words
    assert _found(m, "沉睡用户召回") == [("recall", "召回")]
    assert _found(m, "留存率提升") == [("ret", "留存")]


def test_without_a_segmenter_chinese_matches_as_substrings():
    assert _found(Matcher([(1, ["召回"])]), "号召回应") == [(1, "召回")]


def test_first_term_claiming_a_form_keeps_it():
    m = Matcher([("a", ["上线"]), ("b", ["上线", "发版"])])
    assert _found(m, "上线 发版") == [("a", "上线"), ("b", "发版")]


def test_empty_matcher_and_text():
    assert not Matcher([])
    assert Matcher([]).find("任何") == []
    assert Matcher([(1, ["x1"])]).find("") == []


def test_annotate_only_text_nodes_and_never_links_or_code():
    m = Matcher([("gmv", ["GMV"]), ("title", ["title"])])
    html = (
        '<p title="GMV">GMV 上涨</p><p><a href="/gmv">GMV</a> <code>GMV</code> '
        "<strong>GMV</strong></p><pre><code>title</code></pre>"
    )
    out, keys = annotate_html(html, m, _mark, once=False)
    assert out == (
        '<p title="GMV"><b>GMV</b> 上涨</p><p><a href="/gmv">GMV</a> <code>GMV</code> '
        "<strong><b>GMV</b></strong></p><pre><code>title</code></pre>"
    )
    assert keys == ["gmv", "gmv"]


def test_annotate_once_marks_the_first_occurrence_only():
    m = Matcher([("gmv", ["GMV"])])
    out, keys = annotate_html("<p>GMV, GMV</p><p>GMV</p>", m, _mark)
    assert out == "<p><b>GMV</b>, GMV</p><p>GMV</p>" and keys == ["gmv"]


def test_annotate_re_escapes_text_and_keeps_void_tags():
    m = Matcher([("x", ["a<b"])])
    out, _keys = annotate_html('<p>1 &lt; 2 &amp; a&lt;b<br>end<img src=x alt="a<b"></p>', m, _mark)
    assert out == '<p>1 &lt; 2 &amp; <b>a&lt;b</b><br>end<img src=x alt="a<b"></p>'


def test_annotate_drops_comments_and_survives_unclosed_tags():
    m = Matcher([("gmv", ["GMV"])])
    out, keys = annotate_html("<!-- GMV --><p><a href='#'>GMV <em>x</em></p>GMV", m, _mark)
    assert "<!--" not in out and keys == []  # the unclosed link keeps the rest skipped


def test_annotate_without_terms_returns_the_input():
    assert annotate_html("<p>x</p>", Matcher([]), _mark) == ("<p>x</p>", [])


def test_who_needs_which_term_explained():
    assert explains("operations", "product") and explains("both", "product")
    assert not explains("product", "product")
    assert explains("product", "both") and explains("product", "operations")


def test_sentence_with_finds_and_shortens():
    text = "背景说明。我们需要做好埋点，才能看清漏斗！另一句"
    assert sentence_with(text, "埋点") == "我们需要做好埋点，才能看清漏斗！"
    long = "x" * 200 + " SKU " + "y" * 200
    piece = sentence_with(long, "sku", width=60)
    assert "SKU" in piece and piece.startswith("…") and piece.endswith("…")
    assert sentence_with("nothing here", "sku") == ""


RULES = SuggestionRules(
    seed=frozenset({"复购", "churn"}),
    stopwords=frozenset({"用户", "the", "with"}),
    rarity={"用户": 6.8, "活动": 4.7, "抓手": 9.7, "闭环": 11.3},
    rare_above=10.0,
    min_count=2,
)


def _doc(ref: str, text: str) -> Document:
    return Document(ref, text, tuple(w for w in jieba.lcut(text) if w.strip()))


def test_suggest_finds_acronyms_seed_jargon_and_rare_frequent_words():
    docs = [
        _doc("R-1", "提升复购，形成闭环。SKU 太多，用户活动。"),
        _doc("R-2", "复购靠会员闭环，SKU 清理。churn is high"),
        _doc("R-3", "活动抓手，抓手，用户"),
    ]
    found = {s.word: s for s in suggest(docs, known=["gmv"], rules=RULES)}
    assert found["复购"].reason == "seed" and found["复购"].count == 2
    assert found["SKU"].reason == "acronym" and found["SKU"].documents == 2
    assert found["闭环"].reason == "frequent"
    assert found["churn"].count == 1  # seed words count from their first use
    assert "用户" not in found and "活动" not in found  # stopword / common word
    assert "抓手" not in found  # frequent here but common in general language
    assert found["复购"].examples[0].ref == "R-1"
    assert "复购" in found["复购"].examples[0].sentence


def test_suggest_skips_existing_terms_and_their_parts():
    docs = [_doc("R-1", "灰度发布，灰度，复购，复购"), _doc("R-2", "复购 GMV GMV")]
    words = [s.word for s in suggest(docs, known=["灰度发布", "复购", "gmv"], rules=RULES)]
    assert words == []


def test_suggest_needs_repeats_across_documents_for_ordinary_words():
    docs = [_doc("R-1", "闭环闭环闭环")]
    assert [s.word for s in suggest(docs, known=[], rules=RULES)] == []


def test_suggest_ranks_and_limits():
    docs = [_doc(f"R-{i}", "复购 SKU SKU SKU") for i in range(3)]
    rules = SuggestionRules(seed=frozenset({"复购"}), stopwords=frozenset(), rarity={}, limit=1)
    found = suggest(docs, known=[], rules=rules)
    assert [s.word for s in found] == ["SKU"]  # 9 uses × 2 beats 3 uses × 3
    assert len(found[0].examples) == 2
