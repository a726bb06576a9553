"""The timeline tells the truth: delay against the first plan, as-of without the future, reviewed data only.

These read the pages and exports as a visitor gets them (anonymous unless said otherwise).
"""

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from tests.html_forms import form_data
from tests.pages import figure
from timeline import charts
from timeline.articles.read import read_text
from timeline.importing import import_article
from timeline.models import Claim, Milestone

pytestmark = pytest.mark.django_db
GWANGJU = "gwangju-ai-cluster"
D = dt.date


def url(name, slug=GWANGJU, **kwargs):
    return reverse(f"timeline:{name}", kwargs={"slug": slug, **kwargs})


def by_key(rows):
    return {row["key"]: row for row in rows}


class TestDelayAgainstTheFirstPlan:
    @pytest.mark.parametrize(
        ("key", "baseline", "months", "basis"),
        [
            pytest.param("dc-building-completion", "2022-12", 2, "actual", id="building"),
            pytest.param("dc-service-start", "2022-12", 11, "actual", id="service"),
            pytest.param("driving-simulator", "2024-12", 9, "actual", id="simulator"),
        ],
    )
    def test_json_gives_the_baseline_and_the_delay(self, client, gwangju, key, baseline, months, basis):
        milestone = by_key(client.get(url("export_json")).json()["milestones"])[key]
        assert milestone["baseline_end"]["edtf"] == baseline
        assert set(milestone["baseline_end"]) == set(milestone["actual_end"]), "the same date object as the others"
        assert isinstance(milestone["delay_days"], int)
        first_day = dt.date.fromisoformat(milestone["actual_end"]["lo"])
        assert milestone["delay_days"] == (first_day - dt.date.fromisoformat(milestone["baseline_end"]["lo"])).days
        assert (milestone["delay"], milestone["delay_unit"], milestone["delay_basis"]) == (months, "month", basis)

    def test_the_delay_reads_in_months_on_the_page_and_in_the_panel(self, client, gwangju):
        response = client.get(url("program"))
        assertContains(response, "약 2개월 지연")
        assertNotContains(response, "62일")
        panel = client.get(url("milestone", key="dc-building-completion"))
        assertContains(panel, "약 2개월 지연")
        assertContains(panel, "2022년 12월")  # the first plan

    def test_csv_carries_the_same_delay(self, client, gwangju):
        body = client.get(url("export_csv")).content.decode("utf-8-sig")
        row = by_key(csv.DictReader(io.StringIO(body)))["dc-building-completion"]
        assert (row["baseline_end"], row["delay_days"], row["delay"], row["delay_unit"]) == (
            "2022-12",
            "62",
            "2",
            "month",
        )

    def test_the_chart_draws_the_first_plan_beside_what_happened(self, client, gwangju):
        fig = figure(client.get(url("program")))
        row = fig["layout"]["meta"]["keys"].index("dc-building-completion")
        baseline = next(
            t for t in fig["data"] if t["name"] == charts.LABELS["ko"]["baseline"] and t["type"] == "scatter"
        )
        assert baseline["marker"]["symbol"] == "diamond-open"
        x = baseline["x"][baseline["y"].index(row)]
        assert x == charts._ms(D(2022, 12, 16)), "an outline diamond at the first plan (the middle of December 2022)"
        actual = next(t for t in fig["data"] if t["name"] == charts.LABELS["ko"]["actual_event"])
        assert actual["x"][actual["y"].index(row)] == charts._ms(D(2023, 2, 14))
        line = next(t for t in fig["data"] if t["name"] == charts.LABELS["ko"]["baseline_line"])
        i = line["y"].index(row)
        assert line["x"][i : i + 2] == [charts._ms(D(2022, 12, 16)), charts._ms(D(2023, 2, 14))]


