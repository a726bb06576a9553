"""The article date resolver: plain functions, no database."""

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest

from timeline.articles.dates import Mention, find_dates, resolve
from timeline.dates import Precision

PUBLISHED = dt.date(2024, 5, 15)  # a Wednesday
SHARED = Path(__file__).resolve().parents[2] / "shared"

D = dt.date.fromisoformat


def case(expression: str, lo: str, hi: str, precision: str, published: dt.date = PUBLISHED, *, name: str):
    return pytest.param(expression, published, D(lo), D(hi), Precision(precision), id=name)


RESOLVED = [
    # year words
    case("올해", "2024-01-01", "2024-12-31", "year", name="olhae"),
    case("금년도 예산", "2024-01-01", "2024-12-31", "year", name="geumnyeondo"),
    case("내년엔", "2025-01-01", "2025-12-31", "year", name="naenyeon"),
    case("작년", "2023-01-01", "2023-12-31", "year", name="jangnyeon"),
    case("재작년", "2022-01-01", "2022-12-31", "year", name="jaejangnyeon"),
    case("내후년", "2026-01-01", "2026-12-31", "year", name="naehunyeon"),
    case("연내 개통", "2024-01-01", "2024-12-31", "year", name="yeonnae"),
    case("지난 2017년 착공", "2017-01-01", "2017-12-31", "year", name="jinan-explicit-year"),
    case("'19년", "2019-01-01", "2019-12-31", "year", name="apostrophe-year"),
    # parts of a year
    case("연초", "2024-01-01", "2024-03-31", "quarter", name="yeoncho"),
    case("내년 초에", "2025-01-01", "2025-03-31", "quarter", name="year-cho"),
    case("올 연말", "2024-12-01", "2024-12-31", "month", name="ol-yeonmal"),
    case("2027년말께", "2027-12-01", "2027-12-31", "month", name="year-mal-kke"),
    case("올해 중반", "2024-04-01", "2024-09-30", "range", name="year-jungban"),
    case("지난해 하반기", "2023-07-01", "2023-12-31", "half", name="half"),
    case("상반기 중", "2024-01-01", "2024-06-30", "half", name="half-alone"),
    case("내년 2분기", "2025-04-01", "2025-06-30", "quarter", name="quarter"),
    case("2분기(5월)", "2024-05-01", "2024-05-31", "month", name="quarter-narrowed-by-month"),
    case("2020년대 후반", "2027-01-01", "2029-12-31", "range", name="decade-part"),
    # months
    case("6월", "2024-06-01", "2024-06-30", "month", name="bare-month"),
    case("지난 9월", "2023-09-01", "2023-09-30", "month", name="jinan-month-last-year"),
    case("오는 2월", "2025-02-01", "2025-02-28", "month", name="oneun-month-next-year"),
    case("이달 중", "2024-05-01", "2024-05-31", "month", name="idal"),
    case("지난달", "2024-04-01", "2024-04-30", "month", name="jinandal"),
    case("다음 달", "2024-06-01", "2024-06-30", "month", name="daeum-dal"),
    case("내달 초", "2024-06-01", "2024-06-10", "range", name="naedal-cho"),
    case("3월 말", "2024-03-21", "2024-03-31", "range", name="month-mal"),
    case("이달 중순", "2024-05-11", "2024-05-20", "range", name="month-jungsun"),
    case("2021년 2월", "2021-02-01", "2021-02-28", "month", name="year-month"),
    # days
    case("2023년 11월 30일", "2023-11-30", "2023-11-30", "day", name="full-date"),
    case("2023.11.30", "2023-11-30", "2023-11-30", "day", name="dotted-date"),
    case("9일 발표했다", "2024-05-09", "2024-05-09", "day", name="bare-day-with-verb"),
    case("27일", "2024-05-27", "2024-05-27", "day", name="bare-day-later-in-month"),
    case("지난 20일", "2024-04-20", "2024-04-20", "day", name="jinan-day-previous-month"),
    case("지난 3일", "2024-05-03", "2024-05-03", "day", name="jinan-day-same-month"),
    case("오는 2일", "2024-06-02", "2024-06-02", "day", name="oneun-day-next-month"),
    case("지난달 28일", "2024-04-28", "2024-04-28", "day", name="jinandal-day"),
    case("13일(월) 오후", "2024-05-13", "2024-05-13", "day", name="day-weekday-paren"),
    case("어제까지", "2024-05-14", "2024-05-14", "day", name="eoje"),
    case("지난주", "2024-05-06", "2024-05-12", "range", name="jinanju"),
    case("다음 주 금요일", "2024-05-24", "2024-05-24", "day", name="next-week-friday"),
    # ranges
    case("2019년부터 2023년까지", "2019-01-01", "2023-12-31", "range", name="from-to"),
    case("지난해부터 내후년까지 4년간", "2023-01-01", "2026-12-31", "range", name="from-to-duration"),
    case("3월 4일부터 8일까지", "2024-03-04", "2024-03-08", "range", name="from-to-elided-month"),
    case("(2021∼2025)", "2021-01-01", "2025-12-31", "range", name="paren-years"),
    case("2027~2031년", "2027-01-01", "2031-12-31", "range", name="tilde-years"),
    case("11~12월", "2024-11-01", "2024-12-31", "range", name="tilde-months"),
    case("2025년 10월~2026년 2월", "2025-10-01", "2026-02-28", "range", name="tilde-points"),
    case("2022년까지", "2022-01-01", "2022-12-31", "year", name="kkaji-alone"),
    case("내년 상반기부터", "2025-01-01", "2025-06-30", "half", name="buteo-alone"),
    # durations
    case("지난 3년간", "2022-01-01", "2024-12-31", "range", name="past-n-years"),
    case("앞선 2년 동안", "2023-01-01", "2024-12-31", "range", name="apseon-n-years"),
    case("향후 3년", "2024-01-01", "2026-12-31", "range", name="future-n-years"),
    case("앞으로 6개월간", "2024-05-01", "2024-10-31", "range", name="future-n-months"),
    case("2025년부터 3년간", "2025-01-01", "2027-12-31", "range", name="from-n-years"),
    case("8월까지 4개월간", "2024-05-01", "2024-08-31", "range", name="until-n-months"),
    case("6월 10일부터 5일간", "2024-06-10", "2024-06-14", "range", name="from-n-days"),
    case("2021년부터 지난 3년간", "2021-01-01", "2024-05-15", "range", name="since-past-n-years"),
    case("3년 전", "2021-01-01", "2021-12-31", "year", name="n-years-ago"),
    # qualifiers
    case("이르면 다음 달", "2024-06-01", "2024-06-30", "month", name="ireumyeon"),
    case("늦어도 2026년 상반기", "2026-01-01", "2026-06-30", "half", name="neujeodo"),
    case("7월쯤", "2024-07-01", "2024-07-31", "month", name="jjeum"),
    # English
    case("by the end of next year", "2025-12-01", "2025-12-31", "month", name="en-end-of-next-year"),
    case("March 2026", "2026-03-01", "2026-03-31", "month", name="en-month-year"),
    case("October next year", "2025-10-01", "2025-10-31", "month", name="en-month-next-year"),
    case("last September", "2023-09-01", "2023-09-30", "month", name="en-last-month-name"),
    case("next year", "2025-01-01", "2025-12-31", "year", name="en-next-year"),
    case("2021 to 2023", "2021-01-01", "2023-12-31", "range", name="en-year-to-year"),
    case("between 2026 and 2030", "2026-01-01", "2030-12-31", "range", name="en-between"),
    case("three years ago", "2021-01-01", "2021-12-31", "year", name="en-years-ago"),
    case("operations begin in 2027", "2027-01-01", "2027-12-31", "year", name="en-begin-in"),
    case("completion in June next year", "2025-06-01", "2025-06-30", "month", name="en-completion-in"),
    case("the second half of 2025", "2025-07-01", "2025-12-31", "half", name="en-half"),
    case("early next year", "2025-01-01", "2025-03-31", "quarter", name="en-early-next-year"),
    case("Oct. 7", "2024-10-07", "2024-10-07", "day", name="en-abbrev-month-day"),
    case("on the 3rd", "2024-05-03", "2024-05-03", "day", name="en-ordinal"),
    case("Friday", "2024-05-10", "2024-05-10", "day", name="en-weekday"),
    case("earlier this year", "2024-01-01", "2024-05-15", "range", name="en-earlier-this-year"),
    case("over the next four years", "2024-01-01", "2027-12-31", "range", name="en-next-n-years"),
]


