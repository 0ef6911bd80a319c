"""Reads of the glossary: the list, where a term appears, and suggestions of new terms."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import jieba
from django.apps import apps
from django.utils.translation import gettext as _

import truce.core.text  # noqa: F401  (quietens jieba's logging)
from truce.core.access import WorkspaceAccess
from truce.core.search import fts_newest
from truce.customers.models import Feedback
from truce.domain.glossary import Document, Matcher, Suggestion, SuggestionRules, fold, suggest
from truce.glossary.jargon import SEED, STOPWORDS
from truce.glossary.models import Term, TermQuerySet, TermSide
from truce.requirements.models import Requirement

# Suggestions read at most this much text, newest first, so the page stays fast however large
# the workspace grows (jieba segments about 600 characters a millisecond; see ``_words``).
PER_SOURCE = 300
PER_TEXT = 2000
TOTAL_CHARS = 150_000
# A spelling's pieces as the index holds them: runs of Chinese, runs of ASCII letters and
# digits, any other letter on its own, as jieba cuts them ("A/B 测试" → "a b 测试", "双11" →
# "双 11", "café" → "caf é"), so the index finds every text containing the spelling.
_PIECE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+|[^\W_]")
# Rarer than this in general Chinese (页面 13.4, 用户 9.0, 灰度 15.6) counts as possible jargon.
RARE_ABOVE = 13.0


def term_list(ctx: WorkspaceAccess, *, q: str = "", side: str = "") -> TermQuerySet:
    terms = Term.objects.for_workspace(ctx.workspace).search(q)
    if side in TermSide.values:
        terms = terms.filter(side=side)
    return terms


def appearances(term: Term, limit: int = 30) -> list[Requirement]:
    """Requirements whose title or description uses the term (any spelling), newest first.
    The full-text index finds the newest requirements having every piece of a spelling (read
    newest first, so a common term costs no more than a rare one); the matcher then drops
    those that do not use it as the word ("ROI" inside "PROIFT", pieces far apart)."""
    forms = term.forms()
    if not forms:
        return []
    queries = [" ".join(_PIECE.findall(fold(form))) for form in forms]
    scope = Requirement.objects.for_workspace(term.workspace)
    ids = fts_newest(scope, queries, limit * 3)
    candidates = (
        Requirement.objects.filter(pk__in=ids)
        .only("number", "title", "description", "description_html", "status")
        .order_by("-number")
    )
    matcher = Matcher([(term.pk, forms)], segment=jieba.cut)
    found = [r for r in candidates if matcher.find(f"{r.title}\n{r.description}")]
    return found[:limit]


@dataclass(frozen=True)
class Source:
    ref: str  # "requirement:12", "feedback:3", "comment:7"
    text: str


def _texts(workspace) -> list[Source]:
    out = [
        Source(f"requirement:{n}", f"{t}\n{d}")
        for n, t, d in Requirement.objects.for_workspace(workspace)
        .order_by("-number")
        .values_list("number", "title", "description")[:PER_SOURCE]
    ]
    out += [
        Source(f"feedback:{pk}", text)
        for pk, text in Feedback.objects.for_workspace(workspace)
        .order_by("-id")
        .values_list("pk", "text")[:PER_SOURCE]
    ]
    return out + _comments(workspace)


def _comments(workspace) -> list[Source]:
    """Comments count too where the discussion app is installed."""
    if not apps.is_installed("truce.discussion"):
        return []
    try:
        from truce.discussion.models import Comment
    except ImportError:  # pragma: no cover - an installation without the discussion app
        return []
    rows = (
        Comment.objects.filter(workspace=workspace, deleted_at__isnull=True)
        .order_by("-id")
        .values_list("pk", "body")[:PER_SOURCE]
    )
    return [Source(f"comment:{pk}", body) for pk, body in rows]


class _Rarity(Mapping):
    """How rare a word is in general Chinese: ``ln(total / frequency)`` from the word
    frequencies of jieba's own dictionary (already in memory for segmenting; jieba's IDF
    table would cost seconds to load). A word jieba does not know has no entry: rare."""

    def __init__(self) -> None:
        jieba.dt.check_initialized()
        self._freq, self._total = jieba.dt.FREQ, jieba.dt.total

    def __getitem__(self, word: str) -> float:
        frequency = self._freq.get(word) or 0
        if not frequency:
            raise KeyError(word)
        return math.log(self._total / frequency)

    def __iter__(self):
        return iter(self._freq)

    def __len__(self) -> int:
        return len(self._freq)


def _documents(sources: list[Source]) -> list[Document]:
    docs, budget = [], TOTAL_CHARS
    for source in sources:
        text = source.text[: min(PER_TEXT, budget)]
        if not text:
            break
        budget -= len(text)
        docs.append(Document(source.ref, text, _words(text)))
    return docs


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """jieba's words of a text, cached per process (the newest texts of a workspace change
    little between two visits); interned, as the same few thousand words recur."""
    return tuple(sys.intern(w) for w in jieba.cut(text) if w.strip())


def suggestions(ctx: WorkspaceAccess, *, limit: int = 20) -> list[Suggestion]:
    """Frequent words of this workspace that look like jargon and are not terms yet."""
    known = {
        fold(form)
        for t in Term.objects.for_workspace(ctx.workspace).only("term_zh", "term_en", "aliases")
        for form in t.forms()
    }
    rules = SuggestionRules(
        seed=SEED, stopwords=STOPWORDS, rarity=_Rarity(), rare_above=RARE_ABOVE, limit=limit
    )
    return suggest(_documents(_texts(ctx.workspace)), known=known, rules=rules)


def source_label(ref: str) -> str:
    kind, _sep, key = ref.partition(":")
    labels = {
        "requirement": _("Requirement #%(key)s"),
        "feedback": _("Feedback %(key)s"),
        "comment": _("Comment %(key)s"),
    }
    return labels.get(kind, "%(key)s") % {"key": key}
