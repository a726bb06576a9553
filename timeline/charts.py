"""Pure functions: timeline rows in, Plotly figure dicts out.

Figures are plain dicts (plotly's object layer costs 10-30x for the same figure),
delivered in a <script type="application/json"> and drawn by plotly.js. Every string that came from a
person (titles, sources) is HTML-escaped here, because Plotly renders a few tags
in hover labels and tick labels.

How a row is drawn
------------------
- The plan is a light bar with a coloured outline; what happened is a narrower
  solid bar inside it. An event is a diamond: open when planned, filled when done.
- Precision is drawn honestly: a start or end known only to a half-year is a
  hatched, faint band over that half-year; only the part of the period that is
  certain is drawn solid.
- The baseline (the first plan) is drawn beside what happened when they differ: a
  thin bar under a span's bar, an outline diamond for an event with a thin line to
  where the event happened (or is now expected), so a delay is seen without hovering.
- A red cross marks a slot where sources disagree; a circled cross, where the data
  contradicts itself (an end before its start, an actual date after its report).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from .dates import DateSpan
from .schedule import Schedule, delay_in_unit

DAY_MS = 86_400_000
NARROW_TICK_SIZE = 10  # px: row labels on a phone (timeline.js)
# Every row of the Gantt is this tall, whatever the number of rows (two lines of 12 px labels fit).
ROW_PX = 32
# Row labels wrap to two lines of at most this many ems (a Hangul character is one em, Latin ~0.6).
LABEL_EMS, NARROW_LABEL_EMS = 22.0, 12.0
# From this many rows the chart is taller than a screen: the date axis is drawn at the bottom too.
BOTTOM_AXIS_ROWS = 20
FONT = "'Noto Sans KR', 'Nanum Gothic', NanumGothic, 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif"

STATUS_COLORS = {
    "done": "#2e7d4f",
    "in_progress": "#1f6fb2",
    "overdue": "#c2410c",
    "planned": "#5b6b8c",
    "cancelled": "#6b7280",
}
# Every colour drawn on the white plot meets 3:1 (WCAG 1.4.11; tests/test_contrast.py reads these).
PLOT_BACKGROUND = "#ffffff"
UNDATED_COLOR = "#6b7280"
# A hatched band's fill is its colour at this alpha, its outline the full colour (trace opacity would fade both).
HATCH_ALPHA = "8c"
# Hex with alpha (#rrggbbaa): repeated for every bar, so shorter than rgba(...).
PLAN_FILL = "#5b6b8c29"
PHASE_FILL = "#1e293b33"
CONFLICT_COLOR = "#dc2626"
PROBLEM_COLOR = "#9f1239"
BASELINE_COLOR = "#475569"
TODAY_COLOR = "#dc2626"
AS_OF_COLOR = "#7c3aed"
# Plotly draws dates from year 1 to 9999; a range past either end breaks the axis.
FIRST_MS = (dt.date(1, 1, 1).toordinal() - dt.date(1970, 1, 1).toordinal()) * DAY_MS
LAST_MS = (dt.date(9999, 12, 31).toordinal() - dt.date(1970, 1, 1).toordinal()) * DAY_MS

LABELS = {
    "ko": {
        "planned": "계획",
        "actual": "실제",
        "uncertain": "불확실 구간 (정밀도)",
        "planned_event": "계획된 일정",
        "actual_event": "실제 일정",
        "conflict": "출처 간 불일치",
        "problem": "자료 모순",
        "baseline": "첫 계획 (기준)",
        "baseline_line": "첫 계획 → 실제·전망",
        "draft": "초안",
        "undated": "날짜 미상",
        "today": "오늘",
        "as_of": "기준일",
        "status": "상태",
        "delay": "첫 계획 대비",
        "delay_text": {
            "late": {"day": "{n}일 지연", "month": "약 {n}개월 지연", "year": "약 {n}년 지연"},
            "early": {"day": "{n}일 앞당겨짐", "month": "약 {n}개월 앞당겨짐", "year": "약 {n}년 앞당겨짐"},
            "on_time": "예정대로",
            "forecast": "{text} 전망",
            "overdue": "예정일 지남, 완료 보고 없음",
        },
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
        "problem": "Data contradicts itself",
        "baseline": "First plan (baseline)",
        "baseline_line": "First plan → actual or forecast",
        "draft": "draft",
        "undated": "Undated",
        "today": "today",
        "as_of": "as of",
        "status": "Status",
        "delay": "Against the first plan",
        "delay_text": {
            "late": {"day": "{n} days late", "month": "about {n} months late", "year": "about {n} years late"},
            "early": {"day": "{n} days early", "month": "about {n} months early", "year": "about {n} years early"},
            "on_time": "on time",
            "forecast": "expected {text}",
            "overdue": "past its date, not reported done",
        },
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
    # Proposed by the importer and not accepted yet: only editors see such rows, marked.
    draft: bool = False


def to_json(figure: dict) -> str:
    """A figure as the page sends it: compact, UTF-8 (Hangul as is, not six-byte escapes)."""
    return json.dumps(figure, ensure_ascii=False, separators=(",", ":"))


def _labels(language: str) -> dict:
    return LABELS["en" if language.startswith("en") else "ko"]


def _iso(d: dt.date) -> str:
    return d.isoformat()


@lru_cache(maxsize=4096)
def _span_text(span: DateSpan, language: str) -> str:
    return f"{escape(span.label(language))} ({_labels(language)['precision'][str(span.precision)]})"


def delay_text(schedule: Schedule, language: str) -> str:
    """The delay against the first plan in words, in the unit its precision allows ("약 2개월 지연").

    When nothing has been reported done and the last forecast has passed (overdue), that
    forecast no longer measures the delay: the text says so instead of "expected on time".
    """
    in_unit = delay_in_unit(schedule)
    if in_unit is None:
        return ""
    words = _labels(language)["delay_text"]
    value, unit = in_unit
    if value == 0:
        text = words["on_time"]
    else:
        text = words["late" if value > 0 else "early"][unit].format(n=abs(value))
        if abs(value) == 1 and language.startswith("en"):
            text = text.replace(f"1 {unit}s", f"1 {unit}")
    if schedule.delay_basis == "forecast":
        return words["overdue" if schedule.status == "overdue" else "forecast"].format(text=text)
    return text


# Segment codes of a drawing: what each [code, x, length] is drawn as.
PLAN, PLAN_EDGE, ACTUAL, ACTUAL_EDGE, PLANNED_EVENT_EDGE, ACTUAL_EVENT_EDGE = range(6)
PLANNED_EVENT, ACTUAL_EVENT, PLANNED_CONFLICT, ACTUAL_CONFLICT, ACTUAL_TO_TODAY = range(6, 11)
BASELINE, BASELINE_EVENT, BASELINE_LINE, PROBLEM = range(11, 15)
PLANNED_CODES = frozenset(
    {PLAN, PLAN_EDGE, PLANNED_EVENT_EDGE, PLANNED_EVENT, PLANNED_CONFLICT, BASELINE, BASELINE_EVENT}
)
ACTUAL_CODES = frozenset({ACTUAL, ACTUAL_EDGE, ACTUAL_EVENT_EDGE, ACTUAL_EVENT, ACTUAL_CONFLICT, ACTUAL_TO_TODAY})
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
ONE_DAY = dt.timedelta(days=1)
HOVER_SLOTS = ("planned_start", "actual_start", "planned_end", "actual_end")


def _ms(d: dt.date) -> int:
    """A day as Plotly reads a number on a date axis: milliseconds since 1970-01-01 (UTC)."""
    return (d.toordinal() - EPOCH_ORDINAL) * DAY_MS


def _segment(code: int, lo: dt.date, hi: dt.date) -> list[int]:
    return [code, _ms(lo), ((hi - lo).days + 1) * DAY_MS]


def _core_and_edges(first: DateSpan, last: DateSpan) -> tuple[tuple[dt.date, dt.date] | None, list[DateSpan]]:
    """The certain middle of a period from `first` to `last`, and the uncertain bands at its ends."""
    first_band, last_band = first.hi != first.lo, last.hi != last.lo
    # A band that ends on the last day there is (9999-12-31) leaves no certain day after it.
    core_lo = (first.hi + ONE_DAY if first.hi < dt.date.max else None) if first_band else first.lo
    core_hi = (last.lo - ONE_DAY if last.lo > dt.date.min else None) if last_band else last.hi
    if core_lo is None or core_hi is None or core_lo > core_hi:
        return None, [DateSpan.range(min(first.lo, last.lo), max(first.hi, last.hi))]
    if first_band and last_band and first != last:
        return (core_lo, core_hi), sorted((first, last))
    return (core_lo, core_hi), [first] if first_band else [last] if last_band else []


def segments(schedule: Schedule) -> list[list[int]]:
    """What a schedule looks like on the Gantt, whatever the day, filter or language.

    `[code, start ms, length ms]` per mark (markers: length 0). The status, and with it
    the colour, and the day the page describes are applied by `gantt`.
    """
    s = schedule
    out: list[list[int]] = []
    if s.kind == "event":
        if s.planned_end and not s.actual_end:
            span = s.planned_end.span
            if span.days > 1:
                out.append(_segment(PLANNED_EVENT_EDGE, span.lo, span.hi))
            out.append([PLANNED_EVENT, _ms(span.mid), 0])
        if s.actual_end:
            span = s.actual_end.span
            if span.days > 1:
                out.append(_segment(ACTUAL_EVENT_EDGE, span.lo, span.hi))
            out.append([ACTUAL_EVENT, _ms(span.mid), 0])
    else:
        if s.planned_start or s.planned_end:
            first, last = s.planned_start or s.planned_end, s.planned_end or s.planned_start
            core, edges = _core_and_edges(first.span, last.span)
            if core:
                out.append(_segment(PLAN, *core))
            out.extend(_segment(PLAN_EDGE, edge.lo, edge.hi) for edge in edges)
        if s.actual_end:
            core, edges = _core_and_edges((s.actual_start or s.actual_end).span, s.actual_end.span)
            if core:
                out.append(_segment(ACTUAL, *core))
            out.extend(_segment(ACTUAL_EDGE, edge.lo, edge.hi) for edge in edges)
        elif s.actual_start:
            span = s.actual_start.span
            out.append(_segment(ACTUAL_EDGE if span.days > 1 else ACTUAL, span.lo, span.hi))
            # Under way: the bar runs on from the start to the day the page describes (see `gantt`).
            out.append([ACTUAL_TO_TODAY, _ms(span.hi) + DAY_MS, 0])
    if s.baseline_end is not None:
        out.extend(_baseline_segments(s))
    if s.conflicts:
        marked: set[str] = set()
        for conflict in s.conflicts:
            if conflict.slot not in marked:
                marked.add(conflict.slot)
                code = PLANNED_CONFLICT if conflict.slot.startswith("planned") else ACTUAL_CONFLICT
                out.append([code, _ms(max(span.hi for span in conflict.spans)), 0])
    if s.problems:
        out.extend([PROBLEM, _ms(problem.on), 0] for problem in s.problems if problem.on)
    return out


def _baseline_segments(s: Schedule) -> list[list[int]]:
    """The first plan, where it differs from what happened or is now expected."""
    if s.baseline_end is None:
        return []
    outcome = s.actual_end or s.planned_end
    if s.kind == "event":
        if outcome.span == s.baseline_end.span:
            return []
        baseline_x, outcome_x = _ms(s.baseline_end.span.mid), _ms(outcome.span.mid)
        return [[BASELINE_LINE, baseline_x, outcome_x - baseline_x], [BASELINE_EVENT, baseline_x, 0]]
    first = s.baseline_start or s.baseline_end
    now_first = s.actual_start or s.planned_start or outcome
    if outcome.span == s.baseline_end.span and now_first.span == first.span:
        return []
    lo, hi = min(first.span.lo, s.baseline_end.span.lo), max(first.span.hi, s.baseline_end.span.hi)
    return [_segment(BASELINE, lo, hi)]


@lru_cache(maxsize=8)
def _date_names(language: str) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str]:
    """Per kind of row, the slots the hover names and the words before each: "시작 · 계획: "."""
    t = _labels(language)

    def named(slots: tuple[str, ...], event: bool) -> tuple[tuple[str, str], ...]:
        out = []
        for slot in slots:
            planned_or_actual, start_or_end = slot.split("_")
            out.append((slot, f"{t['date'] if event else t[start_or_end]} · {t[planned_or_actual]}: "))
        return tuple(out)

    return named(("planned_end", "actual_end"), True), named(HOVER_SLOTS, False), f"{t['baseline']}: "


def date_lines(s: Schedule, language: str, names: tuple | None = None) -> str:
    """The hover's lines for a schedule's dates, each with its precision, and the first plan where it moved.

    `names` is `_date_names(language)`, when the caller has looked it up already.
    """
    event_slots, span_slots, baseline = names or _date_names(language)
    lines = []
    for slot, name in event_slots if s.kind == "event" else span_slots:
        pick = getattr(s, slot)
        if pick is not None:
            lines.append(name + _span_text(pick.span, language))
    if s.baseline_end and s.planned_end and s.baseline_end.span != s.planned_end.span:
        lines.append(baseline + _span_text(s.baseline_end.span, language))
    return "<br>".join(lines) if lines else _labels(language)["no_claim"]


class _Hover:
    """Writes hover labels in one language; the fixed words are looked up once, not per row."""

    def __init__(self, language: str):
        t = _labels(language)
        self.language = "en" if language.startswith("en") else "ko"
        self.status = {key: f"{t['status']}: {label}" for key, label in t["statuses"].items()}
        self.status_prefix = f"{t['status']}: "
        self.delay = f"{t['delay']}: "
        self.conflict = f"⚠ {t['conflict']}: "
        self.problem = f"⚠ {t['problem']}: "
        self.sources = f"{t['sources']}: "
        self.latest = f" · {t['latest']}: "
        self.date_names = _date_names(self.language)

    def text(self, row: Row, title_html: str) -> str:
        s = row.schedule
        status = self.status.get(s.status) or self.status_prefix + s.status
        text = f"<b>{title_html}</b><br>{date_lines(s, self.language, self.date_names)}<br>{status}"
        if s.delay_days is not None:
            # Our own words and numbers: nothing to escape.
            text += f"<br>{self.delay}{delay_text(s, self.language)}"
        if s.conflicts:
            text += f"<br>{self.conflict}{len(s.conflicts)}"
        if s.problems:
            text += f"<br>{self.problem}{len(s.problems)}"
        text += f"<br>{self.sources}{s.source_count}"
        if row.latest_source:
            text += self.latest + escape(row.latest_source)
        return text


def hover_text(row: Row, language: str) -> str:
    """The hover label of one row: dates with their precision, status, delay, conflicts, sources."""
    return _Hover(language).text(row, escape(row.title))


def _bars(name: str, width: float, *, hatched: bool = False, **style) -> dict:
    marker = {"color": [], "line": {"color": [], "width": 1.5}}
    if hatched:
        marker["pattern"] = {"shape": "/", "fgopacity": 0.55, "size": 6}
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "y": [],
        "base": [],
        "x": [],
        "width": width,
        "marker": marker,
        "hovertemplate": "%{text}<extra></extra>",
        "textposition": "none",  # `text` carries the hover label only
        **style,
    }


def _markers(name: str, symbol: str, size: int, color: str | None = None) -> dict:
    paint = color or []
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "y": [],
        "x": [],
        "marker": {"symbol": symbol, "size": size, "color": paint, "line": {"color": paint, "width": 2}},
        "hovertemplate": "%{text}<extra></extra>",
    }


class _Marks:
    """The Gantt's traces, and which of them each segment code is drawn on.

    Bars and markers are filled column by column (`y`, `base`, `x`, colours) as the rows
    are walked; a trace nothing was drawn on is left out of the figure.
    """

    def __init__(self, t: dict, show: str):
        self.plan = _bars(t["planned"], 0.72)
        self.plan_edges = _bars(t["uncertain"], 0.72, hatched=True)
        self.actual = _bars(t["actual"], 0.36)
        self.actual_edges = _bars(t["uncertain"], 0.36, hatched=True)
        self.event_edges = _bars(t["uncertain"], 0.55, hatched=True)
        # The first plan: a thin bar just under a span's bar, an outline diamond for an event,
        # and a thin line from it to where the event happened or is now expected.
        self.baseline = _bars(t["baseline"], 0.12, offset=0.38)
        self.baseline_events = _markers(t["baseline"], "diamond-open", 10, BASELINE_COLOR)
        self.baseline_lines = {
            "type": "scatter",
            "mode": "lines",
            "name": t["baseline_line"],
            "x": [],
            "y": [],
            "line": {"color": BASELINE_COLOR, "width": 1},
            "hoverinfo": "skip",
        }
        self.planned_events = _markers(t["planned_event"], "diamond-open", 12)
        self.actual_events = _markers(t["actual_event"], "diamond", 12)
        self.conflicts = _markers(t["conflict"], "x-thin-open", 14, CONFLICT_COLOR)
        self.problems = _markers(t["problem"], "circle-x-open", 13, PROBLEM_COLOR)
        self.undated = _markers(t["undated"], "line-ew-open", 14, UNDATED_COLOR)
        # Per segment code: the trace's column appenders and, for bars, which fill it takes
        # (True: the row's plan fill, False: the status colour, None: the baseline's grey).
        self.targets: list[tuple | None] = [
            self._bar_columns(self.plan, True),
            self._bar_columns(self.plan_edges, True),
            self._bar_columns(self.actual, False),
            self._bar_columns(self.actual_edges, False),
            self._bar_columns(self.event_edges, True),
            self._bar_columns(self.event_edges, False),
            self._marker_columns(self.planned_events),
            self._marker_columns(self.actual_events),
            self._marker_columns(self.conflicts),
            self._marker_columns(self.conflicts),
            self._bar_columns(self.actual, False),
            self._bar_columns(self.baseline, None),
            self._marker_columns(self.baseline_events),
            None,  # BASELINE_LINE: drawn from its two ends
            self._marker_columns(self.problems),
        ]
        if show != "both":
            hidden = PLANNED_CODES if show == "actual" else ACTUAL_CODES
            for code in hidden:
                self.targets[code] = None
        self.draw_lines = show == "both"

    @staticmethod
    def _bar_columns(trace: dict, plan_fill: bool | None) -> tuple:
        m = trace["marker"]
        fills = m["color"]
        add_fill = fills.append
        if "pattern" in m and plan_fill is False:

            def add_fill(color: str) -> None:
                fills.append(color + HATCH_ALPHA)

        return (
            trace["y"].append,
            trace["base"].append,
            trace["x"].append,
            add_fill,
            m["line"]["color"].append,
            plan_fill,
        )

    @staticmethod
    def _marker_columns(trace: dict) -> tuple:
        color = trace["marker"]["color"]
        return (trace["y"].append, trace["x"].append, color.append if isinstance(color, list) else None)

    def draw(self, rows: list[Row], *, day: dt.date, as_of: bool) -> tuple[int, int]:
        """Every row's marks, coloured by its status, as on `day`; the first and last ms drawn.

        Work under way runs to `day`; with `as_of`, nothing that happened is drawn after it.
        """
        day_ms = _ms(day)
        first_ms = last_ms = day_ms
        targets, draw_lines = self.targets, self.draw_lines
        line_x, line_y = self.baseline_lines["x"], self.baseline_lines["y"]
        undated_y, undated_x = self.undated["y"].append, self.undated["x"].append
        colors, default_color = STATUS_COLORS, STATUS_COLORS["planned"]
        baseline_fill = BASELINE_COLOR + "33"
        for i, row in enumerate(rows):
            s = row.schedule
            marks = segments(s)
            if not marks:
                undated_y(i)
                undated_x(day_ms)
                continue
            color = colors.get(s.status, default_color)
            fill = PHASE_FILL if row.is_phase else PLAN_FILL
            for code, x, length in marks:
                if code == BASELINE_LINE:
                    if draw_lines:
                        line_x += [x, x + length, None]
                        line_y += [i, i, None]
                    continue
                target = targets[code]
                if target is None:
                    continue
                if code == ACTUAL_TO_TODAY:
                    if s.status != "in_progress" or x > day_ms:
                        continue
                    length = day_ms - x + DAY_MS
                elif as_of and code in ACTUAL_CODES:
                    if x > day_ms:
                        continue
                    length = min(length, day_ms - x + DAY_MS)
                if x < first_ms:
                    first_ms = x
                if x + length > last_ms:
                    last_ms = x + length
                if len(target) == 6:
                    add_y, add_base, add_x, add_fill, add_line, plan_fill = target
                    add_y(i)
                    add_base(x)
                    add_x(length)
                    if plan_fill is None:
                        add_fill(baseline_fill)
                        add_line(BASELINE_COLOR)
                    else:
                        add_fill(fill if plan_fill else color)
                        add_line(color)
                else:
                    add_y, add_x, add_color = target
                    add_y(i)
                    add_x(x)
                    if add_color is not None:
                        add_color(color)
        return first_ms, last_ms

    def traces(self) -> list[dict]:
        """The traces something was drawn on, bars under markers."""
        in_order = (
            self.plan,
            self.plan_edges,
            self.actual,
            self.actual_edges,
            self.event_edges,
            self.baseline,
            self.baseline_lines,
            self.baseline_events,
            self.planned_events,
            self.actual_events,
            self.conflicts,
            self.problems,
            self.undated,
        )
        return [trace for trace in in_order if trace["y"]]


def row_titles(rows: list[Row], language: str) -> list[str]:
    """Each row's title as the chart shows it: a draft is marked as one."""
    draft_mark = f"({_labels(language)['draft']}) "
    return [draft_mark + row.title if row.draft else row.title for row in rows]


