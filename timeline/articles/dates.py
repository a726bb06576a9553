"""Resolve the date expressions of Korean (and English) news articles against the publication date.

Plain Python: no Django, no ORM. Every result is a `timeline.dates.DateSpan`, a closed interval of whole
days with a precision. The conventions follow the team's date-case notes (shared/data/README.md).

Public API
----------
``resolve(expression, published)``
    The span of one expression as printed (the first date found in it), or None.
``find_dates(text, published)``
    Every date mention in running text as `Mention` objects, left to right, never overlapping; at each
    position the longest reading wins ("2020년부터 2024년까지" is one mention, "내년 상반기" one).

Grammar (Korean)
----------------
``expression := pre-qualifier? ( relative-period | anchored )``

``pre-qualifier``
    이르면 · 빠르면 · 늦어도 · 적어도 — kept in `Mention.qualifier`.
``relative-period``
    ``(지난|최근|과거|앞선) N단위(여)?(간|동안)`` → the N units ending with the publication year/month/day;
    ``(앞으로|향후) N단위(간|동안)?`` → the N units starting with it; ``N단위 (전|후|뒤)`` → the year, month,
    week or day that far from the publication date (2년 전, 3일 전). Units: 년/개년/해, 개월/달, 주/주일, 일;
    N is a number or 한·두·세…열; 주 and 일 need 간/동안 so that 지난 18일 stays a day.
``anchored := span-expr ( 부터 (지난 N단위간 | span-expr 까지 duration? | duration)? | 까지 duration? )?``
    ``A부터 B까지`` → from the start of A to the end of B (B borrows A's year/month when it omits them);
    ``A부터 지난 N년간`` → A to the publication day; ``A부터 N년간`` → N years from A;
    ``A까지 N개월간`` → the N months ending with A; a lone 부터/까지 keeps A's interval (`Mention.bound`).
``span-expr := point post-qualifier? apposition? | point ~ point | YYYY(년)? ~ YY(YY)(년)?``
    post-qualifiers 께 · 쯤 · 경 · 무렵 · 즈음; an apposition ``A(B)`` narrows A to B when B lies inside A
    ("3분기(9월)"); a weekday in brackets after a day ("13일(수)") is swallowed.
``point``
    * year: ``YYYY년(도)``, ``'YY년``, 올해, 올 (only before a part: 올 1월, 올 연말), 금년, 내년(도), 명년, 지난해,
      작년, 재작년, 지지난해, 내후년; 지난/오는 before an explicit year change nothing.
      After a year: 상반기/하반기, N분기 (also 1·4분기), 초·초반·연초 → Q1, 말·연말 → December,
      중반 → April-September, 후반 → Q4, 연내 → the year, or a month.
      On their own 연초, 연말, 연내, 상·하반기, N분기 are in the publication year; 지난/오는 before a half or
      quarter pick the latest one not after / the first one not before the publication date's.
    * month: ``N월`` (in the publication year; 지난 N월 → the last one not after the publication month, 오는 N월 →
      the next one not before it), ``N~M월``, 이달/이번 달, 지난달, 다음 달/내달. After a month: ``N일``,
      ``N~M일``, 초·초순·상순 → days 1-10, 중순·중반 → 11-20, 말·하순·후반 → 21 to the month's end.
    * day: ``N일`` (in the publication month unless 지난 puts it in the month before or 오는 in the month after),
      어제, 오늘/금일, 내일, 그제/그저께, 모레 (not before 의: "어제의 적" is figurative),
      ``YYYY.M.D`` / ``YYYY-MM-DD`` / ``YYYY/M/D``.
    * week: 지난주, 이번 주, 다음 주/내주 → Monday-Sunday; …주말 → its Saturday-Sunday; …주 X요일 → that day.
    * decade: ``2020년대`` → 2020-2029; 초반 → 2020-2023, 중반 → 2024-2026, 후반/말 → 2027-2029.

When a qualifier is printed both before and after a date (이르면 다음 달 중순께) the one before is kept.

Grammar (English)
-----------------
Month names are read only when capitalised ("May", not "may"). Points: ``Month D(, YYYY)``, ``D Month( YYYY)``,
``Month YYYY``, ``Month (of) next/this/last year``, ``last/next/this Month``, a bare Month (publication year),
this/last/next month, ``YYYY``, ``'YY``, this/next/last year; edges ``the beginning/start/middle/end of X`` and
``early/mid/late X`` — of a year: Q1, April-September, December (late → Q4); of a month: days 1-10, 11-20,
21 to the end; ``year-end``, ``the first/second half (of Y)``, ``H1 Y``, ``the Nth quarter (of Y)``,
``Q3 Y``, yesterday/today/tomorrow, weekdays (a bare one is the latest on or before publication),
this/last/next week, ``earlier/later this month/year``, ``N years/months/weeks/days ago``, a bare ordinal
day ("the 21st", not "the 24th anniversary") in the publication month. Ranges: ``(from) A to/through/- B``,
``between A and B``; periods: ``(over) the next/coming/past/last N years``. Prefixes: by/until/through (bound "until"),
since/from/starting in (bound "from"); qualifiers "as early as", "no later than", "around", "circa".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Literal

from timeline.dates import DateSpan, DateSpanError, month_end

__all__ = ["Bound", "Mention", "find_dates", "resolve"]

Bound = Literal["from", "until"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One date mention: `text[start:end] == expression`.

    `qualifier` is a hedge printed with the date (이르면, 늦어도, 께, 쯤, "as early as", ...); `bound` says
    whether the date was printed as a start (부터, since) or a deadline (까지, by).
    """

    expression: str
    span: DateSpan
    start: int
    end: int
    qualifier: str | None = None
    bound: Bound | None = None


def resolve(expression: str, published: dt.date) -> DateSpan | None:
    """The span of the first date mention in `expression`, read against the publication date."""
    mentions = find_dates(expression or "", published)
    return mentions[0].span if mentions else None


def find_dates(text: str, published: dt.date) -> list[Mention]:
    """All date mentions in `text`, left to right, non-overlapping, the longest reading at each position."""
    return _Scanner(text, published).mentions()


