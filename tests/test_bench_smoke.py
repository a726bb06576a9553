"""The benchmark of issue 6 at tiny sizes: it runs, and the timeline page's query count does not grow with size."""

import pytest

from timeline.bench import measure as bench
from timeline.bench import synthetic
from timeline.models import Claim, Milestone, Program

pytestmark = pytest.mark.django_db


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
