"""DateSpan: a date known to some precision, as a closed interval of whole days.

"2023년 상반기" is not 2023-01-01; it is any day from 2023-01-01 to 2023-06-30.
A DateSpan keeps both bounds and the precision, so the database can sort and
filter on `lo`/`hi` while labels and EDTF exports keep the honest reading.

Plain Python: no Django imports, so the article resolver can use it too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    RANGE = "range"


_PRECISIONS = {p.value: p for p in Precision}
_fromisoformat = dt.date.fromisoformat


ACCEPTED_FORMS = (
    "2023, 2023-06, 2023-06-15, 2023-H1, 2023-Q3, 2023-40 (EDTF half), "
    "2021-08/2021-09 (a range), 2023년, 2023년 상반기, 2023년 3분기, 2022년 12월, "
    "2022년 12월 3일"
)


class DateSpanError(ValueError):
    """Raised for text that is not a date span, or bounds that contradict the precision."""


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _whole_months(year: int, first_month: int, months: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first_month, 1), month_end(year, first_month + months - 1)


@dataclass(frozen=True, slots=True, order=True)
class DateSpan:
    lo: dt.date
    hi: dt.date
    precision: Precision

    def __post_init__(self) -> None:
        problem = bounds_problem(self.lo, self.hi, self.precision)
        if problem:
            raise DateSpanError(problem)
        object.__setattr__(self, "precision", Precision(self.precision))

    # --- constructors -------------------------------------------------------------

    @classmethod
    def day(cls, d: dt.date) -> DateSpan:
        return cls(d, d, Precision.DAY)

    @classmethod
    def month(cls, year: int, month: int) -> DateSpan:
        return cls(*_whole_months(year, month, 1), Precision.MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> DateSpan:
        if not 1 <= quarter <= 4:
            raise DateSpanError(f"quarter must be 1-4, not {quarter}")
        return cls(*_whole_months(year, 3 * quarter - 2, 3), Precision.QUARTER)

    @classmethod
    def half(cls, year: int, half: int) -> DateSpan:
        if half not in (1, 2):
            raise DateSpanError(f"half must be 1 or 2, not {half}")
        return cls(*_whole_months(year, 6 * half - 5, 6), Precision.HALF)

    @classmethod
    def year(cls, year: int) -> DateSpan:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR)

    @classmethod
    def range(cls, lo: dt.date, hi: dt.date) -> DateSpan:
        return cls(lo, hi, Precision.RANGE)

    @classmethod
    def between(cls, first: DateSpan, last: DateSpan) -> DateSpan:
        """From the start of `first` to the end of `last` (e.g. 2020년부터 2024년까지)."""
        return cls(first.lo, last.hi, Precision.RANGE)

    @classmethod
    def parse(cls, text: str) -> DateSpan:
        """Parse what an editor types; raise DateSpanError naming the accepted forms."""
        return parse(text)

    # --- reading ------------------------------------------------------------------

    @property
    def days(self) -> int:
        return (self.hi - self.lo).days + 1

    @property
    def mid(self) -> dt.date:
        return self.lo + dt.timedelta(days=(self.hi - self.lo).days // 2)

    def overlaps(self, other: DateSpan) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def contains(self, d: dt.date) -> bool:
        return self.lo <= d <= self.hi

    # --- writing ------------------------------------------------------------------

    @property
    def edtf(self) -> str:
        lo = self.lo
        match self.precision:
            case Precision.DAY:
                return lo.isoformat()
            case Precision.MONTH:
                return f"{lo.year:04d}-{lo.month:02d}"
            case Precision.QUARTER:
                return f"{lo.year:04d}-{33 + (lo.month - 1) // 3}"
            case Precision.HALF:
                return f"{lo.year:04d}-{40 if lo.month == 1 else 41}"
            case Precision.YEAR:
                return f"{lo.year:04d}"
        return f"{_edge_edtf(self.lo, start=True)}/{_edge_edtf(self.hi, start=False)}"

    @property
    def label_ko(self) -> str:
        lo = self.lo
        match self.precision:
            case Precision.DAY:
                return f"{lo.year}년 {lo.month}월 {lo.day}일"
            case Precision.MONTH:
                return f"{lo.year}년 {lo.month}월"
            case Precision.QUARTER:
                return f"{lo.year}년 {(lo.month + 2) // 3}분기"
            case Precision.HALF:
                return f"{lo.year}년 {'상반기' if lo.month == 1 else '하반기'}"
            case Precision.YEAR:
                return f"{lo.year}년"
        return f"{_edge_label(self.lo, True, 'ko')} ~ {_edge_label(self.hi, False, 'ko')}"

    @property
    def label_en(self) -> str:
        lo = self.lo
        match self.precision:
            case Precision.DAY:
                return f"{lo.day} {lo:%b} {lo.year}"
            case Precision.MONTH:
                return f"{lo:%b} {lo.year}"
            case Precision.QUARTER:
                return f"Q{(lo.month + 2) // 3} {lo.year}"
            case Precision.HALF:
                return f"H{1 if lo.month == 1 else 2} {lo.year}"
            case Precision.YEAR:
                return str(lo.year)
        return f"{_edge_label(self.lo, True, 'en')} – {_edge_label(self.hi, False, 'en')}"

    def label(self, language: str = "ko") -> str:
        return self.label_en if language.startswith("en") else self.label_ko

    def __str__(self) -> str:
        return self.edtf

    def as_dict(self) -> dict:
        return {"lo": self.lo.isoformat(), "hi": self.hi.isoformat(), "precision": str(self.precision)}

    @classmethod
    def from_dict(cls, d: dict) -> DateSpan:
        """Read `as_dict()` output back. The cached schedules hold thousands of these and were
        validated when written, so this skips the bounds check (a third of the page's time)."""
        span = object.__new__(cls)
        _set = object.__setattr__
        _set(span, "lo", _fromisoformat(d["lo"]))
        _set(span, "hi", _fromisoformat(d["hi"]))
        _set(span, "precision", _PRECISIONS[d["precision"]])
        return span

    def edge(self, which: str) -> DateSpan:
        """The start or end of a span as a span of its own.

        A range whose bounds fall on whole years (2020-01-01..2024-12-31) has a start
        known to the year (2020) and an end known to the year (2024); likewise for
        halves, quarters and months. Anything else keeps its exact bound as a day.
        Non-range spans are returned as they are.
        """
        if self.precision != Precision.RANGE:
            return self
        for unit in (Precision.YEAR, Precision.HALF, Precision.QUARTER, Precision.MONTH):
            first, last = _unit_of(self.lo, unit), _unit_of(self.hi, unit)
            if first.lo == self.lo and last.hi == self.hi:
                return first if which == "start" else last
        return DateSpan.day(self.lo if which == "start" else self.hi)


def _unit_of(d: dt.date, unit: Precision) -> DateSpan:
    match unit:
        case Precision.YEAR:
            return DateSpan.year(d.year)
        case Precision.HALF:
            return DateSpan.half(d.year, 1 if d.month <= 6 else 2)
        case Precision.QUARTER:
            return DateSpan.quarter(d.year, (d.month + 2) // 3)
        case Precision.MONTH:
            return DateSpan.month(d.year, d.month)
    return DateSpan.day(d)


def _edge_edtf(d: dt.date, start: bool) -> str:
    if (start and d.month == 1 and d.day == 1) or (not start and d.month == 12 and d.day == 31):
        return f"{d.year:04d}"
    if (start and d.day == 1) or (not start and d == month_end(d.year, d.month)):
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def _edge_label(d: dt.date, start: bool, language: str) -> str:
    parts = [int(p) for p in _edge_edtf(d, start).split("-")]
    if language == "ko":
        return " ".join(f"{v}{u}" for v, u in zip(parts, ("년", "월", "일"), strict=False))
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{dt.date(parts[0], parts[1], 1):%b} {parts[0]}"
    return f"{parts[2]} {dt.date(*parts):%b} {parts[0]}"


def bounds_problem(lo: dt.date, hi: dt.date, precision: str) -> str | None:
    """Why (lo, hi) cannot carry this precision, or None when it can."""
    if not isinstance(lo, dt.date) or not isinstance(hi, dt.date):
        return "both bounds must be dates"
    if lo > hi:
        return f"the span ends ({hi}) before it starts ({lo})"
    try:
        precision = Precision(precision)
    except ValueError:
        return f"unknown precision {precision!r}; use one of {', '.join(p.value for p in Precision)}"
    if precision == Precision.RANGE:
        return None
    if precision == Precision.DAY:
        expected = (lo, lo)
    else:
        months = {Precision.MONTH: 1, Precision.QUARTER: 3, Precision.HALF: 6, Precision.YEAR: 12}[precision]
        if (lo.month - 1) % months:
            return f"a {precision} cannot start in month {lo.month}"
        expected = _whole_months(lo.year, lo.month, months)
    if (lo, hi) != expected:
        return f"a {precision} starting {lo} runs {expected[0]}..{expected[1]}, not {lo}..{hi}"
    return None


# --- parsing what an editor types ------------------------------------------------

_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})(?:년)?$")
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.I)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.I)
_EN_HALF = re.compile(r"^H([12])\s+(\d{4})$", re.I)
_EN_QUARTER = re.compile(r"^Q([1-4])\s+(\d{4})$", re.I)
_KO = re.compile(r"^(\d{4})\s*년\s*(?:(상반기|하반기)|([1-4])\s*분기|(\d{1,2})\s*월(?:\s*(\d{1,2})\s*일)?)?$")


