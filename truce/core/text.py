"""Chinese-aware search tokens: jieba in search mode plus single characters for CJK.

The shadow column stores space-separated tokens, so SQLite FTS5 (unicode61 tokenizer) and
PostgreSQL (the 'simple' text search configuration) index Chinese words as ordinary words.
Single CJK characters are added too, so one- and two-character queries still match.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """Words for indexing: jieba search-mode words, plus each CJK character on its own."""
    text = normalise(text)
    out: list[str] = []
    for word in jieba.cut_for_search(text):
        word = word.strip()
        if not word or not _WORD.search(word):
            continue
        out.append(word)
    out.extend(_CJK.findall(text))
    return out


def text_tokens(text: str) -> tuple[list[str], list[str]]:
    """One text's jieba words (in order, repeats kept) and its CJK characters."""
    text = normalise(text)
    words = [w for w in (w.strip() for w in jieba.cut_for_search(text)) if w and _WORD.search(w)]
    return words, _CJK.findall(text)


def assemble_index(pieces: Iterable[tuple[list[str], list[str]]]) -> str:
    """The shadow column from ``text_tokens`` of consecutive pieces of text: words
    deduplicated, then every CJK character in order. Lets a caller that composes many texts
    from the same fragments (the large seed) tokenise each fragment once."""
    words: dict[str, None] = {}
    chars: list[str] = []
    for piece_words, piece_chars in pieces:
        words.update(dict.fromkeys(piece_words))
        chars.extend(piece_chars)
    return " ".join([*words, *chars])


def index_text(*parts: str) -> str:
    """jieba words (deduplicated), then every CJK character in order, so a query of any
    Chinese substring can match as a phrase of characters even where jieba split differently.
    (A phrase may span the end of one part and the start of the next; harmless for search.)"""
    return assemble_index(text_tokens(part) for part in parts)


def query_terms(query: str) -> list[str]:
    """Terms a query must all match: whitespace-separated words; CJK runs stay whole
    (they are matched as a word or as a phrase of characters, see ``is_cjk``)."""
    return [w for w in _WORD.findall(normalise(query)) if w][:12]


def is_cjk(term: str) -> bool:
    return bool(_CJK.search(term))


def cjk_chars(term: str) -> list[str]:
    return _CJK.findall(term)
