"""Each program's Atom feed of schedule changes, read as a feed reader reads it (feedparser)."""

import datetime as dt
import itertools

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains

from tests.factories import ClaimFactory, MilestoneFactory, SourceFactory
from tests.test_schedule_properties import TODAY, spans
from timeline import changes
from timeline.dates import DateSpan
from timeline.schedule import ClaimFact, derive

D = dt.date
FEED = "/programs/gwangju-ai-cluster/feed.atom"


def read_feed(client, url=FEED):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def day(entry) -> dt.date:
    """The entry's date as written (Seoul time; feedparser's parsed form is in UTC)."""
    return dt.date.fromisoformat(entry.updated[:10])


def related(entry) -> list[str]:
    return [link.href for link in entry.links if link.rel == "related"]


@pytest.mark.django_db
class TestGwangjuFeed:
    def test_the_building_moves_from_end_2022_to_2023_and_back_then_is_reported_done(self, client, gwangju):
        feed = read_feed(client)
        building = [e for e in feed.entries if e.link.endswith("/milestones/dc-building-completion/")]
        # A feed lists the newest first; read as history, oldest first.
        history = list(reversed(building))
        assert [day(e) for e in history] == sorted(day(e) for e in history)
        moves = [(day(e), e.title) for e in history if e.tags[0].term in ("planned", "moved")]
        assert moves[0] == (D(2021, 1, 3), "국가AI데이터센터(데이터센터동) 건물 완공: 첫 계획 2022년 12월")
        assert moves[1] == (D(2021, 2, 3), "국가AI데이터센터(데이터센터동) 건물 완공: 전망 변경 2022년 12월 → 2023년")
        assert moves[2] == (D(2021, 11, 21), "국가AI데이터센터(데이터센터동) 건물 완공: 전망 변경 2023년 → 2022년 12월")
        done = [e for e in history if e.tags[0].term == "done"]
        assert len(done) == 1
        assert day(done[0]) == D(2023, 7, 23)
        assert history.index(done[0]) > history.index(next(e for e in history if day(e) == D(2021, 11, 21)))
        # Each one cites its source: by name in the text, by address as a related link.
        for entry in (*[e for e in history if day(e) in {D(2021, 1, 3), D(2021, 2, 3), D(2021, 11, 21)}], done[0]):
            assert related(entry), entry.title
            assert entry.author
            assert entry.author in entry.summary
        assert related(done[0]) == ["https://hankyung.com/amp/2023072353771"]
        assert "지난해" in done[0].summary

    def test_later_disagreement_about_the_completion_is_an_entry(self, client, gwangju):
        feed = read_feed(client)
        conflicts = [
            e
            for e in feed.entries
            if e.link.endswith("/milestones/dc-building-completion/") and e.tags[0].term == "conflict"
        ]
        on = {day(e): e for e in conflicts}
        assert D(2024, 9, 22) in on
        assert "2023년 2월" in on[D(2024, 9, 22)].title and "2023년 11월" in on[D(2024, 9, 22)].title

    def test_entries_link_to_the_panel_and_are_unique(self, client, gwangju):
        feed = read_feed(client)
        assert feed.feed.title == "광주 인공지능 중심 산업융합 집적단지 조성사업: 일정 변경"
        ids = [e.id for e in feed.entries]
        assert len(ids) == len(set(ids)) > 50
        panel = client.get(feed.entries[0].link.removeprefix("http://testserver"))
        assert panel.status_code == 200

    def test_the_page_points_feed_readers_at_the_feed(self, client, gwangju):
        page = client.get("/programs/gwangju-ai-cluster/")
        assertContains(page, f'<link rel="alternate" type="application/atom+xml" href="{FEED}"')