class TestAsKnownOnADay:
    DAY = "2022-04-13"

    def test_json_lists_no_claim_stated_later_and_no_milestone_unknown_then(self, client, gwangju):
        data = client.get(url("export_json"), {"as_of": self.DAY}).json()
        assert data["milestones"], "some milestones were known in April 2022"
        for milestone in data["milestones"]:
            stated = [c["stated_on"] for c in milestone["claims"]]
            assert stated, f"{milestone['key']} had no claim stated by then"
            assert all(day is not None and day <= self.DAY for day in stated)
            for slot in ("actual_start", "actual_end"):
                if milestone[slot]:
                    assert milestone[slot]["lo"] <= self.DAY
        known = set(
            Claim.objects.filter(milestone__program=gwangju, stated_on__lte=self.DAY, reviewed=True).values_list(
                "milestone__key", flat=True
            )
        )
        assert {m["key"] for m in data["milestones"]} == known
        assert len(known) < Milestone.objects.filter(program=gwangju).count()

    def test_the_page_draws_nothing_that_happened_after_the_day(self, client, gwangju):
        response = client.get(url("program"), {"as_of": self.DAY})
        fig = figure(response)
        day_end = charts._ms(D(2022, 4, 14))
        for trace in fig["data"]:
            if trace.get("name") in (charts.LABELS["ko"]["actual"], charts.LABELS["ko"]["actual_event"]):
                ends = (
                    [b + x for b, x in zip(trace["base"], trace["x"], strict=True)] if "base" in trace else trace["x"]
                )
                assert max(ends) <= day_end, trace["name"]
        lines = [s["x0"] for s in fig["layout"]["shapes"] if s["type"] == "line"]
        assert lines == [self.DAY], "the as-of line replaces the today line"
        assert "2026" not in json.dumps(fig["layout"]["xaxis"]["range"])
        undated = [t for t in fig["data"] if t.get("name") == charts.LABELS["ko"]["undated"]]
        assert not undated, "milestones unknown then are left out, not drawn as undated"

    def test_the_panel_shows_only_claims_stated_by_then(self, client, gwangju):
        panel = client.get(url("milestone", key="dc-building-completion"), {"as_of": self.DAY})
        claims = panel.context["claims"]
        assert claims and all(c.stated_on <= D(2022, 4, 13) for c in claims)
        assert panel.context["schedule"].actual_end is None
        assertNotContains(panel, "2024-09-22")

    def test_work_in_progress_ends_at_the_day(self, client):
        program = ProgramFactory(slug="wip")
        building = MilestoneFactory(program=program, key="build", kind="span")
        source = SourceFactory(published_on=D(2021, 8, 1))
        ClaimFactory(
            milestone=building, source=source, field="start", status="actual", lo=D(2021, 7, 1), hi=D(2021, 7, 31)
        )
        fig = figure(client.get(url("program", slug="wip"), {"as_of": "2022-01-15"}))
        actual = next(t for t in fig["data"] if t["name"] == charts.LABELS["ko"]["actual"])
        assert max(b + x for b, x in zip(actual["base"], actual["x"], strict=True)) == charts._ms(D(2022, 1, 16))


@pytest.fixture
def imported(db):
    """A program with one reviewed milestone, and an article imported about something it does not hold yet."""
    program = ProgramFactory(slug="imp", name_ko="시험 사업")
    MilestoneFactory(program=program, key="known", title_ko="데이터센터 건물 완공", title_en="Building completed")
    ClaimFactory(milestone=Milestone.objects.get(key="known"), source=SourceFactory(published_on=D(2021, 1, 3)))
    text = (
        "광주 창업지원센터 내년 3월 개관\n\n"
        "광주시는 인공지능 창업지원센터를 내년 3월 개관할 예정이라고 밝혔다. "
        "시는 창업지원센터 공사를 올해 하반기에 시작한다."
    )
    result = import_article(read_text(text), program=program, published=D(2024, 5, 2))
    assert result.claims and result.new_milestones, "the import proposed a draft milestone with unreviewed claims"
    return program, result


