"""The timeline with the keyboard alone: skip link, filter, open a milestone, read it, close it, land back."""

import re

import pytest
from playwright.sync_api import expect

from timeline.models import Milestone

pytestmark = pytest.mark.browser

KEY = "dc-building-completion"


def focused(page, script: str = "el => el"):
    return page.evaluate(f"() => {{ const el = document.activeElement; return ({script})(el); }}")


def tab_until(page, test: str, limit: int = 120, back: bool = False) -> int:
    """Press Tab (or Shift+Tab) until the focused element passes `test`; return the presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page, test):
            return presses
    raise AssertionError(f"{limit} presses of Tab never reached {test}")


def in_panel(page) -> bool:
    return page.evaluate("() => document.getElementById('panel').contains(document.activeElement)")


@pytest.mark.parametrize("width", [1280, 390])
def test_keyboard_only_filter_open_read_close(browser, live_server, gwangju, width, screenshots):
    context = browser.new_context(locale="ko-KR", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/programs/gwangju-ai-cluster/")
    page.wait_for_selector("#gantt[data-drawn='true']")

    # The first Tab reaches the skip link, which is then visible; Enter moves on to the content.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page, "el => el.id") == "main"

    # Filter: type in the search field (Korean arrives as composed text, without key events) and press Enter.
    tab_until(page, "el => el.id === 'id_q'")
    page.keyboard.type("데이터센터")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=%EB%8D%B0"))
    expected = [m for m in Milestone.objects.all() if "데이터센터" in m.title_ko]
    expect(page.locator("table.milestones tbody tr")).to_have_count(len(expected))
    assert KEY in {m.key for m in expected}

    # The chart offers a visible way past itself, to the table.
    tab_until(page, "el => el.classList.contains('skip-to-table')")
    page.keyboard.press("Enter")
    assert focused(page, "el => el.id") == "milestones-table"

    # Open the data centre's panel from the table: focus moves into the dialog.
    tab_until(page, f"el => el.matches(\"table.milestones a[href*='/{KEY}/']\")")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.locator(f".milestone-panel[data-key='{KEY}']")).to_be_visible(timeout=20_000)  # a busy CI box
    expect(dialog).to_have_accessible_name(Milestone.objects.get(key=KEY).title_ko)
    page.wait_for_function("() => document.getElementById('panel').contains(document.activeElement)", polling=100)
    expect(page.locator("#panel [data-close-panel]")).to_be_focused()
    expect(page.locator("#panel [data-close-panel]")).to_be_in_viewport()

    # Read its first claim: Tab reaches its source link inside the dialog.
    first_claim = dialog.locator("table.claims tbody tr").first
    expect(first_claim).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    tab_until(page, "el => !!el.closest('#panel table.claims tbody tr:first-child')", limit=40)
    expect(page.locator(":focus")).to_be_in_viewport()
    page.screenshot(path=screenshots / f"keyboard-panel-{width}.png")

    # Tab stays in the dialog, both ways, however often it is pressed.
    for key in ["Tab"] * 30 + ["Shift+Tab"] * 30:
        page.keyboard.press(key)
        assert in_panel(page), f"{key} left the dialog for {focused(page, 'el => el.outerHTML.slice(0, 80)')}"

    # Escape closes it and focus lands back on the link that opened it.
    page.keyboard.press("Escape")
    expect(page.locator("#panel")).to_be_hidden()
    expect(page.locator(f"table.milestones a[href*='/{KEY}/']")).to_be_focused()

    # The Close button does the same.
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('panel').contains(document.activeElement)", polling=100)
    page.keyboard.press("Enter")  # on the focused Close button
    expect(page.locator("#panel")).to_be_hidden()
    expect(page.locator(f"table.milestones a[href*='/{KEY}/']")).to_be_focused()
    context.close()
