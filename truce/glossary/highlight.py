"""Terms marked in rendered text, explained in the reader's vocabulary.

A product reader sees operations (and shared) jargon marked, with the product equivalent
first ("in your words"); an operations reader the reverse; leads and admins see every term
with both sides' words. The mark is a ``<button>`` described by a ``role="tooltip"`` span
(``aria-describedby``), shown by CSS on hover and keyboard focus (truce/static/truce/
glossary.css); glossary.js only adds click-to-pin and Escape. No inline script or style.

One highlighter per request and reader: ``highlighter_for(ctx)`` loads the workspace's terms
once (one query) and keeps the matcher on the request's membership object, so a page that
marks twenty comments still asks the database once.
"""

from __future__ import annotations

import itertools
import secrets

import jieba
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

import truce.core.text  # noqa: F401  (quietens jieba's logging)
from truce.accounts.models import Role
from truce.core.access import WorkspaceAccess
from truce.domain.glossary import BOTH, OPERATIONS, PRODUCT, Hit, Matcher, annotate_html, explains
from truce.glossary.models import Term

MAX_TERMS = 2000  # a glossary larger than this is marked by its first terms only


def audience_of(ctx: WorkspaceAccess) -> str:
    """Whose vocabulary a reader speaks: their side; leads and admins read both."""
    if ctx.membership.role in (Role.LEAD, Role.ADMIN):
        return BOTH
    return ctx.membership.side


def _segment(text: str):
    return jieba.cut(text)


def side_label(side: str) -> str:
    return {
        PRODUCT: _("Product term"),
        OPERATIONS: _("Operations term"),
        BOTH: _("Term of both sides"),
    }.get(side, "")


class Highlighter:
    """Marks the terms a reader needs explained; build with ``highlighter_for``."""

    def __init__(self, terms: list[Term], audience: str) -> None:
        self.audience = audience
        self.terms = {t.pk: t for t in terms if explains(t.side, audience)}
        self.matcher = Matcher(((t.pk, t.forms()) for t in self.terms.values()), segment=_segment)
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(3)

    def html(self, html: str) -> tuple[SafeString, list[Term]]:
        """Safe ``html`` with the first occurrence of each term marked; and those terms."""
        out, keys = annotate_html(html, self.matcher, self._render)
        return mark_safe(out), [self.terms[k] for k in keys]  # parsed and re-escaped

    def explanation(self, term: Term) -> list[tuple[str, str]]:
        """(label, text) lines explaining ``term`` to this reader."""
        lines = [("", term.definition)]
        if term.equivalent:
            if term.side == BOTH:
                label = _("How the other side puts it")
            elif self.audience == BOTH:
                label = _("Product says") if term.side == OPERATIONS else _("Operations says")
            else:
                label = _("In your words")
            lines.insert(0, (label, term.equivalent))
        if term.example:
            lines.append((_("Example"), term.example))
        return lines

    def _render(self, hit: Hit) -> str:
        term = self.terms[hit.key]
        pop_id = f"gl-{self._prefix}-{next(self._ids)}"
        head = format_html(
            '<span class="gl-head"><strong>{}</strong>{} <span class="gl-side">{}</span></span>',
            term.name,
            f" · {term.other_name}" if term.other_name else "",
            side_label(term.side),
        )
        body = format_html_join(
            "",
            '<span class="gl-line">{}{}</span>',
            (
                (format_html("<em>{}:</em> ", label) if label else "", text)
                for label, text in self.explanation(term)
            ),
        )
        return format_html(
            '<span class="gl"><button type="button" class="gl-mark gl-{}" '
            'aria-describedby="{}" data-gl-toggle>{}</button>'
            '<span class="gl-pop" role="tooltip" id="{}">{}{}</span></span>',
            term.side,
            pop_id,
            hit.text,
            pop_id,
            head,
            body,
        )


def highlighter_for(ctx: WorkspaceAccess, audience: str | None = None) -> Highlighter:
    """The request's highlighter for this reader (or for ``audience``), built once."""
    audience = audience or audience_of(ctx)
    cache = ctx.membership.__dict__.setdefault("_glossary_highlighters", {})
    key = (get_language(), audience)
    if key not in cache:
        terms = list(Term.objects.for_workspace(ctx.workspace)[:MAX_TERMS])
        cache[key] = Highlighter(terms, audience)
    return cache[key]