class TestReviewedDataOnly:
    def test_drafts_and_unreviewed_claims_appear_nowhere_for_a_visitor(self, client, imported):
        _program, result = imported
        draft = result.new_milestones[0]
        secrets = [draft.key, draft.title_ko, *(c.expression for c in result.claims if c.expression)]
        pages = [
            client.get(url("program", slug="imp")),
            client.get(url("program", slug="imp"), {"embed": "1"}),
            client.get(url("program", slug="imp"), {"as_of": "2024-06-01"}),
            client.get(url("sources", slug="imp")),
            client.get(url("export_csv", slug="imp")),
            client.get(url("export_json", slug="imp")),
            client.get(url("export_ics", slug="imp")),
            client.get(reverse("timeline:programs")),
        ]
        for response in pages:
            assert response.status_code == 200
            body = response.content.decode("utf-8-sig")
            for secret in secrets:
                assert secret not in body, (response.request["PATH_INFO"], secret)
        assert client.get(url("milestone", slug="imp", key=draft.key)).status_code == 404
        data = client.get(url("export_json", slug="imp")).json()
        assert all(c["reviewed"] for m in data["milestones"] for c in m["claims"])
        assert data["milestone_count"] == 1

    def test_editors_see_them_marked(self, staff_client, imported):
        _program, result = imported
        draft = result.new_milestones[0]
        page = staff_client.get(url("program", slug="imp"))
        assertContains(page, draft.title_ko)
        assertContains(page, 'class="draft-badge"')
        panel = staff_client.get(url("milestone", slug="imp", key=draft.key))
        assertContains(panel, "검토 전")  # "unreviewed"
        assertContains(panel, 'class="draft-note"')


class TestOneRefreshPath:
    def test_moving_the_only_claim_leaves_the_old_milestone_without_dates(self, staff_client):
        program = ProgramFactory(slug="move")
        old = MilestoneFactory(program=program, key="old")
        new = MilestoneFactory(program=program, key="new")
        claim = ClaimFactory(milestone=old)
        old.refresh_from_db()
        assert old.derived.planned_end is not None
        change = reverse("admin:timeline_claim_change", args=[claim.pk])
        data = form_data(staff_client.get(change).content, "claim_form")
        data["milestone"] = str(new.pk)
        response = staff_client.post(change, data)
        assert response.status_code == 302, response.content[:2000]
        old.refresh_from_db()
        new.refresh_from_db()
        assert not old.derived.is_dated and old.sort_date is None and old.source_count == 0
        assert new.derived.planned_end.claim_id == claim.pk
        panel = staff_client.get(url("milestone", slug="move", key="old"))
        assert panel.context["schedule"].is_dated is False

    def test_the_admin_status_agrees_with_the_page_on_the_same_day(self, staff_client, gwangju):
        from django.utils import timezone

        page_status = {
            row.key: row.schedule.status for row in staff_client.get(url("program")).context["timeline"].rows
        }
        today = timezone.localdate()
        annotated = dict(Milestone.objects.filter(program=gwangju).with_status(today).values_list("key", "status"))
        assert annotated == page_status
        overdue = [key for key, status in annotated.items() if status == "overdue"]
        listed = staff_client.get(reverse("admin:timeline_milestone_changelist"), {"status": "overdue"})
        assert {m.key for m in listed.context["cl"].result_list} == set(overdue)


class TestContradictions:
    @pytest.fixture
    def contradicting(self):
        program = ProgramFactory(slug="contra")
        m = MilestoneFactory(program=program, key="kc", title_ko="지식산업센터 준공")
        ClaimFactory(
            milestone=m, field="start", status="actual", lo=D(2024, 1, 1), hi=D(2024, 1, 31), stated_on=D(2024, 3, 1)
        )
        ClaimFactory(
            milestone=m, field="end", status="actual", lo=D(2023, 11, 1), hi=D(2023, 11, 30), stated_on=D(2024, 3, 2)
        )
        ClaimFactory(
            milestone=m, field="end", status="actual", lo=D(2025, 6, 1), hi=D(2025, 6, 30), stated_on=D(2024, 1, 5)
        )
        return m

    def test_flagged_in_the_panel_the_table_and_the_admin(self, client, staff_client, contradicting):
        panel = client.get(url("milestone", slug="contra", key="kc"))
        assertContains(panel, 'class="problem-note"')
        kinds = {p.kind for p in panel.context["schedule"].problems}
        assert kinds == {"actual_end_before_start", "actual_after_report"}
        page = client.get(url("program", slug="contra"))
        assertContains(page, 'class="problem"')
        listed = staff_client.get(reverse("admin:timeline_milestone_changelist"), {"contradicts": "yes"})
        assert [m.key for m in listed.context["cl"].result_list] == ["kc"]
        data = by_key(client.get(url("export_json", slug="contra")).json()["milestones"])["kc"]
        assert {c["kind"] for c in data["contradictions"]} == kinds

    def test_the_gwangju_data_says_where_it_contradicts_itself(self, gwangju):
        flagged = set(Milestone.objects.filter(program=gwangju, problem_count__gt=0).values_list("key", flat=True))
        assert flagged, "the Gwangju data holds an actual end before its actual start"


