"""Public pages speak the reader's language, and no working note reaches them.

Rules checked on every public page of the Gwangju program (timeline, sources, each of the
45 milestones), rendered in Korean and in English:

- the English page shows no Hangul outside an element marked `lang="ko"` (names and quoted
  words as written, which carry their own language);
- the Korean page has no English sentence outside an element marked with another language;
- no page shows the fact sheet's working notes (the editor-only `editor_note`, a source's
  `date_note`, a claim's `note`) or wording typical of them.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ClaimFactory, MilestoneFactory, ProgramFactory, SourceFactory
from timeline.models import Claim, Milestone, Source

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")
# Four or more Latin words in a row: a phrase or a sentence, not a name or an acronym ("AI", "NHN", "CSV").
ENGLISH_PHRASE = re.compile(r"[A-Za-z][a-z'’]+(?:[ ,;:–-]+[A-Za-z][a-z'’]+){3,}")
WORKING_NOTE_WORDING = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"where the notes leave it",
        r"\bnotes? (?:mark|say|says|have|contain|leave)\b",
        r"\bin (?:the )?notes\b",
        r"id pattern suggests",
        r"\bDISPUTED\b",
        r"\(\?\)",
        r"stored as (?:the 1st|1 January)",
        r"\bmonth only\b",
        r"\bid date\b",
    )
]
SKIPPED = {"script", "style", "template", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TextWithLanguage(HTMLParser):
    """Every text node of a page with the language in force where it stands (nearest `lang`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs).get("lang")))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not data.strip() or any(tag in SKIPPED for tag, _ in self.stack):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), "")
        self.texts.append((lang.split("-")[0].lower(), " ".join(data.split())))


def texts_of(html: str) -> list[tuple[str, str]]:
    parser = TextWithLanguage()
    parser.feed(html)
    return parser.texts


def public_pages(program) -> list[str]:
    urls = [reverse("timeline:programs"), reverse("timeline:program", args=[program.slug])]
    urls.append(reverse("timeline:sources", args=[program.slug]))
    urls += [m.get_absolute_url() for m in Milestone.objects.filter(program=program, draft=False).order_by("position")]
    return urls


