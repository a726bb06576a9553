"""Colour contrast (WCAG 2.1 1.4.3 and 1.4.11) of the colours the site actually uses.

Text needs 4.5:1 against its background, the parts of a graphic needed to read it 3:1.
The colours are read where they are defined: charts.py's constants and site.css's rules.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings

from timeline import charts
from timeline.charts import Row, gantt
from timeline.dates import DateSpan
from timeline.schedule import ClaimFact, derive

CSS = (Path(settings.BASE_DIR) / "static" / "timeline" / "site.css").read_text(encoding="utf-8")
WHITE = "#ffffff"
D = dt.date
STATED = D(2024, 1, 1)


def rgb(color: str) -> tuple[float, float, float]:
    """#rgb, #rrggbb or #rrggbbaa, alpha composed over white."""
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    a = int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
    return tuple(a * c + (1 - a) * 255 for c in (r, g, b))


def luminance(color: str) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def css_variables() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS, re.S)[1]
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]+)", root))


def css_rule(selector: str) -> dict[str, str]:
    """The declarations of the rule for exactly `selector`, var(--x) resolved."""
    match = re.search(r"(?:^|\})\s*" + re.escape(selector) + r"\s*\{([^}]*)\}", CSS, re.M)
    assert match, f"no rule for {selector} in site.css"
    variables = css_variables()
    declarations = {}
    for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", match[1]):
        value = value.strip()
        if var := re.fullmatch(r"var\(--([\w-]+)\)", value):
            value = variables[var[1]]
        declarations[name] = value
    return declarations


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#dc2626", "#fef2f2") == pytest.approx(4.41, abs=0.01)  # the conflict note before


def test_the_page_status_badges_are_the_chart_status_colours():
    variables = css_variables()
    for status, color in charts.STATUS_COLORS.items():
        assert variables[status.replace("_", "-") if status != "in_progress" else "progress"] == color, status


@pytest.mark.parametrize("status", list(charts.STATUS_COLORS))
def test_status_badge_text_is_readable(status):
    badge = css_rule(f".status-{status}")
    text = css_rule(".status")["color"]
    assert contrast(text, badge["background"]) >= 4.5, (status, badge["background"])


@pytest.mark.parametrize(
    "selector",
    [".conflict-note", ".problem-note", ".stale-note", ".draft-note", ".draft-badge", ".stale"],
)
def test_notes_are_readable_on_their_paper(selector):
    rule = css_rule(selector)
    assert contrast(rule["color"], rule["background"]) >= 4.5, (selector, rule)


@pytest.mark.parametrize("selector", [".conflict", ".problem", ".muted", ".as-of-note", "a"])
def test_coloured_text_is_readable_on_white_and_on_the_page(selector):
    color = css_rule(selector)["color"]
    for paper in (WHITE, css_variables()["paper"]):
        assert contrast(color, paper) >= 4.5, (selector, color, paper)


@pytest.mark.parametrize(
    "name",
    ["CONFLICT_COLOR", "PROBLEM_COLOR", "BASELINE_COLOR", "UNDATED_COLOR"],
)
def test_chart_markers_stand_out_from_the_plot(name):
    assert contrast(getattr(charts, name), charts.PLOT_BACKGROUND) >= 3, name


@pytest.mark.parametrize("status", list(charts.STATUS_COLORS))
def test_status_colours_stand_out_from_the_plot(status):
    assert contrast(charts.STATUS_COLORS[status], charts.PLOT_BACKGROUND) >= 3, status


def fact(n, field, status, span, stated_on=STATED):
    return ClaimFact(id=n, field=field, status=status, span=span, stated_on=stated_on, source_id=n)


