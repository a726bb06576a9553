"""Serve plotly.js from an installed package (never a CDN, never a vendored copy).

The site asks for `timeline/vendor/plotly.min.js`. That is plotly.js's official *basic*
bundle (bar, scatter and pie traces: all the charts use; ~400 KB gzip) when `npm ci` has
installed `plotly.js-basic-dist-min` from the lock file at the project root, and
otherwise the *full* bundle that the Python `plotly` package ships (~1.5 MB gzip), so the
site works on a machine without npm. Both are the same plotly.js release (package.json
pins the version of the Python package's bundle).

`FullPlotlyFinder` (benchmarks only: `timeline.bench.settings`) also serves the full
bundle as `timeline/vendor/plotly-full.min.js`, so both can be timed against one site.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "timeline/vendor"
PLOTLY_JS = "plotly.min.js"
FULL_PLOTLY_JS = "plotly-full.min.js"
BASIC_BUNDLE = Path("node_modules") / "plotly.js-basic-dist-min" / "plotly-basic.min.js"


def full_bundle() -> Path:
    """plotly.js's full bundle, inside the installed Python `plotly` package."""
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def basic_bundle() -> Path:
    """Where `npm ci` puts the basic bundle (`TRACKER_NODE_MODULES_DIR` moves the project root it looks in)."""
    root = Path(getattr(settings, "TRACKER_NODE_MODULES_DIR", settings.BASE_DIR))
    return root / BASIC_BUNDLE


def plotly_bundle() -> tuple[str, Path]:
    """The bundle the site serves as plotly.min.js: ("basic", path) when npm installed it, else ("full", path)."""
    basic = basic_bundle()
    if basic.is_file():
        return "basic", basic
    return "full", full_bundle()


class _OneFile(FileSystemStorage):
    """A storage holding one file, under the name the site asks for (whatever it is called on disk)."""

    def __init__(self, name: str, file: Path):
        super().__init__(location=file.parent)
        self.name, self.file = name, file
        self.prefix = PREFIX

    def path(self, name: str) -> str:
        return str(self.file) if name == self.name else super().path(name)


class PlotlyFinder(BaseFinder):
    public_name = PLOTLY_JS

    def file(self) -> Path:
        return plotly_bundle()[1]

    def check(self, **kwargs):
        file = self.file()
        if not file.is_file():
            return [Error(f"plotly.js is missing: {file} does not exist (reinstall the plotly package or run npm ci).")]
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == f"{PREFIX}/{self.public_name}":
            match = str(self.file())
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        yield self.public_name, _OneFile(self.public_name, self.file())


class FullPlotlyFinder(PlotlyFinder):
    public_name = FULL_PLOTLY_JS

    def file(self) -> Path:
        return full_bundle()
