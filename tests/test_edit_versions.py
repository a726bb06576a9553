"""No lost updates: two editors open the same object, both save; the second save is refused.

Each test drives two logged-in staff sessions through the real admin pages: both GET the
change form, the first POSTs what its page holds with one change, then the second POSTs
what its (now stale) page holds with another change.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from tests.html_forms import form_data, row_of
from timeline.admin_import import apply_edits
from timeline.models import Claim, EditConflict, Milestone, Program, touch_programs
from timeline.refresh import refresh_milestone, refresh_schedules

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(django_user_model):
    clients = []
    for name in ("alice", "bob"):
        user = django_user_model.objects.create_superuser(username=name, email="", password=f"pw-{name}-12345")
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def open_form(client, url, model_name):
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content, f"{model_name}_form")


def error_text(response) -> str:
    """The form's error messages as shown, in one string."""
    errors = []
    context = response.context
    errors.extend(context["adminform"].form.non_field_errors())
    for formset in context.get("inline_admin_formsets", []):
        for form in formset.formset.forms:
            errors.extend(form.non_field_errors())
    return " ".join(str(e) for e in errors)


class TestMilestoneChangeForm:
    def test_the_second_save_is_refused_and_explains_what_changed(self, editors):
        alice, bob = editors
        milestone = MilestoneFactory(title_ko="원래 제목", summary_ko="처음 요약")
        url = reverse("admin:timeline_milestone_change", args=[milestone.pk])
        alices_page, bobs_page = open_form(alice, url, "milestone"), open_form(bob, url, "milestone")
        assert alices_page["edit_version"] == str(milestone.edit_version) == "0"

        response = alice.post(url, {**alices_page, "title_ko": "앨리스의 제목"})
        assert response.status_code == 302, error_text(response)
        milestone.refresh_from_db()
        assert (milestone.title_ko, milestone.edit_version) == ("앨리스의 제목", 1)

        response = bob.post(url, {**bobs_page, "summary_ko": "밥의 요약"})
        assert response.status_code == 200
        message = error_text(response)
        assert "이 마일스톤 항목을 연 뒤에 다른 사람이 수정했습니다" in message
        assert "alice" in message
        assert "“앨리스의 제목”" in message and "“원래 제목”" in message  # now vs. what Bob started from
        assertContains(response, "앨리스의 제목")  # the message is on the page
        milestone.refresh_from_db()
        assert (milestone.title_ko, milestone.summary_ko, milestone.edit_version) == ("앨리스의 제목", "처음 요약", 1)

    def test_saving_again_from_the_same_stale_page_is_still_refused(self, editors):
        alice, bob = editors
        milestone = MilestoneFactory()
        url = reverse("admin:timeline_milestone_change", args=[milestone.pk])
        alices_page, bobs_page = open_form(alice, url, "milestone"), open_form(bob, url, "milestone")
        assert alice.post(url, {**alices_page, "title_ko": "A"}).status_code == 302
        stale = {**bobs_page, "title_ko": "B"}
        assert bob.post(url, stale).status_code == 200
        assert bob.post(url, stale).status_code == 200
        assert Milestone.objects.get().title_ko == "A"

    def test_after_reloading_the_second_editor_can_save(self, editors):
        alice, bob = editors
        milestone = MilestoneFactory()
        url = reverse("admin:timeline_milestone_change", args=[milestone.pk])
        alices_page = open_form(alice, url, "milestone")
        assert alice.post(url, {**alices_page, "title_ko": "A"}).status_code == 302
        bobs_page = open_form(bob, url, "milestone")
        assert bobs_page["title_ko"] == "A"
        assert bob.post(url, {**bobs_page, "summary_ko": "B"}).status_code == 302
        milestone.refresh_from_db()
        assert (milestone.title_ko, milestone.summary_ko, milestone.edit_version) == ("A", "B", 2)

    def test_one_editor_saving_twice_in_a_row_is_fine(self, editors):
        alice, _bob = editors
        milestone = MilestoneFactory()
        url = reverse("admin:timeline_milestone_change", args=[milestone.pk])
        assert alice.post(url, {**open_form(alice, url, "milestone"), "title_ko": "1"}).status_code == 302
        assert alice.post(url, {**open_form(alice, url, "milestone"), "title_ko": "2"}).status_code == 302
        assert Milestone.objects.get().edit_version == 2

    def test_inline_claims_on_the_milestone_page(self, editors):
        alice, bob = editors
        claim = ClaimFactory(expression="올 연말", note="")
        milestone = claim.milestone
        url = reverse("admin:timeline_milestone_change", args=[milestone.pk])
        alices_page, bobs_page = open_form(alice, url, "milestone"), open_form(bob, url, "milestone")
        assert alices_page["claims-0-edit_version"] == "0"

        response = alice.post(url, {**alices_page, "claims-0-expression": "연내"})
        assert response.status_code == 302, error_text(response)
        response = bob.post(url, {**bobs_page, "claims-0-when": "2023-06"})
        assert response.status_code == 200
        message = error_text(response)
        assert "이 주장 항목을 연 뒤에 다른 사람이 수정했습니다" in message
        assert milestone.edit_version == Milestone.objects.get().edit_version == 0  # only the claim changed
        assert "“연내”" in message and "“올 연말”" in message
        claim.refresh_from_db()
        assert (claim.expression, claim.lo.isoformat(), claim.edit_version) == ("연내", "2022-12-01", 1)


