"""Two server processes sharing one Redis cache serve correct pages.

Both gunicorn processes read one SQLite database and one Redis cache (REDIS_URL). A page
served by one process from a fragment the other cached still has this visitor's CSRF
token (its forms post) and CSP nonce (its scripts run in Chromium), and an edit made
through one process shows through the other on the next request.

Redis must answer on 127.0.0.1:6379 (TRACKER_REDIS_URL to change it). Without it the
tests are skipped, unless TRACKER_REQUIRE_REDIS is set (CI sets it), which fails them.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.browser.conftest import PageProblems
from tests.conftest import GWANGJU_FIXTURE
from tracker.localserver import free_port, wait_until_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TRACKER_REDIS_URL", "redis://127.0.0.1:6379/15")
PAGE = "/programs/gwangju-ai-cluster/"
# Behind a load balancer every process sees the same Host; the cache key holds it (absolute share links).
HOST = "tracker.test"
ADMIN_PASSWORD = "pw-shared-cache-1"


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def redis_url():
    if not redis_answers(REDIS_URL):
        message = f"Redis does not answer at {REDIS_URL} (start it: redis-server --daemonize yes)"
        if os.environ.get("TRACKER_REQUIRE_REDIS"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


@pytest.fixture(scope="module")
def servers(redis_url, tmp_path_factory):
    """Two gunicorn processes on two ports, one database, one Redis cache (a key prefix of their own)."""
    work = tmp_path_factory.mktemp("shared-cache")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "TRACKER_VAR_DIR": str(work),
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "REDIS_URL": redis_url,
        "TRACKER_CACHE_PREFIX": f"test-{uuid.uuid4().hex}",
        "DJANGO_SUPERUSER_USERNAME": "editor",
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
        "DJANGO_SUPERUSER_EMAIL": "editor@example.org",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "loaddata", str(GWANGJU_FIXTURE), "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "createsuperuser", "--no-input"], env=env, check=True, cwd=ROOT, capture_output=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    processes, bases, logs = [], [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            log_path = work / f"gunicorn-{name}.log"
            log = open(log_path, "wb")  # noqa: SIM115 - closed with the process below
            logs.append(log)
            process = subprocess.Popen(
                [str(gunicorn), "tracker.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            bases.append(f"http://127.0.0.1:{port}")
            wait_until_up(f"{bases[-1]}/", process, log_path)
        yield bases
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()


class Visitor:
    """A plain HTTP client with its own cookies, as a browser without JavaScript."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect, urllib.request.HTTPErrorProcessor
        )

    def get(self, url: str):
        with self.opener.open(urllib.request.Request(url, headers={"Host": HOST}), timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()

    def post(self, url: str, data: dict, *, referer: str) -> int:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": referer, "Host": HOST})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def page_state(url: str) -> tuple[str, str]:
    """(X-Tracker-Cache, HTML) of a fresh visitor's GET."""
    _, headers, html = Visitor().get(url)
    return headers["X-Tracker-Cache"], html


def test_a_page_cached_by_one_process_is_served_by_the_other_with_working_forms(servers):
    a, b = servers
    Visitor().get(f"{a}{PAGE}?q=shared-forms")  # process A renders and caches the fragment
    visitor = Visitor()
    _, headers, html = visitor.get(f"{b}{PAGE}?q=shared-forms")
    assert headers["X-Tracker-Cache"] == "hit", "process B served the fragment process A cached"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    posted = {"language": "en", "next": PAGE, "csrfmiddlewaretoken": token}
    assert visitor.post(f"{b}/i18n/setlang/", posted, referer=f"{b}{PAGE}") == 302
    # Another visitor's token is refused: the page really carries this visitor's own.
    assert Visitor().post(f"{b}/i18n/setlang/", posted, referer=f"{b}{PAGE}") == 403


@pytest.fixture
def through(browser):
    """A Chromium page that reaches `http://tracker.test/` through the given server (as its proxy)."""
    contexts = []

    def open_page(base: str):
        context = browser.new_context(proxy={"server": base}, locale="ko-KR", viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        return page, PageProblems(page)

    yield open_page
    for context in contexts:
        context.close()


def test_scripts_run_on_a_page_served_from_the_shared_cache(servers, through):
    a, b = servers
    Visitor().get(f"{a}{PAGE}?show=planned")
    page, problems = through(b)
    response = page.goto(f"http://{HOST}{PAGE}?show=planned")
    assert response.headers["x-tracker-cache"] == "hit"
    nonce = page.evaluate(
        "() => document.querySelector('script[nonce]') && document.querySelector('script[nonce]').nonce"
    )
    assert nonce and f"'nonce-{nonce}'" in response.headers["content-security-policy"]
    page.wait_for_selector("#gantt[data-drawn='true']")
    assert page.evaluate("() => typeof window.htmx") == "object", "the nonced htmx script ran"
    # Chromium warns that it ignores COOP on plain http://tracker.test (not a trustworthy origin); nothing else.
    assert [e for e in problems.errors if "Cross-Origin-Opener-Policy" not in e] == []


def test_an_edit_through_one_process_shows_through_the_other_at_once(servers, through):
    a, b = servers
    _, html = page_state(f"{b}{PAGE}")
    assert "공유 캐시로 바뀐 제목" not in html
    page_state(f"{a}{PAGE}")  # both processes have now read (and cached) the old version

    page, _ = through(a)
    page.goto(f"http://{HOST}/admin/login/?next=/admin/timeline/milestone/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"http://{HOST}/admin/timeline/milestone/?q=dc-building")
    page.click("#result_list tbody tr a")
    page.fill("#id_title_ko", "공유 캐시로 바뀐 제목")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    state, html = page_state(f"{b}{PAGE}")
    assert "공유 캐시로 바뀐 제목" in html
    assert state == "miss", "the edit gave the program a new data version, so B rebuilt the fragment"
    assert page_state(f"{a}{PAGE}")[0] == "hit", "and A serves what B built"