# --- calendar arithmetic ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Hit:
    span: DateSpan
    end: int
    qualifier: str | None = None
    bound: Bound | None = None


@dataclass(frozen=True, slots=True)
class _Length:
    """A duration in whole months plus days; `unit` is the calendar unit it counts in."""

    months: int
    days: int
    unit: Literal["year", "month", "week", "day"]


def _add_months(d: dt.date, months: int) -> dt.date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(year, month0 + 1, min(d.day, calendar.monthrange(year, month0 + 1)[1]))


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    shifted = _add_months(dt.date(year, month, 1), months)
    return shifted.year, shifted.month


def _forward(start: dt.date, length: _Length) -> DateSpan:
    end = _add_months(start, length.months) + dt.timedelta(days=length.days)
    return DateSpan.range(start, end - dt.timedelta(days=1))


def _backward(last: dt.date, length: _Length) -> DateSpan:
    after = last + dt.timedelta(days=1)
    return DateSpan.range(_add_months(after, -length.months) - dt.timedelta(days=length.days), last)


def _day(year: int, month: int, day: int) -> DateSpan | None:
    try:
        return DateSpan.day(dt.date(year, month, day))
    except (ValueError, DateSpanError):
        return None


def _days(year: int, month: int, first: int, last: int | None = None) -> DateSpan | None:
    """Days `first`..`last` of a month (`last` None: to the month's end)."""
    try:
        hi = month_end(year, month) if last is None else dt.date(year, month, last)
        return DateSpan.range(dt.date(year, month, first), hi)
    except (ValueError, DateSpanError):
        return None


def _months(year: int, first: int, last: int) -> DateSpan:
    return DateSpan.range(dt.date(year, first, 1), month_end(year, last))


def _between(first: DateSpan, last: DateSpan) -> DateSpan | None:
    if last.hi < first.lo:
        return None
    if first == last:
        return first
    return DateSpan.between(first, last)


def _week(published: dt.date, weeks: int) -> DateSpan:
    monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=weeks)
    return DateSpan.range(monday, monday + dt.timedelta(days=6))


def _current(unit: str, published: dt.date) -> DateSpan:
    match unit:
        case "year":
            return DateSpan.year(published.year)
        case "month":
            return DateSpan.month(published.year, published.month)
    return DateSpan.day(published)


def _ago(length: _Length, published: dt.date, sign: int) -> DateSpan:
    """The calendar unit `length` away from the publication date (N년 전, three months ago)."""
    moved = _add_months(published, sign * length.months) + dt.timedelta(days=sign * length.days)
    match length.unit:
        case "year":
            return DateSpan.year(moved.year)
        case "month":
            return DateSpan.month(moved.year, moved.month)
        case "week":
            return _week(moved, 0)
    return DateSpan.day(moved)


def _year_of(index: int, current: int, year: int, direction: str | None) -> int:
    """The year of month/quarter/half `index` said with 지난 (latest not after now) or 오는 (next not before now)."""
    if direction in ("지난", "last") and index > current:
        return year - 1
    if direction in ("오는", "next") and index < current:
        return year + 1
    return year


def _frame(span: DateSpan) -> tuple[int, int | None]:
    """The year (and month, when the span lies in one) that a later elided part borrows: 10월 25일부터 28일까지."""
    same_month = (span.lo.year, span.lo.month) == (span.hi.year, span.hi.month)
    return span.lo.year, span.lo.month if same_month else None


def _longest(*hits: _Hit | None) -> _Hit | None:
    best: _Hit | None = None
    for hit in hits:
        if hit is not None and (best is None or hit.end > best.end):
            best = hit
    return best


# --- shared patterns ------------------------------------------------------------------------------------------------

_S = r"[ \t\u00a0]*"
_S1 = r"[ \t\u00a0]+"
_TILDE = re.compile(_S + r"[~∼〜～]" + _S)
_DASH = r"[~∼〜～\-–—]"


def _is_hangul(ch: str) -> bool:
    return "가" <= ch <= "힣"


# fmt: off
_KO_NUMBERS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}

# --- Korean patterns ----------------------------------------------------------------------------------------------

_KO_PARTICLE = frozenset("에엔로으부까께쯤경이가은는도만과와을를즈무인며면야")
"""Syllables that may follow a one-syllable date word (초, 말, 전) without making it another word (초청, 말씀)."""

_KO_PRE_QUAL = re.compile(r"(이르면|빠르면|늦어도|적어도)" + _S1)
_KO_POST_QUAL = re.compile(_S + r"(께|쯤|경|무렵|즈음)(?![가-힣])|(께|쯤|경)(?=[에부까는은의도])")
_KO_DIRECTION = re.compile(r"(지난|오는)" + _S)
_KO_YEAR_NUM = re.compile(r"(?<![\d.,])(\d{4})" + _S + r"년(?!대)(도)?")
_KO_DECADE = re.compile(r"(?<![\d.,])(\d{3}0)" + _S + r"년대(?:" + _S + r"(초반|중반|후반|말))?")
_KO_DECADE_PARTS = {None: (0, 9), "초반": (0, 3), "중반": (4, 6), "후반": (7, 9), "말": (7, 9)}
_KO_YEAR_SHORT = re.compile(r"['‘’`](\d{2})" + _S + r"년(도)?")
_KO_YEAR_WORDS = {
    "올해": 0, "금년도": 0, "금년": 0, "내년도": 1, "내년": 1, "명년": 1, "지난해": -1, "지난 해": -1,
    "작년도": -1, "작년": -1, "재작년": -2, "지지난해": -2, "내후년": 2,
}
_KO_YEAR_WORD = re.compile("|".join(sorted(map(re.escape, _KO_YEAR_WORDS), key=len, reverse=True)))
_KO_OL = re.compile(r"올(?=" + _S + r"(?:[상하]반기|연[말초내]|초|말|중반|후반|\d))")
_KO_HALF = re.compile(r"([상하])반기")
_KO_QUARTER = re.compile(r"([1-4])" + _S + r"(?:[/·]" + _S + r"4" + _S + r")?분기")
_KO_YEAR_PARTS = re.compile(r"(연내|연초|연말|초반|중반|후반|초|말)")
_KO_MONTH_NUM = re.compile(r"(?<!\d)(\d{1,2})" + _S + r"월(?!요일)")
_KO_MONTH_RANGE = re.compile(r"(?<!\d)(\d{1,2})" + _S + r"월?" + _S + r"[~∼〜～]" + _S + r"(\d{1,2})" + _S + r"월")
_KO_MONTH_WORDS = {"이달": 0, "이번 달": 0, "이번달": 0, "금월": 0, "지난달": -1, "지난 달": -1, "다음 달": 1,
                   "다음달": 1, "내달": 1}
