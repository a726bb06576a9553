"""Audit history (django-simple-history): who changed what and when, shown in admin, revertible."""

import datetime as dt

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from tests.html_forms import form_data, row_of
from timeline.models import Claim, Milestone, Program, Source, touch_programs
from timeline.refresh import refresh_milestone, refresh_schedules

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(username="editor", email="", password="pw-editor-123")


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def edit_through_the_admin(client, obj, **changes):
    model_name = obj._meta.model_name
    url = reverse(f"admin:timeline_{model_name}_change", args=[obj.pk])
    data = form_data(client.get(url).content, f"{model_name}_form")
    response = client.post(url, {**data, **changes})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


class TestAdminEditsAreRecorded:
    def test_milestone_edit_records_user_and_changed_field(self, staff, editor):
        milestone = MilestoneFactory(title_ko="건물 착공")
        edit_through_the_admin(staff, milestone, title_ko="건물 준공")

        latest = milestone.history.latest()
        assert latest.history_type == "~"
        assert latest.history_user == editor
        assert latest.title_ko == "건물 준공"
        delta = latest.diff_against(latest.prev_record)
        assert delta.changed_fields == ["edit_version", "title_ko"]
        assert delta.changes[1].old == "건물 착공"
        assert dt.datetime.now(dt.UTC) - latest.history_date < dt.timedelta(minutes=1)

    @pytest.mark.parametrize(
        ("make", "field", "value"),
        [
            (ProgramFactory, "agency", "광주광역시"),
            (SourceFactory, "publisher", "전자신문"),
            (ClaimFactory, "expression", "연내"),
        ],
    )
    def test_every_model_is_recorded(self, staff, editor, make, field, value):
        obj = make()
        edit_through_the_admin(staff, obj, **{field: value})
        latest = obj.history.latest()
        assert (latest.history_user, getattr(latest, field)) == (editor, value)
        assert field in latest.diff_against(latest.prev_record).changed_fields

    def test_inline_claim_edits_name_the_user(self, staff, editor):
        claim = ClaimFactory(expression="올 연말")
        edit_through_the_admin(staff, claim.milestone, **{"claims-0-expression": "연말께"})
        latest = claim.history.latest()
        assert (latest.history_user, latest.expression) == (editor, "연말께")

    def test_delete_is_recorded(self, staff, editor):
        source = SourceFactory()
        response = staff.post(reverse("admin:timeline_source_delete", args=[source.pk]), {"post": "yes"})
        assert response.status_code == 302
        record = Source.history.latest()
        assert (record.history_type, record.history_user, record.citation) == ("-", editor, source.citation)


class TestDerivedFieldsAreNotHistory:
    def test_excluded_fields(self):
        milestone_fields = {f.name for f in Milestone.history.model._meta.fields}
        assert not milestone_fields & {"schedule", "status", "slip_days", "sort_date", "source_count", "conflict_count"}
        assert {"title_ko", "cancelled", "edit_version"} <= milestone_fields
        assert "data_version" not in {f.name for f in Program.history.model._meta.fields}

    def test_derived_updates_write_no_history_row(self):
        claim = ClaimFactory()
        rows = (Milestone.history.count(), Program.history.count(), Claim.history.count())
        refresh_milestone(claim.milestone)
        refresh_schedules()
        touch_programs()
        assert (Milestone.history.count(), Program.history.count(), Claim.history.count()) == rows


class TestHistoryPage:
    def test_lists_the_change_with_user_and_field(self, staff):
        milestone = MilestoneFactory(title_ko="건물 착공")
        edit_through_the_admin(staff, milestone, title_ko="건물 준공")
        response = staff.get(reverse("admin:timeline_milestone_history", args=[milestone.pk]))
        assertContains(response, "editor")
        assertContains(response, "건물 준공")
        assertContains(response, "건물 착공")  # the old value in the change column
        record = milestone.history.latest()
        assertContains(response, reverse("admin:timeline_milestone_simple_history", args=[milestone.pk, record.pk]))
        assertNotContains(response, "edit version")  # the counter is not shown as a change

    def test_revert_restores_the_old_value(self, staff, editor):
        milestone = MilestoneFactory(title_ko="건물 착공", summary_ko="요약")
        original = milestone.history.earliest()
        edit_through_the_admin(staff, milestone, title_ko="건물 준공")
        assert Milestone.objects.get().title_ko == "건물 준공"

        url = reverse("admin:timeline_milestone_simple_history", args=[milestone.pk, original.pk])
        page = staff.get(url)
        assert page.status_code == 200
        data = form_data(page.content, "historicalmilestone_form")
        assert data["title_ko"] == "건물 착공"
        assert data["edit_version"] == "1"  # the current version: reverting is an edit of the row as it is now
        response = staff.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]

        milestone.refresh_from_db()
        assert (milestone.title_ko, milestone.summary_ko, milestone.edit_version) == ("건물 착공", "요약", 2)
        latest = milestone.history.latest()
        assert (latest.history_user, latest.title_ko) == (editor, "건물 착공")

    def test_revert_from_a_stale_page_is_refused(self, staff):
        program = ProgramFactory(agency="A")
        first = program.history.earliest()
        edit_through_the_admin(staff, program, agency="B")
        url = reverse("admin:timeline_program_simple_history", args=[program.pk, first.pk])
        data = form_data(staff.get(url).content, "historicalprogram_form")
        edit_through_the_admin(staff, program, agency="C")
        response = staff.post(url, data)
        assert response.status_code == 200
        assertContains(response, "이 사업 항목을 연 뒤에 다른 사람이 수정했습니다")
        assert Program.objects.get().agency == "C"


class TestBulkEditsAreRecorded:
    def test_mark_reviewed_action(self, staff, editor):
        claim = ClaimFactory(reviewed=False)
        response = staff.post(
            reverse("admin:timeline_claim_changelist"), {"action": "mark_reviewed", "_selected_action": [claim.pk]}
        )
        assert response.status_code == 302
        claim.refresh_from_db()
        assert (claim.reviewed, claim.edit_version) == (True, 1)
        latest = claim.history.latest()
        assert (latest.history_user, latest.reviewed, latest.history_type) == (editor, True, "~")

    def test_review_page_accept(self, staff, editor):
        claim = ClaimFactory(reviewed=False)
        review = reverse("admin:timeline_claim_review")
        data = form_data(staff.get(review).content, "review-form")
        row = row_of(data, claim)
        response = staff.post(review, {**data, f"{row}-selected": "on", "action": "accept", f"{row}-when": "2023"})
        assert response.status_code == 302
        latest = claim.history.latest()
        assert (latest.history_user, latest.reviewed, latest.lo, latest.edit_version) == (
            editor,
            True,
            dt.date(2023, 1, 1),
            1,
        )

    def test_review_page_reject(self, staff, editor):
        claim = ClaimFactory(reviewed=False)
        review = reverse("admin:timeline_claim_review")
        data = form_data(staff.get(review).content, "review-form")
        asked = staff.post(review, {**data, f"{row_of(data, claim)}-selected": "on", "action": "reject"})
        assert asked.status_code == 200 and Claim.objects.exists(), "rejecting asks first"
        confirm = form_data(asked.content, "reject-form")
        assert staff.post(review, confirm).status_code == 302
        assert not Claim.objects.exists()
        record = Claim.history.latest()
        assert (record.history_type, record.history_user, record.uid) == ("-", editor, claim.uid)
