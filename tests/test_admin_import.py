import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertHTMLEqual, assertNotContains, assertRedirects

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from tests.html_forms import form_data, row_of
from timeline.admin_import import PlainSelect
from timeline.articles.read import read_file
from timeline.dates import DateSpan
from timeline.importing import import_article
from timeline.models import Claim, Milestone, Source

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).parent / "articles"
IMPORT = reverse("admin:timeline_claim_import")
CONFIRM = reverse("admin:timeline_claim_import_confirm")
REVIEW = reverse("admin:timeline_claim_review")
HTMX = {"HX-Request": "true"}
UNDATED = "물류센터 건물은 올해 12월 완공할 예정이라고 시 관계자가 말했다. 시험 운영은 그 뒤에 시작한다."


def counts() -> tuple[int, int, int]:
    return Source.objects.count(), Claim.objects.count(), Milestone.objects.count()


@pytest.fixture
def program(logistics):
    return logistics


def upload(name: str = "binhae-daily-logistics.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (ARTICLES / name).read_bytes())


def in_language(client, language: str):
    """The client asks for `language` from now on (the header's switch sets this cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def token_of(response) -> str:
    return re.search(r'name="article" value="([^"]+)"', response.content.decode())[1]


class TestAccess:
    @pytest.mark.parametrize("url", [IMPORT, REVIEW])
    def test_anonymous_is_sent_to_login(self, client, url):
        assertRedirects(client.get(url), f"{reverse('admin:login')}?next={url}")

    def test_anonymous_cannot_confirm(self, client, program):
        response = client.post(CONFIRM, {"article": "x", "program": program.pk})
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]

    def test_non_staff_cannot_import(self, client, django_user_model, program):
        client.force_login(django_user_model.objects.create_user(username="reader", password="pw-reader-123"))
        response = client.post(IMPORT, {"program": program.pk, "file": upload()})
        assert response.status_code == 302
        assert counts() == (0, 0, 4)

    def test_posts_need_the_csrf_token(self, django_user_model, program):
        client = Client(enforce_csrf_checks=True)
        client.force_login(django_user_model.objects.create_superuser(username="boss", password="pw-boss-12345"))
        assert client.post(IMPORT, {"program": program.pk, "file": upload()}, headers=HTMX).status_code == 403
        assert client.post(REVIEW, {"action": "reject"}).status_code == 403

    def test_claim_list_links_to_the_new_pages(self, staff_client):
        response = staff_client.get(reverse("admin:timeline_claim_changelist"))
        assertContains(response, f'href="{IMPORT}"')
        assertContains(response, f'href="{REVIEW}"')


class TestImportPage:
    @pytest.mark.parametrize("url", [IMPORT, REVIEW])
    def test_breadcrumbs_in_the_admin_markup(self, staff_client, url):
        """Django 6 styles breadcrumbs as an <ol>; a <div> shows as bare links."""
        html = staff_client.get(url).content.decode()
        assert '<ol class="breadcrumbs">' in html and '<div class="breadcrumbs">' not in html
        assert f'<a href="{reverse("admin:timeline_claim_changelist")}">' in html

    def test_form_page(self, staff_client, program):
        response = staff_client.get(IMPORT)
        assertContains(response, 'hx-post="' + IMPORT)
        assertContains(response, 'enctype="multipart/form-data"')
        assertContains(response, "htmx")
        assertContains(response, program.name_ko)

    def test_htmx_preview_lists_candidates_and_saves_nothing(self, staff_client, program):
        response = staff_client.post(IMPORT, {"program": program.pk, "file": upload()}, headers=HTMX)
        assert response.status_code == 200
        body = response.content.decode()
        assert "<html" not in body and '<form class="import-form"' not in body, "only the preview partial"
        for text in ("빛고을 스마트 물류센터 내년 6월 완공", "오는 2024년 6월까지", "물류센터 건물 완공", "2024-06"):
            assert text in body
        assert "드론 배송 협약 체결" in body and "새 초안" in body
        assert 'action="' + CONFIRM in body
        assert counts() == (0, 0, 4)

    def test_preview_without_javascript_renders_the_whole_page(self, staff_client, program):
        response = staff_client.post(IMPORT, {"program": program.pk, "file": upload()})
        assertContains(response, "<html")
        assertContains(response, "오는 2024년 6월까지")

    def test_pasted_text(self, staff_client, program):
        text = (ARTICLES / "binhae-daily-logistics.txt").read_text("utf-8")
        response = staff_client.post(IMPORT, {"program": program.pk, "text": text}, headers=HTMX)
        assertContains(response, "오는 2024년 6월까지")

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            pytest.param({"text": "   "}, "Give the article one way", id="nothing"),
            pytest.param({"text": "x", "url": "https://news.example/a"}, "Give the article one way", id="two-ways"),
            pytest.param({"url": "http://127.0.0.1/a.html"}, "loopback address", id="loopback-url"),
            pytest.param({"url": "http://10.0.0.8/a.html"}, "private network address", id="private-url"),
            pytest.param({"file": b""}, "article.txt is empty", id="empty-file"),
            pytest.param({"file": b"\x89PNG\r\n\x1a\n\x00"}, "PNG image", id="binary-file"),
            pytest.param({"file": "본문".encode() + b"\x80\xff" * 9}, "save it as UTF-8", id="undecodable"),
            pytest.param({"text": f"제목\n{UNDATED}"}, "published on", id="no-date"),
        ],
    )
    def test_bad_input_explains_and_saves_nothing(self, staff_client, program, data, message):
        if "file" in data:
            data = {"file": SimpleUploadedFile("article.txt", data["file"])}
        # The form's own message is translated, the importer's are English only: read them in English.
        in_language(staff_client, "en")
        response = staff_client.post(IMPORT, {"program": program.pk, **data}, headers=HTMX)
        assert response.status_code == 400
        assertContains(response, message, status_code=400)
        assert counts() == (0, 0, 4)

    @pytest.mark.parametrize(
        ("language", "message"),
        [
            ("ko", "big.txt 파일은 6.0MB입니다. 기사는 5MB까지만 읽을 수 있습니다."),
            ("en", "big.txt is 6.0 MB; articles are read up to 5 MB."),
        ],
    )
    def test_oversized_upload(self, staff_client, program, settings, language, message):
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
        big = SimpleUploadedFile("big.txt", b"a" * (6 * 1024 * 1024))
        in_language(staff_client, language)
        response = staff_client.post(IMPORT, {"program": program.pk, "file": big}, headers=HTMX)
        assertContains(response, message, status_code=400)

    def test_confirm_saves_what_was_previewed(self, staff_client, program):
        preview = staff_client.post(IMPORT, {"program": program.pk, "file": upload()}, headers=HTMX)
        response = staff_client.post(CONFIRM, {"article": token_of(preview), "program": program.pk})
        source = Source.objects.get()
        assertRedirects(response, f"{REVIEW}?source={source.pk}", fetch_redirect_response=False)
        assert Claim.objects.filter(reviewed=False, source=source).count() == 5
        assert Milestone.objects.filter(key__startswith="draft-").count() == 1
        review = staff_client.get(response["Location"])
        assertContains(review, "출처를 저장했습니다. 검토 전 주장 5건과 초안 마일스톤 1개가 생겼습니다.")
        assertContains(review, "오는 2024년 6월까지")

    def test_confirm_with_a_given_date(self, staff_client, program):
        text = f"제목\n{UNDATED}"
        preview = staff_client.post(
            IMPORT, {"program": program.pk, "text": text, "published": "2023-08-01"}, headers=HTMX
        )
        staff_client.post(CONFIRM, {"article": token_of(preview), "program": program.pk})
        source = Source.objects.get()
        assert source.published_on.isoformat() == "2023-08-01"
        assert source.date_note == "publication date given at import"

    def test_tampered_preview_is_refused(self, staff_client, program):
        preview = staff_client.post(IMPORT, {"program": program.pk, "file": upload()}, headers=HTMX)
        token = token_of(preview)
        response = staff_client.post(CONFIRM, {"article": token[:-3] + "AAA", "program": program.pk}, follow=True)
        assertContains(response, "미리보기가 만료되었거나 변조되었습니다.")
        assert counts() == (0, 0, 4)

    def test_confirm_is_post_only(self, staff_client):
        assert staff_client.get(CONFIRM).status_code == 405

    def test_already_imported_article(self, staff_client, program):
        import_article(read_file(ARTICLES / "binhae-daily-logistics.txt"), program=program)
        before = counts()
        preview = staff_client.post(IMPORT, {"program": program.pk, "file": upload()}, headers=HTMX)
        assertContains(preview, "이미 가져온 기사입니다(출처: “")
        assertNotContains(preview, 'name="article"')
        assert counts() == before


@pytest.fixture
def imported(program):
    result = import_article(read_file(ARTICLES / "binhae-daily-logistics.txt"), program=program)
    return {c.milestone.key: c for c in result.claims}


def review_data(claims, action, edits=None, *, ticked=True):
    """The review formset's POST: a ticked row per claim as shown, changed by `edits` ({claim: {name: value}})."""
    data = {"action": action, "review-TOTAL_FORMS": len(claims), "review-INITIAL_FORMS": len(claims)}
    for i, claim in enumerate(claims):
        row = {
            "pk": claim.pk,
            "version": claim.edit_version,
            "when": claim.span.edtf,
            "milestone": claim.milestone_id,
            "field": claim.field,
            "status": claim.status,
            **({"selected": "on"} if ticked else {}),
            **(edits or {}).get(claim, {}),
        }
        data.update({f"review-{i}-{name}": value for name, value in row.items()})
    return data


class TestReview:
    def test_lists_unreviewed_claims(self, staff_client, imported):
        ClaimFactory(reviewed=True, expression="검토 끝난 주장")
        response = staff_client.get(REVIEW)
        assertContains(response, "오는 2024년 6월까지")
        assertContains(response, 'value="2024-06"')
        assertContains(response, 'value="2024-H2"', msg_prefix="halves are shown as an editor types them")
        assertNotContains(response, "검토 끝난 주장")
        assertContains(response, "(초안)")

    def test_filters_by_program_and_source(self, staff_client, imported):
        other = ClaimFactory(reviewed=False, expression="다른 사업 주장")
        assertNotContains(staff_client.get(REVIEW, {"program": "logistics"}), "다른 사업 주장")
        assertContains(staff_client.get(REVIEW, {"source": other.source_id}), "다른 사업 주장")
        assertNotContains(staff_client.get(REVIEW, {"source": other.source_id}), "오는 2024년 6월까지")

    def test_accept_with_a_fixed_interval_updates_the_schedule_at_once(self, staff_client, imported):
        claim = imported["building-completion"]
        data = review_data([claim], "accept", {claim: {"when": "2024-H2"}})
        response = staff_client.post(REVIEW, data)
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.reviewed and claim.span == DateSpan.half(2024, 2)
        schedule = Milestone.objects.get(key="building-completion").derived
        assert schedule.planned_end.span == DateSpan.half(2024, 2)
        assert schedule.planned_start.span == DateSpan.half(2024, 2)

    def test_bulk_accept(self, staff_client, imported):
        claims = list(imported.values())
        staff_client.post(REVIEW, review_data(claims, "accept"))
        assert not Claim.objects.unreviewed().exists()
        assert Milestone.objects.get(key="site-groundbreaking").derived.actual_start.span.edtf == "2022-10"
        assert Milestone.objects.get(key="operation").derived.planned_start.span.edtf == "2024-41"

    def test_reassign_a_milestone(self, staff_client, imported, program):
        claim = imported["operation"]
        target = Milestone.objects.get(key="building-completion")
        staff_client.post(REVIEW, review_data([claim], "accept", {claim: {"milestone": target.pk}}))
        claim.refresh_from_db()
        assert claim.milestone == target and claim.reviewed
        assert Milestone.objects.get(key="operation").derived.planned_start is None
        assert target.claims.filter(reviewed=True).count() == 1

    def test_save_corrections_without_accepting(self, staff_client, imported):
        claim = imported["operation"]
        staff_client.post(REVIEW, review_data([claim], "save", {claim: {"field": "both", "when": "2024/2025"}}))
        claim.refresh_from_db()
        assert (claim.field, claim.span.edtf, claim.reviewed) == ("both", "2024/2025", False)

    def test_reject_asks_first_then_deletes_and_removes_the_empty_draft(self, app, imported):
        draft_claim = next(c for key, c in imported.items() if key.startswith("draft-"))
        other = imported["operation"]
        form = app.get(REVIEW).forms["review-form"]
        for claim in (draft_claim, other):
            form[f"{row_of(form, claim)}-selected"] = True
        confirmation = form.submit("action", value="reject")
        assert confirmation.status_code == 200
        assert "거부할까요" in confirmation.text
        assert Claim.objects.filter(pk__in=[draft_claim.pk, other.pk]).count() == 2, "nothing deleted yet"
        response = confirmation.forms["reject-form"].submit().follow()
        assert "주장 2건을 거부(삭제)했습니다." in response.text
        assert "주장이 남지 않은 초안 마일스톤 1개를 삭제했습니다." in response.text
        assert not Claim.objects.filter(pk__in=[draft_claim.pk, other.pk]).exists()
        assert not Milestone.objects.filter(key__startswith="draft-").exists()
        assert Milestone.objects.filter(key="operation").exists(), "real milestones stay"

    def test_edit_a_row_in_the_rendered_form(self, app, imported):
        claim, target = imported["operation"], Milestone.objects.get(key="building-completion")
        untouched = imported["site-groundbreaking"]
        form = app.get(REVIEW).forms["review-form"]
        row = row_of(form, claim)
        assert form[f"{row}-when"].value == "2024-H2" and form[f"{row}-milestone"].value == str(claim.milestone_id)
        form[f"{row}-selected"] = True
        form[f"{row}-when"] = "2025-Q1"
        form[f"{row}-milestone"] = str(target.pk)
        form[f"{row_of(form, untouched)}-when"] = "not a date"  # not ticked: neither checked nor saved
        response = form.submit("action", value="save").follow()
        assert "주장 1건의 수정 사항을 저장하고 일정을 다시 계산했습니다." in response.text
        claim.refresh_from_db()
        assert (claim.span, claim.milestone, claim.reviewed, claim.edit_version) == (
            DateSpan.quarter(2025, 1),
            target,
            False,
            1,
        )
        assert claim.history.latest().history_user.username == "boss"
        untouched.refresh_from_db()
        assert untouched.span.edtf == "2022-10" and untouched.edit_version == 0

    def test_a_bad_row_saves_nothing(self, staff_client, imported):
        good, bad = imported["operation"], imported["building-completion"]
        data = review_data([good, bad], "accept", {bad: {"when": "2024-13"}})
        response = staff_client.post(REVIEW, data)
        assertContains(response, "month 13 does not exist", status_code=400)  # timeline/dates.py: English only
        assertContains(response, "아무것도 저장하지 않았습니다. 표시된 행을 고치세요.", status_code=400)
        assert not Claim.objects.filter(reviewed=True).exists()

    def test_a_refused_page_can_be_fixed_and_sent_again(self, staff_client, imported):
        bad, gone = imported["operation"], imported["building-completion"]
        data = review_data([bad, gone], "accept", {bad: {"when": "2024-13"}})
        Claim.objects.filter(pk=gone.pk).update(reviewed=True)  # reviewed elsewhere meanwhile
        response = staff_client.post(REVIEW, data)
        assertContains(response, "month 13 does not exist", status_code=400)
        page = form_data(response.content, "review-form")
        assert (page["review-TOTAL_FORMS"], page[f"{row_of(page, bad)}-when"]) == ("2", "2024-13")
        assert f"{row_of(page, gone)}-selected" not in page, "a row that left the screen is kept, hidden, unticked"
        fixed = {**page, f"{row_of(page, bad)}-when": "2024-H2", "action": "accept"}
        assert staff_client.post(REVIEW, fixed).status_code == 302
        bad.refresh_from_db()
        assert bad.reviewed and bad.span == DateSpan.half(2024, 2)

    def test_milestone_of_another_program_is_refused(self, staff_client, imported):
        claim = imported["operation"]
        foreign = MilestoneFactory(program=ProgramFactory())
        response = staff_client.post(REVIEW, review_data([claim], "accept", {claim: {"milestone": foreign.pk}}))
        assertContains(response, "같은 사업의 마일스톤을 고르세요.", status_code=400)
        claim.refresh_from_db()
        assert claim.milestone.key == "operation" and not claim.reviewed

    def test_nothing_ticked(self, staff_client, imported):
        response = staff_client.post(REVIEW, review_data(list(imported.values()), "accept", ticked=False), follow=True)
        assertContains(response, "처리할 주장을 먼저 선택하세요.")

    def test_reviewed_claims_of_other_sources_are_out_of_reach(self, staff_client, imported):
        done = ClaimFactory(reviewed=True, source=SourceFactory())
        staff_client.post(REVIEW, {**review_data([done], "reject"), "confirm": "yes"})
        assert Claim.objects.filter(pk=done.pk).exists()


# Both screens follow the interface language: Korean by default, English on request.
IMPORT_PAGE_TEXT = {
    "ko": [
        "기사 가져오기",
        'value="미리보기"',
        "또는 본문 붙여 넣기",
        "5MB 이하의 .txt, .html, .htm 파일.",
        "기사를 읽는 중…",
        "- 선택하세요 -",
    ],
    "en": [
        "Import an article",
        'value="Preview"',
        "or paste the text",
        "A .txt, .html or .htm file of at most 5 MB.",
        "Reading the article…",
        "- Select an option -",
    ],
}
PREVIEW_TEXT = {
    "ko": ["새 초안", "<td>계획</td>", "<td>실제</td>", "<td>시작</td>", "<td>시점</td>", 'value="초안 주장으로 저장"'],
    "en": [
        "new draft",
        "<td>planned</td>",
        "<td>actual</td>",
        "<td>start</td>",
        "<td>event date</td>",
        'value="Save as draft claims"',
    ],
}
REVIEW_PAGE_TEXT = {
    "ko": [
        "가져온 주장 검토",
        "선택한 주장 승인",
        "수정 사항만 저장",
        "날짜 입력 예:",
        "(초안)",
        "기사 가져오기",
    ],
    "en": [
        "Review imported claims",
        "Accept selected",
        "Save corrections only",
        "Dates are typed like",
        "(draft)",
        "Import article",
    ],
}
ACCEPTED = {"ko": "주장 1건을 승인하고 일정을 다시 계산했습니다.", "en": "1 claim accepted; schedules refreshed."}
OTHER = {"ko": "en", "en": "ko"}


def assert_language(response, texts: dict, language: str, status_code: int = 200):
    for text in texts[language]:
        assertContains(response, text, status_code=status_code)
    for text in texts[OTHER[language]]:
        assertNotContains(response, text, status_code=status_code)


@pytest.mark.parametrize("language", ["ko", "en"])
class TestLanguage:
    def test_import_page(self, staff_client, program, language):
        in_language(staff_client, language)
        assert_language(staff_client.get(IMPORT), IMPORT_PAGE_TEXT, language)

    def test_preview(self, staff_client, program, language):
        in_language(staff_client, language)
        response = staff_client.post(IMPORT, {"program": program.pk, "file": upload()}, headers=HTMX)
        assert_language(response, PREVIEW_TEXT, language)

    def test_form_error(self, staff_client, program, language):
        in_language(staff_client, language)
        response = staff_client.post(IMPORT, {"program": program.pk, "text": " "}, headers=HTMX)
        message = {
            "ko": "기사는 파일 올리기, 본문 붙여 넣기, URL 입력 중 한 가지 방법으로만 넣어 주세요.",
            "en": "Give the article one way: upload a file, paste its text, or give its URL.",
        }
        assertContains(response, message[language], status_code=400)
        assertNotContains(response, message[OTHER[language]], status_code=400)

    def test_review_page_and_its_message(self, staff_client, imported, language):
        in_language(staff_client, language)
        review = staff_client.get(REVIEW)
        assert_language(review, REVIEW_PAGE_TEXT, language)
        claim = imported["operation"]
        response = staff_client.post(REVIEW, review_data([claim], "accept"), follow=True)
        assertContains(response, ACCEPTED[language])
        assertNotContains(response, ACCEPTED[OTHER[language]])


@pytest.mark.parametrize("value", [None, "2", 2, "²"])
def test_the_review_select_writes_what_djangos_select_does(value):
    choices = [(1, "물류센터 <착공> & 준비"), (2, 'say "yes"'), ("both", "시작과 종료")]
    attrs = {"aria-label": "마일스톤", "data-x": ""}
    ours = PlainSelect(attrs=attrs, choices=choices).render("review-0-milestone", value, {"id": "id_x"})
    django = forms.Select(attrs=attrs, choices=choices).render("review-0-milestone", value, {"id": "id_x"})
    assertHTMLEqual(ours, django)
