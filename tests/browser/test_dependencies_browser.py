"""Dependency arrows as Chromium draws them, the toggle, and the panel's links between milestones."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_timeline_page import click_row, open_timeline

pytestmark = pytest.mark.browser

ARROW_BOX = """([before, after]) => {
    const gd = document.getElementById('gantt');
    const i = gd.layout.annotations.findIndex(a => a.name === `dependency:${before}:${after}`);
    if (i < 0) return null;
    const arrow = gd.querySelector(`.annotation[data-index="${i}"] .annotation-arrow-g path`);
    const box = arrow.getBoundingClientRect();
    const plot = gd.querySelector('.nsewdrag').getBoundingClientRect();
    const L = gd._fullLayout, a = gd.layout.annotations[i];
    return {
        left: box.left - plot.left, right: box.right - plot.left,
        top: box.top - plot.top, bottom: box.bottom - plot.top,
        tail: [L.xaxis.d2p(a.ax), L.yaxis.d2p(a.ay)], head: [L.xaxis.d2p(a.x), L.yaxis.d2p(a.y)],
    };
}"""


def dependency_arrows_drawn(page) -> int:
    return page.evaluate(
        "() => { const gd = document.getElementById('gantt');"
        " return [...gd.querySelectorAll('.annotation')].filter(g =>"
        " (gd.layout.annotations[+g.dataset.index].name || '').startsWith('dependency:')"
        " && g.querySelector('.annotation-arrow-g path')).length; }"
    )


def test_the_arrow_from_the_building_to_the_service_start_is_drawn_between_them(
    page, live_server, gwangju, problems, screenshots
):
    open_timeline(page, live_server, "?phase=phase-1")
    assert dependency_arrows_drawn(page) >= 6
    box = page.evaluate(ARROW_BOX, ["dc-building-completion", "dc-service-start"])
    (tail_x, tail_y), (head_x, head_y) = box["tail"], box["head"]
    # The drawn line spans from the building's end (2023-03-01) to the service start (2023-11-01),
    # and from the building's row down to the service's row (a few pixels for the arrowhead).
    assert head_x - tail_x > 50
    assert abs(box["left"] - tail_x) < 6 and abs(box["right"] - head_x) < 6
    assert abs(box["top"] - tail_y) < 6 and abs(box["bottom"] - head_y) < 6
    page.locator("#gantt").screenshot(path=screenshots / "dependencies-phase-1.png")
    assert problems.errors == []


def test_the_checkbox_hides_the_arrows_and_puts_it_in_the_url(page, live_server, gwangju, problems):
    open_timeline(page, live_server)
    assert dependency_arrows_drawn(page) >= 8
    page.get_by_label("선후행 화살표 숨기기").check()
    expect(page).to_have_url(re.compile(r"[?&]deps=0"))
    page.wait_for_selector("#gantt[data-drawn='true']")
    page.wait_for_function(
        "() => !document.getElementById('gantt').layout.annotations.some(a => (a.name || '').startsWith('dependency:'))"
    )
    assert dependency_arrows_drawn(page) == 0
    assert problems.errors == []


def test_the_panel_links_to_what_needs_the_building_and_back(page, live_server, gwangju, problems):
    open_timeline(page, live_server)
    click_row(page, "dc-building-completion")
    panel = page.locator("#panel .milestone-panel")
    expect(panel).to_have_attribute("data-key", "dc-building-completion")
    panel.locator("dd.dependencies a", has_text="국가AI데이터센터 본격 서비스 개시·개소").click()
    expect(page.locator("#panel .milestone-panel")).to_have_attribute("data-key", "dc-service-start")
    page.locator("#panel dd.dependencies a", has_text="국가AI데이터센터(데이터센터동) 건물 완공").click()
    expect(page.locator("#panel .milestone-panel")).to_have_attribute("data-key", "dc-building-completion")
    assert problems.errors == []
