import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import ClaimFactory, MilestoneFactory, SourceFactory
from timeline.dates import DateSpan
from timeline.models import Claim, Source

pytestmark = pytest.mark.django_db
D = dt.date


def _insert_raw(claim: Claim):
    """Save without Python validation, so only the database can refuse the row."""
    with transaction.atomic():
        Claim.objects.bulk_create([claim])


@pytest.mark.parametrize(
    ("lo", "hi", "precision"),
    [
        pytest.param(D(2023, 6, 2), D(2023, 6, 1), "range", id="ends-before-start"),
        pytest.param(D(2023, 6, 1), D(2023, 6, 2), "day", id="day-of-two-days"),
        pytest.param(D(2023, 6, 2), D(2023, 6, 30), "month", id="month-not-from-first"),
        pytest.param(D(2023, 6, 1), D(2023, 7, 31), "month", id="month-of-two-months"),
        pytest.param(D(2023, 2, 1), D(2023, 4, 30), "quarter", id="quarter-from-february"),
        pytest.param(D(2023, 1, 1), D(2023, 3, 31), "half", id="half-of-three-months"),
        pytest.param(D(2023, 1, 1), D(2024, 12, 31), "year", id="year-of-two-years"),
        pytest.param(D(2023, 1, 1), D(2023, 1, 1), "week", id="unknown-precision"),
    ],
)
def test_database_refuses_a_span_that_contradicts_its_precision(lo, hi, precision):
    good = ClaimFactory()
    bad = Claim(
        uid="bad",
        milestone=good.milestone,
        source=good.source,
        field="end",
        status="planned",
        lo=lo,
        hi=hi,
        precision=precision,
    )
    with pytest.raises(IntegrityError):
        _insert_raw(bad)
    assert Claim.objects.count() == 1


@pytest.mark.parametrize(
    "span",
    [
        pytest.param(DateSpan.day(D(2023, 6, 1)), id="day"),
        pytest.param(DateSpan.month(2024, 2), id="month-leap"),
        pytest.param(DateSpan.quarter(2023, 4), id="quarter"),
        pytest.param(DateSpan.half(2023, 2), id="half"),
        pytest.param(DateSpan.year(2023), id="year"),
        pytest.param(DateSpan.range(D(2021, 8, 1), D(2021, 9, 30)), id="range"),
    ],
)
def test_database_accepts_every_well_formed_span(span):
    claim = ClaimFactory.build(milestone=MilestoneFactory(), source=SourceFactory(), uid=f"ok-{span.edtf}")
    claim.span = span
    _insert_raw(claim)
    assert Claim.objects.get(uid=claim.uid).span == span


def test_the_same_article_is_never_stored_twice():
    SourceFactory(body="같은 기사", url="https://a.example/1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(body="같은 기사", url="https://a.example/2")


def test_a_known_url_is_unique_but_many_sources_may_lack_one():
    SourceFactory(url="https://a.example/1")
    SourceFactory(url="", citation="notes a")
    SourceFactory(url="", citation="notes b")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url="https://a.example/1")
    assert Source.objects.count() == 3


def test_stated_on_defaults_to_the_source_date():
    claim = ClaimFactory(source=SourceFactory(published_on=D(2021, 1, 3)), stated_on=None)
    assert claim.stated_on == D(2021, 1, 3)


def test_saving_a_claim_refreshes_the_cached_schedule():
    milestone = MilestoneFactory(kind="event")
    ClaimFactory(milestone=milestone, field="event", stated_on=D(2021, 1, 3))
    milestone.refresh_from_db()
    assert milestone.derived.planned_end.span == DateSpan.month(2022, 12)
    later = ClaimFactory(
        milestone=milestone,
        field="event",
        lo=D(2023, 1, 1),
        hi=D(2023, 12, 31),
        precision="year",
        stated_on=D(2021, 2, 3),
    )
    milestone.refresh_from_db()
    assert milestone.derived.planned_end.span == DateSpan.year(2023)
    assert milestone.delay_days == (D(2023, 1, 1) - D(2022, 12, 1)).days, (
        "forecast 2023 against a first plan of 2022-12"
    )
    later.delete()
    milestone.refresh_from_db()
    assert milestone.derived.planned_end.span == DateSpan.month(2022, 12)
    assert milestone.delay_days == 0


def test_unreviewed_claims_do_not_move_the_schedule_until_accepted():
    milestone = MilestoneFactory()
    claim = ClaimFactory(milestone=milestone, reviewed=False)
    milestone.refresh_from_db()
    assert milestone.derived.planned_end is None
    claim.reviewed = True
    claim.save()
    milestone.refresh_from_db()
    assert milestone.derived.planned_end.span == DateSpan.month(2022, 12)
