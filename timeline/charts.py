"""Pure functions: timeline rows in, Plotly figure dicts out.

Figures are plain dicts (plotly's object layer costs 10-30x for the same figure),
delivered with json_script and drawn by plotly.js. Every string that came from a
person (titles, sources) is HTML-escaped here, because Plotly renders a few tags
in hover labels and tick labels.

How a row is drawn
------------------
- The plan is a light bar with a coloured outline; what happened is a narrower
  solid bar inside it. An event is a diamond: open when planned, filled when done.
- Precision is drawn honestly: a start or end known only to a half-year is a
  hatched, faint band over that half-year; only the part of the period that is
  certain is drawn solid.
- A red cross marks a slot where sources disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from .dates import DateSpan
from .schedule import Pick, Schedule

DAY_MS = 86_400_000
FONT = "'Noto Sans KR', 'Nanum Gothic', NanumGothic, 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif"

STATUS_COLORS = {
    "done": "#2e7d4f",
    "in_progress": "#1f6fb2",
    "overdue": "#c2410c",
    "planned": "#5b6b8c",
    "cancelled": "#9ca3af",
}
PLAN_FILL = "rgba(91, 107, 140, 0.16)"
PHASE_FILL = "rgba(30, 41, 59, 0.20)"
CONFLICT_COLOR = "#dc2626"

LABELS = {
    "ko": {
        "planned": "계획",
        "actual": "실제",
        "uncertain": "불확실 구간 (정밀도)",
        "planned_event": "계획된 일정",
        "actual_event": "실제 일정",
        "conflict": "출처 간 불일치",
        "undated": "날짜 미상",
        "today": "오늘",
        "as_of": "기준일",
        "status": "상태",
        "slip": "지연",
        "days": "일",
        "sources": "출처",
        "latest": "최근 출처",
        "start": "시작",
        "end": "종료",
        "date": "일자",
        "no_claim": "날짜가 있는 주장이 아직 없습니다",
        "report_date": "보도일",
        "forecast": "예상 완료 시점",
        "diagonal": "보도일 = 예상일",
        "forecast_trace": "완료 예상 (보도별)",
        "actual_line": "실제 완료",
        "precision": {
            "day": "일 단위",
            "month": "월 단위",
            "quarter": "분기 단위",
            "half": "반기 단위",
            "year": "연 단위",
            "range": "기간",
        },
        "statuses": {
            "done": "완료",
            "in_progress": "진행 중",
            "overdue": "지연",
            "planned": "계획",
            "cancelled": "취소",
        },
    },
    "en": {
        "planned": "Planned",
        "actual": "Actual",
        "uncertain": "Uncertain (precision)",
        "planned_event": "Planned date",
        "actual_event": "Actual date",
        "conflict": "Sources disagree",
        "undated": "Undated",
        "today": "today",
        "as_of": "as of",
        "status": "Status",
        "slip": "Slip",
        "days": "days",
        "sources": "Sources",
        "latest": "Latest source",
        "start": "Start",
        "end": "End",
        "date": "Date",
        "no_claim": "No dated claim yet",
        "report_date": "Report date",
        "forecast": "Forecast completion",
        "diagonal": "report date = forecast",
        "forecast_trace": "Forecast (per report)",
        "actual_line": "Actual completion",
        "precision": {
            "day": "to the day",
            "month": "to the month",
            "quarter": "to the quarter",
            "half": "to the half-year",
            "year": "to the year",
            "range": "a period",
        },
        "statuses": {
            "done": "done",
            "in_progress": "in progress",
            "overdue": "overdue",
            "planned": "planned",
            "cancelled": "cancelled",
        },
    },
}


@dataclass(frozen=True, slots=True)
class Row:
    """One milestone as the chart needs it: no ORM, no request."""

    key: str
    title: str
    kind: str
    schedule: Schedule
    panel_url: str = ""
    is_phase: bool = False
    depth: int = 0
    group: str = ""
    latest_source: str = ""
    extra: dict = field(default_factory=dict)


def _labels(language: str) -> dict:
    return LABELS["en" if language.startswith("en") else "ko"]


def _iso(d: dt.date) -> str:
    return d.isoformat()


@lru_cache(maxsize=4096)
def _span_text(span: DateSpan, language: str) -> str:
    return f"{escape(span.label(language))} ({_labels(language)['precision'][str(span.precision)]})"


def _short(title: str, limit: int) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def hover_text(row: Row, language: str) -> str:
    t = _labels(language)
    s = row.schedule
    lines = [f"<b>{escape(row.title)}</b>"]
    if not s.is_dated:
        lines.append(t["no_claim"])
    for label, plan, actual in ((t["start"], s.planned_start, s.actual_start), (t["end"], s.planned_end, s.actual_end)):
        if row.kind == "event" and label == t["start"]:
            continue
        name = t["date"] if row.kind == "event" else label
        if plan:
            lines.append(f"{name} · {t['planned']}: {_span_text(plan.span, language)}")
        if actual:
            lines.append(f"{name} · {t['actual']}: {_span_text(actual.span, language)}")
    lines.append(f"{t['status']}: {t['statuses'].get(s.status, s.status)}")
    if s.slip_days:
        lines.append(f"{t['slip']}: {s.slip_days:+d} {t['days']}")
    if s.conflicts:
        lines.append(f"⚠ {t['conflict']}: {len(s.conflicts)}")
    source_line = f"{t['sources']}: {s.source_count}"
    if row.latest_source:
        source_line += f" · {t['latest']}: {escape(row.latest_source)}"
    lines.append(source_line)
    return "<br>".join(lines)


class _Bars:
    """Accumulates one horizontal bar trace, point by point."""

    def __init__(self, name: str, **style):
        self.name, self.style = name, style
        self.y, self.base, self.x, self.color, self.line, self.width, self.custom = [], [], [], [], [], [], []

    def add(self, key: str, lo: dt.date, hi: dt.date, *, color: str, line: str, width: float, custom: list):
        self.y.append(key)
        self.base.append(_iso(lo))
        self.x.append(((hi - lo).days + 1) * DAY_MS)
        self.color.append(color)
        self.line.append(line)
        self.width.append(width)
        self.custom.append(custom)

    def trace(self) -> dict | None:
        if not self.y:
            return None
        marker = {"color": self.color, "line": {"color": self.line, "width": 1.5}, **self.style.pop("marker", {})}
        return {
            "type": "bar",
            "orientation": "h",
            "name": self.name,
            "y": self.y,
            "base": self.base,
            "x": self.x,
            "width": self.width,
            "marker": marker,
            "customdata": self.custom,
            "hovertemplate": "%{customdata[1]}<extra></extra>",
            **self.style,
        }


class _Markers:
    def __init__(self, name: str, symbol: str, size: int = 11, **style):
        self.name, self.symbol, self.size, self.style = name, symbol, size, style
        self.y, self.x, self.color, self.custom = [], [], [], []

    def add(self, key: str, when: dt.date, *, color: str, custom: list):
        self.y.append(key)
        self.x.append(_iso(when))
        self.color.append(color)
        self.custom.append(custom)

    def trace(self) -> dict | None:
        if not self.y:
            return None
        return {
            "type": "scatter",
            "mode": "markers",
            "name": self.name,
            "y": self.y,
            "x": self.x,
            "marker": {
                "symbol": self.symbol,
                "size": self.size,
                "color": self.color,
                "line": {"color": self.color, "width": 2},
            },
            "customdata": self.custom,
            "hovertemplate": "%{customdata[1]}<extra></extra>",
            **self.style,
        }


def _core_and_edges(start: Pick | None, end: Pick | None) -> tuple[tuple[dt.date, dt.date] | None, list[DateSpan]]:
    """The certain middle of a period, and the uncertain bands at its ends."""
    if start is None and end is None:
        return None, []
    first = (start or end).span
    last = (end or start).span
    one_day = dt.timedelta(days=1)
    core_lo = first.hi + one_day if first.days > 1 else first.lo
    core_hi = last.lo - one_day if last.days > 1 else last.hi
    if core_lo > core_hi:
        return None, [DateSpan.range(min(first.lo, last.lo), max(first.hi, last.hi))]
    return (core_lo, core_hi), sorted({s for s in (first, last) if s.days > 1})


def gantt(
    rows: list[Row],
    *,
    today: dt.date,
    language: str = "ko",
    show: str = "both",
    as_of: dt.date | None = None,
    narrow: bool = False,
) -> dict:
    """The program's Gantt chart as a Plotly figure dict."""
    t = _labels(language)
    plan = _Bars(t["planned"], marker={"pattern": {"shape": ""}})
    actual = _Bars(t["actual"])
    uncertain = _Bars(t["uncertain"], marker={"pattern": {"shape": "/", "fgopacity": 0.55, "size": 6}}, opacity=0.55)
    planned_events = _Markers(t["planned_event"], "diamond-open", 12)
    actual_events = _Markers(t["actual_event"], "diamond", 12)
    conflicts = _Markers(t["conflict"], "x-thin-open", 14)
    undated = _Markers(t["undated"], "line-ew-open", 14)

    span_lo: list[dt.date] = []
    span_hi: list[dt.date] = []
    for row in rows:
        s = row.schedule
        custom = [row.panel_url, hover_text(row, language), row.key]
        color = STATUS_COLORS.get(s.status, STATUS_COLORS["planned"])
        for pick in (s.planned_start, s.planned_end, s.actual_start, s.actual_end):
            if pick:
                span_lo.append(pick.span.lo)
                span_hi.append(pick.span.hi)
        if not s.is_dated:
            undated.add(row.key, today, color="#9ca3af", custom=custom)
            continue
        fill = PHASE_FILL if row.is_phase else PLAN_FILL
        if row.kind == "event":
            if show in ("both", "planned") and s.planned_end and not s.actual_end:
                span = s.planned_end.span
                if span.days > 1:
                    uncertain.add(row.key, span.lo, span.hi, color=fill, line=color, width=0.55, custom=custom)
                planned_events.add(row.key, span.mid, color=color, custom=custom)
            if show in ("both", "actual") and s.actual_end:
                span = s.actual_end.span
                if span.days > 1:
                    uncertain.add(row.key, span.lo, span.hi, color=color, line=color, width=0.55, custom=custom)
                actual_events.add(row.key, span.mid, color=color, custom=custom)
        else:
            if show in ("both", "planned"):
                core, edges = _core_and_edges(s.planned_start, s.planned_end)
                if core:
                    plan.add(row.key, *core, color=fill, line=color, width=0.72, custom=custom)
                for edge in edges:
                    uncertain.add(row.key, edge.lo, edge.hi, color=fill, line=color, width=0.72, custom=custom)
            if show in ("both", "actual") and (s.actual_start or s.actual_end):
                end = s.actual_end
                if end is None and s.status == "in_progress" and s.actual_start.span.hi <= today:
                    end = Pick(DateSpan.day(today), None, None, None)
                core, edges = _core_and_edges(s.actual_start, end)
                if core:
                    actual.add(row.key, *core, color=color, line=color, width=0.36, custom=custom)
                for edge in edges:
                    uncertain.add(row.key, edge.lo, edge.hi, color=color, line=color, width=0.36, custom=custom)
        marked: set[str] = set()
        for conflict in s.conflicts:
            if conflict.slot in marked or (show != "both" and not conflict.slot.startswith(show)):
                continue
            marked.add(conflict.slot)
            when = max(conflict.spans, key=lambda sp: sp.hi).hi
            conflicts.add(row.key, when, color=CONFLICT_COLOR, custom=custom)

    traces = [
        tr
        for tr in (
            plan.trace(),
            uncertain.trace(),
            actual.trace(),
            planned_events.trace(),
            actual_events.trace(),
            conflicts.trace(),
            undated.trace(),
        )
        if tr
    ]
    keys = [row.key for row in rows]
    limit = 14 if narrow else 30
    ticktext = [_tick(row, limit) for row in rows]
    short_ticktext = [_tick(row, 12) for row in rows]
    reference = as_of or today
    x_lo = min([*span_lo, reference]) - dt.timedelta(days=90)
    x_hi = max([*span_hi, reference]) + dt.timedelta(days=90)
    shapes, annotations = _phase_bands(rows), []
    shapes.append(_vline(today, "#dc2626", "dot"))
    annotations.append(_vlabel(today, t["today"], "#dc2626"))
    if as_of and as_of != today:
        shapes.append(_vline(as_of, "#7c3aed", "dash"))
        annotations.append(_vlabel(as_of, f"{t['as_of']} {as_of.isoformat()}", "#7c3aed"))
    return {
        "data": traces,
        "layout": {
            "barmode": "overlay",
            "height": max(320, 24 * len(rows) + 140),
            "margin": {"l": 10, "r": 20, "t": 60, "b": 40},
            "font": {"family": FONT, "size": 12, "color": "#1f2937"},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "#ffffff",
            "hovermode": "closest",
            "hoverlabel": {"align": "left", "font": {"family": FONT}},
            "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
            "xaxis": {
                "type": "date",
                "range": [_iso(x_lo), _iso(x_hi)],
                "gridcolor": "#e5e7eb",
                "showline": True,
                "linecolor": "#cbd5e1",
                "side": "top",
            },
            "yaxis": {
                "type": "category",
                "categoryorder": "array",
                "categoryarray": keys,
                "tickmode": "array",
                "tickvals": keys,
                "ticktext": ticktext,
                # An explicit range: autorange would pad the rows for the markers' size.
                "range": [len(rows) - 0.5, -0.5],
                "automargin": True,
                "fixedrange": True,
            },
            "shapes": shapes,
            "annotations": annotations,
            "meta": {"short_ticktext": short_ticktext, "ticktext": ticktext},
        },
    }


