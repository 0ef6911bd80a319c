"""Glossary: find a workspace's terms in text, annotate HTML text nodes, suggest new terms.

Matching rules (what a reader expects to see underlined):

* Case and width do not matter: text and forms are compared after NFKC and casefold, so
  "gmv", "GMV" and full-width "ＧＭＶ" are the same; a space in a form matches any run of
  whitespace or none ("A/B 测试" finds "A/B测试").
* Longest match first: at each position the longest form wins ("转化率" before "转化"),
  scanning left to right, and matches never overlap.
* English edges need a word boundary: "ROI" is not found in "PROIFT"; a plural "s" is taken
  along ("KOLs", "funnels").
* Chinese edges must agree with the word segmentation when one is given (jieba, injected as
  ``segment`` so this module stays pure): a match is refused when every Chinese edge of it
  falls inside a segmented word, so "召回" is not found in "号召回应" (号召|回应) while
  "留存" is still found in "留存率" (its start is a word boundary).
* In HTML only text nodes change; tags, attributes, and text inside links, code and other
  ``SKIP_TAGS`` stay as they are. Text is re-escaped on the way out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from itertools import islice

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")

SKIP_TAGS = frozenset(
    {"a", "abbr", "button", "code", "dfn", "kbd", "pre", "samp", "script", "style", "textarea"}
)

Segmenter = Callable[[str], Iterable[str]]


def fold(text: str) -> str:
    """The comparison form of a text: NFKC, casefolded, whitespace runs as one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def _is_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, and for each folded character the index of the
    original character it came from (folding may turn one character into several)."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).casefold()
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


@dataclass(frozen=True)
class Hit:
    """A term found in text: ``text[start:end]`` is the original spelling."""

    start: int
    end: int
    key: Hashable
    text: str


class Matcher:
    """Finds the forms of many terms in text; build once per glossary, use for many texts."""

    def __init__(
        self,
        entries: Iterable[tuple[Hashable, Iterable[str]]],
        *,
        segment: Segmenter | None = None,
    ) -> None:
        forms: dict[str, Hashable] = {}
        for key, names in entries:
            for name in names:
                folded = fold(name)
                if folded and not folded.isspace():
                    forms.setdefault(folded, key)  # the first term claiming a form keeps it
        self._by_first: dict[str, list[tuple[str, Hashable]]] = {}
        for form, key in sorted(forms.items(), key=lambda item: (-len(item[0]), item[0])):
            self._by_first.setdefault(form[0], []).append((form, key))
        self._segment = segment

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, text: str) -> list[Hit]:
        if not self._by_first or not text:
            return []
        folded, origin = _fold_with_origin(text)
        boundaries: set[int] | None = None
        hits: list[Hit] = []
        i = 0
        while i < len(folded):
            found = None
            for form, key in self._by_first.get(folded[i], ()):
                end = _match_at(folded, i, form)
                if end < 0 or not _ascii_edges_ok(folded, i, end):
                    continue
                end = _with_plural(folded, end)
                if _needs_segments(folded, i, end):
                    if boundaries is None:
                        boundaries = self._boundaries(folded)
                    if not _cjk_edges_ok(folded, i, end, boundaries):
                        continue
                found = (end, key)
                break
            if found is None:
                i += 1
                continue
            end, key = found
            start_o, end_o = origin[i], origin[end - 1] + 1
            hits.append(Hit(start_o, end_o, key, text[start_o:end_o]))
            i = end
        return hits

    def _boundaries(self, folded: str) -> set[int]:
        if self._segment is None:
            return set(range(len(folded) + 1))
        cuts, position = {0}, 0
        for word in self._segment(folded):
            position += len(word)
            cuts.add(position)
        return cuts


def _match_at(text: str, i: int, form: str) -> int:
    """End of ``form`` matched at ``text[i:]``, or -1. A space in the form matches any run
    of whitespace, or none."""
    j = i
    for char in form:
        if char == " ":
            while j < len(text) and text[j].isspace():
                j += 1
            continue
        if j >= len(text) or text[j] != char:
            return -1
        j += 1
    return j