def row_labels(rows: list[Row], titles: list[str]) -> tuple[list[str], int, list[str], int]:
    """The row labels and the left margin they need, for a wide screen and then for a phone."""
    ticks, margin = _row_ticks(rows, titles, LABEL_EMS, 12)
    short_ticks, short_margin = _row_ticks(rows, titles, NARROW_LABEL_EMS, NARROW_TICK_SIZE)
    return ticks, margin, short_ticks, short_margin


def hover_labels(rows: list[Row], titles: list[str], language: str) -> list[str]:
    """Every row's hover label (sent once per row; timeline.js copies it onto the row's points)."""
    hover = _Hover(language)
    return [hover.text(row, escape(title)) for row, title in zip(rows, titles, strict=True)]


def _row_ticks(rows: list[Row], titles: list[str], max_ems: float, size: int) -> tuple[list[str], int]:
    """The rows' labels wrapped to `max_ems` (phases bold, members indented), and the left margin they need."""
    ticks, widest = [], 0
    for row, title in zip(rows, titles, strict=True):
        indent = "\u2003" * row.depth if row.depth and not row.is_phase else ""
        lines, width = _wrap(title, max_ems, indent)
        ticks.append(_label_html(lines, indent, row.is_phase))
        widest = max(widest, width)
    return ticks, _margin_px(widest, max_ems, size)


