"""The admin fits a laptop: at 1280 px every column of the milestone list, of a milestone's
claim inline and of the review table is inside the window, a title takes one or two lines
and a claim one row. Screenshots in both languages go to screenshots/."""

import pytest
from django.core.management import call_command

from timeline.models import Claim, Milestone

pytestmark = pytest.mark.browser


@pytest.fixture
def editor_page(page, live_server, gwangju, django_user_model):
    django_user_model.objects.create_superuser(username="boss", email="", password="pw-boss-12345")
    call_command("refresh_schedules", verbosity=0)
    Claim.objects.filter(pk__in=list(Claim.objects.order_by("pk").values_list("pk", flat=True)[:5])).update(
        reviewed=False
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-boss-12345")
    page.click("input[type=submit]")
    return page


def right_edges(page, selector: str) -> list[float]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getBoundingClientRect().right)")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_admin_fits_1280(editor_page, live_server, screenshots, problems, language):
    page = editor_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    width = page.viewport_size["width"]

    page.goto(f"{live_server.url}/admin/timeline/milestone/")
    headers = right_edges(page, "#result_list thead th")
    assert len(headers) >= 9 and max(headers) <= width, headers
    line = page.eval_on_selector("#result_list th.field-title_ko a", "a => parseFloat(getComputedStyle(a).lineHeight)")
    heights = page.eval_on_selector_all(
        "#result_list th.field-title_ko a", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    page.screenshot(path=screenshots / f"admin-milestones-{language}.png", full_page=True)
    assert max(heights) <= 2 * line + 2, "each title on one or two lines"
    page.screenshot(path=screenshots / f"admin-milestones-{language}.png", full_page=True)

    milestone = max(Milestone.objects.all(), key=lambda m: m.claims.count())
    page.goto(f"{live_server.url}/admin/timeline/milestone/{milestone.pk}/change/")
    assert max(right_edges(page, "#claims-group input[name$='-DELETE']")) <= width
    rows = page.eval_on_selector_all("#claims-group tr.has_original", "rows => rows.map(r => r.offsetHeight)")
    assert max(rows) <= 60, rows
    page.screenshot(path=screenshots / f"admin-milestone-claims-{language}.png", full_page=True)

    page.goto(f"{live_server.url}/admin/timeline/claim/review/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert max(right_edges(page, "table.review th")) <= width
    page.screenshot(path=screenshots / f"admin-review-{language}.png", full_page=True)
    assert problems.errors == []


def test_select_all_ticks_every_review_row(editor_page, live_server):
    page = editor_page
    page.goto(f"{live_server.url}/admin/timeline/claim/review/")
    rows = page.locator("#review-form tbody input[type=checkbox]")
    assert rows.count() >= 5  # the five made unreviewed, and any the data has
    page.check("[data-select-all]")
    assert all(rows.nth(i).is_checked() for i in range(rows.count()))
    page.uncheck("[data-select-all]")
    assert not any(rows.nth(i).is_checked() for i in range(rows.count()))
