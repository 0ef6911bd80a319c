from truce.core.markdown import render_markdown
from truce.core.text import index_text, query_terms, tokens


def test_markdown_renders_and_strips_scripts():
    html = render_markdown("**灰度** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>灰度</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html


def test_markdown_links_get_safe_rel():
    html = render_markdown("[doc](https://example.com)")
    assert 'rel="noopener noreferrer nofollow"' in html


def test_tokens_cover_words_and_single_characters():
    toks = tokens("支付宝小程序的优惠券")
    assert "优惠券" in toks and "支付宝" in toks
    assert "券" in toks and "优" in toks


def test_index_text_deduplicates_words_and_keeps_characters_in_order():
    assert index_text("Push 推送", "push 推") == "push 推送 推 推 送 推"


def test_query_terms_split_on_spaces_and_lowercase():
    assert query_terms("优惠券 Push") == ["优惠券", "push"]