def gantt(
    rows: list[Row],
    *,
    today: dt.date,
    language: str = "ko",
    show: str = "both",
    as_of: dt.date | None = None,
) -> dict:
    """The program's Gantt chart as a Plotly figure dict.

    Row i sits at y = i (a category, labelled by `ticktext`), dates are
    milliseconds since 1970. What every point of a row shares (hover label, panel URL,
    key) is sent once per row in `layout.meta`; `timeline.js` copies the hover label
    onto the points. With `as_of`, the chart describes that day: work under way ends
    there, nothing that happened is drawn after it, and its line replaces today's.

    In steps: the marks of every row (`_Marks`), the row labels for a wide and a narrow
    screen (`row_labels`), the hover labels (`hover_labels`), then the frame around them.
    """
    t = _labels(language)
    # The day the chart describes: as-of (never after today) or today.
    day = min(as_of, today) if as_of else today
    marks = _Marks(t, show)
    first_ms, last_ms = marks.draw(rows, day=day, as_of=as_of is not None)
    titles = row_titles(rows, language)
    ticks, margin, short_ticks, short_margin = row_labels(rows, titles)
    hovers = hover_labels(rows, titles, language)
    n = len(rows)
    shapes, annotations = _phase_bands(rows), []
    if as_of:
        shapes.append(_vline(day, AS_OF_COLOR, "dash"))
        annotations.append(_vlabel(day, f"{t['as_of']} {as_of.isoformat()}", AS_OF_COLOR))
    else:
        shapes.append(_vline(today, TODAY_COLOR, "dot"))
        annotations.append(_vlabel(today, t["today"], TODAY_COLOR))
    margin_ms = 90 * DAY_MS
    x_range = [_day_iso(max(FIRST_MS, first_ms - margin_ms)), _day_iso(min(LAST_MS, last_ms + margin_ms))]
    frame, frame_traces = _gantt_frame(n, language, x_range)
    if "xaxis2" in frame:
        annotations[-1]["yshift"] = -22  # under the bottom axis's dates
    # A fixed margin for the row labels: automargin measures every label (seconds at 1,000 rows).
    frame["margin"]["l"] = margin
    rows_index = list(range(n))
    return {
        "data": marks.traces() + frame_traces,
        "layout": {
            "barmode": "overlay",
            **frame,
            "font": {"family": FONT, "size": 12, "color": "#1f2937"},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": PLOT_BACKGROUND,
            "hovermode": "closest",
            "hoverlabel": {"align": "left", "font": {"family": FONT}},
            "yaxis": {
                # Categories, not a linear axis: plotly.js lays out 1,000 array ticks on a
                # linear axis in ~30 s, on a category axis in under one.
                "type": "category",
                "categoryorder": "array",
                "categoryarray": rows_index,
                "tickmode": "array",
                "tickvals": rows_index,
                "ticktext": ticks,
                "showgrid": False,
                "zeroline": False,
                # Row 0 at the top; the half-row padding keeps the first and last bars whole.
                "range": [n - 0.5, -0.5],
                "fixedrange": True,
            },
            "shapes": shapes,
            "annotations": annotations,
            "meta": {
                "keys": [row.key for row in rows],
                "urls": [row.panel_url for row in rows],
                "hover": hovers,
                "short_ticktext": short_ticks,
                "short_margin": short_margin,
            },
        },
    }


