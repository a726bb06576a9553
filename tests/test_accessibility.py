"""Accessibility in the HTML as served (the browser checks are tests/browser/test_axe.py and test_keyboard.py)."""

import json
import re

import lxml.html
import pytest
from django.conf import settings
from pytest_django.asserts import assertContains

from timeline.models import Milestone

from .factories import ClaimFactory, MilestoneFactory, SourceFactory


def tree(response):
    return lxml.html.fromstring(response.content.decode())


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_every_claim_input_of_the_milestone_page_is_named_by_its_column(staff_client):
    milestone = MilestoneFactory()
    ClaimFactory.create_batch(2, milestone=milestone)
    page = tree(staff_client.get(f"/admin/timeline/milestone/{milestone.pk}/change/"))
    headers = [
        th.text_content().strip()
        for th in page.xpath("//div[@id='claims-group']//thead//th")
        if th.text_content().strip()
    ]
    controls = page.xpath(
        "//div[@id='claims-group']//tbody//*[self::input or self::select or self::textarea]"
        "[not(@type='hidden')][not(contains(@name, '__prefix__'))]"
    )
    assert len(controls) >= 3 * 7  # two claims and the empty row, seven columns each
    unnamed = [c.get("name") for c in controls if not c.get("aria-label")]
    assert unnamed == []
    labels = {c.get("aria-label") for c in controls}
    assert labels - {"Delete", "삭제"} <= set(headers), (labels, headers)


def test_import_page_help_texts_are_what_the_fields_point_at(staff_client):
    page = tree(staff_client.get("/admin/timeline/claim/import/"))
    pointers = page.xpath("//form[contains(@class, 'import-form')]//*[@aria-describedby]")
    assert pointers
    for element in pointers:
        for target in element.get("aria-describedby").split():
            assert page.get_element_by_id(target, None) is not None, (element.get("name"), target)


def test_calendar_shortcuts_have_korean_names(staff_client):
    catalog = in_language(staff_client, "ko").get("/admin/jsi18n/")
    data = json.loads(re.search(r"const newcatalog = (\{.*?\});", catalog.content.decode(), re.S)[1])
    for text in ("Today (%(date)s)", "Today", "Now", "Choose a Date", "Choose a Time", "Yesterday", "Tomorrow"):
        assert re.search("[가-힣]", data.get(text, "")), text


@pytest.mark.parametrize("language, other", [("ko", "en"), ("en", "ko")])
def test_source_text_in_the_other_language_says_so(client, db, language, other):
    milestone = MilestoneFactory(program__slug="p")
    source = SourceFactory(language=other, title="Source title", publisher="Publisher")
    ClaimFactory(milestone=milestone, source=source, expression="by the end of the year")
    in_language(client, language)
    sources = tree(client.get("/programs/p/sources/"))
    assert sources.get("lang") == language
    assert sources.xpath(f"//h2[@lang='{other}']/a")[0].text_content() == "Source title"
    assert sources.xpath(f"//td[@lang='{other}']")[0].text_content() == "by the end of the year"
    detail = tree(client.get(Milestone.objects.get().get_absolute_url()))
    assert detail.xpath(f"//table[contains(@class, 'claims')]//td[@lang='{other}']//a")


def test_timeline_chart_is_a_figure_described_by_the_table_it_skips_to(client, gwangju):
    response = client.get(gwangju.get_absolute_url())
    page = tree(response)
    chart = page.get_element_by_id("gantt")
    assert chart.get("role") == "figure"
    for target in chart.get("aria-describedby").split():
        assert page.get_element_by_id(target, None) is not None
    skip = page.xpath("//a[@class='skip-to-table']")[0]
    assert page.get_element_by_id(skip.get("href").lstrip("#")).tag == "table"
    assertContains(response, 'href="#main"')
    panel = page.get_element_by_id("panel")
    assert (panel.get("role"), panel.get("aria-modal")) == ("dialog", "true")