def test_every_bar_outline_and_marker_drawn_meets_3_to_1():
    """Built from a real figure, every status and hatched band included, no trace-wide opacity fading them."""
    today = D(2024, 6, 1)
    start = fact(1, "start", "actual", DateSpan.month(2020, 6))
    cases = [
        ("done", [start, fact(2, "end", "actual", DateSpan.quarter(2023, 2))], False),
        ("in progress", [start, fact(2, "end", "planned", DateSpan.year(2025))], False),
        (
            "overdue",
            [fact(1, "start", "planned", DateSpan.month(2021, 3)), fact(2, "end", "planned", DateSpan.half(2022, 1))],
            False,
        ),
        (
            "planned",
            [fact(1, "start", "planned", DateSpan.month(2025, 3)), fact(2, "end", "planned", DateSpan.year(2026))],
            False,
        ),
        (
            "cancelled",
            [fact(1, "start", "planned", DateSpan.month(2025, 3)), fact(2, "end", "planned", DateSpan.year(2026))],
            True,
        ),
        (
            "event",
            [
                fact(1, "event", "planned", DateSpan.month(2022, 12)),
                fact(2, "event", "actual", DateSpan.year(2023), D(2023, 7, 1)),
            ],
            False,
        ),
    ]
    rows = [
        Row(
            key=key,
            title=key,
            kind="event" if key == "event" else "span",
            schedule=derive(facts, kind="event" if key == "event" else "span", cancelled=cancelled, today=today),
        )
        for key, facts, cancelled in cases
    ]
    rows.append(Row(key="undated", title="undated", kind="span", schedule=derive([], today=today)))
    assert {r.schedule.status for r in rows} >= set(charts.STATUS_COLORS)
    figure = gantt(rows, today=today)
    background = figure["layout"]["plot_bgcolor"]
    assert any("pattern" in t.get("marker", {}) for t in figure["data"]), "imprecise dates are hatched"
    seen = 0
    for trace in figure["data"]:
        assert trace.get("opacity", 1) == 1, trace["name"]
        if trace.get("legendgroup") == "baseline":
            continue  # the first plan is drawn on purpose in a quiet grey, beside what it compares with
        marker = trace.get("marker", {})
        outline = marker.get("line", {}).get("color") if trace["type"] == "bar" else marker.get("color")
        for color in outline if isinstance(outline, list) else [outline]:
            if color is not None:
                seen += 1
                assert contrast(color, background) >= 3, (trace["name"], color)
    assert seen >= len(rows)


def planned_event_key(figure, rows):
    """The HTML key's entry for planned events (Plotly's own legend is off)."""
    label = charts.LABELS["ko"]["planned_event"]
    return next(m for m in charts.chart_key(figure, rows, "ko")["marks"] if m["label"] == label)


def test_legend_keys_planned_and_done_in_their_own_colours():
    """The key draws "planned" in the planned colour, whatever status the first event drawn has."""
    today = D(2024, 6, 1)
    overdue = [fact(1, "event", "planned", DateSpan.month(2022, 12))]
    planned = [fact(2, "event", "planned", DateSpan.month(2026, 3))]
    rows = [
        Row(key=key, title=key, kind="event", schedule=derive(facts, kind="event", today=today))
        for key, facts in (("late", overdue), ("later", planned))
    ]
    assert [r.schedule.status for r in rows] == ["overdue", "planned"]
    figure = gantt(rows, today=today)
    events = next(t for t in figure["data"] if t["name"] == charts.LABELS["ko"]["planned_event"])
    assert planned_event_key(figure, rows)["color"] == charts.STATUS_COLORS["planned"]
    assert sorted(zip(events["y"], events["marker"]["color"], strict=True)) == [
        (0, charts.STATUS_COLORS["overdue"]),
        (1, charts.STATUS_COLORS["planned"]),
    ]


def test_legend_key_is_planned_even_when_no_event_is_planned_any_more():
    today = D(2024, 6, 1)
    late = Row(
        key="late",
        title="late",
        kind="event",
        schedule=derive([fact(1, "event", "planned", DateSpan.month(2022, 12))], kind="event", today=today),
    )
    figure = gantt([late], today=today)
    events = next(t for t in figure["data"] if t["name"] == charts.LABELS["ko"]["planned_event"])
    assert planned_event_key(figure, [late])["color"] == charts.STATUS_COLORS["planned"]
    drawn = list(zip(events["y"], events["marker"]["color"], strict=True))
    assert drawn == [(0, charts.STATUS_COLORS["overdue"])], "only the event itself, no hidden swatch point"
