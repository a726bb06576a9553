"""Hostile text in every field renders as text: in hover, table, panel and admin."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<img src=x id=pwned1 onerror="alert(1)">',
    "<script id=pwned2>alert(2)</script>",
    '"><svg id=pwned3 onload=alert(3)>',
    "</script><script>alert(4)</script>",
]


@pytest.fixture
def hostile(transactional_db):
    program = ProgramFactory(slug="hostile", name_ko=PAYLOADS[0], summary_ko=PAYLOADS[1])
    milestone = MilestoneFactory(
        program=program, key="evil", kind="event", title_ko=PAYLOADS[0], summary_ko=PAYLOADS[2]
    )
    source = SourceFactory(
        citation=PAYLOADS[1], publisher=PAYLOADS[2], title=PAYLOADS[3], url="https://news.example/evil"
    )
    ClaimFactory(
        milestone=milestone,
        source=source,
        field="event",
        expression=PAYLOADS[3],
        sentence=PAYLOADS[0],
        note=PAYLOADS[1],
        stated_on=dt.date(2022, 4, 13),
    )
    ClaimFactory(
        milestone=milestone,
        source=SourceFactory(publisher=PAYLOADS[0]),
        field="event",
        lo=dt.date(2023, 1, 1),
        hi=dt.date(2023, 12, 31),
        precision="year",
        stated_on=dt.date(2022, 6, 1),
        expression=PAYLOADS[2],
    )
    return milestone


def assert_inert(page, problems):
    assert problems.dialogs == []
    for n in (1, 2, 3):
        assert page.locator(f"#pwned{n}").count() == 0


def test_payloads_are_text_in_hover_table_and_panel(page, live_server, hostile, problems):
    page.goto(f"{live_server.url}/programs/hostile/")
    page.wait_for_selector("#gantt[data-drawn='true']")
    expect(page.locator("h1")).to_have_text(PAYLOADS[0])
    expect(page.locator("table.milestones tbody th")).to_have_text(PAYLOADS[0])

    box = page.locator("#gantt .scatterlayer .point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".hoverlayer .hovertext")
    expect(hover).to_contain_text("<img src=x")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    panel = page.locator("#panel .milestone-panel")
    expect(panel.locator("h2")).to_have_text(PAYLOADS[0])
    expect(panel.locator("table.claims")).to_contain_text(PAYLOADS[3])
    page.wait_for_selector("#panel .trend-chart[data-drawn='true']")
    assert_inert(page, problems)
    assert problems.errors == []


def test_payloads_are_text_in_admin(page, live_server, hostile, problems, django_user_model):
    django_user_model.objects.create_superuser(username="boss", email="", password="pw-boss-12345")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-boss-12345")
    page.click("input[type=submit]")
    for path in (
        "/admin/timeline/milestone/",
        f"/admin/timeline/milestone/{hostile.pk}/change/",
        "/admin/timeline/source/",
        "/admin/timeline/claim/",
        f"/admin/timeline/claim/{hostile.claims.first().pk}/change/",
        "/admin/timeline/program/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
        assert_inert(page, problems)
    assert problems.errors == []