def _ascii_edges_ok(text: str, start: int, end: int) -> bool:
    if _is_word(text[start]) and start > 0 and _is_word(text[start - 1]):
        return False
    last_is_word = _is_word(text[end - 1])
    if last_is_word and end < len(text) and _is_word(text[end]):
        return _with_plural(text, end) != end
    return True


def _with_plural(text: str, end: int) -> int:
    """Take a plural "s" along when it ends the word: "KOLs", "funnels"."""
    if (
        end - 2 >= 0
        and text[end - 1].isascii()
        and text[end - 1].isalpha()
        and text[end - 2].isascii()
        and text[end - 2].isalpha()
        and end < len(text)
        and text[end] == "s"
        and (end + 1 == len(text) or not _is_word(text[end + 1]))
    ):
        return end + 1
    return end


def _needs_segments(text: str, start: int, end: int) -> bool:
    return is_cjk(text[start]) or is_cjk(text[end - 1])


def _cjk_edges_ok(text: str, start: int, end: int, boundaries: set[int]) -> bool:
    edges = []
    if is_cjk(text[start]):
        edges.append(start)
    if is_cjk(text[end - 1]):
        edges.append(end)
    return any(edge in boundaries for edge in edges)


# HTML -------------------------------------------------------------------------------------

Render = Callable[[Hit], str]


class _Annotator(HTMLParser):
    def __init__(self, matcher: Matcher, render: Render, once: bool, skip: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.matcher, self.render, self.once, self.skip = matcher, render, once, skip
        self.out: list[str] = []
        self.keys: list[Hashable] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or "")
        if tag in self.skip:
            self.skipping += 1

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        if tag in self.skip and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if self.skipping:
            self.out.append(escape(data, quote=False))
            return
        position = 0
        for hit in self.matcher.find(data):
            if self.once and hit.key in self.keys:
                continue
            self.out.append(escape(data[position : hit.start], quote=False))
            self.out.append(self.render(hit))
            self.keys.append(hit.key)
            position = hit.end
        self.out.append(escape(data[position:], quote=False))


def annotate_html(
    html: str,
    matcher: Matcher,
    render: Render,
    *,
    once: bool = True,
    skip: frozenset[str] = SKIP_TAGS,
) -> tuple[str, list[Hashable]]:
    """``html`` (already safe) with each found term replaced by ``render(hit)``, which must
    return safe HTML containing the escaped hit text. With ``once`` a term is marked only at
    its first occurrence. Returns the new HTML and the keys marked, in order. Comments and
    declarations are dropped."""
    if not matcher or not html:
        return html or "", []
    parser = _Annotator(matcher, render, once, skip)
    parser.feed(html)
    parser.close()
    return "".join(parser.out), parser.keys


# Which terms a reader needs explained -----------------------------------------------------

PRODUCT, OPERATIONS, BOTH = "product", "operations", "both"


def explains(term_side: str, audience: str) -> bool:
    """A product reader needs the operations and shared jargon explained, not their own words;
    likewise for operations; leads and admins (``both``) see every term."""
    return audience == BOTH or term_side != audience


# Suggestions ------------------------------------------------------------------------------

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,5}s?$")
_LATIN_WORD = re.compile(r"^[a-z][a-z-]{3,}$")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")


@dataclass(frozen=True)
class Document:
    """A text of the workspace: ``ref`` says where it is (e.g. "R-12"); ``words`` are its
    segmented words in order, repeats kept, original case."""

    ref: str
    text: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    ref: str
    sentence: str


@dataclass(frozen=True)
class Suggestion:
    word: str
    count: int
    documents: int
    reason: str  # "acronym", "seed" (a known piece of jargon) or "frequent"
    examples: tuple[Example, ...] = field(default=())