@pytest.mark.parametrize(("expression", "published", "lo", "hi", "precision"), RESOLVED)
def test_resolve(expression: str, published: dt.date, lo: dt.date, hi: dt.date, precision: Precision) -> None:
    span = resolve(expression, published)
    assert span is not None
    assert (span.lo, span.hi, span.precision) == (lo, hi, precision)


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param("", id="empty"),
        pytest.param("어제의 일", id="figurative-eoje"),
        pytest.param("abc", id="latin-noise"),
        pytest.param("5년간", id="unanchored-duration"),
        pytest.param("초기 2개년", id="count-of-years"),
        pytest.param("오늘날", id="oneulnal"),
        pytest.param("내달리다", id="naedal-verb"),
        pytest.param("1·2단계 사업", id="phase-numbers"),
        pytest.param("3,000명", id="number-with-unit"),
        pytest.param("may be delayed", id="lowercase-may"),
        pytest.param("the 24th anniversary", id="ordinal-before-noun"),
    ],
)
def test_resolve_none(expression: str) -> None:
    assert resolve(expression, PUBLISHED) is None


@pytest.mark.parametrize(
    ("published", "expression", "lo", "hi"),
    [
        pytest.param(D("2024-03-05"), "지난 31일", "2024-01-31", "2024-01-31", id="skips-short-february"),
        pytest.param(D("2024-12-20"), "오는 3일", "2025-01-03", "2025-01-03", id="next-month-crosses-year"),
        pytest.param(D("2024-01-08"), "지난달", "2023-12-01", "2023-12-31", id="last-month-crosses-year"),
        pytest.param(D("2024-01-03"), "지난주", "2023-12-25", "2023-12-31", id="last-week-crosses-year"),
        pytest.param(D("2024-11-20"), "12월~내년 2월", "2024-12-01", "2025-02-28", id="tilde-into-next-year"),
    ],
)
def test_resolve_near_boundaries(published: dt.date, expression: str, lo: str, hi: str) -> None:
    span = resolve(expression, published)
    assert span is not None
    assert (span.lo, span.hi) == (D(lo), D(hi))