_KO_MONTH_WORD = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, _KO_MONTH_WORDS), key=len, reverse=True)) + r")(?![리려린릴렸림])"
)
_KO_MONTH_PARTS = re.compile(r"(초순|상순|초반|중순|중반|하순|후반|초|말)")
_KO_MONTH_PART_DAYS = {"초순": (1, 10), "상순": (1, 10), "초반": (1, 10), "초": (1, 10), "중순": (11, 20),
                       "중반": (11, 20), "하순": (21, None), "후반": (21, None), "말": (21, None)}
_KO_DAY_NUM = re.compile(r"(?<!\d)(\d{1,2})" + _S + r"일(?!간|동안|째|만에|치|여)(?!" + _S1 + r"(?:간|동안))")
_KO_DAY_RANGE = re.compile(r"(?<!\d)(\d{1,2})" + _S + r"일?" + _S + r"[~∼〜～]" + _S + r"(\d{1,2})" + _S + r"일")
_KO_DEICTIC = re.compile(r"(어제|오늘|금일|내일|그저께|그제|모레)")
_KO_DEICTIC_DAYS = {"어제": -1, "오늘": 0, "금일": 0, "내일": 1, "그저께": -2, "그제": -2, "모레": 2}
_KO_WEEK = re.compile(r"(지난|이번|다음|오는)" + _S + r"주(말)?|내주(말)?")
_KO_WEEKDAY = re.compile(_S + r"([월화수목금토일])요일")
_WEEKDAY_PAREN = re.compile(
    _S + r"\(" + _S + r"(?:[월화수목금토일](?:요일)?|(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)" + _S + r"\)"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(\d{4})" + _S + r"([./-])" + _S + r"(\d{1,2})" + _S + r"\2" + _S + r"(\d{1,2})(?!\d)\.?"
)
_YEAR_RANGE = re.compile(
    r"(?<![\d.,])((?:19|20)\d{2})" + _S + r"(?:년(?:도)?)?" + _S + _DASH + _S
    + r"((?:19|20)\d{2}|\d{2})(?!\d)(?:" + _S + r"년(?:도)?)?"
)
_BARE_YEAR_UNITS = r"[가-힣%]|" + _S1 + r"(?:명|원|개|건|억|만|천|대|곳|톤|평|배|호|번|회|년|월|일)"
_PAREN_OPEN = re.compile(_S + r"[(（]" + _S)
_PAREN_CLOSE = re.compile(_S + r"[)）]")
_FROM = re.compile(_S + r"(부터|에서)")
_UNTIL = re.compile(_S + r"까지")
_DURATION = re.compile(
    r"(\d{1,3}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)" + _S + r"(여)?" + _S + r"(개년|년|개월|달|주일|주|일|해)"
    + r"(여)?" + _S + r"(간|동안|새|사이)?"
)
_KO_DURATION_UNITS: dict[str, tuple[int, int, Literal["year", "month", "week", "day"]]] = {
    "년": (12, 0, "year"), "개년": (12, 0, "year"), "해": (12, 0, "year"), "개월": (1, 0, "month"),
    "달": (1, 0, "month"), "주": (0, 7, "week"), "주일": (0, 7, "week"), "일": (0, 1, "day"),
}
_KO_PAST = re.compile(r"(지난|최근|과거|앞선)" + _S)
_KO_FUTURE = re.compile(r"(앞으로|향후)" + _S)
_KO_SINCE_PAST = re.compile(_S + r"(?:지난|최근)" + _S)
_KO_AGO = re.compile(_S + r"(전|후|뒤)")

# --- English patterns -----------------------------------------------------------------------------------------------

_EN_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![A-Za-z])\.?"
)
_EN_MONTHS = {name: i for i, name in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                                 "nov", "dec"), 1)}
_EN_NUMBER = r"(?i:(\d{1,3}|" + "|".join(_EN_NUMBERS) + r"))"
_EN_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
_EN_YEAR4 = r"(?<![\d.,])((?:19|20)\d{2})(?![\d])"
_EN_MONTH_DAY = re.compile(_EN_MONTH + _S1 + _EN_ORD + r"(?![\d:])(?:,?" + _S1 + _EN_YEAR4 + r")?")
_EN_DAY_MONTH = re.compile(
    r"(?<![\d])" + _EN_ORD + _S1 + r"(?i:of" + _S1 + r")?" + _EN_MONTH + r"(?:,?" + _S1 + _EN_YEAR4 + r")?"
)
_EN_MONTH_ALONE = re.compile(_EN_MONTH)
_EN_MONTH_YEAR = re.compile(r",?" + _S1 + r"(?i:of" + _S1 + r")?")
_EN_MONTH_REL = re.compile(r"(?i:(last|next|this))" + _S1 + _EN_MONTH)
_EN_MONTH_WORD = re.compile(r"(?i:(?:(this|last|next)|the)" + _S1 + r"month\b)")
_EN_YEAR_REL = re.compile(r"(?i:(?:the" + _S1 + r")?(this|next|last|current|coming)" + _S1 + r"(?:year|yr)\b)")
_EN_THE_YEAR = re.compile(r"(?i:the" + _S1 + r"year\b)")
_EN_BARE_YEAR = re.compile(_EN_YEAR4 + r"(?!" + _BARE_YEAR_UNITS + r")")
_EN_SHORT_YEAR = re.compile(r"['‘’](\d{2})(?![\d가-힣])")
_EN_EDGE = re.compile(
    r"(?i:(?:the" + _S1 + r")?(beginning|start|end|middle|close)" + _S1 + r"of" + _S1 + r"|(early|mid|late)(?:-|"
    + _S1 + r"))"
)
_EN_EDGES = {"beginning": "start", "start": "start", "early": "start", "middle": "middle", "mid": "middle",
             "late": "late", "end": "end", "close": "end"}
