"""Who may reach what: admin and the import/review pages are staff only; public pages are GET only; CSRF.

Table-driven: every admin URL is tried with GET and POST by an anonymous visitor and by a
logged-in user who is not staff; each must be sent to the login page or refused (403),
and the database must be exactly as before.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import ClaimFactory, SourceFactory
from tests.html_forms import form_data, row_of
from timeline.models import Claim, Milestone, Program, Source

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
HTMX = {"HX-Request": "true"}
ARTICLE = (Path(__file__).parent / "articles" / "binhae-daily-logistics.txt").read_text(encoding="utf-8")


@pytest.fixture
def claim():
    return ClaimFactory(reviewed=False, source=SourceFactory(published_on=None))


def snapshot() -> dict:
    """Every row of every tracker table (and its history), and the users: the whole state a write could touch."""
    state = {}
    for model in (Program, Milestone, Source, Claim):
        state[model.__name__] = list(model.objects.order_by("pk").values())
        state[f"history-{model.__name__}"] = list(model.history.order_by("pk").values())
    state["users"] = list(get_user_model().objects.order_by("pk").values("username", "is_staff", "password"))
    return state


def admin_requests(claim: Claim) -> list[tuple[str, str, dict]]:
    """(method, url, POST data) for every admin page, with data that would change something if accepted."""
    milestone, source, program = claim.milestone, claim.source, claim.milestone.program
    urls = [reverse("admin:index"), reverse("admin:app_list", args=["timeline"])]
    objects = {"program": program, "milestone": milestone, "source": source, "claim": claim}
    for name, obj in objects.items():
        urls += [
            reverse(f"admin:timeline_{name}_changelist"),
            reverse(f"admin:timeline_{name}_add"),
            reverse(f"admin:timeline_{name}_change", args=[obj.pk]),
            reverse(f"admin:timeline_{name}_delete", args=[obj.pk]),
            reverse(f"admin:timeline_{name}_history", args=[obj.pk]),
            reverse(f"admin:timeline_{name}_simple_history", args=[obj.pk, obj.history.latest().pk]),
        ]
    urls += [
        reverse("admin:timeline_claim_import"),
        reverse("admin:timeline_claim_import_confirm"),
        reverse("admin:timeline_claim_review"),
    ]
    writes = {
        "post": "yes",  # confirms a delete page
        "confirm": "yes",  # confirms a reject on the review screen
        "slug": "new",
        "name_ko": "새 사업",
        "title_ko": "바뀐 제목",
        "citation": "바뀐 출처",
        "program": program.pk,
        "text": ARTICLE,
        "article": "x",
        "action": "reject",
        # the review screen's formset, its one row ticked
        "review-TOTAL_FORMS": "1",
        "review-INITIAL_FORMS": "1",
        "review-0-pk": claim.pk,
        "review-0-selected": "on",
        "_selected_action": [claim.pk],
    }
    cases = [("get", url, {}) for url in urls]
    cases += [("post", url, writes) for url in urls]
    cases.append(("post", reverse("admin:timeline_claim_changelist"), {**writes, "action": "mark_reviewed"}))
    cases.append(("post", reverse("admin:timeline_milestone_changelist"), {**writes, "action": "delete_selected"}))
    return cases


def assert_kept_out(response, url):
    if response.status_code == 403:
        return
    assert response.status_code == 302, f"{url}: {response.status_code}"
    assert response["Location"].startswith(LOGIN), f"{url} -> {response['Location']}"


@pytest.fixture(params=["anonymous", "not staff"])
def outsider(request, django_user_model):
    client = Client()
    if request.param == "not staff":
        user = django_user_model.objects.create_user(username="reader", password="pw-reader-123")
        client.force_login(user)
    return client


def test_outsiders_reach_no_admin_page_and_write_nothing(outsider, claim):
    cases = admin_requests(claim)
    assert len(cases) == 2 * 29 + 2
    before = snapshot()
    for method, url, data in cases:
        response = getattr(outsider, method)(url, data)
        assert_kept_out(response, url)
    assert snapshot() == before


def test_the_table_would_catch_a_write(staff_client, claim):
    """The same requests from staff do change the database: the table above is not toothless."""
    before = snapshot()
    for method, url, data in admin_requests(claim):
        if method == "post" and url == reverse("admin:timeline_claim_review"):
            assert staff_client.post(url, data).status_code == 302
    assert snapshot() != before
    assert not Claim.objects.exists()


def test_staff_without_permissions_cannot_import_or_review(client, django_user_model, claim):
    user = django_user_model.objects.create_user(username="clerk", password="pw-clerk-123", is_staff=True)
    client.force_login(user)
    before = snapshot()
    for url in ("admin:timeline_claim_import", "admin:timeline_claim_review", "admin:timeline_claim_import_confirm"):
        assert client.post(reverse(url), {"program": claim.milestone.program.pk, "text": ARTICLE}).status_code == 403
    data = {"action": "reject", "review-TOTAL_FORMS": "1", "review-INITIAL_FORMS": "1", "review-0-pk": claim.pk}
    response = client.post(reverse("admin:timeline_claim_review"), {**data, "review-0-selected": "on"})
    assert response.status_code == 403
    assert snapshot() == before


class TestPublicPagesAreReadOnly:
    @pytest.fixture
    def urls(self, claim):
        program, milestone = claim.milestone.program, claim.milestone
        return [
            reverse("timeline:programs"),
            reverse("timeline:program", args=[program.slug]),
            reverse("timeline:program", args=[program.slug]) + "?embed=1",
            reverse("timeline:export_csv", args=[program.slug]),
            reverse("timeline:export_json", args=[program.slug]),
            reverse("timeline:export_ics", args=[program.slug]),
            reverse("timeline:sources", args=[program.slug]),
            reverse("timeline:milestone", args=[program.slug, milestone.key]),
        ]

    def test_get_works(self, client, urls):
        for url in urls:
            assert client.get(url).status_code == 200, url

    @pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
    def test_writes_are_405(self, client, urls, method):
        before = snapshot()
        for url in urls:
            response = getattr(client, method)(url, {"title_ko": "x"})
            assert response.status_code == 405, url
            assert "GET" in response["Allow"]
        assert snapshot() == before


@pytest.fixture
def csrf_staff(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser(username="boss", password="pw-boss-12345"))
    return client


class TestCsrf:
    def test_admin_change_form(self, csrf_staff, claim):
        url = reverse("admin:timeline_program_change", args=[claim.milestone.program.pk])
        data = form_data(csrf_staff.get(url).content, "program_form")
        token = data.pop("csrfmiddlewaretoken")
        assert token
        response = csrf_staff.post(url, {**data, "agency": "도둑"})
        assert response.status_code == 403
        assert Program.objects.get().agency != "도둑"
        response = csrf_staff.post(url, {**data, "agency": "광주광역시", "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert Program.objects.get().agency == "광주광역시"

    def test_htmx_import_preview(self, csrf_staff, claim):
        url = reverse("admin:timeline_claim_import")
        page = csrf_staff.get(url).content.decode()
        # The form htmx posts is the one that holds the token, so htmx sends it with the fields.
        start = page.index('<form class="import-form"')
        form = page[start : page.index("</form>", start)]
        assert f'hx-post="{url}"' in form
        assert 'name="csrfmiddlewaretoken"' in form
        token = form_data(form)["csrfmiddlewaretoken"]
        data = {"program": claim.milestone.program.pk, "file": io.BytesIO(ARTICLE.encode())}
        data["file"].name = "article.txt"
        assert csrf_staff.post(url, data, headers=HTMX).status_code == 403
        data["file"].seek(0)
        response = csrf_staff.post(url, {**data, "csrfmiddlewaretoken": token}, headers=HTMX)
        assert response.status_code == 200
        assert "<h2>미리보기: " in response.content.decode()  # the preview, in Korean by default
        assert not response.content.decode().lstrip().startswith("<!DOCTYPE")  # the preview fragment only

    def test_htmx_token_from_the_cookie_header(self, csrf_staff, claim):
        """htmx may also send the token as a header (X-CSRFToken from the cookie): accepted too."""
        url = reverse("admin:timeline_claim_import")
        csrf_staff.get(url)
        cookie = csrf_staff.cookies["csrftoken"].value
        data = {"program": claim.milestone.program.pk, "text": ARTICLE}
        response = csrf_staff.post(url, data, headers={**HTMX, "X-CSRFToken": cookie})
        assert response.status_code == 200

    def test_review_submit(self, csrf_staff, claim):
        url = reverse("admin:timeline_claim_review")
        data = form_data(csrf_staff.get(url).content, "review-form")
        token = data.pop("csrfmiddlewaretoken")
        post = {**data, f"{row_of(data, claim)}-selected": "on", "action": "accept"}
        assert csrf_staff.post(url, post).status_code == 403
        assert Claim.objects.get().reviewed is False
        assert csrf_staff.post(url, {**post, "csrfmiddlewaretoken": token}).status_code == 302
        assert Claim.objects.get().reviewed is True
