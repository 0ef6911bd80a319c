"""``{{ html|glossary:ctx }}``: mark the glossary's terms in already-sanitised HTML.

Apply it to stored, sanitised HTML (``description_html``, ``body_html``) after ``|safe``::

    {% load glossary_tags %}
    <div class="prose">{{ r.description_html|safe|glossary:ctx }}</div>

A value not marked safe is escaped first, so forgetting ``|safe`` shows tags, never runs them.
Without a workspace access (``ctx`` missing) the value comes back unmarked. The page needs
truce/glossary.css (and, optionally, truce/glossary.js) loaded.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape

from truce.core.access import WorkspaceAccess
from truce.glossary.highlight import highlighter_for

register = template.Library()


@register.filter(name="glossary")
def glossary(value, ctx):
    html = conditional_escape(value if value is not None else "")
    if not isinstance(ctx, WorkspaceAccess) or not html:
        return html
    marked, _terms = highlighter_for(ctx).html(str(html))
    return marked