# The chart's key, drawn in HTML beside the chart (Plotly's legend is off: it covered the plot
# or floated far from it). Per trace label: how the key draws it ("bar" swatches or a glyph) and its colour.
KEY_MARKS = (
    ("planned", "bar plan", STATUS_COLORS["planned"]),
    ("actual", "bar actual", STATUS_COLORS["planned"]),
    ("uncertain", "bar uncertain", STATUS_COLORS["planned"]),
    ("baseline", "bar baseline", BASELINE_COLOR),
    ("planned_event", "glyph ◇", STATUS_COLORS["planned"]),
    ("actual_event", "glyph ◆", STATUS_COLORS["planned"]),
    ("conflict", "glyph ✕", CONFLICT_COLOR),
    ("problem", "glyph ⊗", PROBLEM_COLOR),
    ("undated", "glyph —", UNDATED_COLOR),
)


def chart_key(figure: dict, rows: list[Row], language: str, *, as_of: dt.date | None = None) -> dict:
    """What the Gantt `figure` of `rows` shows, for its HTML key: the status colours of its rows
    (each with its name) and the marks it draws, in the order of KEY_MARKS, then the day line."""
    t = _labels(language)
    present = {row.schedule.status for row in rows}
    statuses = [
        {"status": status, "label": t["statuses"][status], "color": color}
        for status, color in STATUS_COLORS.items()
        if status in present
    ]
    names = {trace.get("name") for trace in figure["data"]}
    marks = []
    for label, how, color in KEY_MARKS:
        if t[label] in names:
            kind, _, style = how.partition(" ")
            marks.append({"label": t[label], "kind": kind, "style": style, "color": color})
    day = {"label": t["today"], "kind": "line", "style": "dot", "color": TODAY_COLOR}
    if as_of:
        day.update(label=f"{t['as_of']} {as_of.isoformat()}", style="dash", color=AS_OF_COLOR)
    marks.append(day)
    return {"statuses": statuses, "marks": marks}