def render(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def english_page_problems(html: str) -> list[str]:
    return [text for lang, text in texts_of(html) if lang != "ko" and HANGUL.search(text)]


def korean_page_problems(html: str) -> list[str]:
    return [text for lang, text in texts_of(html) if lang in ("ko", "") and ENGLISH_PHRASE.search(text)]


@pytest.fixture
def gwangju_pages(gwangju):
    return public_pages(gwangju)


class TestGwangjuPages:
    def test_the_english_pages_show_no_korean_outside_names_marked_as_korean(self, client, gwangju_pages):
        found = {url: english_page_problems(render(client, url, "en")) for url in gwangju_pages}
        assert {url: texts for url, texts in found.items() if texts} == {}

    def test_the_korean_pages_show_no_english_sentence(self, client, gwangju_pages):
        found = {url: korean_page_problems(render(client, url, "ko")) for url in gwangju_pages}
        assert {url: texts for url, texts in found.items() if texts} == {}

    @pytest.mark.parametrize("language", ["ko", "en"])
    def test_no_working_note_reaches_a_public_page(self, client, gwangju, gwangju_pages, language):
        notes = {m.editor_note for m in Milestone.objects.all()} | {gwangju.editor_note}
        notes |= set(Source.objects.values_list("date_note", flat=True))
        notes |= set(Claim.objects.values_list("note", flat=True))
        notes = {note for note in notes if len(note) >= 25}  # whole notes, not a stray common phrase
        assert len(notes) > 50, "the fixture should carry its working notes for editors"
        leaks = {}
        for url in gwangju_pages:
            text = " ".join(text for _, text in texts_of(render(client, url, language)))
            found = [note for note in notes if note in text]
            found += [p.pattern for p in WORKING_NOTE_WORDING if p.search(text)]
            if found:
                leaks[url] = found
        assert leaks == {}

    def test_every_milestone_and_the_program_have_a_summary_in_both_languages(self, gwangju):
        assert gwangju.summary_ko and gwangju.summary_en and gwangju.budget_en and gwangju.agency_en
        missing = Milestone.objects.filter(program=gwangju).filter(summary_ko="") | Milestone.objects.filter(
            program=gwangju, summary_en=""
        )
        assert list(missing.values_list("key", flat=True)) == []
        for milestone in Milestone.objects.filter(program=gwangju):
            assert HANGUL.search(milestone.summary_ko), milestone.key
            assert not HANGUL.search(milestone.summary_en), milestone.key
            assert not HANGUL.search(milestone.title_en), milestone.key

    def test_no_source_carries_a_made_up_title(self, gwangju):
        made_up_lead = r"^(추진 (현황|계획)|Progress and plans|Plans and targets|Reported progress)"
        made_up = Source.objects.filter(title__regex=made_up_lead)
        assert list(made_up.values_list("citation", flat=True)) == []


@pytest.mark.django_db
class TestSummaryLanguage:
    def test_each_page_shows_the_summary_in_its_language(self, client):
        program = ProgramFactory(slug="p", summary_ko="한국어 요약입니다.", summary_en="An English summary.")
        url = reverse("timeline:program", args=["p"])
        assert "한국어 요약입니다." in render(client, url, "ko")
        assert "An English summary." not in render(client, url, "ko")
        html = render(client, url, "en")
        assert '<p class="summary">An English summary.</p>' in html
        assert "한국어 요약입니다." not in html
        assert program.summary_en

    def test_a_summary_missing_in_the_page_language_falls_back_marked_with_its_language(self, client):
        program = ProgramFactory(slug="p", summary_ko="한국어만 있는 요약.", summary_en="")
        milestone = MilestoneFactory(program=program, key="m", summary_ko="", summary_en="Only in English.")
        html = render(client, reverse("timeline:program", args=["p"]), "en")
        assert '<p class="summary" lang="ko">한국어만 있는 요약.</p>' in html
        html = render(client, milestone.get_absolute_url(), "ko")
        assert '<p class="summary" lang="en">Only in English.</p>' in html

    def test_the_editor_note_is_shown_to_nobody_on_the_public_pages(self, client, staff_client):
        milestone = MilestoneFactory(summary_ko="요약", editor_note="SECRET-WORKING-NOTE")
        for who in (client, staff_client):
            assert "SECRET-WORKING-NOTE" not in render(who, milestone.get_absolute_url(), "ko")
            program_url = reverse("timeline:program", args=[milestone.program.slug])
            assert "SECRET-WORKING-NOTE" not in render(who, program_url, "en")


@pytest.mark.django_db
class TestSourceCitation:
    def test_a_source_without_its_headline_is_cited_as_publisher_and_date(self, client):
        claim = ClaimFactory(source=SourceFactory(title="", publisher="전자신문", citation="etnews 123", url=""))
        html = render(client, reverse("timeline:sources", args=[claim.milestone.program.slug]), "en")
        published = claim.source.published_on.isoformat()
        heading = '<h2 class="plain-citation"><span class="publisher" lang="ko">전자신문</span>, '
        heading += f'<time datetime="{published}">'
        assert heading in html
        assert "etnews 123" not in html  # the working citation is for editors

    def test_a_real_headline_is_shown_linked_and_marked_with_its_language(self, client):
        source = SourceFactory(title="광주 AI 데이터센터 가동", language="ko", url="https://news.example/1")
        claim = ClaimFactory(source=source)
        html = render(client, reverse("timeline:sources", args=[claim.milestone.program.slug]), "en")
        assert '<h2 lang="ko"><a href="https://news.example/1"' in html
        assert ">광주 AI 데이터센터 가동</a></h2>" in html

    def test_a_hostile_language_code_cannot_break_out_of_its_attribute(self, client):
        # Eight characters at most (the column's length, which PostgreSQL enforces).
        source = SourceFactory(title="Headline", language='e"><i>', url="https://news.example/2")
        claim = ClaimFactory(source=source, expression="올해 말")
        html = render(client, reverse("timeline:sources", args=[claim.milestone.program.slug]), "ko")
        assert '"><i>' not in html
        assert '<h2 lang="e&quot;&gt;&lt;i&gt;">' in html
