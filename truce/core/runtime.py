"""How a long-lived web process sets up its garbage collector (``truce.wsgi``; bench/pages.py
does the same so its figures are a worker's).

A worker keeps ~240k objects for life (Django, every app's views and API, the URLconf). With
CPython's default thresholds a full collection walks all of them every ~70k net allocations,
and a page that builds a few thousand objects (a report over thousands of cells, a run page)
then pays a 100–150 ms pause now and then: the slow tail of the pages at the large seed. So
the process loads what every request needs, moves it out of the collector's sight (``freeze``)
and collects the young generation less often. Reference counting still frees almost
everything at once; only cycles wait a little longer.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 20)


def settle() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module and the API)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
