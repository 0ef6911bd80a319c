"""Markdown images: pages may load images from Truce only (CSP ``img-src 'self' data:``), so a
foreign image is rendered as a link to it instead of an <img> the policy would block."""

from html.parser import HTMLParser

from truce.core.markdown import render_markdown


def _elements(html: str) -> list[tuple[str, dict]]:
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_foreign_image_becomes_a_link_with_its_alt_text():
    html = render_markdown("![跟踪像素](https://evil.example/p.png)")
    assert "<img" not in html
    assert (
        '<a href="https://evil.example/p.png" rel="noopener noreferrer nofollow">跟踪像素</a>'
        in html
    )


def test_protocol_relative_and_upper_case_schemes_are_foreign_too():
    for src in ("//evil.example/p.png", "HTTPS://evil.example/p.png", "http://evil.example/p"):
        html = render_markdown(f"![x]({src})")
        assert "<img" not in html and f'href="{src}"' in html


def test_image_without_alt_text_links_with_its_address():
    html = render_markdown("![](https://evil.example/p.png)")
    assert ">https://evil.example/p.png</a>" in html


def test_image_served_by_truce_stays_an_image():
    assert '<img src="/static/truce/favicon.svg" alt="logo">' in render_markdown(
        "![logo](/static/truce/favicon.svg)"
    )


def test_foreign_image_inside_a_link_keeps_the_outer_link():
    html = render_markdown("[![x](https://a.example/b.png)](https://c.example/)")
    assert html.count("<a ") == 1 and 'href="https://c.example/"' in html and ">x</a>" in html


def test_no_image_source_survives_a_dangerous_scheme():
    for text in (
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![x](data:image/png;base64,AAAA)",
        '![x](x" onerror="alert(1))',
        '![@alice](https://a.example/x.png "@olivia\\"><svg onload=alert(1)>")',
    ):
        elements = _elements(render_markdown(text))
        assert {tag for tag, _ in elements} <= {"p", "a"}, text
        for _tag, attrs in elements:
            assert not any(name.startswith("on") for name in attrs), text
            assert not (attrs.get("href") or "https:").startswith(("javascript", "data")), text
