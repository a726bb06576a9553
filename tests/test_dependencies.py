"""Dependencies between milestones: arrows on the chart, lists in the panel, editing in the admin, warnings."""

import datetime as dt

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from tests.html_forms import form_data
from tests.pages import figure
from timeline import charts
from timeline.charts import Row
from timeline.dates import DateSpan
from timeline.models import Milestone
from timeline.schedule import STARTED_BEFORE_PREDECESSOR_ENDED, ClaimFact, dependency_problem, derive

D = dt.date
TODAY = D(2026, 11, 30)
PAGE = "/programs/gwangju-ai-cluster/"


def arrows(fig: dict) -> dict[tuple[str, str], dict]:
    found = {}
    for a in fig["layout"]["annotations"]:
        if a.get("name", "").startswith("dependency:"):
            _, before, after = a["name"].split(":")
            found[(before, after)] = a
    return found


def row(key: str, *facts: ClaimFact, kind: str = "span") -> Row:
    return Row(key=key, title=key, kind=kind, schedule=derive(list(facts), kind=kind, today=TODAY))


STATED = D(2024, 1, 1)


def fact(i, field, status, span, stated=STATED):
    return ClaimFact(i, field, status, span, stated, i)


class TestArrows:
    def test_an_arrow_runs_from_the_end_of_the_predecessor_to_the_start_of_the_successor(self):
        rows = [
            row("build", fact(1, "both", "planned", DateSpan.range(D(2021, 3, 1), D(2022, 12, 31)))),
            row("other"),
            row("install", fact(2, "both", "planned", DateSpan.range(D(2023, 1, 1), D(2023, 6, 30)))),
        ]
        (arrow,) = charts.dependency_arrows(rows, [("build", "install")])
        # Bars end the day after their last day; the head sits on the successor's first day.
        assert (arrow["ax"], arrow["ay"]) == ("2023-01-01", 0)
        assert (arrow["x"], arrow["y"]) == ("2023-01-01", 2)
        assert arrow["showarrow"] and arrow["text"] == ""
        assert arrow["axref"] == arrow["xref"] == "x" and arrow["ayref"] == arrow["yref"] == "y"

    def test_what_happened_is_joined_before_the_plan_and_show_picks_one(self):
        build = row(
            "build",
            fact(1, "event", "planned", DateSpan.month(2022, 12)),
            fact(2, "event", "actual", DateSpan.month(2023, 2), stated=D(2024, 9, 22)),
        )
        service = row("service", fact(3, "event", "planned", DateSpan.month(2023, 7)), kind="event")
        links = [("build", "service")]
        (both,) = charts.dependency_arrows([build, service], links)
        assert both["ax"] == "2023-03-01"
        (planned,) = charts.dependency_arrows([build, service], links, show="planned")
        assert planned["ax"] == "2023-01-01"
        assert charts.dependency_arrows([build, service], links, show="actual") == []

    def test_no_arrow_when_a_filter_hides_either_end_or_a_date_is_missing(self):
        a = row("a", fact(1, "event", "planned", DateSpan.year(2022)))
        b = row("b", fact(2, "event", "planned", DateSpan.year(2023)))
        undated = row("undated")
        assert charts.dependency_arrows([a], [("a", "b")]) == []
        assert charts.dependency_arrows([b], [("a", "b")]) == []
        assert charts.dependency_arrows([a, undated], [("a", "undated")]) == []

    def test_a_successor_started_before_its_predecessor_ended_is_a_red_arrow_and_a_problem(self):
        build = row("build", fact(1, "event", "actual", DateSpan.month(2023, 11)), kind="event")
        trial = row("trial", fact(2, "start", "actual", DateSpan.month(2023, 1)))
        (arrow,) = charts.dependency_arrows([build, trial], [("build", "trial")])
        assert arrow["arrowcolor"] == charts.PROBLEM_COLOR
        problem = dependency_problem(trial.schedule, build.schedule)
        assert problem.kind == STARTED_BEFORE_PREDECESSOR_ENDED and problem.claim_ids == (2, 1)

    @pytest.mark.parametrize(
        ("start", "end", "warned"),
        [
            pytest.param(DateSpan.month(2023, 1), DateSpan.month(2023, 2), True, id="a-month-before"),
            pytest.param(DateSpan.month(2023, 2), DateSpan.month(2023, 2), False, id="same-month-may-be-after"),
            pytest.param(DateSpan.year(2023), DateSpan.month(2023, 6), False, id="a-year-may-be-after"),
            pytest.param(DateSpan.month(2023, 3), DateSpan.month(2023, 2), False, id="after"),
        ],
    )
    def test_only_a_certain_overlap_is_warned(self, start, end, warned):
        successor = derive([fact(1, "start", "actual", start)], kind="span", today=TODAY)
        predecessor = derive([fact(2, "event", "actual", end)], kind="event", today=TODAY)
        assert (dependency_problem(successor, predecessor) is not None) == warned

    def test_plans_that_overlap_are_not_warned(self):
        successor = derive([fact(1, "start", "planned", DateSpan.month(2023, 1))], kind="span", today=TODAY)
        predecessor = derive([fact(2, "event", "planned", DateSpan.month(2023, 2))], kind="event", today=TODAY)
        assert dependency_problem(successor, predecessor) is None


