import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory, make_program
from tests.pages import figure_keys
from timeline.models import Milestone

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def english(client):
    """The interface is Korean by default; tests that read English UI text ask for English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class TestProgramList:
    def test_lists_programs(self, client):
        ProgramFactory(name_ko="광주 AI 집적단지")
        assertContains(client.get("/"), "광주 AI 집적단지")

    def test_empty_site_says_how_to_load_data(self, client):
        assertContains(client.get("/"), "loaddata")


class TestTimelinePage:
    @pytest.mark.parametrize("size", [10, pytest.param(200, marks=pytest.mark.slow)])
    def test_fixed_number_of_queries(self, client, django_assert_max_num_queries, size):
        program = make_program(size)
        url = reverse("timeline:program", args=[program.slug])
        with django_assert_max_num_queries(8):
            response = client.get(url)
        assert len(figure_keys(response)) == size
        with django_assert_max_num_queries(8):
            client.get(url, {"as_of": "2021-06-01", "status": "planned"})

    def test_htmx_request_gets_only_the_timeline_partial(self, client):
        program = make_program(5)
        response = client.get(reverse("timeline:program", args=[program.slug]), headers={"HX-Request": "true"})
        content = response.content.decode()
        assert content.lstrip().startswith('<section id="timeline"')
        assert "<html" not in content

    def test_full_page_has_filters_and_chart(self, client):
        program = make_program(5)
        response = client.get(reverse("timeline:program", args=[program.slug]))
        assertContains(response, 'id="filters"')
        assertContains(response, 'id="gantt-data"')
        assertContains(response, "timeline/vendor/plotly.min.js")

    def test_filters_narrow_chart_and_table(self, client):
        program = make_program(12)
        url = reverse("timeline:program", args=[program.slug])
        events = set(Milestone.objects.filter(program=program, kind="event").values_list("key", flat=True))
        response = client.get(url, {"kind": "event"})
        assert set(figure_keys(response)) == events
        response = client.get(url, {"phase": "phase-a"})
        members = {"phase-a", *Milestone.objects.filter(parent__key="phase-a").values_list("key", flat=True)}
        assert set(figure_keys(response)) == members

    def test_text_search(self, client):
        program = make_program(3)
        MilestoneFactory(program=program, title_ko="데이터센터 완공", title_en="Data center")
        response = client.get(reverse("timeline:program", args=[program.slug]), {"q": "데이터"})
        assert len(figure_keys(response)) == 1

    def test_as_of_shows_the_schedule_known_then(self, client):
        program = ProgramFactory(slug="p")
        m = MilestoneFactory(program=program, kind="event", key="dc")
        ClaimFactory(milestone=m, field="event", stated_on=D(2021, 1, 3))
        ClaimFactory(
            milestone=m, field="event", lo=D(2023, 1, 1), hi=D(2023, 12, 31), precision="year", stated_on=D(2021, 2, 3)
        )
        url = reverse("timeline:program", args=["p"])
        assertContains(client.get(url, {"as_of": "2021-01-10"}), "2022년 12월")
        assertNotContains(client.get(url, {"as_of": "2021-01-10"}), "2023년")
        assertContains(client.get(url), "2023년")

    @pytest.mark.parametrize(
        "params",
        [
            pytest.param({"as_of": "garbage"}, id="as_of-garbage"),
            pytest.param({"as_of": "2022-02-30"}, id="as_of-no-such-day"),
            pytest.param({"phase": "abc"}, id="unknown-phase"),
            pytest.param({"status": "<script>"}, id="status-markup"),
            pytest.param({"kind": "x" * 500}, id="long-kind"),
            pytest.param({"show": "everything"}, id="show-unknown"),
            pytest.param({"q": "가" * 10_000}, id="search-10k"),
            pytest.param({"q": "a\x00b"}, id="search-nul"),
        ],
    )
    @pytest.mark.usefixtures("english")
    def test_bad_parameters_are_reported_not_a_500(self, client, params):
        program = make_program(3)
        response = client.get(reverse("timeline:program", args=[program.slug]), params)
        assert response.status_code == 200
        if set(params) - {"q"}:
            assertContains(response, "not valid")
        assertNotContains(response, '<script>"', html=False)

    def test_unknown_program_is_404(self, client):
        assert client.get(reverse("timeline:program", args=["nope"])).status_code == 404

    @pytest.mark.usefixtures("english")
    def test_empty_program_explains_what_to_do(self, client):
        program = ProgramFactory()
        assertContains(client.get(reverse("timeline:program", args=[program.slug])), "no milestones yet")

    @pytest.mark.usefixtures("english")
    def test_filter_that_matches_nothing_offers_a_way_back(self, client):
        program = make_program(3)
        response = client.get(reverse("timeline:program", args=[program.slug]), {"q": "zzz-nothing"})
        assertContains(response, "No milestone matches")

    @pytest.mark.usefixtures("english")
    def test_as_of_before_the_first_source(self, client):
        program = make_program(3)
        response = client.get(reverse("timeline:program", args=[program.slug]), {"as_of": "1999-01-01"})
        assertContains(response, "Nothing was reported yet")

    def test_post_is_not_allowed(self, client):
        program = make_program(2)
        assert client.post(reverse("timeline:program", args=[program.slug])).status_code == 405


class TestMilestonePanel:
    def test_standalone_page_and_htmx_partial(self, client):
        claim = ClaimFactory(expression="올 연말")
        m = claim.milestone
        url = reverse("timeline:milestone", args=[m.program.slug, m.key])
        full = client.get(url)
        assertContains(full, "<html")
        assertContains(full, "올 연말")
        partial = client.get(url, headers={"HX-Request": "true"})
        assert partial.content.decode().lstrip().startswith("<article")
        assertContains(partial, "올 연말")

    @pytest.mark.usefixtures("english")
    def test_conflicting_claims_are_highlighted(self, client):
        m = MilestoneFactory(kind="event")
        ClaimFactory(
            milestone=m,
            field="event",
            status="actual",
            lo=D(2022, 1, 1),
            hi=D(2022, 12, 31),
            precision="year",
            stated_on=D(2023, 7, 23),
        )
        ClaimFactory(
            milestone=m, field="event", status="actual", lo=D(2023, 11, 1), hi=D(2023, 11, 30), stated_on=D(2024, 5, 7)
        )
        response = client.get(reverse("timeline:milestone", args=[m.program.slug, m.key]))
        assert response.content.decode().count('class="conflicted') == 2
        assertContains(response, "Sources disagree")

    def test_panel_for_a_milestone_of_another_program_is_404(self, client):
        m = MilestoneFactory()
        other = ProgramFactory()
        assert client.get(reverse("timeline:milestone", args=[other.slug, m.key])).status_code == 404

    def test_trend_chart_data_is_inert_json(self, client):
        m = MilestoneFactory(key="dc", title_ko="</script><script>alert(1)</script>")
        ClaimFactory(milestone=m)
        ClaimFactory(
            milestone=m,
            lo=D(2023, 1, 1),
            hi=D(2023, 12, 31),
            precision="year",
            stated_on=D(2022, 6, 1),
            source=SourceFactory(publisher="<b>x</b>"),
        )
        response = client.get(reverse("timeline:milestone", args=[m.program.slug, m.key]))
        assertContains(response, 'id="trend-data-dc"')
        assertNotContains(response, "<script>alert(1)</script>")
