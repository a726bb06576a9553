"""axe-core (through axe-playwright-python) on the public pages and the main admin pages.

The rule set is WCAG 2.1 A and AA, which KWCAG 2.2 follows; every page is checked in Korean
and English, at a desktop and a phone width. A critical or serious violation fails the test.
"""

from collections import Counter

import pytest
from axe_playwright_python.sync_playwright import Axe

from timeline.models import Claim, Milestone

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
PROGRAM = "/programs/gwangju-ai-cluster/"
PASSWORD = "pw-axe-12345"


def axe_violations(page) -> list[dict]:
    """Critical and serious violations of WCAG 2.1 A/AA on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def describe(found: dict[str, list[dict]]) -> str:
    by_rule = Counter()
    lines = []
    for name, violations in found.items():
        for v in violations:
            by_rule[v["id"]] += len(v["nodes"])
            targets = ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])
            more = f" (+{len(v['nodes']) - 3} more)" if len(v["nodes"]) > 3 else ""
            lines.append(f"{name}: [{v['impact']}] {v['id']} x{len(v['nodes'])}: {v['help']} -> {targets}{more}")
    summary = ", ".join(f"{rule} {n}" for rule, n in by_rule.most_common())
    return f"{sum(by_rule.values())} elements ({summary})\n" + "\n".join(lines)


def wait_for_charts(page):
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-figure]')).every(el => el.dataset.drawn === 'true')"
    )


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(username="axe", email="", password=PASSWORD)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("locale", ["ko-KR", "en-US"])
def test_no_serious_wcag_violations(browser, live_server, gwangju, admin_user, locale, width):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    base = live_server.url
    building = Milestone.objects.get(key="dc-building-completion")
    as_of = Claim.objects.order_by("stated_on").values_list("stated_on", flat=True)[10]
    found: dict[str, list[dict]] = {}

    def check(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(base + path)
            wait_for_charts(page)
        violations = axe_violations(page)
        if violations:
            found[name] = violations

    check("home", "/")
    check("timeline", PROGRAM)
    page.locator(f"table.milestones a[href*='/{building.key}/']").click()
    page.wait_for_selector(f"#panel .milestone-panel[data-key='{building.key}'] .trend-chart[data-drawn='true']")
    check("timeline with the panel open")
    check("timeline as of a day", f"{PROGRAM}?as_of={as_of:%Y-%m-%d}")
    check("embed", f"{PROGRAM}?embed=1")
    check("sources", f"{PROGRAM}sources/")
    check("milestone page", building.get_absolute_url())
    check("admin login", "/admin/login/")
    page.fill("#id_username", "axe")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{base}/admin/")
    check("admin index")
    check("milestone changelist", "/admin/timeline/milestone/")
    check("milestone change page", f"/admin/timeline/milestone/{building.pk}/change/")
    check("article import page", "/admin/timeline/claim/import/")
    context.close()
    assert not found, f"{locale} at {width}px: " + describe(found)