class TestClaimChangeForm:
    def test_the_second_save_is_refused(self, editors):
        alice, bob = editors
        claim = ClaimFactory(expression="올 연말", reviewed=False)
        url = reverse("admin:timeline_claim_change", args=[claim.pk])
        alices_page, bobs_page = open_form(alice, url, "claim"), open_form(bob, url, "claim")

        response = alice.post(url, {**alices_page, "when": "2023-H1"})
        assert response.status_code == 302, error_text(response)
        response = bob.post(url, {**bobs_page, "expression": "연말께", "reviewed": "on"})
        assert response.status_code == 200
        message = error_text(response)
        assert "alice" in message
        assert "2023-06-30" in message and "2022-12-31" in message  # the end of the span: now vs. then
        claim.refresh_from_db()
        assert (claim.lo.isoformat(), claim.hi.isoformat()) == ("2023-01-01", "2023-06-30")
        assert (claim.expression, claim.reviewed, claim.edit_version) == ("올 연말", False, 1)


class TestProgramAndSourceChangeForms:
    def test_program(self, editors):
        alice, bob = editors
        program = ProgramFactory(agency="과기정통부")
        url = reverse("admin:timeline_program_change", args=[program.pk])
        alices_page, bobs_page = open_form(alice, url, "program"), open_form(bob, url, "program")
        assert alice.post(url, {**alices_page, "agency": "광주광역시"}).status_code == 302
        response = bob.post(url, {**bobs_page, "budget_ko": "4000억 원"})
        assert response.status_code == 200
        assert "광주광역시" in error_text(response)
        program.refresh_from_db()
        assert (program.agency, program.budget_ko) == ("광주광역시", "")

    def test_source(self, editors):
        alice, bob = editors
        source = SourceFactory(title="첫 제목")
        url = reverse("admin:timeline_source_change", args=[source.pk])
        alices_page, bobs_page = open_form(alice, url, "source"), open_form(bob, url, "source")
        assert alice.post(url, {**alices_page, "title": "고친 제목"}).status_code == 302
        response = bob.post(url, {**bobs_page, "publisher": "다른 신문"})
        assert response.status_code == 200
        assert "고친 제목" in error_text(response)
        source.refresh_from_db()
        assert (source.title, source.edit_version) == ("고친 제목", 1)


class TestReviewPage:
    def test_a_row_changed_since_the_page_was_opened_is_refused(self, editors):
        alice, bob = editors
        claim = ClaimFactory(reviewed=False)
        review = reverse("admin:timeline_claim_review")
        bobs_page = form_data(bob.get(review).content, "review-form")
        change = reverse("admin:timeline_claim_change", args=[claim.pk])
        assert alice.post(change, {**open_form(alice, change, "claim"), "when": "2024"}).status_code == 302

        row = row_of(bobs_page, claim)
        assert bobs_page[f"{row}-version"] == "0"
        response = bob.post(review, {**bobs_page, f"{row}-selected": "on", "action": "accept"})
        assert response.status_code == 400
        assertContains(response, "다른 사람이 이 주장을 수정하거나 삭제했습니다", status_code=400)
        claim.refresh_from_db()
        assert (claim.reviewed, claim.lo.year, claim.edit_version) == (False, 2024, 1)


