import re

import pytest
from playwright.sync_api import expect

from timeline.models import Milestone

pytestmark = pytest.mark.browser


def open_timeline(page, live_server, query=""):
    page.goto(f"{live_server.url}/programs/gwangju-ai-cluster/{query}")
    page.wait_for_selector("#gantt[data-drawn='true']")


def drawn_keys(page) -> set[str]:
    """The keys of the rows that have at least one point drawn (points name their row by index)."""
    return set(
        page.evaluate(
            "() => { const gd = document.getElementById('gantt');"
            " return gd.data.flatMap(t => t.y).filter(i => i !== null).map(i => gd.layout.meta.keys[i]); }"
        )
    )


def click_row(page, key: str) -> None:
    """Click the chart where the milestone's first drawn point is."""
    x, y = page.evaluate(
        """(key) => {
            const gd = document.getElementById('gantt');
            const L = gd._fullLayout;
            const row = gd.layout.meta.keys.indexOf(key);
            for (const trace of gd.data) {
                const i = trace.y.indexOf(row);
                if (i < 0) continue;
                let x = trace.x[i];
                if (trace.type === 'bar') x = trace.base[i] + trace.x[i] / 2;
                const top = gd.getBoundingClientRect().top + window.scrollY;
                window.scrollTo(0, top + L._size.t + L.yaxis.d2p(row) - window.innerHeight / 2);
                const box = gd.getBoundingClientRect();
                return [box.left + L._size.l + L.xaxis.d2p(x), box.top + L._size.t + L.yaxis.d2p(row)];
            }
            throw new Error('no point for ' + key);
        }""",
        key,
    )
    page.mouse.move(x, y)
    page.wait_for_selector(".hoverlayer .hovertext")
    page.mouse.click(x, y)


def test_every_milestone_is_a_row_and_every_dated_one_is_drawn(page, live_server, gwangju, problems, screenshots):
    open_timeline(page, live_server)
    keys = set(Milestone.objects.values_list("key", flat=True))
    assert drawn_keys(page) == keys
    assert page.locator("#gantt .ytick").count() == len(keys)
    bars = page.evaluate(
        "() => document.getElementById('gantt').data.filter(t => t.type === 'bar').reduce((n, t) => n + t.y.length, 0)"
    )
    assert page.locator("#gantt .barlayer .point").count() == bars
    assert page.locator("table.milestones tbody tr").count() == len(keys)
    page.screenshot(path=screenshots / "timeline-1280.png", full_page=True)
    assert problems.errors == []


def test_filter_changes_chart_and_url_and_back_restores_it(page, live_server, gwangju, problems):
    open_timeline(page, live_server)
    total = Milestone.objects.count()
    page.select_option("#id_kind", "phase")
    page.wait_for_url(re.compile(r"kind=phase"))
    page.wait_for_function(
        "() => { const gd = document.getElementById('gantt');"
        " return gd && gd.data && new Set(gd.data.flatMap(t => t.y)).size < 10; }"
    )
    page.wait_for_selector("#gantt[data-drawn='true']")
    phases = set(Milestone.objects.filter(kind="phase").values_list("key", flat=True))
    assert drawn_keys(page) == phases
    assert page.locator("table.milestones tbody tr").count() == len(phases)

    page.go_back()
    page.wait_for_url(re.compile(r"/programs/gwangju-ai-cluster/$"))
    page.wait_for_selector("#gantt[data-drawn='true']")
    assert len(drawn_keys(page)) == total
    expect(page.locator("#id_kind")).to_have_value("")
    page.go_forward()
    page.wait_for_selector("#gantt[data-drawn='true']")
    expect(page.locator("#id_kind")).to_have_value("phase")
    assert drawn_keys(page) == phases
    assert problems.errors == []


def test_search_without_javascript_is_a_plain_get(browser, live_server, gwangju):
    context = browser.new_context(java_script_enabled=False, locale="ko-KR")
    page = context.new_page()
    page.goto(f"{live_server.url}/programs/gwangju-ai-cluster/")
    page.fill("#id_q", "데이터센터")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"q=%EB%8D%B0"))
    rows = page.locator("table.milestones tbody tr")
    expected = [m for m in Milestone.objects.all() if "데이터센터" in m.title_ko]
    assert rows.count() == len(expected) > 0
    context.close()


def test_clicking_the_data_center_opens_its_panel_with_its_claims(page, live_server, gwangju, problems, screenshots):
    open_timeline(page, live_server)
    building = Milestone.objects.get(key="dc-building-completion")
    click_row(page, building.key)
    panel = page.locator("#panel .milestone-panel[data-key='dc-building-completion']")
    expect(panel).to_be_visible()
    expect(panel.locator("table.claims tbody tr")).to_have_count(building.claims.count())
    expect(panel.locator(".conflict-note")).to_be_visible()
    page.wait_for_selector("#panel .trend-chart[data-drawn='true']")
    page.screenshot(path=screenshots / "timeline-panel-1280.png", full_page=False)
    page.keyboard.press("Escape")
    expect(page.locator("#panel .milestone-panel")).to_have_count(0)
    assert problems.errors == []


def test_as_of_april_2022_shows_completion_planned_for_end_of_2022(page, live_server, gwangju, problems, screenshots):
    open_timeline(page, live_server, "?as_of=2022-04-13")
    row = page.locator("table.milestones tr[data-key='dc-building-completion']")
    expect(row).to_contain_text("2022년 12월")
    expect(row.locator(".status")).to_have_class(re.compile("status-planned"))
    hover = page.evaluate(
        """() => { const gantt = document.getElementById('gantt');
            const row = gantt.layout.meta.keys.indexOf('dc-building-completion');
            return gantt.data.flatMap(t => t.y.map((y, i) => [y, t.text[i]]))
                .filter(([y]) => y === row).map(([, h]) => h); }"""
    )
    assert hover and all("2022년 12월" in h for h in hover)
    page.screenshot(path=screenshots / "timeline-as-of-2022-04-13-1280.png", full_page=True)
    assert problems.errors == []


def test_a_name_in_the_table_opens_its_panel_as_known_that_day(page, live_server, gwangju, problems):
    open_timeline(page, live_server, "?as_of=2022-04-13")
    page.click("table.milestones tr[data-key='dc-building-completion'] th a")
    panel = page.locator("#panel .milestone-panel[data-key='dc-building-completion']")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("2022-04-13")
    assert page.url.endswith("/programs/gwangju-ai-cluster/?as_of=2022-04-13"), "the page stays where it was"
    assert problems.errors == []


def test_as_of_before_the_first_source_explains_itself(page, live_server, gwangju):
    page.goto(f"{live_server.url}/programs/gwangju-ai-cluster/?as_of=2000-01-01")
    expect(page.locator(".empty")).to_contain_text("2017-11-08")


def test_phone_layout(page, live_server, gwangju, problems, screenshots):
    page.set_viewport_size({"width": 390, "height": 844})
    open_timeline(page, live_server)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the page must not scroll sideways on a phone"
    page.screenshot(path=screenshots / "timeline-390.png", full_page=True)
    assert problems.errors == []
