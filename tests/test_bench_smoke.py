"""The benchmark of issue 6 at tiny sizes: it runs, and the timeline page's query count does not grow with size."""

import datetime as dt

import pytest

from timeline.bench import measure as bench
from timeline.bench import synthetic
from timeline.models import Claim, Milestone, Program

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_bench_runs_and_queries_stay_constant_as_the_program_grows():
    result = bench.run(sizes=(20, 60), repeat=1, throwaway=False)

    assert len(set(result["queries_by_size"].values())) == 1, result["queries_by_size"]
    assert len(set(result["as_of_queries_by_size"].values())) == 1, result["as_of_queries_by_size"]
    assert result["figure"][60]["rows"] == 60
    assert "Targets" in bench.format_table(result)


def test_synthetic_program_has_the_asked_shape_and_is_deterministic():
    first = synthetic.seed_program("synthetic-1", milestones=50, claims_per=3, seed=7)
    dates = sorted(Claim.objects.filter(milestone__program=first.program).values_list("lo", "hi", "precision"))
    again = synthetic.seed_program("synthetic-1", milestones=50, claims_per=3, seed=7)

    assert Program.objects.filter(slug="synthetic-1").count() == 1
    assert sorted(Claim.objects.filter(milestone__program=again.program).values_list("lo", "hi", "precision")) == dates
    milestones = Milestone.objects.filter(program=again.program)
    assert milestones.count() == 50
    assert Claim.objects.filter(milestone__program=again.program).count() == 150
    assert {"phase", "span", "event"} <= set(milestones.values_list("kind", flat=True))
    assert not milestones.filter(schedule={}).exists()


@pytest.mark.slow
def test_bench_under_production_settings_reports_an_uncacheable_page_as_not_cached(settings):
    settings.SECURE_SSL_REDIRECT = True  # DJANGO_DEBUG=0: plain HTTP is redirected, the bench must ask over HTTPS
    settings.TRACKER_PAGE_CACHE_MAX_BYTES = 1000  # every page is over the cap: rebuilt on each visit
    result = bench.run(sizes=(20,), repeat=2, throwaway=False)

    page = result["page"][20]
    assert page["repeat_visit"]["cache"] == {"hit": 0, "miss": 2}
    assert page["served_from_cache"] is False
    assert result["cached_page_ms_by_size"] == {20: None}
    assert "**no** (2 of 2 rebuilt)" in bench.format_table(result)


@pytest.mark.slow
def test_bench_reports_the_full_work_ratio_and_the_spread():
    result = bench.run(sizes=(20,), repeat=2, throwaway=False)

    figure = result["figure"][20]
    assert result["px_over_ours_full"] == {20: figure["px_full_ms"] / figure["ours_ms"]}
    for name in ("ours", "px", "px_full", "floor"):
        assert figure[f"{name}_min_ms"] <= figure[f"{name}_ms"] <= figure[f"{name}_max_ms"]
    page = result["page"][20]
    assert page["served_from_cache"] is True and page["repeat_visit"]["cache"] == {"hit": 2, "miss": 0}
    assert result["cached_page_ms_by_size"] == {20: page["repeat_visit"]["ms"]}
    assert result["page_over_px"] == {20: page["plain"]["ms"] / figure["px_full_ms"]}
    # What bounds the targets: each costly step of ours and the read of the stored schedules, in the report.
    assert set(figure["parts_ms"]) == set(bench.FIGURE_PARTS) and min(figure["parts_ms"].values()) > 0
    assert page["schedules_read_ms"] > 0 and figure["table_rows_ms"] > 0
    bounds = bench.format_table(result).split("#### What bounds the speed targets")[1]
    assert f"| 20 | {figure['px_full_ms'] / bench.PX_OVER_OURS_FULL_MIN:,.1f} | {figure['ours_ms']:,.1f} |" in bounds


def test_read_schedules_gives_each_milestone_its_stored_schedule(gwangju):
    schedules = bench.read_schedules(gwangju)

    milestones = Milestone.objects.filter(program=gwangju).order_by("pk")
    assert len(schedules) == milestones.count() > 20
    assert sorted(schedules, key=repr) == sorted((m.derived for m in milestones), key=repr)
    assert any(s.planned_end for s in schedules) and any(s.actual_end for s in schedules)


@pytest.mark.slow
def test_update_doc_writes_between_the_markers_only(tmp_path):
    result = bench.run(sizes=(20,), repeat=1, throwaway=False)
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Before\n{bench.DOC_START}\nold figures\n{bench.DOC_END}\n# After\n", encoding="utf-8")

    bench.update_doc(doc, result, command="manage.py bench --sizes 20", day=dt.date(2026, 11, 30))

    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Before\n") and text.endswith(f"{bench.DOC_END}\n# After\n")
    assert "old figures" not in text and "Run on 2026-11-30: `manage.py bench --sizes 20`" in text
    assert "| 20 |" in text
    doc.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no bench markers"):
        bench.update_doc(doc, result, command="x", day=dt.date(2026, 11, 30))


@pytest.mark.slow
def test_the_browser_benchmark_serves_its_site_and_removes_it_afterwards():
    import urllib.request

    from timeline.bench.browser import served_site

    with served_site((5,)) as site:
        with urllib.request.urlopen(site.base_url + site.pages[5], timeout=30) as response:
            assert response.status == 200
            assert b'id="gantt-data"' in response.read()
        work = site.work_dir
        assert work.exists()
    assert not work.exists()
