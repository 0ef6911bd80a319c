"""Search in the requirements pool (Chinese and English), see core/search.py."""

from __future__ import annotations

from truce.core.search import fts_filter


def search_requirements(qs, workspace, query: str):
    return fts_filter(qs, query)
