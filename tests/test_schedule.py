import datetime as dt

import pytest

from timeline.dates import DateSpan
from timeline.schedule import ClaimFact, delay_in_unit, derive

D = dt.date
TODAY = D(2026, 11, 25)


def fact(n, field, status, span, stated_on, source=None, reviewed=True):
    return ClaimFact(
        id=n, field=field, status=status, span=span, stated_on=stated_on, source_id=source or n, reviewed=reviewed
    )


def test_latest_claim_wins_over_earlier_forecast():
    claims = [
        fact(1, "end", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
        fact(2, "end", "planned", DateSpan.year(2023), D(2021, 2, 3)),
        fact(3, "end", "planned", DateSpan.half(2023, 1), D(2022, 4, 13)),
    ]
    schedule = derive(claims, today=TODAY)
    assert schedule.planned_end.span == DateSpan.half(2023, 1)
    assert schedule.planned_end.claim_id == 3


def test_claim_order_does_not_matter():
    claims = [
        fact(3, "end", "planned", DateSpan.half(2023, 1), D(2022, 4, 13)),
        fact(1, "end", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
    ]
    assert derive(claims, today=TODAY).planned_end.claim_id == 3


def test_as_of_gives_the_schedule_known_then():
    claims = [
        fact(1, "end", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
        fact(2, "end", "planned", DateSpan.year(2023), D(2021, 2, 3)),
        fact(3, "end", "planned", DateSpan.month(2022, 12), D(2022, 4, 12)),
        fact(4, "end", "actual", DateSpan.month(2023, 2), D(2024, 9, 22)),
    ]
    then = derive(claims, today=TODAY, as_of=D(2022, 4, 13))
    assert then.planned_end.span == DateSpan.month(2022, 12)
    assert then.actual_end is None
    assert then.status == "planned"
    assert derive(claims, today=TODAY, as_of=D(2021, 1, 2)).is_dated is False
    assert derive(claims, today=TODAY).status == "done"


def test_delay_is_the_actual_end_against_the_first_plan():
    # Promised for December 2022, a later forecast said 2022 again, it was finished in February 2023.
    claims = [
        fact(1, "event", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
        fact(2, "event", "planned", DateSpan.month(2022, 12), D(2022, 4, 12)),
        fact(3, "event", "actual", DateSpan.month(2023, 2), D(2024, 9, 22)),
    ]
    schedule = derive(claims, kind="event", today=TODAY)
    assert schedule.baseline_end.claim_id == 1
    assert schedule.delay_days == (D(2023, 2, 1) - D(2022, 12, 1)).days == 62
    assert schedule.delay_basis == "actual"
    assert schedule.drift_days == 0, "the forecast itself never moved"
    assert delay_in_unit(schedule) == (2, "month")


def test_without_an_actual_date_the_delay_is_the_forecast_against_the_first_plan():
    claims = [
        fact(1, "end", "planned", DateSpan.year(2024), D(2020, 1, 29)),
        fact(2, "end", "planned", DateSpan.quarter(2025, 1), D(2024, 9, 22)),
    ]
    schedule = derive(claims, today=TODAY)
    assert schedule.delay_days == (D(2025, 1, 1) - D(2024, 1, 1)).days
    assert schedule.delay_basis == "forecast"
    assert schedule.drift_days == schedule.delay_days
    assert delay_in_unit(schedule) == (1, "year"), "a year-precise plan is late by about a year, not by 366 days"


def test_a_later_plan_that_came_true_is_still_late_against_the_first():
    # The old "slip" (latest plan minus first) said -214 days here; the reader needs "about nine months late".
    claims = [
        fact(1, "event", "planned", DateSpan.month(2024, 12), D(2024, 1, 16)),
        fact(2, "event", "planned", DateSpan.month(2024, 5), D(2024, 5, 7)),
        fact(3, "event", "actual", DateSpan.day(D(2025, 9, 11)), D(2025, 9, 11)),
    ]
    schedule = derive(claims, kind="event", today=TODAY)
    assert schedule.baseline_end.span == DateSpan.month(2024, 12)
    assert schedule.delay_days == (D(2025, 9, 11) - D(2024, 12, 1)).days
    assert delay_in_unit(schedule) == (9, "month")
    assert schedule.drift_days < 0, "the forecast moved earlier, the event came later"


def test_undated_plans_cannot_be_the_baseline_when_a_dated_one_exists():
    claims = [
        fact(1, "end", "planned", DateSpan.month(2023, 7), None),
        fact(2, "end", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
    ]
    assert derive(claims, today=TODAY).baseline_end.claim_id == 2


def test_no_delay_without_a_plan():
    claims = [fact(1, "event", "actual", DateSpan.month(2023, 2), D(2024, 9, 22))]
    schedule = derive(claims, kind="event", today=TODAY)
    assert schedule.delay_days is None
    assert delay_in_unit(schedule) is None


@pytest.mark.parametrize(
    ("baseline", "outcome", "expected"),
    [
        pytest.param(DateSpan.day(D(2024, 3, 1)), DateSpan.day(D(2024, 3, 13)), (12, "day"), id="days-for-days"),
        pytest.param(DateSpan.month(2022, 12), DateSpan.day(D(2023, 2, 20)), (3, "month"), id="month-and-day"),
        pytest.param(DateSpan.half(2023, 1), DateSpan.half(2023, 2), (6, "month"), id="halves-in-months"),
        pytest.param(DateSpan.year(2024), DateSpan.year(2026), (2, "year"), id="years"),
        pytest.param(DateSpan.month(2024, 6), DateSpan.month(2024, 6), (0, "month"), id="on-time"),
        pytest.param(DateSpan.month(2024, 6), DateSpan.month(2024, 3), (-3, "month"), id="early"),
    ],
)
def test_delay_is_told_in_the_unit_the_precision_allows(baseline, outcome, expected):
    claims = [
        fact(1, "event", "planned", baseline, D(2020, 1, 1)),
        fact(2, "event", "actual", outcome, D(2027, 1, 1)),
    ]
    assert delay_in_unit(derive(claims, kind="event", today=TODAY)) == expected


def test_only_reviewed_claims_count():
    claims = [
        fact(1, "end", "planned", DateSpan.year(2024), D(2020, 1, 29)),
        fact(2, "end", "planned", DateSpan.year(2030), D(2024, 1, 1), reviewed=False),
    ]
    schedule = derive(claims, today=D(2023, 1, 1))
    assert schedule.planned_end.claim_id == 1
    assert schedule.claim_count == 1


def test_actual_dates_that_disagree_are_a_conflict():
    claims = [
        fact(1, "event", "actual", DateSpan.year(2022), D(2023, 7, 23)),
        fact(2, "event", "actual", DateSpan.month(2023, 11), D(2024, 5, 7)),
        fact(3, "event", "actual", DateSpan.month(2023, 2), D(2024, 9, 22)),
    ]
    schedule = derive(claims, kind="event", today=TODAY)
    assert len(schedule.conflicts) == 3
    assert {c.slot for c in schedule.conflicts} == {"actual_end"}
    assert schedule.actual_end.claim_id == 3


def test_actual_dates_that_overlap_are_not_a_conflict():
    claims = [
        fact(1, "event", "actual", DateSpan.year(2023), D(2024, 1, 1)),
        fact(2, "event", "actual", DateSpan.month(2023, 11), D(2024, 5, 7)),
    ]
    assert derive(claims, kind="event", today=TODAY).conflicts == ()


def test_planned_dates_conflict_only_when_stated_at_the_same_time():
    same_time = [
        fact(1, "end", "planned", DateSpan.month(2022, 12), D(2022, 4, 12)),
        fact(2, "end", "planned", DateSpan.month(2023, 8), D(2022, 4, 20)),
    ]
    assert len(derive(same_time, today=TODAY).conflicts) == 1
    months_apart = [
        fact(1, "end", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
        fact(2, "end", "planned", DateSpan.year(2023), D(2021, 8, 12)),
    ]
    assert derive(months_apart, today=TODAY).conflicts == ()


def test_one_source_does_not_conflict_with_itself():
    claims = [
        fact(1, "end", "planned", DateSpan.month(2022, 12), D(2022, 4, 12), source=7),
        fact(2, "end", "planned", DateSpan.year(2021), D(2022, 4, 12), source=7),
    ]
    assert derive(claims, today=TODAY).conflicts == ()


def test_a_period_claim_gives_start_and_end_edges():
    claims = [fact(1, "both", "planned", DateSpan.range(D(2020, 1, 1), D(2024, 12, 31)), D(2019, 11, 11))]
    schedule = derive(claims, today=D(2021, 1, 1))
    assert schedule.planned_start.span == DateSpan.year(2020)
    assert schedule.planned_end.span == DateSpan.year(2024)


def test_status_follows_the_dates():
    planned = [fact(1, "end", "planned", DateSpan.year(2024), D(2020, 1, 1))]
    assert derive(planned, today=D(2024, 6, 1)).status == "planned"
    assert derive(planned, today=D(2025, 1, 1)).status == "overdue"
    started = [*planned, fact(2, "start", "actual", DateSpan.month(2021, 11), D(2021, 11, 22))]
    assert derive(started, today=D(2024, 6, 1)).status == "in_progress"
    finished = [*started, fact(3, "end", "actual", DateSpan.month(2025, 9), D(2025, 9, 13))]
    assert derive(finished, today=D(2026, 1, 1)).status == "done"
    assert derive(finished, today=D(2026, 1, 1), cancelled=True).status == "cancelled"


def test_an_event_with_an_actual_date_is_done():
    claims = [fact(1, "event", "actual", DateSpan.day(D(2021, 11, 22)), D(2021, 11, 22))]
    assert derive(claims, kind="event", today=TODAY).status == "done"


def test_unknown_statement_date_is_the_oldest_word():
    claims = [
        fact(1, "end", "planned", DateSpan.year(2029), None),
        fact(2, "end", "planned", DateSpan.year(2030), D(2025, 8, 22)),
    ]
    assert derive(claims, today=TODAY).planned_end.claim_id == 2
    assert derive(claims, today=TODAY, as_of=D(2025, 1, 1)).planned_end is None


def test_schedule_survives_its_cache_round_trip():
    from timeline.schedule import Schedule

    claims = [
        fact(1, "event", "actual", DateSpan.year(2022), D(2023, 7, 23)),
        fact(2, "event", "actual", DateSpan.month(2023, 11), D(2024, 5, 7)),
        fact(3, "event", "planned", DateSpan.month(2022, 12), D(2021, 1, 3)),
    ]
    schedule = derive(claims, kind="event", today=TODAY)
    assert schedule.conflicts
    assert Schedule.from_dict(schedule.as_dict()) == schedule


def test_conflicts_cached_as_edtf_strings_still_read():
    """Caches written before conflicts held lo/hi dicts name their spans in EDTF."""
    from timeline.schedule import Schedule

    claims = [
        fact(1, "event", "actual", DateSpan.year(2022), D(2023, 7, 23)),
        fact(2, "event", "actual", DateSpan.month(2023, 11), D(2024, 5, 7)),
    ]
    schedule = derive(claims, kind="event", today=TODAY)
    cached = schedule.as_dict()
    cached["conflicts"] = [
        {**c, "spans": [DateSpan.from_dict(s).edtf for s in c["spans"]]} for c in cached["conflicts"]
    ]
    assert cached["conflicts"][0]["spans"] == ["2022", "2023-11"]
    assert Schedule.from_dict(cached) == schedule


def test_an_actual_claim_cannot_report_a_future_end():
    claims = [fact(1, "both", "actual", DateSpan.range(D(2020, 1, 1), D(2029, 12, 31)), D(2025, 8, 1))]
    schedule = derive(claims, today=TODAY)
    assert schedule.actual_start.span == DateSpan.year(2020)
    assert schedule.actual_end is None
    assert schedule.planned_end.span == DateSpan.year(2029)
    assert schedule.status == "in_progress"


def test_an_actual_date_after_an_exact_report_day_is_a_plan_and_a_contradiction():
    claims = [fact(1, "event", "actual", DateSpan.day(D(2025, 8, 22)), D(2025, 8, 1))]
    schedule = derive(claims, kind="event", today=TODAY)
    assert schedule.actual_end is None and schedule.planned_end.claim_id == 1
    assert [p.kind for p in schedule.problems] == ["actual_after_report"]


def test_a_roughly_dated_report_can_tell_of_a_later_day_in_its_month():
    # Published "some day in August 2025" (stored as 2025-08-01, approximate): "22일" is not in its future.
    claims = [
        ClaimFact(1, "event", "actual", DateSpan.day(D(2025, 8, 22)), D(2025, 8, 1), 1, stated_approx=True),
    ]
    schedule = derive(claims, kind="event", today=TODAY)
    assert schedule.actual_end.claim_id == 1
    assert schedule.problems == ()
    then = derive(claims, kind="event", today=TODAY, as_of=D(2025, 8, 10))
    assert then.actual_end is None, "as known on the 10th, the 22nd had not happened"


def test_an_end_reported_before_its_start_is_a_contradiction():
    claims = [
        fact(1, "start", "actual", DateSpan.month(2024, 1), D(2024, 2, 12)),
        fact(2, "end", "actual", DateSpan.month(2023, 11), D(2024, 2, 12)),
    ]
    schedule = derive([*claims, fact(3, "end", "planned", DateSpan.month(2027, 12), D(2024, 2, 12))], today=TODAY)
    assert [(p.kind, p.claim_ids) for p in schedule.problems] == [("actual_end_before_start", (1, 2))]
    assert schedule.delay_days is None, "an end reported before its start says nothing about the delay"
