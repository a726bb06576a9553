import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from timeline.dates import DateSpan
from timeline.models import Claim, Milestone, Program, Source

pytestmark = pytest.mark.django_db
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "gwangju_ai_cluster.json"


def counts():
    return tuple(m.objects.count() for m in (Program, Milestone, Source, Claim))


def test_fixture_holds_the_whole_dataset(gwangju):
    programs, milestones, sources, claims = counts()
    assert (programs, milestones) == (1, 45)
    assert sources >= 110
    assert claims >= 320


@pytest.mark.slow
def test_loading_twice_creates_no_duplicates(gwangju):
    first = counts()
    call_command("loaddata", str(FIXTURE), verbosity=0)
    assert counts() == first


def test_loaddata_refreshes_the_cached_schedules(gwangju):
    dated = Milestone.objects.exclude(sort_date=None).count()
    assert dated >= 40
    assert not Milestone.objects.filter(schedule={}).exists()


def test_data_center_completion_keeps_its_forecasts_delay_and_conflict(gwangju):
    building = Milestone.objects.get(program=gwangju, key="dc-building-completion")
    schedule = building.derived
    stated = {f.stated_on for f in schedule.forecasts}
    assert len(stated) >= 5, "several planned-end claims from different dates"
    assert schedule.baseline_end.span == DateSpan.month(2022, 12)
    assert schedule.delay_days == 62, "finished 2023-02 against a first plan of 2022-12"
    actual_conflicts = [c for c in schedule.conflicts if c.slot == "actual_end"]
    assert actual_conflicts, "sources disagree about when the building was finished"
    spans = {s for c in actual_conflicts for s in c.spans}
    assert {DateSpan.year(2022), DateSpan.month(2023, 2), DateSpan.month(2023, 11)} <= spans
    assert building.current_status() == "done"


def test_as_of_april_2022_the_building_was_due_at_the_end_of_2022(gwangju):
    import datetime as dt

    building = Milestone.objects.get(program=gwangju, key="dc-building-completion")
    then = building.derive(as_of=dt.date(2022, 4, 13))
    assert then.planned_end.span == DateSpan.month(2022, 12)
    assert then.actual_end is None


def test_approximate_publication_dates_stay_visible(gwangju):
    assert Source.objects.filter(published_approx=True).exists()
    assert Source.objects.filter(published_on=None).exists()


def test_undated_milestones_stay_in(gwangju):
    undated = Milestone.objects.filter(sort_date=None)
    assert undated.exists()
    assert all(not m.claims.exists() for m in undated)


def test_a_broken_fixture_loads_nothing(tmp_path):
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    broken = next(r for r in rows if r["model"] == "timeline.claim")
    broken["fields"]["lo"], broken["fields"]["hi"] = broken["fields"]["hi"], "1999-01-01"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError or DeserializationError by backend
        call_command("loaddata", str(path), verbosity=0)
    assert counts() == (0, 0, 0, 0)


def test_a_fixture_pointing_at_a_missing_milestone_loads_nothing(tmp_path):
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    broken = next(r for r in rows if r["model"] == "timeline.claim")
    broken["fields"]["milestone"] = ["gwangju-ai-cluster", "no-such-milestone"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(Exception, match=r"timeline\.Claim.*milestone"):
        call_command("loaddata", str(path), verbosity=0)
    assert counts() == (0, 0, 0, 0)


def test_load_gwangju_skips_a_database_that_has_programs(gwangju):
    before = counts()
    call_command("load_gwangju", verbosity=0)
    assert counts() == before


def test_unknown_fixture_file_is_a_clear_error():
    with pytest.raises(CommandError, match="No fixture named"):
        call_command("loaddata", "no_such_fixture_file", verbosity=0)


@pytest.mark.slow
def test_load_gwangju_gives_every_loaded_row_its_first_history_version():
    from io import StringIO

    from timeline.models import Claim, Milestone, Program, Source

    call_command("load_gwangju", verbosity=0, stdout=StringIO())
    for model in (Program, Milestone, Source, Claim):
        rows = model.objects.count()
        assert rows > 0
        created = model.history.filter(history_type="+")
        assert created.count() == rows == created.values("id").distinct().count(), model.__name__
    building = Milestone.objects.get(key="dc-building-completion")
    assert building.history.get().title_ko == building.title_ko


@pytest.mark.slow
def test_the_shared_copy_of_gwangju_is_what_loaddata_writes(client, gwangju, gwangju_rows):
    """tests/conftest.py loads the fixture once and copies its rows into each test: it must serve as loaddata's."""
    from tests.factories import ClaimFactory, MilestoneFactory

    urls = [reverse(f"timeline:{name}", args=[gwangju.slug]) for name in ("export_csv", "export_json")]

    def state():
        counts = {model._meta.label: model._base_manager.count() for model in gwangju_rows}
        return counts, [client.get(url).content for url in urls]

    copied = state()
    ClaimFactory(milestone=MilestoneFactory(program=gwangju)).delete()  # the copy left the id sequences past its rows
    for model in reversed(list(gwangju_rows)):
        model._base_manager.all().delete()
    call_command("loaddata", str(FIXTURE), verbosity=0)
    cache.clear()
    assert state() == copied
