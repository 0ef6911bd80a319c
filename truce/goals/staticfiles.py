"""Serve plotly.js from the plotly wheel itself, so no page loads scripts from a CDN.

Only the one file is exposed (the package data also holds datasets and templates), as
``vendor/plotly/plotly.min.js``; collectstatic copies it like any other static file.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor/plotly"
FILENAME = "plotly.min.js"
PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=PACKAGE_DATA)
        self.storage.prefix = PREFIX  # collectstatic places the file under this folder

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != f"{PREFIX}/{FILENAME}":
            return [] if find_all else None
        found = str(PACKAGE_DATA / FILENAME)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        yield FILENAME, self.storage
