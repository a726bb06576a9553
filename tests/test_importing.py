import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.factories import MilestoneFactory, SourceFactory
from timeline import importing
from timeline.articles.read import read_file
from timeline.importing import NoPublicationDateError, article_fixture, import_article
from timeline.models import Claim, Milestone, MilestoneKind, Source

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).parent / "articles"


def counts() -> tuple[int, int, int]:
    return Source.objects.count(), Claim.objects.count(), Milestone.objects.count()


@pytest.fixture
def program(logistics):
    return logistics


@pytest.fixture
def article():
    return read_file(ARTICLES / "binhae-daily-logistics.txt")


class TestImport:
    def test_creates_source_draft_claims_and_a_draft_milestone(self, program, article):
        result = import_article(article, program=program)

        source = Source.objects.get()
        assert result.source == source and not result.already_imported
        assert source.content_hash == hashlib.sha256(article.text.encode()).hexdigest()
        assert (source.title, source.publisher, source.author) == (article.title, "빛고을일보", "김하늘")
        assert source.published_on == dt.date(2023, 3, 2)
        assert source.body == article.text

        claims = {c.milestone.key: c for c in Claim.objects.select_related("milestone")}
        assert len(claims) == 5 == len(result.claims)
        assert not any(c.reviewed for c in claims.values())
        assert all(c.stated_on == dt.date(2023, 3, 2) and c.source == source for c in claims.values())
        completion = claims["building-completion"]
        assert (completion.expression, completion.field, completion.status) == (
            "오는 2024년 6월까지",
            "event",
            "planned",
        )
        assert completion.span.edtf == "2024-06"
        assert completion.sentence == "시는 오는 2024년 6월까지 물류센터 건물을 완공할 계획이다."
        assert claims["pilot"].span.edtf == "2022/2025" and claims["pilot"].field == "both"

        (draft,) = result.new_milestones
        assert draft.key.startswith("draft-") and draft.program == program
        assert (draft.title_ko, draft.kind) == ("드론 배송 협약 체결", MilestoneKind.EVENT)
        assert claims[draft.key].span.edtf == "2023-02"
        assert "importer" in draft.editor_note

    def test_unreviewed_claims_leave_the_schedule_alone(self, program, article):
        import_article(article, program=program)
        assert Milestone.objects.get(key="building-completion").derived.planned_end is None

    def test_the_same_article_again_writes_nothing(self, program, article):
        import_article(article, program=program)
        before = counts()
        again = import_article(article, program=program)
        assert again.already_imported and "already imported" in again.message
        assert counts() == before

    def test_same_url_with_another_text_is_already_imported(self, program, article):
        SourceFactory(url="https://news.example/logistics/1", body="older text of the page")
        before = counts()
        result = import_article(dataclasses.replace(article, url="https://news.example/logistics/1"), program=program)
        assert result.already_imported
        assert counts() == before

    def test_dry_run_writes_nothing(self, program, article):
        before = counts()
        result = import_article(article, program=program, dry_run=True)
        assert result.dry_run and len(result.claims) == 5 and len(result.new_milestones) == 1
        assert "would create" in result.message
        assert counts() == before

    def test_no_date_is_refused(self, program):
        article = read_file(ARTICLES / "no-date.txt")
        before = counts()
        with pytest.raises(NoPublicationDateError, match="--published YYYY-MM-DD"):
            import_article(article, program=program)
        assert counts() == before

    def test_a_given_date_fills_in(self, program):
        article = read_file(ARTICLES / "no-date.txt")
        result = import_article(article, program=program, published=dt.date(2023, 8, 1))
        assert result.source.published_on == dt.date(2023, 8, 1)
        assert result.source.date_note == "publication date given at import"
        assert {c.span.edtf for c in result.claims} == {"2023-12", "2023"}

    def test_a_failure_half_way_leaves_nothing_behind(self, program, article, monkeypatch):
        real = importing.build_claim
        made = []

        def failing(candidate, **kwargs):
            made.append(candidate)
            if len(made) == 3:
                raise ValidationError("boom")
            return real(candidate, **kwargs)

        monkeypatch.setattr(importing, "build_claim", failing)
        before = counts()
        with pytest.raises(ValidationError):
            import_article(article, program=program)
        assert counts() == before

    def test_a_second_article_reuses_the_draft_milestone(self, program, article):
        first = import_article(article, program=program)
        other = dataclasses.replace(
            article, text="드론 배송 협약은 지난달 체결됐다. 협약식에는 시장이 참석했다.", url=""
        )
        second = import_article(other, program=program)
        assert second.new_milestones == []
        assert second.claims[0].milestone == first.new_milestones[0]

    def test_draft_keys_are_unique_and_stable(self, program):
        taken = MilestoneFactory(program=program, key=importing.draft_key("드론 배송 협약 체결"), title_ko="다른 제목")
        article = read_file(ARTICLES / "binhae-daily-logistics.txt")
        (draft,) = import_article(article, program=program).new_milestones
        assert draft.key == f"{taken.key}-2"


class TestFixture:
    def test_natural_keys_and_deterministic_uids(self, program, article):
        when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        records = article_fixture(article, program, generated_at=when)
        assert records == article_fixture(article, program, generated_at=when)
        models = [r["model"] for r in records]
        assert models == ["timeline.source", "timeline.milestone"] + ["timeline.claim"] * 5
        source, draft, *claims = records
        assert (
            "pk" not in source and source["fields"]["content_hash"] == hashlib.sha256(article.text.encode()).hexdigest()
        )
        assert draft["fields"]["program"] == ["logistics"] and draft["fields"]["key"].startswith("draft-")
        assert claims[0]["fields"]["milestone"] == ["logistics", "site-groundbreaking"]
        assert claims[0]["fields"]["source"] == [source["fields"]["content_hash"]]
        assert all(not c["fields"]["reviewed"] for c in claims)
        assert counts()[0] == 0, "building a fixture writes nothing"

    def test_loads_twice_without_duplicates_and_then_counts_as_imported(self, program, article, tmp_path):
        path = tmp_path / "article.json"
        path.write_text(json.dumps(article_fixture(article, program), ensure_ascii=False), "utf-8")
        call_command("loaddata", str(path), verbosity=0)
        after_first = counts()
        call_command("loaddata", str(path), verbosity=0)
        assert counts() == after_first
        assert after_first[0] == 1 and after_first[1] == 5
        assert import_article(article, program=program).already_imported

    def test_fixture_and_import_agree(self, program, article):
        records = article_fixture(article, program)
        result = import_article(article, program=program)
        fixture_uids = {r["fields"]["uid"] for r in records if r["model"] == "timeline.claim"}
        assert fixture_uids == {c.uid for c in result.claims}