@dataclass(frozen=True)
class SuggestionRules:
    seed: frozenset[str]  # folded jargon worth defining wherever it appears
    stopwords: frozenset[str]  # folded general words never suggested
    rarity: Mapping[str, float]  # general-corpus IDF of words; missing means unknown (rare)
    rare_above: float = 10.0
    min_count: int = 3
    min_documents: int = 2
    limit: int = 20
    examples: int = 2


def _reason(word: str, key: str, rules: SuggestionRules) -> str | None:
    if key in rules.seed:
        return "seed"
    if key in rules.stopwords or key.isdigit():
        return None
    if _ACRONYM.match(word) and sum(c.isupper() for c in word) >= 2:
        return "acronym"
    if len(word) >= 2 and all(is_cjk(c) for c in word):
        return "frequent" if rules.rarity.get(word, rules.rare_above) >= rules.rare_above else None
    return "frequent" if _LATIN_WORD.match(key) else None


def _known(key: str, known: Iterable[str]) -> bool:
    return any(key == form or (len(key) >= 2 and key in form) for form in known)


def sentence_with(text: str, word: str, width: int = 120) -> str:
    """The first sentence of ``text`` containing ``word`` (case-insensitive), shortened
    around it to about ``width`` characters."""
    needle = word.casefold()
    for sentence in _SENTENCE.findall(text):
        at = sentence.casefold().find(needle)
        if at < 0:
            continue
        sentence = sentence.strip()
        at = sentence.casefold().find(needle)
        if len(sentence) <= width:
            return sentence
        start = max(0, at - width // 3)
        piece = sentence[start : start + width]
        return ("…" if start else "") + piece + ("…" if start + width < len(sentence) else "")
    return ""


def suggest(
    documents: Iterable[Document], *, known: Iterable[str], rules: SuggestionRules
) -> list[Suggestion]:
    """Frequent words that look like jargon and are not terms yet, most frequent first.

    Acronyms and seed jargon count from their first use; other words must be rare in general
    language (``rarity``) yet used at least ``min_count`` times in ``min_documents`` texts.
    ``known`` are the folded forms of existing terms: a word equal to one, or part of one
    ("灰度" of "灰度发布"), is already explained.
    """
    known = frozenset(known)
    counts: Counter[str] = Counter()
    docs: dict[str, list[Document]] = {}
    spelling: dict[str, str] = {}
    reasons: dict[str, str] = {}
    folded: dict[str, str] = {}  # the same few thousand words recur across documents
    for doc in documents:
        for word in doc.words:
            word = word.strip()
            key = folded.get(word)
            if key is None:
                key = folded[word] = fold(word)
            if not key:
                continue
            if key not in reasons:
                reason = _reason(word, key, rules)
                if reason is None or _known(key, known):
                    reasons[key] = ""
                    continue
                reasons[key], spelling[key] = reason, word
            if not reasons[key]:
                continue
            counts[key] += 1
            seen = docs.setdefault(key, [])
            if not seen or seen[-1] is not doc:
                seen.append(doc)
    found = [
        key
        for key, count in counts.items()
        if reasons[key] != "frequent"
        or (count >= rules.min_count and len(docs[key]) >= rules.min_documents)
    ]
    weight = {"seed": 3, "acronym": 2, "frequent": 1}
    found.sort(key=lambda k: (-counts[k] * weight[reasons[k]], -len(docs[k]), spelling[k]))
    return [
        Suggestion(
            spelling[key],
            counts[key],
            len(docs[key]),
            reasons[key],
            _examples(docs[key], spelling[key], rules.examples),
        )
        for key in found[: rules.limit]
    ]


def _examples(docs: Iterable[Document], word: str, limit: int) -> tuple[Example, ...]:
    """The first ``limit`` sentences using ``word``, one per document."""
    sentences = ((doc.ref, sentence_with(doc.text, word)) for doc in docs)
    return tuple(islice((Example(ref, s) for ref, s in sentences if s), limit))