def _check_offsets(text: str, mentions: list[Mention]) -> None:
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.expression
    for before, after in itertools.pairwise(mentions):
        assert before.end <= after.start


SENTENCES = [
    pytest.param(
        "시는 20일 내년 하반기부터 2029년까지 5년간 AI 실증 사업을 벌인다고 밝혔다.",
        [("20일", "2024-05-20", "2024-05-20"), ("내년 하반기부터 2029년까지 5년간", "2025-07-01", "2029-12-31")],
        id="announcement-and-programme",
    ),
    pytest.param(
        "센터는 지난 2월 착공해 이르면 올 연말께 문을 열고, 지난해 11월 맺은 협약은 이달 말 만료된다.",
        [
            ("지난 2월", "2024-02-01", "2024-02-29"),
            ("이르면 올 연말께", "2024-12-01", "2024-12-31"),
            ("지난해 11월", "2023-11-01", "2023-11-30"),
            ("이달 말", "2024-05-21", "2024-05-31"),
        ],
        id="construction-and-agreement",
    ),
    pytest.param(
        "1단계(2020∼2024년) 사업비 3,000억원 가운데 올해 집행액은 지난 3년간의 평균을 넘었다.",
        [
            ("2020∼2024년", "2020-01-01", "2024-12-31"),
            ("올해", "2024-01-01", "2024-12-31"),
            ("지난 3년간", "2022-01-01", "2024-12-31"),
        ],
        id="phase-budget",
    ),
    pytest.param(
        "The city said on Monday that the centre, delayed since last year, will open by the end of this year.",
        [
            ("Monday", "2024-05-13", "2024-05-13"),
            ("since last year", "2023-01-01", "2023-12-31"),
            ("by the end of this year", "2024-12-01", "2024-12-31"),
        ],
        id="english-report",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_find_dates(text: str, expected: list[tuple[str, str, str]]) -> None:
    mentions = find_dates(text, PUBLISHED)
    _check_offsets(text, mentions)
    assert [(m.expression, m.span.lo, m.span.hi) for m in mentions] == [(e, D(lo), D(hi)) for e, lo, hi in expected]


def test_find_dates_keeps_qualifiers_and_bounds() -> None:
    text = "늦어도 2026년까지 완공하고 이르면 내년 3월께부터 운영한다."
    mentions = find_dates(text, PUBLISHED)
    _check_offsets(text, mentions)
    assert [(m.expression, m.qualifier, m.bound) for m in mentions] == [
        ("늦어도 2026년까지", "늦어도", "until"),
        ("이르면 내년 3월께부터", "이르면", "from"),
    ]


def test_find_dates_prefers_the_longest_reading() -> None:
    text = "2020년부터 2024년까지, 내년 상반기, 2023년 4월 13일"
    expressions = [m.expression for m in find_dates(text, PUBLISHED)]
    assert expressions == ["2020년부터 2024년까지", "내년 상반기", "2023년 4월 13일"]


def test_find_dates_on_text_without_dates() -> None:
    assert find_dates("", PUBLISHED) == []
    assert find_dates("오늘의 성과는 어제의 노력 덕분이다. 전화 062-123-4567.", PUBLISHED) == []


def test_seed_article() -> None:
    path = SHARED / "articles" / "kwangju-ilbo-2022-04-13.txt"
    if not path.exists():
        pytest.skip("the shared seed article is not present")
    text = path.read_text(encoding="utf-8")
    mentions = find_dates(text, dt.date(2022, 4, 13))
    _check_offsets(text, mentions)
    found = {(m.expression, m.span.lo, m.span.hi, m.span.precision) for m in mentions}
    assert ("올 연말", D("2022-12-01"), D("2022-12-31"), Precision.MONTH) in found
    assert ("내년 상반기", D("2023-01-01"), D("2023-06-30"), Precision.HALF) in found
    assert ("지난해", D("2021-01-01"), D("2021-12-31"), Precision.YEAR) in found


def test_worked_cases() -> None:
    path = SHARED / "data" / "date-cases.jsonl"
    if not path.exists():
        pytest.skip("the shared worked cases are not present")
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    misses = []
    for worked in cases:
        span = resolve(worked["expression"], D(worked["published_on"]))
        got = None if span is None else (span.lo.isoformat(), span.hi.isoformat())
        if got != (worked["expected_start"], worked["expected_end"]):
            misses.append((worked["id"], worked["expression"], got))
    assert len(misses) <= 0.05 * len(cases), misses