def _day_iso(ms: int) -> str:
    return dt.date.fromordinal(ms // DAY_MS + EPOCH_ORDINAL).isoformat()


def _ems(ch: str) -> float:
    """The width of a character in ems: a Hangul or CJK character (or an em space) one, a Latin one about 0.6."""
    return 1.0 if ord(ch) > 0x2E7F or ch == "\u2003" else 0.6


# Widths in fifths of an em, so that sums are exact: a wide character 5, any other 3 (see `_ems`).
_WIDE = re.compile("[\u2003\u2e80-\U0010ffff]")


def _fifths(text: str) -> int:
    return 3 * len(text) + 2 * len(_WIDE.findall(text))


def _fit(text: str, budget: int) -> int:
    """How many leading characters of `text` fit in `budget` fifths of an em."""
    width = 0
    for i, ch in enumerate(text):
        width += 5 if ch == "\u2003" or ch > "\u2e7f" else 3
        if width > budget:
            return i
    return len(text)


def _wrap(title: str, max_ems: float, indent: str = "") -> tuple[list[str], int]:
    """`title` in at most two lines of `max_ems` (each after `indent`), and the widest line's
    width in fifths of an em, indent included (see `row_label`)."""
    room = round(max_ems * 5)
    budget = room - _fifths(indent)
    rest = " ".join(title.split())
    width = _fifths(rest)
    if width <= budget:
        return ([rest] if rest else []), (room - budget + width if rest else 0)
    else:
        lines = []
        while rest and len(lines) < 2:
            cut = _fit(rest, budget)
            if cut == len(rest):
                lines.append(rest)
                break
            if lines:
                lines.append(rest[: _fit(rest, budget - 5)].rstrip() + "…")
                break
            # At the last space or after the last hyphen that fits; inside a word only when none does.
            cut = max(rest.rfind(" ", 0, cut + 1), rest.rfind("-", 0, cut) + 1) or cut
            lines.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
    widest = max((_fifths(indent + line) for line in lines), default=0)
    return lines, min(widest, room)


def _label_html(lines: list[str], indent: str, bold: bool) -> str:
    parts = [indent + escape(line) for line in lines]
    return "<br>".join(f"<b>{part}</b>" for part in parts) if bold else "<br>".join(parts)


def row_label(title: str, max_ems: float, *, bold: bool = False, indent: str = "") -> str:
    """A row's label on the chart, HTML-escaped: at most two lines of `max_ems`, broken at a
    space where one is near, cut with … past the second line (the hover label and the table
    carry the whole title). A phase's label is bold; `indent` (em spaces) starts each line."""
    lines, _ = _wrap(title, max_ems, indent)
    return _label_html(lines, indent, bold)


def _margin_px(widest_fifths: int, max_ems: float, size: int) -> int:
    """Pixels for the row labels in a `size` px font: their longest line (in fifths of an em), at most `max_ems`."""
    if not widest_fifths:
        return 10
    return round(min(widest_fifths / 5, max_ems) * size) + 12


# Dates on the axis in the page's language: Korean numerals and units for every zoom level
# (plotly.js names months in English unless a locale file is loaded).
KO_DATE_TICKS = [
    {"dtickrange": [None, "M1"], "value": "%-m월 %-d일"},
    {"dtickrange": ["M1", "M6"], "value": "%Y년 %-m월"},
    {"dtickrange": ["M12", None], "value": "%Y년"},
]


def date_axis(language: str) -> dict:
    """What every date axis of the site shares, in `language`."""
    axis = {"type": "date", "gridcolor": "#e5e7eb"}
    if not language.startswith("en"):
        axis["tickformatstops"] = KO_DATE_TICKS
    return axis


def _gantt_frame(n: int, language: str, x_range: list[str]) -> tuple[dict, list[dict]]:
    """The Gantt's height, margins and date axes for `n` rows, and the traces they need.

    Every row is ROW_PX tall (one row is never stretched over the plot); the date axis is
    on top, and from BOTTOM_AXIS_ROWS rows also at the bottom: a second axis laid over the
    first, matching its range, which plotly.js draws only for a trace on it (an empty one).
    """
    bottom_axis = n >= BOTTOM_AXIS_ROWS
    margin = {"r": 20, "t": 36, "b": 64 if bottom_axis else 40}
    axis = {**date_axis(language), "showline": True, "linecolor": "#cbd5e1", "automargin": False}
    layout = {
        "height": n * ROW_PX + margin["t"] + margin["b"],
        "margin": margin,
        "showlegend": False,
        "xaxis": {**axis, "range": x_range, "side": "top"},
    }
    traces = []
    if bottom_axis:
        # tickmode "auto": an overlaying axis otherwise syncs its ticks to the other one, slightly off the year.
        layout["xaxis2"] = {
            **axis,
            "overlaying": "x",
            "matches": "x",
            "side": "bottom",
            "showgrid": False,
            "tickmode": "auto",
        }
        traces.append({"type": "scatter", "x": [], "y": [], "xaxis": "x2", "hoverinfo": "skip", "showlegend": False})
    return layout, traces


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


DEPENDENCY_COLOR = "#475569"


def _dependency_ends(schedule: Schedule, show: str) -> tuple:
    """The (end, start) picks an arrow joins, as the chart shows them: what happened, else the plan."""
    if show == "planned":
        return schedule.planned_end, schedule.planned_start
    if show == "actual":
        return schedule.actual_end, schedule.actual_start
    return schedule.end, schedule.start


def dependency_arrows(rows: list[Row], links: list[tuple[str, str]], *, show: str = "both") -> list[dict]:
    """Thin arrows from the end of each predecessor's bar to the start of its successor's.

    `links` are (predecessor key, successor key); a link whose end is not among `rows`
    (filtered out) or not dated is not drawn. Row i sits at y = i as in `gantt`; a bar's
    end is the day after its last day. An arrow is red when the successor was reported
    started before its predecessor was reported done (`schedule.dependency_problem`).
    Arrows take no pointer events (no hover text): the bars under them stay clickable; the
    panel names the milestones and the problem.
    """
    from .schedule import dependency_problem

    index = {row.key: i for i, row in enumerate(rows)}
    arrows = []
    for before, after in links:
        if before not in index or after not in index:
            continue
        a, b = rows[index[before]], rows[index[after]]
        end, _ = _dependency_ends(a.schedule, show)
        _, start = _dependency_ends(b.schedule, show)
        if end is None or start is None:
            continue
        problem = dependency_problem(b.schedule, a.schedule) is not None
        color = PROBLEM_COLOR if problem else DEPENDENCY_COLOR
        arrows.append(
            {
                "x": _iso(start.span.lo),
                "y": index[after],
                "ax": _iso(end.span.hi + dt.timedelta(days=1)),
                "ay": index[before],
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "text": "",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1.3,
                "arrowwidth": 1.5 if problem else 1,
                "arrowcolor": color,
                "opacity": 0.9 if problem else 0.75,
                "standoff": 2,
                "captureevents": False,
                "name": f"dependency:{before}:{after}",
            }
        )
    return arrows


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
            **_trend_frame(language, t),
            "font": {"family": FONT, "size": 11, "color": "#1f2937"},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": PLOT_BACKGROUND,
            "shapes": shapes,
        },
    }


def _trend_frame(language: str, t: dict) -> dict:
    """The trend chart's size, legend and axes: the legend on top and the axis titles set off
    from their dates, the margins grown to fit them (automargin), so nothing collides at 390 px."""
    axis = {**date_axis(language), "automargin": True}
    return {
        "height": 360,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "font": {"size": 10}},
        "xaxis": {**axis, "title": {"text": t["report_date"], "standoff": 10}},
        "yaxis": {**axis, "title": {"text": t["forecast"], "standoff": 12}},
    }