class TestNoPublic500:
    @pytest.mark.parametrize("day", ["0001-01-01", "0001-03-31", "9999-10-03", "9999-12-31"])
    def test_any_as_of_day_renders(self, client, gwangju, day):
        for name in ("program", "export_csv", "export_json", "export_ics"):
            assert client.get(url(name), {"as_of": day}).status_code == 200, name
        assert client.get(url("milestone", key="dc-building-completion"), {"as_of": day}).status_code == 200

    @pytest.mark.parametrize(
        "span",
        [
            pytest.param((D(1, 1, 1), D(1, 1, 1), "day"), id="year-1"),
            pytest.param((D(9999, 1, 1), D(9999, 12, 31), "year"), id="year-9999"),
            pytest.param((D(1, 1, 1), D(9999, 12, 31), "range"), id="everything"),
        ],
    )
    def test_any_stored_date_renders(self, client, span):
        program = ProgramFactory(slug="edge")
        for kind, field in (("event", "event"), ("span", "end"), ("span", "start")):
            m = MilestoneFactory(program=program, kind=kind)
            lo, hi, precision = span
            for status in ("planned", "actual"):
                ClaimFactory(
                    milestone=m, field=field, status=status, lo=lo, hi=hi, precision=precision, stated_on=D(2020, 1, 1)
                )
        for name in ("program", "export_csv", "export_json", "export_ics", "sources"):
            for params in ({}, {"as_of": "2020-01-01"}, {"embed": "1"}):
                assert client.get(url(name, slug="edge"), params).status_code == 200, (name, params)
        for m in program.milestones.all():
            assert client.get(url("milestone", slug="edge", key=m.key)).status_code == 200

    def test_multi_line_text_is_escaped_in_the_calendar(self, client):
        program = ProgramFactory(slug="lines", summary_ko="첫 줄\n둘째 줄\r\n셋째 줄")
        m = MilestoneFactory(program=program, title_ko="제목\n다음 줄")
        ClaimFactory(milestone=m)
        response = client.get(url("export_ics", slug="lines"))
        assert response.status_code == 200
        from icalendar import Calendar

        calendar = Calendar.from_ical(response.content)
        assert "둘째 줄" in str(calendar["X-WR-CALDESC"])
        events = calendar.walk("VEVENT")
        assert events and "다음 줄" in str(events[0]["SUMMARY"])

    @pytest.mark.parametrize(
        ("name", "kwargs"),
        [
            ("programs", {}),
            ("program", {"slug": GWANGJU}),
            ("sources", {"slug": GWANGJU}),
            ("export_csv", {"slug": GWANGJU}),
            ("export_json", {"slug": GWANGJU}),
            ("export_ics", {"slug": GWANGJU}),
            ("milestone", {"slug": GWANGJU, "key": "dc-service-start"}),
        ],
    )
    def test_every_public_url_answers_head(self, client, gwangju, name, kwargs):
        path = reverse(f"timeline:{name}", kwargs=kwargs)
        head = client.head(path)
        assert head.status_code == 200
        assert head.content == b""
        assert client.get(path).status_code == 200


def test_errors_and_their_tracebacks_go_to_stderr_in_production(tmp_path):
    """With DJANGO_DEBUG=0 an unhandled error is logged with its traceback on stderr."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client, override_settings\n"
        "with override_settings(ROOT_URLCONF='tests.error_urls'):\n"
        "    r = Client(raise_request_exception=False).get('/boom/', secure=True)\n"
        "print('status', r.status_code)\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-django-checks-0123456789",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert "status 500" in done.stdout, done.stderr
    assert "Traceback (most recent call last)" in done.stderr
    assert "boom-for-the-logging-test" in done.stderr
