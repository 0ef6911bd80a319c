"""Terms marked in rendered text, in the reader's vocabulary."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from truce.core.access import access_workspace
from truce.glossary.highlight import audience_of, highlighter_for

pytestmark = pytest.mark.django_db

DESCRIPTION = (
    "<p>目标 GMV 提升，需要<strong>埋点</strong>；"
    '<a href="https://x.test/gmv">GMV 看板</a>，<code>GMV</code></p>'
)


def _ctx(user):
    return access_workspace(user, "spark")


def test_audience_is_the_side_and_leads_and_admins_read_both(alice, olivia, lena, admin):
    assert audience_of(_ctx(alice)) == "product"
    assert audience_of(_ctx(olivia)) == "operations"
    assert audience_of(_ctx(lena)) == "both" and audience_of(_ctx(admin)) == "both"


def test_product_reader_sees_operations_jargon_in_product_words(alice, gmv, tracking):
    html, terms = highlighter_for(_ctx(alice)).html(DESCRIPTION)
    assert [t.pk for t in terms] == [gmv.pk]  # 埋点 is their own word
    assert html.count('class="gl-mark gl-operations"') == 1
    assert "In your words:</em> the sum of all order amounts" in html
    assert '<a href="https://x.test/gmv">GMV 看板</a>' in html and "<code>GMV</code>" in html


def test_operations_reader_sees_product_jargon(olivia, gmv, tracking):
    html, terms = highlighter_for(_ctx(olivia)).html(DESCRIPTION)
    assert [t.pk for t in terms] == [tracking.pk]
    assert '<strong><span class="gl"><button' in html
    assert "the data behind campaign reports" in html


def test_leads_see_both_sides(lena, gmv, tracking):
    html, terms = highlighter_for(_ctx(lena)).html(DESCRIPTION)
    assert {t.pk for t in terms} == {gmv.pk, tracking.pk}
    assert "Product says:" in html and "Operations says:" in html


def test_the_explanation_follows_the_language(alice, gmv):
    with translation.override("zh-hans"):
        html, _terms = highlighter_for(_ctx(alice)).html("<p>GMV</p>")
    assert "下单金额总和" in html and "商品交易总额" in html


def test_button_describes_itself_with_a_tooltip_and_ids_are_unique(alice, gmv):
    marker = highlighter_for(_ctx(alice))
    first, _ = marker.html("<p>GMV</p>")
    second, _ = marker.html("<p>GMV</p>")
    ids = [h.split('aria-describedby="')[1].split('"')[0] for h in (first, second)]
    assert ids[0] != ids[1]
    assert f'role="tooltip" id="{ids[0]}"' in first


def test_one_query_per_request_and_reader(alice, gmv, django_assert_num_queries):
    ctx = _ctx(alice)
    with django_assert_num_queries(1):
        for _ in range(5):
            highlighter_for(ctx).html("<p>GMV</p>")


def test_template_filter_marks_safe_html_and_escapes_plain_text(alice, gmv):
    template = Template(
        "{% load glossary_tags %}{{ html|safe|glossary:ctx }}|{{ text|glossary:ctx }}"
    )
    out = template.render(Context({"ctx": _ctx(alice), "html": "<p>GMV</p>", "text": "<b>GMV</b>"}))
    safe_part, text_part = out.split("|")
    assert safe_part.startswith('<p><span class="gl">')
    assert text_part.startswith('&lt;b&gt;<span class="gl">')


def test_template_filter_without_access_leaves_text_alone(gmv):
    out = Template("{% load glossary_tags %}{{ html|safe|glossary:ctx }}").render(
        Context({"html": "<p>GMV</p>", "ctx": None})
    )
    assert out == "<p>GMV</p>"


def test_terms_are_escaped_in_the_explanation(ctx, alice):
    from truce.glossary.services import term_create

    term_create(
        ctx=ctx,
        term_en="<x>",
        side="operations",
        definition_en='<img src=x onerror="alert(1)">',
    )
    html, _ = highlighter_for(_ctx(alice)).html("<p>a &lt;x&gt; b</p>")
    assert "<img" not in html and "&lt;img" in html
    assert ">&lt;x&gt;</button>" in html