_EN_YEAR_END = re.compile(r"(?i:(?:the" + _S1 + r")?(?:year-end|year" + _S1 + r"end|end-year)\b)")
_EN_HALF = re.compile(
    r"(?i:(?:the" + _S1 + r")?(first|second|1st|2nd|latter)" + _S1 + r"half(?:" + _S1 + r"of" + _S1 + r")?)"
)
_EN_QUARTER = re.compile(
    r"(?i:(?:the" + _S1 + r")?(first|second|third|fourth|1st|2nd|3rd|4th)" + _S1 + r"quarter(?:" + _S1 + r"of"
    + _S1 + r")?)"
)
_EN_CODE = re.compile(r"\b([HQ])([1-4])\b(?:" + _S1 + r")?")
_EN_CODE_AFTER = re.compile(_S1 + r"([HQ])([1-4])\b")
_EN_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "latter": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_EN_DEICTIC = re.compile(r"(?i:(yesterday|today|tomorrow)\b)")
_EN_WEEKDAY = re.compile(
    r"(?:(?i:(last|next|this))" + _S1 + r")?(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b"
)
_EN_WEEKDAYS = {"mon": 0, "tues": 1, "wednes": 2, "thurs": 3, "fri": 4, "satur": 5, "sun": 6}
_EN_REL_UNIT = re.compile(r"(?i:(earlier|later)" + _S1 + r")?(?i:(this|last|next)" + _S1 + r"(month|week|year)\b)")
_EN_ORDINAL_DAY = re.compile(
    r"(?i:(?:the" + _S1 + r"))?(?<![\d])(\d{1,2})(?:st|nd|rd|th)\b(?!" + _S1
    + r"(?!(?:and|or|to|through|until|till|at|in|on|when|with|after|before|said|says|that|as|of)\b)[a-z])"
)
_EN_AGO = re.compile(_EN_NUMBER + _S1 + r"(?i:(decade|year|month|week|day)s?" + _S1 + r"(ago|later|earlier)\b)")
_EN_PERIOD = re.compile(
    r"(?i:(?:(?:over|for|in|during)" + _S1 + r")?(?:the" + _S1 + r")?(next|coming|past|last|previous)" + _S1 + ")"
    + _EN_NUMBER + _S1 + r"(?i:(decade|year|month|week|day)s?\b)"
)
_EN_UNITS: dict[str, tuple[int, int, Literal["year", "month", "week", "day"]]] = {
    "decade": (120, 0, "year"), "year": (12, 0, "year"), "month": (1, 0, "month"), "week": (0, 7, "week"),
    "day": (0, 1, "day"),
}
_EN_PRE_QUAL = re.compile(r"(?i:(as early as|as late as|no later than|not later than|around|circa))" + _S1)
_EN_PRE_BOUND = re.compile(r"(?i:(by|until|till|through|since|from|starting(?:\s+in|\s+from)?|beginning\s+in)\b)" + _S1)
_EN_RANGE_JOIN = re.compile(_S + r"(?:(?i:to|through|until|till)\b|[\-–—~∼])" + _S)
_EN_RANGE_LEAD = re.compile(r"(?i:between|from)" + _S1)
_EN_AND = re.compile(_S1 + r"(?i:and)" + _S1)
_EN_BOUNDS: dict[str, Bound] = {"by": "until", "until": "until", "till": "until", "through": "until"}
# fmt: on