@pytest.mark.django_db
def test_only_reviewed_claims_make_entries(client):
    milestone = MilestoneFactory(kind="event", title_ko="시범 완공")
    ClaimFactory(milestone=milestone, source=SourceFactory(published_on=D(2021, 1, 3)), field="event")
    ClaimFactory(
        milestone=milestone,
        source=SourceFactory(published_on=D(2021, 6, 1), publisher="초안일보"),
        field="event",
        lo=D(2023, 1, 1),
        hi=D(2023, 12, 31),
        precision="year",
        reviewed=False,
    )
    feed = read_feed(client, f"/programs/{milestone.program.slug}/feed.atom")
    assert [e.tags[0].term for e in feed.entries] == ["planned"]
    assert "초안일보" not in str(feed)


@pytest.mark.django_db
def test_an_unknown_program_has_no_feed(client):
    assert client.get("/programs/no-such-program/feed.atom").status_code == 404


def end_claims():
    return st.lists(
        st.builds(
            ClaimFact,
            id=st.integers(1, 10_000),
            field=st.sampled_from(["end", "event"]),
            status=st.sampled_from(["planned", "actual"]),
            span=spans((2018, 2026)),
            stated_on=st.dates(D(2018, 1, 1), D(2026, 12, 31)),
            source_id=st.integers(1, 6),
            reviewed=st.booleans(),
        ),
        max_size=12,
        unique_by=lambda c: c.id,
    )


@settings(max_examples=150, deadline=None)
@given(end_claims())
def test_forecast_changes_chain_from_the_first_plan_to_the_latest(facts):
    """Each move starts where the last one ended, and the chain ends at the schedule's planned end."""
    found = changes.milestone_changes(facts, kind="span")
    moves = [c for c in found if c.kind in (changes.PLANNED, changes.MOVED)]
    final = derive(facts, kind="span", today=TODAY).planned_end
    if final is None:
        assert moves == []
        return
    assert moves[0].kind == changes.PLANNED and moves[0].before is None
    assert all(c.kind == changes.MOVED for c in moves[1:])
    for earlier, later in itertools.pairwise(moves):
        assert later.before == earlier.after
        assert later.after != later.before
        assert later.on > earlier.on
    assert moves[-1].after == final.span
    # Reported done once, on the first day an actual end was known.
    done = [c for c in found if c.kind == changes.DONE]
    assert len(done) <= 1
    if done:
        before = derive(facts, kind="span", today=TODAY, as_of=done[0].on - dt.timedelta(days=1))
        assert before.actual_end is None
        assert derive(facts, kind="span", today=TODAY, as_of=done[0].on).actual_end is not None
    # Every change is dated by a reviewed claim stated that day.
    stated = {c.id: c.stated_on for c in facts if c.reviewed}
    for change in found:
        assert stated[change.claim_id] == change.on


def test_a_forecast_that_does_not_move_is_not_news():
    same = DateSpan.month(2022, 12)
    facts = [
        ClaimFact(1, "event", "planned", same, D(2021, 1, 3), 1),
        ClaimFact(2, "event", "planned", same, D(2021, 2, 3), 2),
    ]
    assert [c.kind for c in changes.milestone_changes(facts, kind="event")] == ["planned"]


@pytest.mark.django_db
def test_a_newly_reviewed_claim_shows_in_the_feed_at_once(client):
    milestone = MilestoneFactory(kind="event", title_ko="시범 완공")
    ClaimFactory(milestone=milestone, source=SourceFactory(published_on=D(2021, 1, 3)), field="event")
    url = f"/programs/{milestone.program.slug}/feed.atom"
    assert len(read_feed(client, url).entries) == 1
    assert len(read_feed(client, url).entries) == 1  # the second read comes from the cache
    ClaimFactory(
        milestone=milestone,
        source=SourceFactory(published_on=D(2021, 6, 1)),
        field="event",
        lo=D(2023, 1, 1),
        hi=D(2023, 12, 31),
        precision="year",
    )
    entries = read_feed(client, url).entries
    assert [e.tags[0].term for e in entries] == ["moved", "planned"]
