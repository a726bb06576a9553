"""The pages a reader opens on a phone fit its width: nothing scrolls sideways at 390 px.

Below 960 px the data tables stack: each row becomes a card and each cell a line led by its
column name, so the sources page, the milestone table and a milestone's claims read without
sideways scrolling, in both languages. At 1280 px the tables keep their columns, with headers
that do not run into each other.
"""

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "timeline": "/programs/gwangju-ai-cluster/",
    "sources": "/programs/gwangju-ai-cluster/sources/",
    "milestone": "/programs/gwangju-ai-cluster/milestones/dc-building-completion/",
}

# Everything wider than the window, the page's own scroll width, and each table box that
# scrolls sideways inside the page (an overflow box hides a wide table from the page's width).
LAYOUT = """() => {
    const wide = [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
        .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
    const scrolling = [...document.querySelectorAll('.table-wrap')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).length;
    return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth, wide: wide.slice(0, 8), scrolling};
}"""
# Dates and column headers that wrap: the text of a date or a header that breaks onto a second
# line (measured on the text itself, not its cell, which grows with the row).
WRAPPED = """() => [...document.querySelectorAll('main time, main td.date, main thead th')]
    .filter(e => e.offsetParent !== null && (e.closest('thead, tr') || e).getBoundingClientRect().width > 2)
    .filter(e => {
        const style = getComputedStyle(e);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        const range = document.createRange();
        range.selectNodeContents(e);
        return range.getBoundingClientRect().height > 1.5 * line || e.scrollWidth > e.clientWidth + 1;
    })
    .map(e => e.tagName.toLowerCase() + ': ' + e.textContent.trim().slice(0, 30))
    .slice(0, 8)"""


def open_page(page, live_server, path: str, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 800})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == language


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_nothing_scrolls_sideways_on_a_phone(page, live_server, gwangju, problems, screenshots, name, language):
    open_page(page, live_server, PAGES[name], language, 390)
    layout = page.evaluate(LAYOUT)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout
    assert layout["wide"] == [], layout
    assert layout["scrolling"] == 0, layout
    assert page.evaluate(WRAPPED) == []
    # Stacked: the column headers give way to a name on each cell.
    labels = page.evaluate(
        "() => [...document.querySelectorAll('table.stack td[data-label]')].slice(0, 3)"
        ".map(td => getComputedStyle(td, '::before').content)"
    )
    assert labels and all(label not in ("none", "normal", '""') for label in labels)
    page.screenshot(path=str(screenshots / f"phone-{name}-{language}.png"), full_page=name != "timeline")
    assert problems.errors == []


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("name", ["sources", "milestone"])
def test_the_tables_keep_their_columns_on_a_wide_screen(page, live_server, gwangju, problems, name, language):
    open_page(page, live_server, PAGES[name], language, 1280)
    layout = page.evaluate(LAYOUT)
    assert layout["wide"] == [] and layout["scrolling"] == 0, layout
    assert page.evaluate(WRAPPED) == []
    assert page.locator("table.stack thead th").first.is_visible()
    assert problems.errors == []
