"""Serve plotly.js from the installed `plotly` package (never a CDN, never a vendored copy)."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly.min.js"
PREFIX = "timeline/vendor"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=Path(plotly.__file__).parent / "package_data")
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        if not self.storage.exists(PLOTLY_JS):
            from django.core.checks import Error

            return [Error(f"plotly.min.js is missing from the installed plotly package at {self.storage.location}.")]
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == f"{PREFIX}/{PLOTLY_JS}":
            match = self.storage.path(PLOTLY_JS)
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        yield PLOTLY_JS, self.storage
