import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from timeline.models import Milestone

pytestmark = pytest.mark.browser


@pytest.fixture
def news_site():
    """Another origin (a real loopback server, so Chromium's local-network checks allow the frame) that
    serves one article framing the URL it is given: `news_site(url)` returns the article's address."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def article(embed_url: str) -> str:
        pages["/article"] = (
            "<!doctype html><html><head><title>news</title><link rel='icon' href='data:,'></head><body>"
            f'<h1>Article</h1><iframe id="embed" src="{embed_url}" width="1000" height="900"></iframe></body></html>'
        ).encode()
        return f"http://127.0.0.1:{server.server_port}/article"

    yield article
    server.shutdown()
    server.server_close()


def test_embed_draws_inside_another_sites_iframe(page, live_server, gwangju, news_site, problems, screenshots):
    assert "127.0.0.1" not in live_server.url  # the article and the embed are different origins
    page.goto(news_site(f"{live_server.url}/programs/gwangju-ai-cluster/?embed=1&kind=event"))
    frame = page.frame_locator("#embed")
    expect(frame.locator("#gantt[data-drawn='true']")).to_be_attached()
    events = set(Milestone.objects.filter(kind="event").values_list("key", flat=True))
    embedded = next(f for f in page.frames if "embed=1" in f.url)
    assert (
        set(
            embedded.evaluate(
                "() => { const gd = document.getElementById('gantt');"
                " return gd.data.flatMap(t => t.y).filter(i => i !== null).map(i => gd.layout.meta.keys[i]); }"
            )
        )
        == events
    )
    expect(frame.locator(".embed-foot a")).to_have_attribute(
        "href", re.compile(r"/programs/gwangju-ai-cluster/\?kind=event$")
    )
    expect(frame.locator("#filters")).to_have_count(0)
    page.screenshot(path=screenshots / "embed-in-iframe-1280.png", full_page=True)
    assert problems.errors == []


def test_the_full_page_refuses_to_be_framed(page, live_server, gwangju, news_site, problems):
    page.goto(news_site(f"{live_server.url}/programs/gwangju-ai-cluster/"))
    page.wait_for_timeout(1500)
    framed = next(f for f in page.frames if f != page.main_frame)
    assert framed.evaluate("() => document.getElementById('gantt')") is None
    assert any("frame-ancestors" in e for e in problems.errors), problems.errors


def test_language_switch_keeps_the_filters_set_with_htmx(page, live_server, gwangju, problems):
    page.goto(f"{live_server.url}/programs/gwangju-ai-cluster/")
    page.wait_for_selector("#gantt[data-drawn='true']")
    expect(page.locator(".site-header .brand")).to_have_text("마일스톤 트래커")
    page.select_option("#id_kind", "phase")
    page.wait_for_url(re.compile(r"kind=phase"))
    expect(page.locator("a.chip", has_text="CSV")).to_have_attribute(
        "href", re.compile(r"milestones\.csv\?kind=phase$")
    )

    page.click("form.lang button[value=en]")
    page.wait_for_url(re.compile(r"/programs/gwangju-ai-cluster/\?kind=phase$"))
    page.wait_for_selector("#gantt[data-drawn='true']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".site-header .brand")).to_have_text("Milestone tracker")
    expect(page.locator("#id_kind")).to_have_value("phase")
    phases = Milestone.objects.filter(kind="phase")
    assert page.locator("table.milestones tbody tr").count() == phases.count()
    expect(page.locator("table.milestones")).to_contain_text(phases.get(key="phase-1").title_en)

    page.click("form.lang button[value=ko]")
    page.wait_for_url(re.compile(r"\?kind=phase$"))
    expect(page.locator(".site-header .brand")).to_have_text("마일스톤 트래커")
    assert problems.errors == []


def test_png_download_and_embed_code_copy(page, live_server, gwangju, problems):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/programs/gwangju-ai-cluster/?status=done")
    page.wait_for_selector("#gantt[data-drawn='true']")
    with page.expect_download() as download:
        page.click("[data-download-png]")
    assert download.value.suggested_filename == f"gwangju-ai-cluster-{timezone.localdate().isoformat()}.png"

    page.click(".embed-share summary")
    code = page.input_value("#embed-code")
    assert code.startswith(f'<iframe src="{live_server.url}/programs/gwangju-ai-cluster/?embed=1&amp;status=done"')
    page.click("[data-copy]")
    expect(page.locator(".copy-status")).not_to_be_empty()
    assert page.evaluate("() => navigator.clipboard.readText()") == code
    assert problems.errors == []