class _Scanner:
    """Parses one text; every `_x(pos)` method reads a construct starting exactly at `pos` or returns None."""

    def __init__(self, text: str, published: dt.date) -> None:
        self.text = text
        self.published = published

    def mentions(self) -> list[Mention]:
        found: list[Mention] = []
        pos, size = 0, len(self.text)
        while pos < size:
            try:
                hit = self._expression(pos) if self._can_start(pos) else None
            except (ValueError, OverflowError):
                hit = None  # a date beyond the calendar (year 0 or 10000 from a publication date at its edge)
            if hit is None or hit.end <= pos:
                pos += 1
                continue
            expression = self.text[pos : hit.end]
            found.append(Mention(expression, hit.span, pos, hit.end, hit.qualifier, hit.bound))
            pos = hit.end
        return found

    def _can_start(self, pos: int) -> bool:
        ch, prev = self.text[pos], self.text[pos - 1] if pos else " "
        if ch.isdigit():
            if prev.isdigit() or (prev.isascii() and prev.isalpha()):
                return False
            return not (prev in ".,:/-" and pos >= 2 and self.text[pos - 2].isdigit())
        if _is_hangul(ch):
            return not _is_hangul(prev)
        if ch.isascii() and ch.isalpha():
            return not (prev.isascii() and prev.isalnum())
        return ch in "'‘’`"

    def _m(self, pattern: re.Pattern[str], pos: int) -> re.Match[str] | None:
        return pattern.match(self.text, pos)

    def _skip(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] in " \t\u00a0":
            pos += 1
        return pos

    def _word_ends(self, pos: int, extra: str = "") -> bool:
        """Whether a Korean date word ending at `pos` is not the start of a longer word (말 vs 말씀)."""
        if pos >= len(self.text) or not _is_hangul(self.text[pos]):
            return True
        return self.text[pos] in _KO_PARTICLE or self.text[pos] in extra

    def _expression(self, pos: int) -> _Hit | None:
        ch = self.text[pos]
        korean = None if ch.isascii() and ch.isalpha() else self._ko_expression(pos)
        english = None if _is_hangul(ch) else self._en_expression(pos)
        return _longest(korean, english)

    # --- Korean: composition ----------------------------------------------------------------------------------------

    def _ko_expression(self, pos: int) -> _Hit | None:
        qualifier = None
        if m := self._m(_KO_PRE_QUAL, pos):
            qualifier, pos = m[1], m.end()
        head = self._ko_span_expr(pos, None)
        hit = _longest(self._ko_relative_period(pos), self._ko_extend(head) if head else None)
        if hit is not None and qualifier is not None:
            hit = replace(hit, qualifier=qualifier)
        return hit

    def _ko_extend(self, head: _Hit) -> _Hit:
        """부터/까지 after a date: a range to a second date, a duration from or to it, or just the bound."""
        if m := self._m(_FROM, head.end):
            after = self._skip(m.end())
            since = self._m(_KO_SINCE_PAST, m.end())
            length = self._ko_duration(since.end(), need_tail=True) if since else None
            if length and head.span.lo <= self.published:
                return replace(head, span=DateSpan.range(head.span.lo, self.published), end=length[1])
            tail = self._ko_span_expr(after, _frame(head.span))
            if tail and (until := self._m(_UNTIL, tail.end)):
                span = _between(head.span, tail.span)
                if span is not None:
                    end = until.end()
                    if length := self._ko_duration(self._skip(end), need_tail=False):
                        end = length[1]
                    return _Hit(span, end, head.qualifier or tail.qualifier)
            if m[1] == "부터":
                if length := self._ko_duration(after, need_tail=False):
                    return replace(head, span=_forward(head.span.lo, length[0]), end=length[1])
                return replace(head, end=m.end(), bound="from")
        if m := self._m(_UNTIL, head.end):
            if length := self._ko_duration(self._skip(m.end()), need_tail=False):
                return replace(head, span=_backward(head.span.hi, length[0]), end=length[1])
            return replace(head, end=m.end(), bound="until")
        return head

    def _ko_duration(self, pos: int, need_tail: bool, bare: bool = False) -> tuple[_Length, int] | None:
        """N년(간), N개월 동안, 두 달간 … — 일 and 주 need 간/동안 unless `bare` (N일 전), which refuses any."""
        m = self._m(_DURATION, pos)
        if not m or (bare and m[5]):
            return None
        months, days, unit = _KO_DURATION_UNITS[m[3]]
        if not bare and (need_tail or unit in ("week", "day")) and not m[5]:
            return None
        count = _KO_NUMBERS.get(m[1]) or int(m[1])
        if count == 0 or (m[3] == "해" and m[1] not in _KO_NUMBERS):
            return None
        return _Length(months * count, days * count, unit), m.end()

    def _ko_relative_period(self, pos: int) -> _Hit | None:
        """지난 N년간, 향후 N년, 앞으로 N개월간, N년 전."""
        if (m := self._m(_KO_PAST, pos)) and (length := self._ko_duration(m.end(), need_tail=False)):
            anchor = _current(length[0].unit, self.published)
            return _Hit(_backward(anchor.hi, length[0]), length[1])
        if (m := self._m(_KO_FUTURE, pos)) and (length := self._ko_duration(m.end(), need_tail=False)):
            anchor = _current(length[0].unit, self.published)
            return _Hit(_forward(anchor.lo, length[0]), length[1])
        if (length := self._ko_duration(pos, need_tail=False, bare=True)) and (ago := self._m(_KO_AGO, length[1])):
            before = ago[1] == "전"
            if self._word_ends(ago.end(), extra="보" if before else ""):
                return _Hit(_ago(length[0], self.published, -1 if before else 1), ago.end())
        return None

    def _ko_span_expr(self, pos: int, frame: tuple[int, int | None] | None) -> _Hit | None:
        head = _longest(self._ko_point(pos, frame), self._year_range(pos))
        if head is None:
            return None
        if m := self._m(_TILDE, head.end):
            tail = self._ko_point(m.end(), _frame(head.span))
            if tail and (span := _between(head.span, tail.span)):
                head = _Hit(span, tail.end, head.qualifier or tail.qualifier)
        if m := self._m(_KO_POST_QUAL, head.end):
            head = replace(head, end=m.end(), qualifier=m[1] or m[2])
        if m := self._m(_WEEKDAY_PAREN, head.end):
            return replace(head, end=m.end())
        if m := self._m(_PAREN_OPEN, head.end):
            inner = self._ko_span_expr(m.end(), _frame(head.span))
            close = self._m(_PAREN_CLOSE, inner.end) if inner else None
            if inner and close and head.span.lo <= inner.span.lo and inner.span.hi <= head.span.hi:
                return _Hit(inner.span, close.end(), head.qualifier or inner.qualifier)
        return head

    # --- Korean: points ---------------------------------------------------------------------------------------------

    def _ko_point(self, pos: int, frame: tuple[int, int | None] | None) -> _Hit | None:
        return _longest(
            self._ko_calendar(pos, frame), self._ko_deictic(pos), self._ko_week(pos), self._numeric_date(pos)
        )

    def _ko_calendar(self, pos: int, frame: tuple[int, int | None] | None) -> _Hit | None:
        hits: list[_Hit | None] = [self._ko_year_expr(pos), self._ko_month_word(pos), self._ko_decade(pos)]
        direction, after = None, pos
        if m := self._m(_KO_DIRECTION, pos):
            direction, after = m[1], m.end()
            hits.append(self._ko_year_expr(after))
        hits += [
            self._ko_year_part(self._current_year(frame), after, standalone=True, direction=direction),
            self._ko_month_number(after, direction, frame),
            self._ko_day_number(after, direction, frame),
        ]
        return _longest(*hits)

    def _ko_decade(self, pos: int) -> _Hit | None:
        """2020년대 (초반 · 중반 · 후반)."""
        if (m := self._m(_KO_DECADE, pos)) and self._word_ends(m.end()):
            first, last = _KO_DECADE_PARTS[m[2]]
            decade = int(m[1])
            return _Hit(DateSpan.range(dt.date(decade + first, 1, 1), dt.date(decade + last, 12, 31)), m.end())
        return None

    def _current_year(self, frame: tuple[int, int | None] | None) -> int:
        return frame[0] if frame else self.published.year

    def _ko_year_anchor(self, pos: int) -> tuple[int, int, bool] | None:
        """(year, end, needs a part after it) for 2023년, '23년, 올해, 내년, 올 …"""
        if m := self._m(_KO_YEAR_NUM, pos):
            year = int(m[1])
            return (year, m.end(), False) if 1900 <= year <= 2199 else None
        if m := self._m(_KO_YEAR_SHORT, pos):
            return self._two_digit_year(int(m[1])), m.end(), False
        if m := self._m(_KO_YEAR_WORD, pos):
            return self.published.year + _KO_YEAR_WORDS[m[0]], m.end(), False
        if m := self._m(_KO_OL, pos):
            return self.published.year, m.end(), True
        return None

    def _two_digit_year(self, yy: int) -> int:
        century = self.published.year // 100 * 100
        return min((century - 100 + yy, century + yy, century + 100 + yy), key=lambda y: abs(y - self.published.year))

    def _ko_year_expr(self, pos: int) -> _Hit | None:
        anchor = self._ko_year_anchor(pos)
        if anchor is None:
            return None
        year, end, needs_part = anchor
        part = self._ko_year_part(year, self._skip(end), standalone=False, direction=None)
        if part is not None:
            return part
        return None if needs_part else _Hit(DateSpan.year(year), end)

    def _ko_year_part(self, year: int, pos: int, standalone: bool, direction: str | None) -> _Hit | None:
        """What may follow a year: a half, a quarter, 초/말/중반/후반, 연말/연초/연내, or a month."""
        published = self.published
        if m := self._m(_KO_HALF, pos):
            half = 1 if m[1] == "상" else 2
            year = _year_of(half, 1 if published.month <= 6 else 2, year, direction) if standalone else year
            return _Hit(DateSpan.half(year, half), m.end())
        if m := self._m(_KO_QUARTER, pos):
            quarter = int(m[1])
            current = (published.month + 2) // 3
            year = _year_of(quarter, current, year, direction) if standalone else year
            return _Hit(DateSpan.quarter(year, quarter), m.end())
        if (m := self._m(_KO_YEAR_PARTS, pos)) and self._word_ends(m.end()):
            word = m[1]
            if standalone and (direction or not word.startswith("연")):
                return None
            match word:
                case "연내":
                    return _Hit(DateSpan.year(year), m.end())
                case "연초" | "초" | "초반":
                    return _Hit(DateSpan.quarter(year, 1), m.end())
                case "연말" | "말":
                    return _Hit(DateSpan.month(year, 12), m.end())
                case "중반":
                    return _Hit(_months(year, 4, 9), m.end())
                case "후반":
                    return _Hit(DateSpan.quarter(year, 4), m.end())
        if standalone:
            return None
        if m := self._m(_KO_MONTH_RANGE, pos):
            first, last = int(m[1]), int(m[2])
            if 1 <= first < last <= 12:
                return _Hit(_months(year, first, last), m.end())
        if (m := self._m(_KO_MONTH_NUM, pos)) and 1 <= int(m[1]) <= 12:
            return self._ko_month_rest(year, int(m[1]), m.end())
        return None

    def _ko_month_word(self, pos: int) -> _Hit | None:
        if m := self._m(_KO_MONTH_WORD, pos):
            year, month = _shift_month(self.published.year, self.published.month, _KO_MONTH_WORDS[m[0]])
            return self._ko_month_rest(year, month, m.end())
        return None

    def _ko_month_number(self, pos: int, direction: str | None, frame: tuple[int, int | None] | None) -> _Hit | None:
        def year_of(month: int) -> int:
            if frame and not direction:
                return frame[0]
            return _year_of(month, self.published.month, self.published.year, direction)

        if m := self._m(_KO_MONTH_RANGE, pos):
            first, last = int(m[1]), int(m[2])
            if 1 <= first <= 12 and 1 <= last <= 12 and first != last:
                start = year_of(first)
                end_year = start if last > first else start + 1
                return _Hit(DateSpan.range(dt.date(start, first, 1), month_end(end_year, last)), m.end())
        if (m := self._m(_KO_MONTH_NUM, pos)) and 1 <= int(m[1]) <= 12:
            month = int(m[1])
            return self._ko_month_rest(year_of(month), month, m.end())
        return None

    def _ko_month_rest(self, year: int, month: int, pos: int) -> _Hit:
        """After a month: a day, a day range, or 초/중순/말; otherwise the whole month."""
        after = self._skip(pos)
        if m := self._m(_KO_DAY_RANGE, after):
            span = _days(year, month, int(m[1]), int(m[2]))
            if span is not None:
                return _Hit(span, m.end())
        if (m := self._m(_KO_DAY_NUM, after)) and (span := _day(year, month, int(m[1]))):
            return _Hit(span, m.end())
        if (m := self._m(_KO_MONTH_PARTS, after)) and self._word_ends(m.end()):
            first, last = _KO_MONTH_PART_DAYS[m[1]]
            if span := _days(year, month, first, last):
                return _Hit(span, m.end())
        return _Hit(DateSpan.month(year, month), pos)

    def _ko_day_number(self, pos: int, direction: str | None, frame: tuple[int, int | None] | None) -> _Hit | None:
        def month_of(day: int) -> tuple[int, int] | None:
            if frame and not direction:
                return (frame[0], frame[1]) if frame[1] else None
            step = {"지난": -1, "오는": 1}.get(direction or "", 0)
            year, month = self.published.year, self.published.month
            if (step < 0 and day > self.published.day) or (step > 0 and day < self.published.day):
                year, month = _shift_month(year, month, step)
            for _ in range(3):
                if day <= calendar.monthrange(year, month)[1]:
                    return year, month
                if not step:
                    return None
                year, month = _shift_month(year, month, step)
            return None

        if m := self._m(_KO_DAY_RANGE, pos):
            where = month_of(int(m[1]))
            if where and (span := _days(*where, int(m[1]), int(m[2]))):
                return _Hit(span, m.end())
        m = self._m(_KO_DAY_NUM, pos)
        where = month_of(int(m[1])) if m else None
        if m and where and (span := _day(*where, int(m[1]))):
            return _Hit(span, m.end())
        return None

    def _ko_deictic(self, pos: int) -> _Hit | None:
        m = self._m(_KO_DEICTIC, pos)
        if m and self._word_ends(m.end()) and not self.text.startswith("의", m.end()):
            return _Hit(DateSpan.day(self.published + dt.timedelta(days=_KO_DEICTIC_DAYS[m[1]])), m.end())
        return None

    def _ko_week(self, pos: int) -> _Hit | None:
        m = self._m(_KO_WEEK, pos)
        if not m or not self._word_ends(m.end()):
            return None
        weeks = {"지난": -1, "이번": 0, "다음": 1, "오는": 1}.get(m[1] or "", 1)
        week = _week(self.published, weeks)
        if m[2] or m[3]:
            return _Hit(DateSpan.range(week.lo + dt.timedelta(days=5), week.hi), m.end())
        if day := self._m(_KO_WEEKDAY, m.end()):
            return _Hit(DateSpan.day(week.lo + dt.timedelta(days="월화수목금토일".index(day[1]))), day.end())
        return _Hit(week, m.end())

    def _numeric_date(self, pos: int) -> _Hit | None:
        if (m := self._m(_NUMERIC_DATE, pos)) and (span := _day(int(m[1]), int(m[3]), int(m[4]))):
            return _Hit(span, m.end())
        return None

    def _year_range(self, pos: int) -> _Hit | None:
        """2025~2029년, (2020∼2024), 2025-29."""
        m = self._m(_YEAR_RANGE, pos)
        if not m:
            return None
        first, last = int(m[1]), int(m[2])
        if last < 100:
            last += first // 100 * 100
        return _Hit(DateSpan.range(dt.date(first, 1, 1), dt.date(last, 12, 31)), m.end()) if last > first else None

    # --- English ----------------------------------------------------------------------------------------------------

    def _en_expression(self, pos: int) -> _Hit | None:
        qualifier = None
        if m := self._m(_EN_PRE_QUAL, pos):
            qualifier, pos = m[1], m.end()
        hits = [self._en_range(pos), self._en_period(pos), self._en_point(pos)]
        if (m := self._m(_EN_PRE_BOUND, pos)) and (point := self._en_point(m.end())):
            hits.append(replace(point, bound=_EN_BOUNDS.get(m[1].lower(), "from")))
        hit = _longest(*hits)
        return replace(hit, qualifier=qualifier) if hit and qualifier else hit

    def _en_range(self, pos: int) -> _Hit | None:
        """from 2020 to 2024, between 2020 and 2024, 2026 to 2030."""
        lead = self._m(_EN_RANGE_LEAD, pos)
        head = self._en_point(lead.end() if lead else pos)
        if head is None:
            return None
        between = lead is not None and lead[0].lower().startswith("between")
        join = self._m(_EN_AND if between else _EN_RANGE_JOIN, head.end)
        tail = self._en_point(join.end()) if join else None
        if tail is None:
            return None
        span = _between(head.span, tail.span)
        return _Hit(span, tail.end) if span else None

    def _en_period(self, pos: int) -> _Hit | None:
        """the next five years, the past 3 months; five years ago."""
        if m := self._m(_EN_PERIOD, pos):
            length = self._en_length(m[2], m[3])
            anchor = _current(length.unit, self.published)
            if m[1].lower() in ("next", "coming"):
                return _Hit(_forward(anchor.lo, length), m.end())
            return _Hit(_backward(anchor.hi, length), m.end())
        if m := self._m(_EN_AGO, pos):
            sign = 1 if m[3].lower() == "later" else -1
            return _Hit(_ago(self._en_length(m[1], m[2]), self.published, sign), m.end())
        return None

    @staticmethod
    def _en_length(number: str, unit: str) -> _Length:
        count = _EN_NUMBERS.get(number.lower()) or int(number)
        months, days, kind = _EN_UNITS[unit.lower()]
        return _Length(months * count, days * count, kind)

    def _en_year(self, pos: int) -> tuple[int, int] | None:
        """(year, end) for 2023, '23, this/next/last year, the year."""
        if m := self._m(_EN_YEAR_REL, pos):
            offset = {"next": 1, "coming": 1, "last": -1}.get(m[1].lower(), 0)
            return self.published.year + offset, m.end()
        if m := self._m(_EN_THE_YEAR, pos):
            return self.published.year, m.end()
        if m := self._m(_EN_BARE_YEAR, pos):
            return int(m[1]), m.end()
        if m := self._m(_EN_SHORT_YEAR, pos):
            return self._two_digit_year(int(m[1])), m.end()
        return None

    def _en_point(self, pos: int) -> _Hit | None:
        return _longest(
            self._en_year_expr(pos),
            self._en_edge(pos),
            self._en_month_expr(pos),
            self._en_deictic(pos),
            self._numeric_date(pos),
            self._year_range(pos),
        )

    def _en_year_expr(self, pos: int) -> _Hit | None:
        hits: list[_Hit | None] = []
        if year := self._en_year(pos):
            hits.append(_Hit(DateSpan.year(year[0]), year[1]))
            if code := self._m(_EN_CODE_AFTER, year[1]):
                hits.append(self._en_code(year[0], code[1], int(code[2]), code.end()))
        if m := self._m(_EN_YEAR_END, pos):
            hits.append(_Hit(DateSpan.month(self.published.year, 12), m.end()))
        if m := self._m(_EN_HALF, pos):
            half = _EN_ORDINALS[m[1].lower()]
            year = self._en_year(m.end())
            hits.append(_Hit(DateSpan.half(year[0], half), year[1]) if year else None)
            if not m[0].rstrip().lower().endswith("of"):
                hits.append(_Hit(DateSpan.half(self.published.year, half), m.end()))
        if m := self._m(_EN_QUARTER, pos):
            quarter = _EN_ORDINALS[m[1].lower()]
            year = self._en_year(m.end())
            hits.append(_Hit(DateSpan.quarter(year[0], quarter), year[1]) if year else None)
            if not m[0].rstrip().lower().endswith("of"):
                hits.append(_Hit(DateSpan.quarter(self.published.year, quarter), m.end()))
        if m := self._m(_EN_CODE, pos):
            year = self._en_year(m.end())
            hits.append(self._en_code(year[0] if year else self.published.year, m[1], int(m[2]),
                                      year[1] if year else m.end(2)))  # fmt: skip
        return _longest(*hits)

    @staticmethod
    def _en_code(year: int, kind: str, number: int, end: int) -> _Hit | None:
        if kind == "H":
            return _Hit(DateSpan.half(year, number), end) if number <= 2 else None
        return _Hit(DateSpan.quarter(year, number), end)

    def _en_edge(self, pos: int) -> _Hit | None:
        """The start, middle or end of a year (Q1, April-September, December; late Y → Q4) or a month (days 1-10,
        11-20, 21 to the end): early next year, mid-2025, the end of this year, late August, the end of the month."""
        m = self._m(_EN_EDGE, pos)
        if not m:
            return None
        edge = _EN_EDGES[(m[1] or m[2]).lower()]
        hits: list[_Hit | None] = []
        if year := self._en_year(m.end()):
            spans = {
                "start": DateSpan.quarter(year[0], 1),
                "middle": _months(year[0], 4, 9),
                "late": DateSpan.quarter(year[0], 4),
                "end": DateSpan.month(year[0], 12),
            }
            hits.append(_Hit(spans[edge], year[1]))
        if month := self._en_month(m.end()):
            first, last = {"start": (1, 10), "middle": (11, 20), "late": (21, None), "end": (21, None)}[edge]
            span = _days(month[0], month[1], first, last)
            hits.append(_Hit(span, month[2]) if span else None)
        return _longest(*hits)

    def _en_month(self, pos: int) -> tuple[int, int, int] | None:
        """(year, month, end) for July, July 2023, January next year, last November, this month, the month."""
        published = self.published
        found: list[tuple[int, int, int]] = []
        if (m := self._m(_EN_MONTH_ALONE, pos)) and (month := self._en_month_index(m[1])):
            found.append((published.year, month, m.end()))
            joint = self._m(_EN_MONTH_YEAR, m.end())
            if joint and (year := self._en_year(joint.end())):
                found.append((year[0], month, year[1]))
        if (m := self._m(_EN_MONTH_REL, pos)) and (month := self._en_month_index(m[2])):
            word = m[1].lower()
            year = _year_of(month, published.month, published.year, word)
            if month == published.month and word != "this":
                year += 1 if word == "next" else -1
            found.append((year, month, m.end()))
        if m := self._m(_EN_MONTH_WORD, pos):
            step = {"last": -1, "next": 1}.get((m[1] or "").lower(), 0)
            found.append((*_shift_month(published.year, published.month, step), m.end()))
        return max(found, key=lambda item: item[2], default=None)

    def _en_month_expr(self, pos: int) -> _Hit | None:
        hits: list[_Hit | None] = []
        for pattern, month_group, day_group in ((_EN_MONTH_DAY, 1, 2), (_EN_DAY_MONTH, 2, 1)):
            m = self._m(pattern, pos)
            if m and (month := self._en_month_index(m[month_group])):
                year = int(m[3]) if m[3] else self.published.year
                span = _day(year, month, int(m[day_group]))
                hits.append(_Hit(span, m.end()) if span else None)
        if month := self._en_month(pos):
            hits.append(_Hit(DateSpan.month(month[0], month[1]), month[2]))
        return _longest(*hits)

    @staticmethod
    def _en_month_index(name: str) -> int | None:
        if not name[0].isupper():
            return None
        return _EN_MONTHS.get(name[:3].lower())

    def _en_deictic(self, pos: int) -> _Hit | None:
        published = self.published
        hits: list[_Hit | None] = []
        if m := self._m(_EN_DEICTIC, pos):
            offset = {"yesterday": -1, "today": 0, "tomorrow": 1}[m[1].lower()]
            hits.append(_Hit(DateSpan.day(published + dt.timedelta(days=offset)), m.end()))
        if m := self._m(_EN_WEEKDAY, pos):
            target = _EN_WEEKDAYS[m[2].lower()]
            back = (published.weekday() - target) % 7
            match (m[1] or "").lower():
                case "last":
                    day = published - dt.timedelta(days=back or 7)
                case "next":
                    day = published + dt.timedelta(days=(target - published.weekday()) % 7 or 7)
                case "this":
                    day = _week(published, 0).lo + dt.timedelta(days=target)
                case _:
                    day = published - dt.timedelta(days=back)
            hits.append(_Hit(DateSpan.day(day), m.end()))
        if m := self._m(_EN_REL_UNIT, pos):
            hits.append(self._en_relative_unit((m[1] or "").lower(), m[2].lower(), m[3].lower(), m.end()))
        if (m := self._m(_EN_ORDINAL_DAY, pos)) and (span := _day(published.year, published.month, int(m[1]))):
            hits.append(_Hit(span, m.end()))
        return _longest(*hits)

    def _en_relative_unit(self, side: str, which: str, unit: str, end: int) -> _Hit | None:
        """this/last/next month|week|year, earlier/later this month|year."""
        published = self.published
        step = {"this": 0, "last": -1, "next": 1}[which]
        if unit == "week":
            span = _week(published, step)
        elif unit == "month":
            span = DateSpan.month(*_shift_month(published.year, published.month, step))
        else:
            span = DateSpan.year(published.year + step)
        if side and which == "this":
            if side == "earlier" and span.lo < published:
                span = DateSpan.range(span.lo, published)
            elif side == "later" and published < span.hi:
                span = DateSpan.range(published, span.hi)
        elif side:
            return None
        return _Hit(span, end)