def _tick(row: Row, limit: int) -> str:
    label = escape(_short(row.title, limit))
    indent = "\u2003" * row.depth
    return f"<b>{label}</b>" if row.is_phase else f"{indent}{label}"


def _vline(when: dt.date, color: str, dash: str) -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": _iso(when),
        "x1": _iso(when),
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "width": 1.5, "dash": dash},
    }


def _vlabel(when: dt.date, text: str, color: str) -> dict:
    return {
        "x": _iso(when),
        "y": 0,
        "xref": "x",
        "yref": "paper",
        "yanchor": "top",
        "text": escape(text),
        "showarrow": False,
        "font": {"color": color, "size": 11},
    }


def _phase_bands(rows: list[Row]) -> list[dict]:
    """Alternating background bands, one per run of rows that share a phase group."""
    shapes, start, shade = [], 0, True
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i].group != rows[start].group:
            if shade:
                shapes.append(
                    {
                        "type": "rect",
                        "xref": "paper",
                        "yref": "y",
                        "x0": 0,
                        "x1": 1,
                        "y0": start - 0.5,
                        "y1": i - 0.5,
                        "fillcolor": "rgba(148, 163, 184, 0.10)",
                        "line": {"width": 0},
                        "layer": "below",
                    }
                )
            shade, start = not shade, i
    return shapes


