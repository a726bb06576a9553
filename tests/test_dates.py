import datetime as dt

import pytest

from timeline.dates import DateSpan, DateSpanError, Precision, bounds_problem

D = dt.date


@pytest.mark.parametrize(
    ("text", "lo", "hi", "precision"),
    [
        pytest.param("2023", D(2023, 1, 1), D(2023, 12, 31), "year", id="year"),
        pytest.param("2023년", D(2023, 1, 1), D(2023, 12, 31), "year", id="year-ko"),
        pytest.param("2023-06", D(2023, 6, 1), D(2023, 6, 30), "month", id="month"),
        pytest.param("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", id="month-leap"),
        pytest.param("2023-06-15", D(2023, 6, 15), D(2023, 6, 15), "day", id="day"),
        pytest.param("2023-H1", D(2023, 1, 1), D(2023, 6, 30), "half", id="half"),
        pytest.param("2023-h2", D(2023, 7, 1), D(2023, 12, 31), "half", id="half-lowercase"),
        pytest.param("2023-Q3", D(2023, 7, 1), D(2023, 9, 30), "quarter", id="quarter"),
        pytest.param("2023-40", D(2023, 1, 1), D(2023, 6, 30), "half", id="edtf-half"),
        pytest.param("2023-41", D(2023, 7, 1), D(2023, 12, 31), "half", id="edtf-second-half"),
        pytest.param("2023-34", D(2023, 4, 1), D(2023, 6, 30), "quarter", id="edtf-quarter"),
        pytest.param("2021-08/2021-09", D(2021, 8, 1), D(2021, 9, 30), "range", id="edtf-range"),
        pytest.param("2020/2024", D(2020, 1, 1), D(2024, 12, 31), "range", id="year-range"),
        pytest.param("2023년 상반기", D(2023, 1, 1), D(2023, 6, 30), "half", id="ko-half"),
        pytest.param("2023년 하반기", D(2023, 7, 1), D(2023, 12, 31), "half", id="ko-second-half"),
        pytest.param("2023년 3분기", D(2023, 7, 1), D(2023, 9, 30), "quarter", id="ko-quarter"),
        pytest.param("2022년 12월", D(2022, 12, 1), D(2022, 12, 31), "month", id="ko-month"),
        pytest.param("2022년 12월 3일", D(2022, 12, 3), D(2022, 12, 3), "day", id="ko-day"),
        pytest.param("  2022년12월  ", D(2022, 12, 1), D(2022, 12, 31), "month", id="ko-month-spacing"),
        pytest.param("H1 2023", D(2023, 1, 1), D(2023, 6, 30), "half", id="en-half-label"),
    ],
)
def test_parse_accepts_editor_forms(text, lo, hi, precision):
    span = DateSpan.parse(text)
    assert (span.lo, span.hi, span.precision) == (lo, hi, Precision(precision))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "Enter a date", id="empty"),
        pytest.param("soon", "Accepted forms", id="words"),
        pytest.param("2023-13", "month 13 does not exist", id="month-13"),
        pytest.param("2023-02-30", "not a real date", id="feb-30"),
        pytest.param("2023-Q5", "Accepted forms", id="quarter-5"),
        pytest.param("2024/2020", "ends", id="range-backwards"),
        pytest.param("2023년 13월", "not a real date", id="ko-month-13"),
        pytest.param("2023/abc", "Accepted forms", id="range-half-garbage"),
    ],
)
def test_parse_rejects_with_a_message_naming_the_problem(text, message):
    with pytest.raises(DateSpanError, match=message):
        DateSpan.parse(text)


@pytest.mark.parametrize(
    ("span", "edtf", "ko", "en"),
    [
        pytest.param(DateSpan.year(2023), "2023", "2023년", "2023", id="year"),
        pytest.param(DateSpan.half(2023, 1), "2023-40", "2023년 상반기", "H1 2023", id="half"),
        pytest.param(DateSpan.quarter(2023, 3), "2023-35", "2023년 3분기", "Q3 2023", id="quarter"),
        pytest.param(DateSpan.month(2022, 12), "2022-12", "2022년 12월", "Dec 2022", id="month"),
        pytest.param(DateSpan.day(D(2021, 11, 22)), "2021-11-22", "2021년 11월 22일", "22 Nov 2021", id="day"),
        pytest.param(
            DateSpan.range(D(2021, 8, 1), D(2021, 9, 30)),
            "2021-08/2021-09",
            "2021년 8월 ~ 2021년 9월",
            "Aug 2021 – Sep 2021",
            id="month-range",
        ),
        pytest.param(
            DateSpan.range(D(2024, 9, 23), D(2025, 9, 13)),
            "2024-09-23/2025-09-13",
            "2024년 9월 23일 ~ 2025년 9월 13일",
            "23 Sep 2024 – 13 Sep 2025",
            id="day-range",
        ),
    ],
)
def test_formats_round_trip(span, edtf, ko, en):
    assert span.edtf == edtf
    assert span.label_ko == ko
    assert span.label_en == en
    assert DateSpan.parse(edtf) == span


@pytest.mark.parametrize(
    ("lo", "hi", "precision"),
    [
        pytest.param(D(2023, 1, 2), D(2023, 12, 31), "year", id="year-not-from-jan-1"),
        pytest.param(D(2023, 2, 1), D(2023, 7, 31), "half", id="half-from-february"),
        pytest.param(D(2023, 6, 1), D(2023, 6, 29), "month", id="month-short"),
        pytest.param(D(2023, 6, 1), D(2023, 6, 2), "day", id="day-two-days"),
        pytest.param(D(2023, 6, 2), D(2023, 6, 1), "range", id="backwards"),
        pytest.param(D(2023, 6, 1), D(2023, 6, 1), "fortnight", id="unknown-precision"),
    ],
)
def test_bounds_must_match_precision(lo, hi, precision):
    assert bounds_problem(lo, hi, precision)
    with pytest.raises(DateSpanError):
        DateSpan(lo, hi, precision)


def test_edges_of_a_year_range_are_years():
    span = DateSpan.range(D(2020, 1, 1), D(2024, 12, 31))
    assert span.edge("start") == DateSpan.year(2020)
    assert span.edge("end") == DateSpan.year(2024)


def test_edges_of_an_unaligned_range_are_days():
    span = DateSpan.range(D(2024, 9, 23), D(2025, 9, 13))
    assert span.edge("start") == DateSpan.day(D(2024, 9, 23))
    assert span.edge("end") == DateSpan.day(D(2025, 9, 13))
