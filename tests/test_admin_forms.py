"""Admin forms submitted exactly as the page renders them (django-webtest: no JavaScript, hidden fields as sent).

A person fills only the visible fields they would type; an autocomplete select is set to
the value its search would pick (`force_value`), the rest goes back as the page holds it.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from timeline.models import Claim, Milestone, Program, Source

pytestmark = pytest.mark.django_db


def _url(model: str, view: str, *args) -> str:
    return reverse(f"admin:timeline_{model}_{view}", args=args)


def _form(page, model: str):
    return page.forms[f"{model}_form"]


def _saved(response) -> None:
    problems = re.findall(r"errorlist.*?</ul>", response.text, re.S)[:5]
    assert response.status_code == 302, problems or response.text[:3000]


class TestAddPages:
    def test_program(self, app):
        form = _form(app.get(_url("program", "add")), "program")
        form["slug"] = "new-program"
        form["name_ko"] = "새 사업"
        _saved(form.submit("_save"))
        assert Program.objects.get(slug="new-program").edit_version == 0

    def test_program_with_a_milestone_in_its_inline(self, app):
        page = app.get(_url("program", "add"))
        form = _form(page, "program")
        form["slug"] = "with-milestone"
        form["name_ko"] = "사업"
        # The inline has no empty row without JavaScript: the "add another" button copies the
        # template row; a browser then sends it as row 0.
        assert form["milestones-TOTAL_FORMS"].value == "0"
        _saved(form.submit("_continue"))
        program = Program.objects.get(slug="with-milestone")
        form = _form(app.get(_url("program", "change", program.pk)), "program")
        form["name_en"] = "Program"
        _saved(form.submit("_save"))
        program.refresh_from_db()
        assert program.name_en == "Program"

    def test_milestone(self, app):
        program = ProgramFactory()
        form = _form(app.get(_url("milestone", "add")), "milestone")
        form["program"] = str(program.pk)
        form["key"] = "kickoff"
        form["kind"] = "event"
        form["title_ko"] = "착수"
        _saved(form.submit("_save"))
        milestone = Milestone.objects.get(key="kickoff")
        assert (milestone.program, milestone.edit_version) == (program, 0)

    def test_milestone_with_a_claim_in_its_inline(self, app):
        program, source = ProgramFactory(), SourceFactory()
        form = _form(app.get(_url("milestone", "add")), "milestone")
        form["program"] = str(program.pk)
        form["key"] = "opening"
        form["kind"] = "event"
        form["title_ko"] = "개소"
        form["claims-0-source"].force_value(str(source.pk))
        form["claims-0-field"] = "event"
        form["claims-0-status"] = "planned"
        form["claims-0-when"] = "2024년 하반기"
        _saved(form.submit("_save"))
        claim = Claim.objects.get(milestone__key="opening")
        assert (claim.span.label_ko, claim.edit_version, claim.stated_on) == ("2024년 하반기", 0, source.published_on)

    def test_source(self, app):
        form = _form(app.get(_url("source", "add")), "source")
        form["citation"] = "etnews 20240101"
        _saved(form.submit("_save"))
        assert Source.objects.get(citation="etnews 20240101").edit_version == 0

    def test_claim(self, app):
        milestone, source = MilestoneFactory(), SourceFactory()
        form = _form(app.get(_url("claim", "add")), "claim")
        form["milestone"].force_value(str(milestone.pk))
        form["source"].force_value(str(source.pk))
        form["field"] = "end"
        form["status"] = "planned"
        form["when"] = "2023-H1"
        _saved(form.submit("_save"))
        claim = Claim.objects.get()
        assert (claim.span.edtf, claim.edit_version) == ("2023-40", 0)
        milestone.refresh_from_db()
        assert milestone.schedule, "the schedule was refreshed"

    def test_empty_add_gets_the_form_back_with_errors(self, app):
        for model in ("program", "milestone", "source", "claim"):
            response = _form(app.get(_url(model, "add")), model).submit("_save")
            assert response.status_code == 200
            assert "errornote" in response.text


class TestMilestonePage:
    def test_adding_a_claim_in_the_inline_keeps_the_other_edits(self, app):
        claim = ClaimFactory()
        milestone, source = claim.milestone, SourceFactory()
        form = _form(app.get(_url("milestone", "change", milestone.pk)), "milestone")
        form["title_en"] = "Renamed"
        form["claims-1-source"].force_value(str(source.pk))
        form["claims-1-field"] = "start"
        form["claims-1-status"] = "actual"
        form["claims-1-when"] = "2022-03-02"
        _saved(form.submit("_save"))
        milestone.refresh_from_db()
        assert milestone.title_en == "Renamed"
        assert milestone.claims.filter(field="start", status="actual", lo=dt.date(2022, 3, 2)).exists()

    def test_a_bad_inline_row_keeps_the_page_and_saves_nothing(self, app):
        claim = ClaimFactory()
        milestone = claim.milestone
        form = _form(app.get(_url("milestone", "change", milestone.pk)), "milestone")
        form["title_en"] = "Renamed"
        form["claims-0-when"] = "2023-13"
        response = form.submit("_save")
        assert response.status_code == 200
        assert "2023-13" in response.text
        form = _form(response, "milestone")
        assert form["title_en"].value == "Renamed", "the other edits are still on the page"
        milestone.refresh_from_db()
        assert milestone.title_en != "Renamed"

    def test_a_no_op_save_writes_nothing(self, app):
        milestone = MilestoneFactory()
        half = ClaimFactory(milestone=milestone, lo=dt.date(2023, 1, 1), hi=dt.date(2023, 6, 30), precision="half")
        ClaimFactory(milestone=milestone)
        ClaimFactory(milestone=milestone, lo=dt.date(2021, 8, 1), hi=dt.date(2021, 9, 30), precision="range")

        def state():
            program = Program.objects.get(pk=milestone.program_id)
            return (
                sorted(Claim.objects.values_list("pk", "edit_version")),
                Claim.history.count(),
                Milestone.history.count(),
                Milestone.objects.get(pk=milestone.pk).edit_version,
                program.data_version,
            )

        before = state()
        page = app.get(_url("milestone", "change", milestone.pk))
        assert _form(page, "milestone")[f"claims-{0}-when"].value  # the rows are there
        _saved(_form(page, "milestone").submit("_save"))
        assert state() == before
        _saved(_form(app.get(_url("source", "change", half.source_id)), "source").submit("_save"))
        _saved(_form(app.get(_url("claim", "change", half.pk)), "claim").submit("_save"))
        assert state() == before

    def test_an_edit_of_one_claim_does_not_fail_the_save_of_another(self, app, django_app_factory, django_user_model):
        milestone = MilestoneFactory()
        first = ClaimFactory(milestone=milestone)
        ClaimFactory(milestone=milestone, field="start")
        page = app.get(_url("milestone", "change", milestone.pk))

        other = django_app_factory()
        other.set_user(django_user_model.objects.create_superuser("other", "", "pw-other-123"))
        form = _form(other.get(_url("claim", "change", first.pk)), "claim")
        form["expression"] = "연내"
        _saved(form.submit("_save"))

        form = _form(page, "milestone")
        rows = {form[f"claims-{i}-id"].value: i for i in range(2)}
        second = rows[str(milestone.claims.exclude(pk=first.pk).get().pk)]
        form[f"claims-{second}-expression"] = "내년 초"
        _saved(form.submit("_save"))
        assert set(milestone.claims.values_list("expression", flat=True)) == {"연내", "내년 초"}

    def test_a_concurrent_edit_of_the_same_claim_is_refused(self, app, django_app_factory, django_user_model):
        claim = ClaimFactory()
        page = app.get(_url("milestone", "change", claim.milestone_id))
        other = django_app_factory()
        other.set_user(django_user_model.objects.create_superuser("other", "", "pw-other-123"))
        form = _form(other.get(_url("claim", "change", claim.pk)), "claim")
        form["expression"] = "연내"
        _saved(form.submit("_save"))

        form = _form(page, "milestone")
        form["claims-0-expression"] = "내년 초"
        response = form.submit("_save")
        assert response.status_code == 200
        assert "other" in response.text
        claim.refresh_from_db()
        assert claim.expression == "연내"


class TestDates:
    @pytest.mark.parametrize(
        ("language", "shown"),
        [pytest.param("ko", "2023년 상반기", id="ko"), pytest.param("en", "2023-H1", id="en")],
    )
    def test_a_half_year_shows_as_typed_not_as_edtf(self, app, language, shown):
        claim = ClaimFactory(lo=dt.date(2023, 1, 1), hi=dt.date(2023, 6, 30), precision="half")
        app.set_cookie("django_language", language)
        form = _form(app.get(_url("claim", "change", claim.pk)), "claim")
        assert form["when"].value == shown
        assert "EDTF" not in form.text


class TestDeletePages:
    @pytest.mark.parametrize("model", ["program", "milestone", "source", "claim"])
    def test_delete_as_rendered(self, app, model):
        claim = ClaimFactory()
        obj = {"program": claim.milestone.program, "milestone": claim.milestone, "source": None, "claim": claim}[model]
        if model == "source":
            obj = SourceFactory()
        page = app.get(_url(model, "delete", obj.pk))
        response = page.forms[1].submit() if len(page.forms) > 1 else page.form.submit()
        assert response.status_code == 302, response.text[:2000]
        assert not type(obj).objects.filter(pk=obj.pk).exists()


class TestHistory:
    def test_restoring_a_deleted_claim(self, app):
        claim = ClaimFactory()
        pk, record = claim.pk, claim.history.earliest()
        claim.delete()
        page = app.get(reverse("admin:timeline_claim_simple_history", args=[pk, record.history_id]))
        _saved(_form(page, "historicalclaim").submit())
        restored = Claim.objects.get(pk=pk)
        assert restored.span == record.instance.span

    def test_restoring_a_deleted_milestone(self, app):
        milestone = MilestoneFactory(title_ko="지워진 마일스톤")
        pk, record = milestone.pk, milestone.history.earliest()
        milestone.delete()
        page = app.get(reverse("admin:timeline_milestone_simple_history", args=[pk, record.history_id]))
        _saved(_form(page, "historicalmilestone").submit())
        assert Milestone.objects.get(pk=pk).title_ko == "지워진 마일스톤"

    def test_restoring_a_claim_whose_milestone_is_gone_is_refused_with_a_message(self, app):
        claim = ClaimFactory()
        pk, record = claim.pk, claim.history.earliest()
        claim.milestone.delete()
        page = app.get(reverse("admin:timeline_claim_simple_history", args=[pk, record.history_id]))
        response = _form(page, "historicalclaim").submit()
        assert response.status_code == 200
        assert "errornote" in response.text
        assert not Claim.objects.filter(pk=pk).exists()


class TestMilestoneHistory:
    def test_lists_its_claims_changes_and_reverts_one_from_there(self, app):
        claim = ClaimFactory(expression="올 연말")
        milestone = claim.milestone
        form = _form(app.get(_url("milestone", "change", milestone.pk)), "milestone")
        form["claims-0-when"] = "2024년 상반기"
        _saved(form.submit("_save"))

        history = app.get(_url("milestone", "history", milestone.pk))
        row = history.html.select("#change-history tbody tr")[0]
        cells = [td.get_text(" ", strip=True) for td in row.select("td")]
        assert cells[1] == "boss", "who"
        assert "주장" in cells[2] and "2024년 상반기" in cells[2], "what"
        assert "2022-12" in cells[4] or "12" in cells[4], "the old date is named"

        first = claim.history.earliest()
        page = history.click(href=reverse("admin:timeline_claim_simple_history", args=[claim.pk, first.history_id]))
        assert "아래의 ‘되돌리기’ 버튼" in page.text
        assert page.html.select_one("nav ol.breadcrumbs"), "the breadcrumb sits under the header, in Django's markup"
        _saved(_form(page, "historicalclaim").submit())
        claim.refresh_from_db()
        assert claim.span.edtf == "2022-12"

    def test_deleted_claims_stay_in_the_milestone_history(self, app):
        claim = ClaimFactory()
        milestone, pk = claim.milestone, claim.pk
        claim.delete()
        history = app.get(_url("milestone", "history", milestone.pk))
        links = [a["href"] for a in history.html.select("#change-history a")]
        assert any(f"/claim/{pk}/history/" in href for href in links)
        assert "삭제" in history.text

    def test_view_only_staff_see_the_version_without_a_revert_button(self, django_app, django_user_model):
        from django.contrib.auth.models import Permission

        claim = ClaimFactory()
        viewer = django_user_model.objects.create_user("viewer", password="pw-view-123", is_staff=True)
        viewer.user_permissions.set(Permission.objects.filter(codename__in=["view_claim", "view_milestone"]))
        page = django_app.get(
            reverse("admin:timeline_claim_simple_history", args=[claim.pk, claim.history.earliest().history_id]),
            user=viewer,
        )
        assert "되돌리기" not in [i.get("value") for i in page.html.select("input[type=submit]")]
        response = _form(page, "historicalclaim").submit(expect_errors=True)
        assert response.status_code == 403


def test_a_source_whose_text_is_already_stored_is_refused_by_name(app):
    stored = SourceFactory(body="같은 기사 본문")
    form = _form(app.get(_url("source", "add")), "source")
    form["citation"] = "another citation"
    form["body"] = "같은 기사 본문"
    response = form.submit("_save")
    assert response.status_code == 200
    assert str(stored) in response.text
    assert Source.objects.count() == 1