def trend(
    schedule: Schedule,
    *,
    language: str = "ko",
    today: dt.date,
    sources: dict[int, str] | None = None,
) -> dict:
    """Milestone trend analysis: report date on x, forecast end on y, the diagonal, precision as bars."""
    t = _labels(language)
    sources = sources or {}
    dated = [f for f in schedule.forecasts if f.stated_on]
    xs, ys, lows, highs, texts = [], [], [], [], []
    for f in dated:
        xs.append(_iso(f.stated_on))
        ys.append(_iso(f.span.mid))
        lows.append(_iso(f.span.lo))
        highs.append(_iso(f.span.hi))
        texts.append(f"{_span_text(f.span, language)}<br>{t['report_date']}: {f.stated_on.isoformat()}")
    whisker_x, whisker_y = [], []
    for x, lo, hi in zip(xs, lows, highs, strict=True):
        whisker_x += [x, x, None]
        whisker_y += [lo, hi, None]
    all_dates = [d for d in (*xs, *lows, *highs) if d] or [_iso(today)]
    lo, hi = min(all_dates), max(all_dates)
    if schedule.actual_end:
        hi = max(hi, _iso(schedule.actual_end.span.hi))
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": t["diagonal"],
            "x": [lo, hi],
            "y": [lo, hi],
            "line": {"color": "#94a3b8", "dash": "dot", "width": 1},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": t["uncertain"],
            "x": whisker_x,
            "y": whisker_y,
            "line": {"color": "rgba(91,107,140,0.45)", "width": 6},
            "hoverinfo": "skip",
            "showlegend": bool(whisker_x),
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": t["forecast_trace"],
            "x": xs,
            "y": ys,
            "text": texts,
            "line": {"color": STATUS_COLORS["planned"], "shape": "hv", "width": 1.5},
            "marker": {"size": 8, "color": STATUS_COLORS["planned"]},
            "hovertemplate": "%{text}<extra></extra>",
        },
    ]
    shapes = []
    if schedule.actual_end:
        span = schedule.actual_end.span
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{t['actual_line']}: {escape(span.label(language))}",
                "x": [lo, hi],
                "y": [_iso(span.mid), _iso(span.mid)],
                "line": {"color": STATUS_COLORS["done"], "width": 2},
                "hoverinfo": "skip",
            }
        )
    return {
        "data": data,
        "layout": {
            "height": 320,
            "margin": {"l": 60, "r": 10, "t": 30, "b": 50},
            "font": {"family": FONT, "size": 11, "color": "#1f2937"},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "#ffffff",
            "showlegend": True,
            "legend": {"orientation": "h", "y": -0.2},
            "xaxis": {"type": "date", "title": {"text": t["report_date"]}, "gridcolor": "#e5e7eb"},
            "yaxis": {"type": "date", "title": {"text": t["forecast"]}, "gridcolor": "#e5e7eb"},
            "shapes": shapes,
        },
    }
