"""Which plotly.js the site serves, and how static files are cached.

The basic bundle when `npm ci` installed it from the lock file, else the Python plotly
package's full bundle; hashed static files with a one-year immutable Cache-Control.
"""

import json
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings

from timeline.staticfinders import BASIC_BUNDLE, full_bundle

PLOTLY_URL = "/static/timeline/vendor/plotly.min.js"


def bundle_header(body: bytes) -> str:
    """The first comment line that names plotly.js and its version, e.g. 'plotly.js (basic - minified) v4.1.1'."""
    match = re.search(rb"\* (plotly\.js[^\n]*v\d+\.\d+\.\d+)", body[:400])
    assert match, body[:400]
    return match.group(1).decode()


def served_plotly() -> bytes:
    """plotly.min.js as `manage.py runserver` serves it: WhiteNoise looking the file up through the finders."""
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        response = Client().get(PLOTLY_URL)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def python_plotly_js_version() -> str:
    return bundle_header(full_bundle().read_bytes()).rsplit("v", 1)[1]


def test_lock_file_pins_the_basic_bundle_of_the_python_packages_plotly_js_release():
    lock = json.loads((settings.BASE_DIR / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/plotly.js-basic-dist-min"]["version"]
    package = json.loads((settings.BASE_DIR / "package.json").read_text())
    assert package["dependencies"] == {"plotly.js-basic-dist-min": pinned}
    assert pinned == python_plotly_js_version()


@pytest.mark.skipif(
    not (settings.BASE_DIR / BASIC_BUNDLE).is_file(),
    reason="npm ci has not installed plotly.js-basic-dist-min (the set-up scripts run it when npm is present)",
)
def test_serves_the_basic_bundle_that_npm_installed():
    body = served_plotly()
    assert bundle_header(body) == f"plotly.js (basic - minified) v{python_plotly_js_version()}"
    assert body == (settings.BASE_DIR / BASIC_BUNDLE).read_bytes()
    assert len(body) < len(full_bundle().read_bytes()) / 3


def test_falls_back_to_the_python_packages_full_bundle_without_node_modules(tmp_path):
    with override_settings(TRACKER_NODE_MODULES_DIR=tmp_path):
        body = served_plotly()
    assert bundle_header(body) == f"plotly.js v{python_plotly_js_version()}"
    assert body == full_bundle().read_bytes()


@pytest.mark.slow
def test_hashed_static_files_are_cached_for_a_year_in_production_and_in_ci_serve(tmp_path):
    """Production (DEBUG off) and .ci/serve (DEBUG on, DJANGO_HASHED_STATIC=1) use the same storage."""
    hashed = settings.HASHED_STATIC_STORAGES
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=hashed, WHITENOISE_AUTOREFRESH=False):
        call_command("collectstatic", "--no-input", verbosity=0)
        for debug in (False, True):
            with override_settings(DEBUG=debug):
                url = static("timeline/vendor/plotly.min.js")
                assert re.fullmatch(r"/static/timeline/vendor/plotly\.min\.[0-9a-f]{12}\.js", url), (debug, url)
                client = Client()  # a new handler: WhiteNoise reads the overridden settings
                response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
                css = client.get(static("timeline/site.css"))
            assert response.status_code == 200
            assert response["Cache-Control"] == "max-age=315360000, public, immutable"
            assert response["Content-Encoding"] in {"br", "gzip"}
            assert css["Cache-Control"] == "max-age=315360000, public, immutable"


def test_serve_script_turns_on_hashed_static_files():
    """.ci/serve exports DJANGO_HASHED_STATIC=1; with it the settings pick the hashed storage even in debug."""
    serve = (settings.BASE_DIR / ".ci" / "serve").read_text()
    assert "export DJANGO_HASHED_STATIC=1" in serve
    assert "collectstatic" in serve
    code = "import tracker.settings as s; print(s.STORAGES['staticfiles']['BACKEND'], s.WHITENOISE_AUTOREFRESH)"
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "DJANGO_HASHED_STATIC": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["timeline.staticstorage.HashedStaticStorage", "False"]


def test_benchmark_settings_also_serve_the_full_bundle_under_its_own_name(tmp_path):
    from django.contrib.staticfiles import finders

    from timeline.bench import settings as bench_settings

    with override_settings(STATICFILES_FINDERS=bench_settings.STATICFILES_FINDERS, TRACKER_NODE_MODULES_DIR=tmp_path):
        finders.get_finder.cache_clear()
        try:
            assert finders.find("timeline/vendor/plotly-full.min.js") == str(full_bundle())
        finally:
            finders.get_finder.cache_clear()
    assert "timeline.staticfinders.FullPlotlyFinder" not in settings.STATICFILES_FINDERS
