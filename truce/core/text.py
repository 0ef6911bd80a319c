"""Chinese-aware search tokens: jieba in search mode plus single characters for CJK.

The shadow column stores space-separated tokens, so SQLite FTS5 (unicode61 tokenizer) and
PostgreSQL (the 'simple' text search configuration) index Chinese words as ordinary words.
Single CJK characters are added too, so one- and two-character queries still match.
"""

from __future__ import annotations

import logging
import re
import unicodedata

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


def index_text(*parts: str) -> str:
    """jieba words (deduplicated), then every CJK character in order, so a query of any
    Chinese substring can match as a phrase of characters even where jieba split differently.
    (A phrase may span the end of one part and the start of the next; harmless for search.)"""
    words: dict[str, None] = {}
    chars: list[str] = []
    for part in parts:
        text = normalise(part)
        for word in jieba.cut_for_search(text):
            word = word.strip()
            if word and _WORD.search(word):
                words.setdefault(word, None)
        chars.extend(_CJK.findall(text))
    return " ".join([*words, *chars])


def query_terms(query: str) -> list[str]:
    """Terms a query must all match: whitespace-separated words; CJK runs stay whole
    (they are matched as a word or as a phrase of characters, see ``is_cjk``)."""
    return [w for w in _WORD.findall(normalise(query)) if w][:12]


def is_cjk(term: str) -> bool:
    return bool(_CJK.search(term))


def cjk_chars(term: str) -> list[str]:
    return _CJK.findall(term)
