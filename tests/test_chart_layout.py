"""How the Gantt is laid out at any size (issue 14): fixed row height, its key in HTML instead of
Plotly's legend, dates in the page's language, a bottom date axis on tall charts, two-line labels."""

import datetime as dt
import re
from html import unescape

import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.charts import (
    BOTTOM_AXIS_ROWS,
    LABEL_EMS,
    NARROW_LABEL_EMS,
    ROW_PX,
    STATUS_COLORS,
    Row,
    _ems,
    chart_key,
    gantt,
    row_label,
    trend,
)
from timeline.dates import DateSpan
from timeline.schedule import ClaimFact, derive

D = dt.date
TODAY = D(2026, 11, 25)


def rows(n: int, *, title: str = "milestone") -> list[Row]:
    out = []
    for i in range(n):
        year = 2020 + i % 6
        status = "actual" if i % 3 == 0 else "planned"
        facts = [
            ClaimFact(
                id=i, field="event", status=status, span=DateSpan.month(year, 1 + i % 12), stated_on=None, source_id=i
            )
        ]
        schedule = derive(facts, kind="event", today=TODAY)
        out.append(Row(key=f"m{i}", title=f"{title} {i}", kind="event", schedule=schedule, panel_url=f"/m/{i}/"))
    return out


def plot_height(figure: dict) -> int:
    layout = figure["layout"]
    return layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]


@pytest.mark.parametrize("n", [1, 2, 5, 19, 20, 45, 1000])
def test_every_row_is_the_same_height_whatever_the_number_of_rows(n):
    figure = gantt(rows(n), today=TODAY)
    assert plot_height(figure) == n * ROW_PX
    assert figure["layout"]["yaxis"]["range"] == [n - 0.5, -0.5]


@pytest.mark.parametrize("n", [1, 19, 1000])
def test_plotlys_legend_is_off_and_the_key_names_the_statuses_and_marks_drawn(n):
    chart_rows = rows(n)
    figure = gantt(chart_rows, today=TODAY, language="en")
    assert figure["layout"]["showlegend"] is False
    go.Figure(figure)  # a valid figure for plotly.js

    key = chart_key(figure, chart_rows, "en")
    statuses = {row.schedule.status for row in chart_rows}
    assert [item["status"] for item in key["statuses"]] == [s for s in STATUS_COLORS if s in statuses]
    assert all(item["color"] == STATUS_COLORS[item["status"]] for item in key["statuses"])
    drawn = {trace.get("name") for trace in figure["data"] if trace.get("y")}
    assert {mark["label"] for mark in key["marks"][:-1]} == drawn
    assert key["marks"][-1]["label"] == "today"


def test_the_key_is_in_the_page_language_and_names_the_as_of_day():
    chart_rows = rows(3)
    as_of = D(2022, 6, 30)
    figure = gantt(chart_rows, today=TODAY, language="ko", as_of=as_of)
    key = chart_key(figure, chart_rows, "ko", as_of=as_of)
    assert {item["label"] for item in key["statuses"]} <= {"완료", "진행 중", "지연", "계획", "취소"}
    assert key["marks"][-1]["label"] == "기준일 2022-06-30"


def test_korean_page_dates_are_korean_at_every_zoom_and_the_english_page_keeps_plotlys():
    ko = gantt(rows(3), today=TODAY, language="ko")["layout"]["xaxis"]
    formats = [stop["value"] for stop in ko["tickformatstops"]]
    assert formats and all("년" in f or "월" in f for f in formats)
    assert not any("%b" in f or "%B" in f for f in formats)  # no English month names
    assert "tickformatstops" not in gantt(rows(3), today=TODAY, language="en")["layout"]["xaxis"]
    trend_axes = trend(rows(1)[0].schedule, language="ko", today=TODAY)["layout"]
    assert trend_axes["xaxis"]["tickformatstops"] == ko["tickformatstops"]


@pytest.mark.parametrize("n", [1, BOTTOM_AXIS_ROWS - 1, BOTTOM_AXIS_ROWS, 1000])
def test_tall_charts_have_the_date_axis_at_the_bottom_too(n):
    figure = gantt(rows(n), today=TODAY)
    layout = figure["layout"]
    on_x2 = [trace for trace in figure["data"] if trace.get("xaxis") == "x2"]
    if n < BOTTOM_AXIS_ROWS:
        assert "xaxis2" not in layout
        assert not on_x2
        return
    assert layout["xaxis"]["side"] == "top"
    bottom = layout["xaxis2"]
    assert (bottom["side"], bottom["overlaying"], bottom["matches"], bottom["tickmode"]) == ("bottom", "x", "x", "auto")
    assert len(on_x2) == 1 and on_x2[0]["x"] == []  # plotly.js draws an axis only for a trace on it
    go.Figure(figure)


@settings(max_examples=200, deadline=None)
@given(
    title=st.text(alphabet=st.sampled_from("ab가나 -&<AI(2)"), min_size=1, max_size=80),
    max_ems=st.sampled_from([NARROW_LABEL_EMS, LABEL_EMS]),
    depth=st.integers(0, 2),
)
def test_a_label_is_at_most_two_lines_within_its_width_and_is_the_title_or_its_start(title, max_ems, depth):
    indent = "\u2003" * depth
    label = row_label(title, max_ems, indent=indent)
    lines = [unescape(line) for line in label.split("<br>")] if label else []
    assert len(lines) <= 2
    for line in lines:
        assert line.startswith(indent)
        assert sum(_ems(ch) for ch in line) <= max_ems
    shown = "".join(line.removeprefix(indent) for line in lines)
    whole = "".join(title.split())
    if shown.endswith("…"):
        assert whole.startswith(shown[:-1].replace(" ", ""))
        assert len(shown[:-1].replace(" ", "")) < len(whole)
    else:
        assert shown.replace(" ", "") == whole
    assert "<" not in re.sub(r"<br>", "", label)  # escaped: no tag from the title


def test_labels_break_between_words_and_the_hover_keeps_the_whole_title():
    title = "Site approvals and land compensation (R&D special-zone plan to appraisal)"
    whole = "Site approvals and land compensation<br>(R&amp;D special-zone plan to appraisal)"
    assert row_label(title, LABEL_EMS) == whole
    assert row_label(title, 17) == "Site approvals and land<br>compensation (R&amp;D special-…"
    cluster = "AI-centred industry convergence cluster"
    assert row_label(cluster, NARROW_LABEL_EMS) == "AI-centred industry<br>convergence cluster"
    assert row_label(cluster, 10) == "AI-centred<br>industry conver…"
    figure = gantt(rows(1, title=title), today=TODAY, language="en")
    assert (
        "Site approvals and land compensation (R&amp;D special-zone plan to appraisal) 0"
        in figure["layout"]["meta"]["hover"][0]
    )


def test_trend_chart_puts_its_legend_on_top_and_lets_the_axis_titles_push_the_margins():
    layout = trend(rows(1)[0].schedule, language="ko", today=TODAY)["layout"]
    assert layout["legend"]["orientation"] == "h"
    assert layout["legend"]["y"] > 1 and layout["legend"]["yanchor"] == "bottom"
    for axis in ("xaxis", "yaxis"):
        assert layout[axis]["automargin"] is True
        assert layout[axis]["title"]["standoff"] > 0
