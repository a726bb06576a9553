"""Browser tests: Playwright driving Debian's Chromium against Django's live_server."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.copied_rows import write_rows
from tracker.chromium import CHROMIUM
from tracker.chromium import CHROMIUM_ARGS as ARGS

SCREENSHOTS = Path(os.environ.get("TRACKER_SCREENSHOTS", settings.BASE_DIR / "screenshots"))


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    # CI sets TRACKER_REQUIRE_BROWSER so a missing browser fails the run instead of skipping.
    if os.environ.get("TRACKER_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-nanum")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ko-KR", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def gwangju(transactional_db, gwangju_rows):
    """The Gwangju program, committed for the live server: the shared copy of one real load (tests/conftest.py)."""
    from timeline.models import Program

    write_rows(gwangju_rows)

    return Program.objects.get(slug="gwangju-ai-cluster")


class PageProblems:
    """Console errors, page errors, CSP violations and dialogs seen by a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("dialog", self._dialog)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def problems(page):
    return PageProblems(page)


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
