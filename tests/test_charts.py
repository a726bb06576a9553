import datetime as dt

import plotly.graph_objects as go
import pytest

from timeline.charts import Row, gantt, hover_text, trend
from timeline.dates import DateSpan
from timeline.schedule import ClaimFact, derive

D = dt.date
TODAY = D(2026, 11, 25)


def row(key, facts, kind="span", title=None, **extra):
    schedule = derive(facts, kind=kind, today=TODAY)
    return Row(key=key, title=title or key, kind=kind, schedule=schedule, panel_url=f"/m/{key}/", **extra)


def ms(day: dt.date) -> int:
    """A day as Plotly reads a number on a date axis."""
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def fact(n, field, status, span, stated_on, source=None):
    return ClaimFact(id=n, field=field, status=status, span=span, stated_on=stated_on, source_id=source or n)


@pytest.fixture
def rows():
    return [
        row(
            "phase",
            [fact(1, "both", "planned", DateSpan.range(D(2020, 1, 1), D(2024, 12, 31)), D(2019, 11, 11))],
            kind="phase",
            is_phase=True,
        ),
        row(
            "building",
            [
                fact(2, "event", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
                fact(3, "event", "actual", DateSpan.year(2022), D(2023, 7, 23)),
                fact(4, "event", "actual", DateSpan.month(2023, 11), D(2024, 5, 7)),
            ],
            kind="event",
            depth=1,
        ),
        row("undated", [], depth=1),
    ]


def test_figure_is_a_valid_plotly_figure(rows):
    figure = gantt(rows, today=TODAY)
    go.Figure(figure)  # raises on any invalid property


def test_every_row_appears_once_on_the_axis(rows):
    figure = gantt(rows, today=TODAY)
    assert figure["layout"]["meta"]["keys"] == ["phase", "building", "undated"]
    assert figure["layout"]["yaxis"]["tickvals"] == [0, 1, 2]
    drawn = {y for trace in figure["data"] for y in trace["y"]} - {None}  # None: a gap between line pieces
    assert drawn == {0, 1, 2}


def test_year_precision_is_a_hatched_band_not_a_sharp_edge(rows):
    figure = gantt(rows, today=TODAY)
    uncertain = next(t for t in figure["data"] if t["marker"].get("pattern", {}).get("shape") == "/")
    bands = [(b, x) for y, b, x in zip(uncertain["y"], uncertain["base"], uncertain["x"], strict=True) if y == 0]
    assert (ms(D(2020, 1, 1)), 366 * 86_400_000) in bands
    assert (ms(D(2024, 1, 1)), 366 * 86_400_000) in bands
    plan = next(t for t in figure["data"] if t["name"] == "계획")
    i = plan["y"].index(0)
    assert plan["base"][i] == ms(D(2021, 1, 1))
    assert plan["x"][i] == (D(2023, 12, 31) - D(2021, 1, 1)).days * 86_400_000 + 86_400_000


def test_conflicting_sources_get_one_marker_per_date(rows):
    figure = gantt(rows, today=TODAY)
    conflicts = next(t for t in figure["data"] if t["name"] == "출처 간 불일치")
    assert conflicts["y"] == [1]


def test_show_planned_hides_what_happened(rows):
    figure = gantt(rows, today=TODAY, show="planned")
    names = {t["name"] for t in figure["data"]}
    assert "실제 일정" not in names and "실제" not in names


def test_the_as_of_line_replaces_the_today_line(rows):
    lines = [s["x0"] for s in gantt(rows, today=TODAY)["layout"]["shapes"] if s["type"] == "line"]
    assert lines == ["2026-11-25"]
    figure = gantt(rows, today=TODAY, as_of=D(2022, 4, 13))
    lines = [s["x0"] for s in figure["layout"]["shapes"] if s["type"] == "line"]
    assert lines == ["2022-04-13"]


def test_hostile_titles_are_escaped_in_hover_and_ticks():
    hostile = row(
        "x",
        [fact(1, "end", "planned", DateSpan.year(2024), D(2020, 1, 1))],
        title="<img src=x onerror=alert(1)>",
        latest_source="<script>alert(2)</script>",
    )
    figure = gantt([hostile], today=TODAY)
    text = hover_text(hostile, "ko")
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script>" not in text
    assert "<img" not in figure["layout"]["yaxis"]["ticktext"][0]


def test_hover_names_precision_status_slip_and_sources(rows):
    text = hover_text(rows[1], "en")
    assert "Nov 2023 (to the month)" in text
    assert "Status: done" in text
    assert "Sources: 3" in text


def test_trend_chart_has_diagonal_and_one_point_per_forecast():
    schedule = derive(
        [
            fact(1, "end", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
            fact(2, "end", "planned", DateSpan.year(2023), D(2021, 2, 3)),
            fact(3, "end", "actual", DateSpan.month(2023, 2), D(2024, 9, 22)),
        ],
        today=TODAY,
    )
    figure = trend(schedule, today=TODAY)
    go.Figure(figure)
    forecasts = next(t for t in figure["data"] if t["mode"] == "lines+markers")
    assert forecasts["x"] == ["2021-01-03", "2021-02-03"]
    assert figure["data"][0]["x"] == figure["data"][0]["y"], "the diagonal"
    assert any("2023년 2월" in t["name"] for t in figure["data"])


def test_empty_rows_still_make_a_figure():
    go.Figure(gantt([], today=TODAY))


def test_hover_label_is_sent_once_per_row(rows):
    figure = gantt(rows, today=TODAY, language="en")
    meta = figure["layout"]["meta"]
    assert meta["hover"] == [hover_text(r, "en") for r in rows]
    assert all("customdata" not in trace and "text" not in trace for trace in figure["data"])
    assert meta["urls"] == ["/m/phase/", "/m/building/", "/m/undated/"]


def test_an_undated_row_draws_no_segments_only_the_undated_mark(rows):
    from timeline.charts import segments

    assert segments(rows[2].schedule) == []
    undated = next(t for t in gantt(rows, today=TODAY)["data"] if t["name"] == "날짜 미상")
    assert undated["y"] == [2]


def test_work_under_way_runs_to_today():
    started = row("works", [fact(1, "start", "actual", DateSpan.day(D(2025, 3, 2)), D(2025, 3, 3))])
    assert started.schedule.status == "in_progress"
    actual = next(t for t in gantt([started], today=TODAY)["data"] if t["name"] == "실제")
    assert actual["base"] == [ms(D(2025, 3, 2)), ms(D(2025, 3, 3))]
    assert actual["base"][-1] + actual["x"][-1] == ms(TODAY + dt.timedelta(days=1))


def test_the_compact_json_script_reads_back_the_same_and_never_closes_the_script():
    import json

    from django.template import engines

    value = {"title": "</script><script>alert(1)</script> & <!-- 광주", "n": [1, 2.5, None]}
    template = engines["django"].from_string('{% load timeline %}{{ value|compact_json_script:"x" }}')
    html = template.render({"value": value})
    assert html.count("</script>") == 1 and "<!--" not in html
    start = html.index(">") + 1
    assert html.startswith('<script id="x" type="application/json">')
    assert json.loads(html[start : html.index("</script>")]) == value
