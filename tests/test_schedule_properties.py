"""Rules over the schedule, stated as invariants and checked on generated claim sets (hypothesis).

- As known on a day: claims stated after it, unreviewed or undated ones never change what is shown.
- Nothing that happened is shown after the day it was known.
- The delay is the outcome's first day minus the first plan's; the first plan stays first.
- Any dates from year 1 to 9999 draw a chart.
"""

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import charts
from timeline.dates import DateSpan
from timeline.schedule import ClaimFact, derive

TODAY = dt.date(2026, 11, 30)
YEARS = (2015, 2030)


@st.composite
def spans(draw, years=YEARS):
    year = draw(st.integers(*years))
    match draw(st.sampled_from(["day", "month", "quarter", "half", "year", "range"])):
        case "day":
            return DateSpan.day(draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31))))
        case "month":
            return DateSpan.month(year, draw(st.integers(1, 12)))
        case "quarter":
            return DateSpan.quarter(year, draw(st.integers(1, 4)))
        case "half":
            return DateSpan.half(year, draw(st.integers(1, 2)))
        case "year":
            return DateSpan.year(year)
        case _:
            lo = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
            days = min(draw(st.integers(1, 900)), (dt.date.max - lo).days)
            return DateSpan.range(lo, lo + dt.timedelta(days=days)) if days else DateSpan.day(lo)


def claims(kind: str, *, stated=None, years=YEARS, reviewed=None):
    fields = ["event"] if kind == "event" else ["start", "end", "both"]
    stated = (
        stated
        if stated is not None
        else st.one_of(st.none(), st.dates(dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)))
    )
    return st.builds(
        ClaimFact,
        id=st.integers(1, 10_000),
        field=st.sampled_from(fields),
        status=st.sampled_from(["planned", "actual"]),
        span=spans(years),
        stated_on=stated,
        source_id=st.integers(1, 6),
        reviewed=reviewed if reviewed is not None else st.booleans(),
        stated_approx=st.booleans(),
    )


kinds = st.sampled_from(["span", "event", "phase"])


@st.composite
def milestone_claims(draw, **kwargs):
    kind = draw(kinds)
    facts = draw(st.lists(claims(kind, **kwargs), max_size=12, unique_by=lambda c: c.id))
    return kind, facts


@given(milestone_claims(), st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)), st.data())
def test_claims_stated_after_the_day_never_change_the_as_of_view(known, day, data):
    kind, facts = known
    later_dates = st.dates(day + dt.timedelta(days=1), dt.date(2031, 12, 31))
    later = data.draw(st.lists(claims(kind, stated=later_dates), max_size=6, unique_by=lambda c: c.id))
    unknowable = data.draw(st.lists(claims(kind, stated=st.none()), max_size=3))
    drafts = data.draw(st.lists(claims(kind, reviewed=st.just(False)), max_size=3))
    used = {c.id for c in facts}
    extra = [c for c in later + unknowable + drafts if c.id not in used]
    then = derive(facts, kind=kind, today=TODAY, as_of=day)
    with_more = derive(facts + extra, kind=kind, today=TODAY, as_of=day)
    assert with_more.as_dict() == then.as_dict()
    assert with_more.status == then.status


@given(milestone_claims(), st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))
def test_nothing_is_shown_as_done_after_the_day_it_was_known(known, day):
    kind, facts = known
    then = derive(facts, kind=kind, today=TODAY, as_of=day)
    approx = {f.id for f in facts if f.stated_approx}
    for pick in (then.actual_start, then.actual_end):
        if pick is not None:
            assert pick.stated_on <= day
            assert pick.span.lo <= day, "nothing is shown as done after the day"
            if pick.claim_id not in approx:
                assert pick.span.lo <= pick.stated_on, "an actual date can only lie before the day it was reported"
    rows = [charts.Row(key="m", title="m", kind=kind, schedule=then)]
    figure = charts.gantt(rows, today=TODAY, as_of=day)
    day_ms = charts._ms(day)
    for trace in figure["data"]:
        if trace["name"] in (charts.LABELS["ko"]["actual"], charts.LABELS["ko"]["actual_event"]):
            if trace["type"] == "bar":
                ends = [base + length for base, length in zip(trace["base"], trace["x"], strict=True)]
            else:
                ends = trace["x"]
            assert max(ends) <= day_ms + charts.DAY_MS


@given(milestone_claims())
def test_claim_order_never_matters(known):
    kind, facts = known
    shuffled = facts[:]
    random.Random(len(facts)).shuffle(shuffled)
    assert derive(shuffled, kind=kind, today=TODAY).as_dict() == derive(facts, kind=kind, today=TODAY).as_dict()


@given(milestone_claims())
def test_delay_is_the_outcome_against_the_first_plan(known):
    kind, facts = known
    s = derive(facts, kind=kind, today=TODAY)
    if s.planned_end is None:
        assert s.delay_days is None and s.baseline_end is None
        return
    outcome = s.actual_end or s.planned_end
    if any(p.kind == "actual_end_before_start" for p in s.problems):
        assert s.delay_days is None
    else:
        assert s.delay_days == (outcome.span.lo - s.baseline_end.span.lo).days
    assert s.drift_days == (s.planned_end.span.lo - s.baseline_end.span.lo).days
    dated = [f for f in s.forecasts if f.stated_on is not None]
    if dated:
        assert s.baseline_end.stated_on == min(f.stated_on for f in dated)


@given(milestone_claims(reviewed=st.just(True)), st.data())
def test_a_later_plan_never_changes_the_first(known, data):
    kind, facts = known
    before = derive(facts, kind=kind, today=TODAY)
    if before.baseline_end is None or before.baseline_end.stated_on is None:
        return
    after_all = st.dates(max(f.stated_on for f in facts if f.stated_on) + dt.timedelta(days=1), dt.date(2032, 1, 1))
    field = "event" if kind == "event" else "end"
    extra = ClaimFact(
        id=20_000, field=field, status="planned", span=data.draw(spans()), stated_on=data.draw(after_all), source_id=9
    )
    after = derive([*facts, extra], kind=kind, today=TODAY)
    assert after.baseline_end == before.baseline_end
    assert after.planned_end.claim_id == 20_000


@settings(max_examples=60)
@given(
    milestone_claims(years=(1, 9999), reviewed=st.just(True)),
    st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
    st.sampled_from(["both", "planned", "actual"]),
)
def test_any_date_from_year_1_to_9999_draws(known, as_of, show):
    kind, facts = known
    schedule = derive(facts, kind=kind, today=TODAY, as_of=as_of)
    rows = [charts.Row(key="m", title="m", kind=kind, schedule=schedule)]
    figure = charts.gantt(rows, today=TODAY, as_of=as_of, show=show)
    lo, hi = figure["layout"]["xaxis"]["range"]
    assert "0001-01-01" <= lo <= hi <= "9999-12-31"
    charts.trend(schedule, today=TODAY)
    charts.segments(schedule)
