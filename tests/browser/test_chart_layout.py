"""The Gantt and the trend chart as a reader sees them at 1280 and 390 px, in Korean and English (issue 14)."""

from itertools import pairwise

import pytest

from timeline.charts import ROW_PX

pytestmark = pytest.mark.browser

BOXES = """() => {
    const gd = document.getElementById('gantt');
    const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const svg = gd.getBoundingClientRect();
    const s = gd._fullLayout._size;
    return {
        plot: [svg.left + s.l, svg.top + s.t, svg.left + s.l + s.w, svg.top + s.t + s.h],
        chart: box(gd),
        key: box(document.querySelector('.chart-key')),
        rows: gd.layout.meta.keys.length,
        plotlyLegends: gd.querySelectorAll('.legend').length,
        top: Array.from(gd.querySelectorAll('.xtick text')).map(t => t.textContent),
        bottom: Array.from(gd.querySelectorAll('.x2tick text')).map(t => t.textContent),
        labels: Array.from(gd.querySelectorAll('.ytick text')).map(box),
        ticks: Array.from(gd.querySelectorAll('.xtick text, .x2tick text')).map(box),
    };
}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def open_chart(page, live_server, query: str, *, width: int, language: str) -> dict:
    page.set_viewport_size({"width": width, "height": 844})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/programs/gwangju-ai-cluster/{query}")
    page.wait_for_selector("#gantt[data-drawn='true']")
    return page.evaluate(BOXES)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("query", ["", "?q=dc-building-completion", "?as_of=2022-06-30"], ids=["all", "one", "as-of"])
def test_the_key_stays_off_the_plot_rows_keep_their_height_and_dates_speak_the_page_language(
    page, live_server, gwangju, problems, width, language, query
):
    boxes = open_chart(page, live_server, query, width=width, language=language)

    assert boxes["plotlyLegends"] == 0
    assert not overlap(boxes["key"], boxes["plot"])
    assert not any(overlap(boxes["key"], tick) for tick in boxes["ticks"])
    assert (boxes["plot"][3] - boxes["plot"][1]) / boxes["rows"] == pytest.approx(ROW_PX, abs=0.5)
    # Row labels are inside the chart (none cut at its left edge) and do not run into each other.
    assert all(label[0] >= boxes["chart"][0] - 1 for label in boxes["labels"])
    labels = sorted(boxes["labels"], key=lambda b: b[1])
    assert all(a[3] <= b[1] + 2 for a, b in pairwise(labels))
    # Dates in the page's language, on the top axis and, on a tall chart, the bottom one too.
    assert boxes["top"]
    assert all(("년" in text) == (language == "ko") for text in boxes["top"] + boxes["bottom"])
    if boxes["rows"] >= 20:
        assert boxes["bottom"] == boxes["top"]
    assert problems.errors == []


@pytest.mark.parametrize("language", ["ko", "en"])
def test_trend_chart_titles_clear_its_dates_and_legend_on_a_phone(page, live_server, gwangju, problems, language):
    open_chart(page, live_server, "?q=dc-building-completion", width=390, language=language)
    page.locator("table.milestones a[data-panel]").first.click()
    page.wait_for_selector(".trend-chart[data-drawn='true']")
    page.hover(".trend-chart .legend")
    assert page.locator(".trend-chart .modebar").count() == 0  # a tool bar would lie over the legend
    boxes = page.evaluate(
        """() => {
            const gd = document.querySelector('.trend-chart');
            const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
            const all = (sel) => Array.from(gd.querySelectorAll(sel)).map(box);
            return {xtitle: box(gd.querySelector('.g-xtitle text')), ytitle: box(gd.querySelector('.g-ytitle text')),
                    legend: box(gd.querySelector('.legend')), xticks: all('.xtick text'), yticks: all('.ytick text'),
                    chart: box(gd)};
        }"""
    )
    assert not any(overlap(boxes["ytitle"], tick) for tick in boxes["yticks"])
    assert not any(overlap(boxes["xtitle"], tick) for tick in boxes["xticks"])
    assert not overlap(boxes["xtitle"], boxes["legend"])
    assert not any(overlap(boxes["legend"], tick) for tick in boxes["xticks"] + boxes["yticks"])
    assert boxes["ytitle"][0] >= boxes["chart"][0] - 1
    assert problems.errors == []
