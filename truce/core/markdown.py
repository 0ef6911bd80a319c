"""Markdown to safe HTML: markdown-it-py renders (no raw HTML), nh3 sanitises what remains."""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)

# A scheme ("https:", "data:") or a protocol-relative "//host": not served by Truce itself.
_FOREIGN = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|[/\\]{2})", re.IGNORECASE)


def _image(renderer, tokens, idx, options, env) -> str:
    """Images from elsewhere become links: the Content-Security-Policy lets pages load images
    from Truce only, so a foreign one would show broken (and trip the policy) anyway."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if not _FOREIGN.match(src):
        return renderer.image(tokens, idx, options, env)
    alt = escapeHtml(renderer.renderInlineAsText(token.children or [], options, env) or src)
    depth = sum({"link_open": 1, "link_close": -1}.get(t.type, 0) for t in tokens[:idx])
    return alt if depth > 0 else f'<a href="{escapeHtml(src)}">{alt}</a>'  # no link in a link


_md.add_render_rule("image", _image)

_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}


def render_markdown(text: str) -> str:
    """Rendered and sanitised once at write time; pages print the stored HTML as is."""
    html = _md.render(text or "")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