def parse(text: str) -> DateSpan:
    raw = (text or "").strip()
    if not raw:
        raise DateSpanError(f"Enter a date. Accepted forms: {ACCEPTED_FORMS}.")
    try:
        span = _parse(raw)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, DateSpanError):
            raise
        raise DateSpanError(f"{raw!r} is not a real date ({exc}).") from exc
    if span is None:
        raise DateSpanError(f"Cannot read {raw!r} as a date. Accepted forms: {ACCEPTED_FORMS}.")
    return span


def _parse(raw: str) -> DateSpan | None:
    text = re.sub(r"\s+", " ", raw)
    for sep in ("/", "..", " ~ ", "~", "∼"):
        if sep in text:
            first, _, last = text.partition(sep)
            a, b = _parse_single(first.strip()), _parse_single(last.strip())
            if a is None or b is None:
                return None
            if b.hi < a.lo:
                raise DateSpanError(f"the span ends ({b.hi}) before it starts ({a.lo})")
            return DateSpan.between(a, b)
    return _parse_single(text)


def _parse_single(text: str) -> DateSpan | None:
    if m := _ISO_DAY.match(text):
        return DateSpan.day(dt.date(int(m[1]), int(m[2]), int(m[3])))
    if m := _ISO_MONTH.match(text):
        year, part = int(m[1]), int(m[2])
        if 1 <= part <= 12:
            return DateSpan.month(year, part)
        if 21 <= part <= 24:  # EDTF seasons; read as quarters of the year
            return DateSpan.quarter(year, part - 20)
        if 33 <= part <= 36:
            return DateSpan.quarter(year, part - 32)
        if part in (40, 41):
            return DateSpan.half(year, part - 39)
        raise DateSpanError(f"month {part} does not exist (EDTF also allows 33-36 for quarters, 40/41 for halves)")
    if m := _YEAR.match(text):
        return DateSpan.year(int(m[1]))
    if m := _HALF.match(text):
        return DateSpan.half(int(m[1]), int(m[2]))
    if m := _QUARTER.match(text):
        return DateSpan.quarter(int(m[1]), int(m[2]))
    if m := _EN_HALF.match(text):
        return DateSpan.half(int(m[2]), int(m[1]))
    if m := _EN_QUARTER.match(text):
        return DateSpan.quarter(int(m[2]), int(m[1]))
    if m := _KO.match(text):
        year = int(m[1])
        if m[2]:
            return DateSpan.half(year, 1 if m[2] == "상반기" else 2)
        if m[3]:
            return DateSpan.quarter(year, int(m[3]))
        if m[4] and m[5]:
            return DateSpan.day(dt.date(year, int(m[4]), int(m[5])))
        if m[4]:
            return DateSpan.month(year, int(m[4]))
        return DateSpan.year(year)
    return None
