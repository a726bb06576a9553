import datetime as dt

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from timeline.admin import ClaimAdmin
from timeline.dates import DateSpan
from timeline.models import Claim, Milestone, Program, Source

pytestmark = pytest.mark.django_db


def _claim_data(milestone, source, when="2023년 상반기", **extra):
    return {
        "milestone": milestone.pk,
        "source": source.pk,
        "field": "end",
        "status": "planned",
        "when": when,
        "expression": "내년 상반기",
        "stated_on": "2022-04-13",
        "reviewed": "on",
        "sentence": "",
        "note": "",
        **extra,
    }


class TestAnonymous:
    @pytest.mark.parametrize("model", ["program", "milestone", "source", "claim"])
    def test_cannot_reach_the_admin(self, client, model):
        url = reverse(f"admin:timeline_{model}_changelist")
        response = client.get(url)
        assertRedirects(response, f"{reverse('admin:login')}?next={url}")

    def test_cannot_add_a_program(self, client):
        response = client.post(reverse("admin:timeline_program_add"), {"slug": "x", "name_ko": "x"})
        assert response.status_code == 302
        assert not Program.objects.exists()


class TestProgramAdmin:
    def test_add_change_delete(self, staff_client):
        data = {
            "slug": "test-program",
            "name_ko": "시험 사업",
            "name_en": "Test program",
            "agency": "",
            "summary_ko": "",
            "summary_en": "",
            "budget_ko": "",
            "budget_en": "",
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "0",
            "milestones-0-position": "1",
            "milestones-0-key": "kickoff",
            "milestones-0-kind": "event",
            "milestones-0-title_ko": "착수",
            "milestones-0-title_en": "Kickoff",
        }
        response = staff_client.post(reverse("admin:timeline_program_add"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        program = Program.objects.get(slug="test-program")
        assert program.milestones.get().key == "kickoff"

        data.update(
            {"name_en": "Renamed", "milestones-INITIAL_FORMS": "1", "milestones-0-id": program.milestones.get().pk}
        )
        data["milestones-0-program"] = program.pk
        response = staff_client.post(reverse("admin:timeline_program_change", args=[program.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        program.refresh_from_db()
        assert program.name_en == "Renamed"

        response = staff_client.post(reverse("admin:timeline_program_delete", args=[program.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not Program.objects.exists()


class TestMilestoneAdmin:
    def _data(self, program, **extra):
        return {
            "program": program.pk,
            "key": "dc-building",
            "kind": "event",
            "position": "3",
            "title_ko": "데이터센터 완공",
            "title_en": "Data center completed",
            "summary_ko": "",
            "summary_en": "",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
            **extra,
        }

    def test_add_with_a_claim_inline_derives_the_schedule(self, staff_client):
        program = ProgramFactory()
        source = SourceFactory()
        data = self._data(
            program,
            **{
                "claims-TOTAL_FORMS": "1",
                "claims-0-source": source.pk,
                "claims-0-field": "event",
                "claims-0-status": "planned",
                "claims-0-when": "2022년 12월",
                "claims-0-expression": "올 연말",
                "claims-0-stated_on": "2022-04-13",
                "claims-0-reviewed": "on",
            },
        )
        response = staff_client.post(reverse("admin:timeline_milestone_add"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        milestone = Milestone.objects.get(key="dc-building")
        assert milestone.derived.planned_end.span == DateSpan.month(2022, 12)

    def test_bad_date_in_the_inline_is_a_form_error_and_saves_nothing(self, staff_client):
        program = ProgramFactory()
        source = SourceFactory()
        data = self._data(
            program,
            **{
                "claims-TOTAL_FORMS": "1",
                "claims-0-source": source.pk,
                "claims-0-field": "event",
                "claims-0-status": "planned",
                "claims-0-when": "2022-13",
                "claims-0-stated_on": "2022-04-13",
            },
        )
        response = staff_client.post(reverse("admin:timeline_milestone_add"), data)
        assertContains(response, "month 13 does not exist")
        assert not Milestone.objects.exists()
        assert not Claim.objects.exists()

    def test_change_and_delete(self, staff_client):
        milestone = MilestoneFactory()
        data = self._data(milestone.program, key=milestone.key, title_ko="바뀐 제목")
        response = staff_client.post(reverse("admin:timeline_milestone_change", args=[milestone.pk]), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        milestone.refresh_from_db()
        assert milestone.title_ko == "바뀐 제목"
        response = staff_client.post(reverse("admin:timeline_milestone_delete", args=[milestone.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not Milestone.objects.exists()

    def test_changelist_shows_derived_dates_and_filters(self, staff_client):
        claim = ClaimFactory(milestone=MilestoneFactory(title_ko="건물 완공"))
        ClaimFactory(reviewed=False)
        response = staff_client.get(reverse("admin:timeline_milestone_changelist"))
        assertContains(response, "건물 완공")
        assertContains(response, "2022년 12월")
        response = staff_client.get(reverse("admin:timeline_milestone_changelist"), {"unreviewed": "yes"})
        assert claim.milestone.title_ko not in response.content.decode()
        response = staff_client.get(reverse("admin:timeline_milestone_changelist"), {"q": "건물"})
        assertContains(response, "건물 완공")


class TestSourceAdmin:
    def test_add_change_delete(self, staff_client):
        data = {
            "kind": "news",
            "citation": "etnews 1",
            "url": "https://news.example/1",
            "title": "데이터센터 완공 예정",
            "publisher": "etnews",
            "author": "",
            "published_on": "2022-04-13",
            "date_note": "",
            "language": "ko",
            "body": "본문",
            "claims-TOTAL_FORMS": "0",
            "claims-INITIAL_FORMS": "0",
        }
        response = staff_client.post(reverse("admin:timeline_source_add"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        source = Source.objects.get()
        assert len(source.content_hash) == 64
        data["title"] = "새 제목"
        response = staff_client.post(reverse("admin:timeline_source_change", args=[source.pk]), data)
        assert response.status_code == 302
        source.refresh_from_db()
        assert source.title == "새 제목"
        response = staff_client.post(reverse("admin:timeline_source_delete", args=[source.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not Source.objects.exists()

    def test_autocomplete_finds_sources(self, staff_client):
        SourceFactory(citation="kmib 0015385828")
        response = staff_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "timeline", "model_name": "claim", "field_name": "source", "term": "kmib"},
        )
        assert response.json()["results"][0]["text"].startswith(Source.objects.get().publisher)


class TestClaimAdmin:
    def test_add_change_delete(self, staff_client):
        milestone, source = MilestoneFactory(), SourceFactory()
        response = staff_client.post(reverse("admin:timeline_claim_add"), _claim_data(milestone, source))
        assert response.status_code == 302, response.content.decode()[:3000]
        claim = Claim.objects.get()
        assert claim.span == DateSpan.half(2023, 1)
        milestone.refresh_from_db()
        assert milestone.derived.planned_end.span == DateSpan.half(2023, 1)

        data = _claim_data(milestone, source, when="2023-Q3")
        response = staff_client.post(reverse("admin:timeline_claim_change", args=[claim.pk]), data)
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.span == DateSpan.quarter(2023, 3)

        response = staff_client.post(reverse("admin:timeline_claim_delete", args=[claim.pk]), {"post": "yes"})
        assert response.status_code == 302
        milestone.refresh_from_db()
        assert milestone.derived.planned_end is None

    @pytest.mark.parametrize(
        ("when", "message"),
        [
            pytest.param("2024/2020", "ends", id="ends-before-start"),
            pytest.param("next spring", "Accepted forms", id="unreadable"),
            pytest.param("", "id_when_error", id="missing"),
            pytest.param("2023-02-30", "not a real date", id="no-such-day"),
        ],
    )
    def test_bad_date_is_a_form_error_not_a_500(self, staff_client, when, message):
        milestone, source = MilestoneFactory(), SourceFactory()
        response = staff_client.post(reverse("admin:timeline_claim_add"), _claim_data(milestone, source, when=when))
        assert response.status_code == 200
        assertContains(response, message)
        assert not Claim.objects.exists()

    def test_bulk_action_marks_claims_reviewed_and_updates_the_schedule(self, staff_client):
        claim = ClaimFactory(reviewed=False)
        response = staff_client.post(
            reverse("admin:timeline_claim_changelist"),
            {"action": "mark_reviewed", "_selected_action": [claim.pk]},
        )
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.reviewed
        claim.milestone.refresh_from_db()
        assert claim.milestone.derived.planned_end.span == DateSpan.month(2022, 12)
        assert claim.milestone.derived.planned_end.stated_on == claim.stated_on == dt.date(2022, 4, 13)


@pytest.mark.parametrize(
    ("language", "wanted", "unwanted"),
    [
        ("ko", ["예: 2023, 2023-06", '<label class="required" for="id_milestone">마일스톤:'], ["e.g. 2023"]),
        ("en", ["e.g. 2023, 2023-06", '<label class="required" for="id_milestone">Milestone:'], ["예: 2023"]),
    ],
)
def test_the_claim_form_speaks_the_editors_language(staff_client, language, wanted, unwanted):
    """The date's help text (built once, when the form class is defined) and the labels follow each request."""
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = staff_client.get(reverse("admin:timeline_claim_add"))
    for text in wanted:
        assertContains(response, text)
    for text in unwanted:
        assertNotContains(response, text)


def test_the_claim_admin_is_one_class_with_the_import_and_review_pages():
    registered = admin.site._registry[Claim]
    assert type(registered) is ClaimAdmin
    names = {getattr(p, "name", None) for p in registered.get_urls()}
    assert {"timeline_claim_import", "timeline_claim_import_confirm", "timeline_claim_review"} <= names
