"""The program page's content is cached per data version: a repeat visit skips the work,
and every kind of edit shows on the next visit."""

import datetime as dt
import pickle
import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from tests.pages import figure, figure_keys
from timeline.models import Claim, Milestone, Program

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def program():
    program = ProgramFactory(slug="cached", name_ko="캐시 시험 사업")
    source = SourceFactory(publisher="광주일보", published_on=D(2021, 1, 3))
    for n in range(5):
        milestone = MilestoneFactory(program=program, key=f"m{n}", title_ko=f"단계 {n}")
        ClaimFactory(milestone=milestone, source=source, stated_on=D(2021, 1, 3))
    return program


def page(client, program, **params):
    return client.get(reverse("timeline:program", args=[program.slug]), params)


def test_repeat_visit_is_one_query_and_the_same_content(client, program, django_assert_num_queries):
    first = page(client, program)
    with django_assert_num_queries(1):  # the program row, for its data version
        second = page(client, program)
    assert (first["X-Tracker-Cache"], second["X-Tracker-Cache"]) == ("miss", "hit")
    assert figure(second) == figure(first)
    assert figure_keys(second) == [f"m{n}" for n in range(5)]


def test_nonce_and_csrf_token_stay_per_request(client, program):
    first, second = page(client, program).content.decode(), page(client, program).content.decode()
    nonces = [re.findall(r'nonce="([^"]+)"', html) for html in (first, second)]
    assert nonces[0] and nonces[1] and set(nonces[0]).isdisjoint(nonces[1])


def test_queries_differ_by_filter_and_language(client, program):
    everything = page(client, program)
    one = page(client, program, q="단계 3")
    assert figure_keys(everything) == [f"m{n}" for n in range(5)]
    assert figure_keys(one) == ["m3"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client, program)
    assert [trace["name"] for trace in figure(english)["data"]] == ["Uncertain (precision)"]
    assert [trace["name"] for trace in figure(everything)["data"]] == ["불확실 구간 (정밀도)"]


def test_htmx_partial_is_cached_apart_from_the_page(client, program, django_assert_num_queries):
    full = page(client, program)
    partial = client.get(reverse("timeline:program", args=[program.slug]), HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b"<html" not in partial.content
    with django_assert_num_queries(1):
        again = client.get(reverse("timeline:program", args=[program.slug]), HTTP_HX_REQUEST="true")
    assert again.content == partial.content


def end_label(response, key: str) -> str:
    meta = figure(response)["layout"]["meta"]
    return meta["hover"][meta["keys"].index(key)]


class TestEveryChangeShowsOnTheNextVisit:
    def test_new_claim(self, client, program):
        assert "2022년 12월" in end_label(page(client, program), "m0")
        ClaimFactory(
            milestone=Milestone.objects.get(key="m0"),
            lo=D(2024, 6, 1),
            hi=D(2024, 6, 30),
            stated_on=D(2023, 5, 1),
        )
        assert "2024년 6월" in end_label(page(client, program), "m0")

    def test_edited_claim(self, client, program):
        page(client, program)
        claim = Claim.objects.get(milestone__key="m1")
        claim.lo, claim.hi, claim.precision = D(2025, 1, 1), D(2025, 12, 31), "year"
        claim.save()
        assert "2025년 (연 단위)" in end_label(page(client, program), "m1")

    def test_deleted_claim(self, client, program):
        page(client, program)
        Claim.objects.get(milestone__key="m2").delete()
        assert "2022년 12월" not in end_label(page(client, program), "m2")

    def test_renamed_milestone(self, client, program):
        page(client, program)
        milestone = Milestone.objects.get(key="m3")
        milestone.title_ko = "새 이름"
        milestone.save()
        assert "새 이름" in page(client, program).content.decode()

    def test_deleted_milestone(self, client, program):
        page(client, program)
        Milestone.objects.get(key="m4").delete()
        assert figure_keys(page(client, program)) == ["m0", "m1", "m2", "m3"]

    def test_renamed_source(self, client, program):
        assert "광주일보" in end_label(page(client, program), "m0")
        source = Claim.objects.get(milestone__key="m0").source
        source.publisher = "전남일보"
        source.save()
        assert "전남일보" in end_label(page(client, program), "m0")

    def test_renamed_program(self, client, program):
        page(client, program)
        program.name_ko = "이름을 바꾼 사업"
        program.save()
        assert "이름을 바꾼 사업" in page(client, program).content.decode()

    def test_other_programs_keep_their_cache(self, client, program, django_assert_num_queries):
        other = ProgramFactory(slug="other")
        MilestoneFactory(program=other, key="x")
        page(client, program)
        version = Program.objects.get(pk=program.pk).data_version
        ClaimFactory(milestone=Milestone.objects.get(key="x"))
        assert Program.objects.get(pk=program.pk).data_version == version
        with django_assert_num_queries(1):
            page(client, program)


def test_the_cached_page_carries_this_visitors_csrf_token_and_nonce(program):
    from django.test import Client

    page(Client(), program)  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    html = page(visitor, program)
    text = html.content.decode()
    nonce = re.search(r'<script[^>]+nonce="([^"]+)"', text).group(1)
    assert f"'nonce-{nonce}'" in html["Content-Security-Policy"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    switched = visitor.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    refused = Client(enforce_csrf_checks=True).post(reverse("set_language"), {"language": "en", "next": "/"})
    assert refused.status_code == 403


def test_staff_and_visitors_get_their_own_copies(client, program, django_user_model):
    admin_link = 'href="/admin/"'
    assert admin_link not in page(client, program).content.decode()
    from django.test import Client

    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser(username="ed", email="", password="pw-ed-12345"))
    assert admin_link in page(staff, program).content.decode()
    assert admin_link not in page(client, program).content.decode()


def test_pages_over_the_size_cap_are_built_every_time(client, program, settings, django_assert_max_num_queries):
    settings.TRACKER_PAGE_CACHE_MAX_BYTES = 1000
    page(client, program)
    with django_assert_max_num_queries(8) as queries:
        again = page(client, program)
    assert len(queries) > 1, "built again, not served from the cache"
    assert again["X-Tracker-Cache"] == "miss"
    assert figure_keys(again) == [f"m{n}" for n in range(5)]


def test_the_cache_holds_nothing_of_one_visitor(program, django_user_model):
    """What is cached is the same for every visitor: no CSRF token, nonce or session of whoever filled it."""
    from django.core.cache import cache
    from django.test import Client

    visitor = Client()
    html = page(visitor, program).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    nonce = re.search(r'<script[^>]+nonce="([^"]+)"', html).group(1)
    cached = [pickle.loads(value) for value in cache._cache.values()]  # everything LocMem holds
    cached = [value for value in cached if isinstance(value, str)]
    assert cached and all(token not in value and nonce not in value for value in cached)
    assert all("csrfmiddlewaretoken" not in value and "nonce=" not in value for value in cached)