@pytest.mark.django_db
class TestGwangju:
    def test_the_fixture_holds_the_dependencies_from_the_facts(self, gwangju):
        service = Milestone.objects.get(program=gwangju, key="dc-service-start")
        assert set(service.predecessors.values_list("key", flat=True)) == {
            "dc-building-completion",
            "dc-equipment-trial",
        }
        links = Milestone.predecessors.through.objects.filter(from_milestone__program=gwangju).count()
        assert links >= 10

    def test_the_arrow_from_the_building_to_the_service_start_joins_their_dates(self, client, gwangju):
        fig = figure(client.get(PAGE))
        arrow = arrows(fig)[("dc-building-completion", "dc-service-start")]
        keys = fig["layout"]["meta"]["keys"]
        assert keys[arrow["ay"]] == "dc-building-completion"
        assert keys[arrow["y"]] == "dc-service-start"
        building = Milestone.objects.get(key="dc-building-completion").derived
        service = Milestone.objects.get(key="dc-service-start").derived
        # What happened, by the latest reports: the building finished in February 2023, the service began in November.
        assert building.actual_end.span == DateSpan.month(2023, 2)
        assert arrow["ax"] == (building.actual_end.span.hi + dt.timedelta(days=1)).isoformat() == "2023-03-01"
        assert arrow["x"] == service.actual_start.span.lo.isoformat() == "2023-11-01"
        assert arrow["arrowcolor"] != charts.PROBLEM_COLOR

    def test_deps_0_hides_the_arrows_and_a_filter_hides_those_it_cuts(self, client, gwangju):
        assert len(arrows(figure(client.get(PAGE)))) >= 8
        assert arrows(figure(client.get(PAGE, {"deps": "0"}))) == {}
        # The search keeps the building, the service start and NHN's selection and kickoff, not the
        # equipment trial nor the leased cloud: only arrows with both ends shown remain.
        shown = arrows(figure(client.get(PAGE, {"q": "국가AI데이터센터"})))
        assert set(shown) == {
            ("dc-building-completion", "dc-service-start"),
            ("nhn-selected-2021", "nhn-kickoff-2021"),
        }

    def test_the_checkbox_keeps_its_state_and_links_keep_deps(self, client, gwangju):
        page = client.get(PAGE, {"deps": "0"})
        assertContains(page, '<input type="checkbox" name="deps" value="0" checked>', html=False)
        assertContains(page, "milestones.csv?deps=0")

    def test_the_panel_lists_what_it_depends_on_and_what_needs_it_linked_both_ways(self, client, gwangju):
        url = reverse("timeline:milestone", args=["gwangju-ai-cluster", "dc-building-completion"])
        panel = client.get(url)
        trial_url = reverse("timeline:milestone", args=["gwangju-ai-cluster", "dc-equipment-trial"])
        assertContains(panel, f'href="{trial_url}"')
        assertContains(panel, "후행")
        trial = client.get(trial_url)
        assertContains(trial, f'href="{url}"')
        assertContains(trial, "선행")


