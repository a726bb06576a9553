"""How the timeline reads its milestones (issue 15): no join for the phases, the phases linked
from the rows at hand, a phase the visitor may not see still named, queries fixed in N."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, make_program
from timeline.models import MilestoneKind

pytestmark = pytest.mark.django_db
PAGES = ("timeline:program", "timeline:export_csv", "timeline:export_json", "timeline:export_ics")


def csv_rows(client, program) -> list[dict]:
    response = client.get(reverse("timeline:export_csv", args=[program.slug]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_milestone_names_its_phase_even_when_the_phase_is_a_draft_the_visitor_cannot_see(client):
    program = ProgramFactory()
    phase = MilestoneFactory(program=program, key="phase-x", kind=MilestoneKind.PHASE, draft=True)
    member = MilestoneFactory(program=program, key="member", parent=phase)
    ClaimFactory(milestone=member)

    rows = {row["key"]: row for row in csv_rows(client, program)}

    assert "phase-x" not in rows, "the draft phase itself is not shown"
    assert rows["member"]["phase"] == "phase-x"


def test_the_page_and_the_exports_read_in_the_same_number_of_queries_for_3_and_30_milestones(client):
    counts = {}
    for n in (3, 30):
        program = make_program(n)
        for name in PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=[program.slug])).status_code == 200
            counts[(name, n)] = len(queries)
        program.delete()
    for name in PAGES:
        assert counts[(name, 3)] == counts[(name, 30)], counts
