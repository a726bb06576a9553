"""Counts in admin lists come from SQL (annotated), not from a query per row."""

import re

import pytest
from django.urls import reverse

from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def claim_column(response) -> dict[str, int]:
    """citation -> the number in the source list's claims column, as the page shows it."""
    html = response.content.decode()
    row = r'<a href="[^"]+/change/[^"]*">([^<]+)</a>.*?<td class="field-claim_count">(\d+)</td>'
    rows = re.findall(row, html, re.S)
    return {citation: int(count) for citation, count in rows}


def test_source_list_counts_claims_in_one_query_whatever_the_number_of_sources(
    staff_client, django_assert_max_num_queries
):
    url = reverse("admin:timeline_source_changelist")
    for n, claims in enumerate((0, 2, 5)):
        source = SourceFactory(citation=f"source-{n}")
        for _ in range(claims):
            ClaimFactory(source=source)
    staff_client.get(url)
    with django_assert_max_num_queries(12) as few:
        assert claim_column(staff_client.get(url)) == {"source-0": 0, "source-1": 2, "source-2": 5}
    for n in range(3, 30):
        ClaimFactory(source=SourceFactory(citation=f"source-{n}"))
    with django_assert_max_num_queries(len(few)):
        many = staff_client.get(url)
    assert len(claim_column(many)) == 30


def test_source_list_sorts_by_claim_count(staff_client):
    for n, claims in enumerate((3, 0, 1)):
        source = SourceFactory(citation=f"source-{n}")
        for _ in range(claims):
            ClaimFactory(source=source)
    url = reverse("admin:timeline_source_changelist")
    column = list(staff_client.get(url).context["cl"].list_display).index("claim_count")
    response = staff_client.get(url, {"o": str(column)})
    assert response.status_code == 200, response.get("Location")
    ascending = claim_column(response)
    assert list(ascending.values()) == [0, 1, 3]