@pytest.mark.django_db
def test_the_panel_warns_when_work_started_before_what_it_waits_for_was_done(client):
    program = ProgramFactory()
    build = MilestoneFactory(program=program, kind="event", title_ko="건물 완공")
    trial = MilestoneFactory(program=program, title_ko="장비 설치")
    trial.predecessors.add(build)
    ClaimFactory(milestone=build, field="event", status="actual", source=SourceFactory(published_on=D(2024, 5, 7)),
                 lo=D(2023, 11, 1), hi=D(2023, 11, 30), precision="month")  # fmt: skip
    ClaimFactory(milestone=trial, field="start", status="actual", source=SourceFactory(published_on=D(2023, 2, 1)),
                 lo=D(2023, 1, 1), hi=D(2023, 1, 31), precision="month")  # fmt: skip
    panel = client.get(trial.get_absolute_url())
    assertContains(panel, "건물 완공")
    assertContains(panel, "problem-note")
    before = client.get(trial.get_absolute_url(), {"as_of": "2023-06-01"})
    assertNotContains(before, "problem-note")


@pytest.mark.django_db
class TestAdmin:
    def change_url(self, milestone):
        return reverse("admin:timeline_milestone_change", args=[milestone.pk])

    def test_predecessors_are_offered_from_the_same_program_and_saved(self, staff_client):
        program = ProgramFactory()
        build = MilestoneFactory(program=program, title_ko="건물 완공")
        trial = MilestoneFactory(program=program, title_ko="장비 설치")
        elsewhere = MilestoneFactory(title_ko="다른 사업의 일")
        page = staff_client.get(self.change_url(trial))
        options = page.context["adminform"].form.fields["predecessors"].queryset
        assert list(options) == [build]
        assert elsewhere not in options and trial not in options
        data = form_data(page.content, "milestone_form")
        data["predecessors"] = [str(build.pk)]
        response = staff_client.post(self.change_url(trial), data)
        assert response.status_code == 302
        assert list(trial.predecessors.all()) == [build]
        assert list(build.successors.all()) == [trial]

    def test_a_cycle_is_a_form_error_and_saves_nothing(self, staff_client):
        program = ProgramFactory()
        a, b, c = (MilestoneFactory(program=program, title_ko=t) for t in ("가", "나", "다"))
        b.predecessors.add(a)
        c.predecessors.add(b)
        data = form_data(staff_client.get(self.change_url(a)).content, "milestone_form")
        data["predecessors"] = [str(c.pk)]
        response = staff_client.post(self.change_url(a), data)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["predecessors"]
        assert any("cycle" in e or "순환" in e for e in errors), errors
        assert not a.predecessors.exists()

    def test_a_new_milestone_cannot_wait_for_another_programs(self, staff_client):
        mine, theirs = ProgramFactory(), ProgramFactory()
        elsewhere = MilestoneFactory(program=theirs, title_ko="남의 일")
        add = reverse("admin:timeline_milestone_add")
        data = form_data(staff_client.get(add).content, "milestone_form")
        data.update(
            program=str(mine.pk), key="new-one", kind="event", title_ko="새 일", predecessors=[str(elsewhere.pk)]
        )
        response = staff_client.post(add, data)
        assert response.status_code == 200
        errors = " ".join(response.context["adminform"].form.errors["predecessors"])
        assert "남의 일" in errors
        assert not Milestone.objects.filter(key="new-one").exists()

    def test_a_milestone_cannot_name_itself_even_by_a_hand_written_post(self, staff_client):
        trial = MilestoneFactory(title_ko="장비 설치")
        data = form_data(staff_client.get(self.change_url(trial)).content, "milestone_form")
        data["predecessors"] = [str(trial.pk)]
        response = staff_client.post(self.change_url(trial), data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["predecessors"]
        assert not trial.predecessors.exists()

    def test_changing_the_links_renews_the_cached_page(self, staff_client, client):
        program = ProgramFactory()
        a = MilestoneFactory(program=program)
        b = MilestoneFactory(program=program)
        version = type(program).objects.get(pk=program.pk).data_version
        b.predecessors.add(a)
        assert type(program).objects.get(pk=program.pk).data_version != version