class TestDerivedWritesAndTheModelCheck:
    def test_derived_updates_do_not_bump_the_version(self):
        claim = ClaimFactory()
        milestone = claim.milestone
        program = milestone.program
        versions = (program.edit_version, milestone.edit_version, claim.edit_version)
        refresh_milestone(milestone)
        refresh_schedules()
        touch_programs()
        program.refresh_from_db()
        milestone.refresh_from_db()
        claim.refresh_from_db()
        assert (program.edit_version, milestone.edit_version, claim.edit_version) == versions
        assert program.data_version != 0

    def test_a_save_from_a_stale_instance_raises_and_writes_nothing(self):
        program = ProgramFactory(agency="A")
        stale = Program.objects.get(pk=program.pk)
        program.agency = "B"
        program.save()
        stale.agency = "C"
        with pytest.raises(EditConflict):
            stale.save()
        assert stale.edit_version == 0
        assert Program.objects.get().agency == "B"
        assert Program.objects.get().edit_version == 1

    def test_a_stale_claim_rejected_on_the_review_page_function(self):
        claim = ClaimFactory(reviewed=False)
        stale = Claim.objects.get(pk=claim.pk)
        claim.note = "meanwhile"
        claim.save()
        errors = apply_edits([stale], {}, accept=True)
        assert list(errors) == [claim.pk]
        assert Claim.objects.get().reviewed is False


CONFLICT_TEXT = {
    "ko": [
        "이 마일스톤 항목을 연 뒤에 다른 사람이 수정했습니다(연 버전 0, 현재 버전 1). "
        "그래서 변경 내용은 저장하지 않았고, 아무것도 덮어쓰지 않았습니다.",
        "수정한 사람: alice (",
        "그사이 바뀐 내용: 제목 (한국어): 현재 “앨리스의 제목”, 처음 연 값 “원래 제목”.",
        "페이지를 새로 고쳐 현재 버전을 확인한 뒤 다시 수정하세요.",
    ],
    "en": [
        "This milestone was changed by someone else after you opened it (version 0, now 1), "
        "so your changes were not saved and nothing was overwritten.",
        "Changed by: alice (",
        "Changed meanwhile: title (Korean): now “앨리스의 제목”, you started from “원래 제목”.",
        "Reload the page to see the current version, then make your changes again.",
    ],
}


@pytest.mark.parametrize(("language", "other"), [("ko", "en"), ("en", "ko")])
def test_the_conflict_message_speaks_the_editors_language(editors, language, other):
    alice, bob = editors
    bob.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    milestone = MilestoneFactory(title_ko="원래 제목")
    url = reverse("admin:timeline_milestone_change", args=[milestone.pk])
    alices_page, bobs_page = open_form(alice, url, "milestone"), open_form(bob, url, "milestone")
    assert alice.post(url, {**alices_page, "title_ko": "앨리스의 제목"}).status_code == 302
    response = bob.post(url, {**bobs_page, "summary_ko": "밥의 요약"})
    assert response.status_code == 200
    message = error_text(response)
    for wanted in CONFLICT_TEXT[language]:
        assert wanted in message
    for unwanted in CONFLICT_TEXT[other]:
        assert unwanted not in message


@pytest.mark.parametrize(
    ("language", "wanted"),
    [
        ("ko", "사업 {pk} 항목은 버전 0 이후에 다른 사람이 수정했습니다."),
        ("en", "program {pk} was changed by someone else after version 0 was read."),
    ],
)
def test_the_model_level_conflict_is_worded_in_the_active_language(language, wanted):
    program = ProgramFactory()
    stale = Program.objects.get(pk=program.pk)
    program.save()
    with translation.override(language), pytest.raises(EditConflict) as raised:
        stale.save()
    assert str(raised.value) == wanted.format(pk=program.pk)
