"""Likely duplicates of a text among a workspace's requirements (creating one, triaging feedback).

Two steps, so it stays fast at 100k requirements: the full-text index retrieves up to
``CANDIDATES`` requirements sharing the text's most informative words (an OR query ranked by
bm25/ts_rank), then ``domain.similarity`` re-ranks them by TF-IDF cosine over their jieba words,
compared by title: a duplicate is "the same thing asked for", which the title says; long
descriptions would only dilute the vectors. Title tokens are cached per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from truce.core.search import fts_candidates
from truce.core.text import text_tokens
from truce.domain import similarity
from truce.requirements.models import Requirement

CANDIDATES = 200
THRESHOLD = 0.35


@lru_cache(maxsize=20_000)
def _title_words(title: str) -> tuple[str, ...]:
    return tuple(text_tokens(title)[0])


@dataclass(frozen=True)
class SimilarRequirement:
    requirement: Requirement
    score: float  # 0..1


def similar_requirements(
    workspace, text: str, limit: int = 5, *, exclude: Requirement | None = None
) -> list[SimilarRequirement]:
    """Requirements of ``workspace`` that are probably about the same as ``text``, best first."""
    words, _ = text_tokens((text or "")[:1000])
    query = similarity.informative(words)
    if not query:
        return []
    qs = Requirement.objects.filter(workspace=workspace)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    ids = fts_candidates(qs, query, CANDIDATES)
    fields = ("id", "number", "title", "status")
    by_id = {r.pk: r for r in Requirement.objects.filter(pk__in=ids).only(*fields)}
    docs = {pk: _title_words(r.title) for pk, r in by_id.items()}
    matches = similarity.rank(words, docs, limit=limit, threshold=THRESHOLD)
    return [SimilarRequirement(by_id[m.key], m.score) for m in matches]
