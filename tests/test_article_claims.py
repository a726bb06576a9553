import datetime as dt
import json
from pathlib import Path

import pytest

from timeline.articles.claims import MilestoneRef, extract, split_sentences, strip_particle, tokens
from timeline.articles.read import read_file
from timeline.dates import DateSpan

ARTICLES = Path(__file__).parent / "articles"
SEED = Path(__file__).resolve().parents[2] / "shared" / "articles" / "kwangju-ilbo-2022-04-13.txt"
GWANGJU_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "gwangju_ai_cluster.json"
PUBLISHED = dt.date(2022, 4, 13)

MILESTONES = [
    MilestoneRef("site-groundbreaking", "스마트 물류센터 착공", "Logistics centre groundbreaking", "event"),
    MilestoneRef("building-completion", "물류센터 건물 완공", "Logistics centre building completed", "event"),
    MilestoneRef("operation", "물류센터 본격 운영", "Logistics centre in full operation", "span"),
    MilestoneRef("pilot", "스마트 물류 실증사업 (전체 기간)", "Smart logistics pilot (whole)", "phase"),
    MilestoneRef("design", "AI 반도체 시험센터 설계", "Test centre design", "span"),
    MilestoneRef("test-centre-completion", "AI 반도체 시험센터 준공", "Test centre completed", "event"),
    MilestoneRef("test-centre-opening", "AI 반도체 시험센터 개소", "Test centre opens", "event"),
    MilestoneRef("dc-construction", "국가AI데이터센터 건물 공사", "Data center construction", "span"),
    MilestoneRef("dc-service", "국가AI데이터센터 본격 서비스 개시", "Data center full service start", "event"),
]


def rows(candidates):
    return [
        (c.expression, c.span.edtf, c.status, c.field, c.milestone_key or f"new: {c.proposed_title}")
        for c in candidates
    ]


def one(sentence: str, published: dt.date = PUBLISHED, milestones=(), language="ko"):
    found = extract(sentence, published=published, milestones=milestones, language=language)
    assert len(found) == 1, found
    return found[0]


class TestSentences:
    def test_split_on_endings_and_lines(self):
        text = "첫 문장이다. 둘째 문장이요? 셋째!\n넷째 줄\n\n▲다섯째 “인용이다.” 여섯째는 8.85PF다."
        assert [s.text for s in split_sentences(text)] == [
            "첫 문장이다.",
            "둘째 문장이요?",
            "셋째!",
            "넷째 줄",
            "다섯째 “인용이다.”",
            "여섯째는 8.85PF다.",
        ]

    def test_offsets_and_paragraphs(self):
        text = "-질문은.\n\n▲답이다. 또 답이다."
        sentences = split_sentences(text)
        assert [text[s.start : s.start + len(s.text)] for s in sentences] == [s.text for s in sentences]
        assert [s.paragraph for s in sentences] == [0, 1, 1]

    def test_tokens_strip_particles(self):
        assert tokens("지난해 인공지능집적단지를 착공했고, AI데이터센터는") == [
            "지난해",
            "인공지능집적단지",
            "착공했고",
            "ai",
            "데이터센터",
        ]
        assert strip_particle("광주에서") == "광주"
        assert strip_particle("이") == "이"


class TestCues:
    @pytest.mark.parametrize(
        ("sentence", "status", "field", "edtf"),
        [
            pytest.param("센터는 2025년 완공할 예정이다.", "planned", "end", "2025", id="예정"),
            pytest.param("센터는 지난해 6월 완공했다.", "actual", "end", "2021-06", id="완공했다"),
            pytest.param("공사는 2021년 9월 착공했다.", "actual", "start", "2021-09", id="착공했다"),
            pytest.param("센터는 내년 3월 문을 연다.", "planned", "event", "2023-03", id="future-date-is-planned"),
            pytest.param("협약은 지난달 체결됐다.", "actual", "event", "2022-03", id="체결됐다"),
            pytest.param("사업은 2020년부터 2024년까지 추진된다.", "planned", "both", "2020/2024", id="period-is-both"),
            pytest.param("운영은 내년부터 시작한다.", "planned", "start", "2023", id="부터-start"),
            pytest.param("건물은 2023년까지 준공하기로 했다.", "planned", "end", "2023", id="하기로-했다-is-a-plan"),
            pytest.param("사업단은 2020년 1월 출범한 뒤 커졌다.", "actual", "event", "2020-01", id="출범한"),
            pytest.param("센터는 올해 하반기 개소할 방침이다.", "planned", "event", "2022-41", id="방침"),
            pytest.param("센터는 13일 개소했다.", "actual", "event", "2022-04-13", id="dateline-day-with-a-cue"),
            pytest.param("센터는 올해 착공한다.", "planned", "start", "2022", id="this-year-defaults-to-planned"),
        ],
    )
    def test_korean(self, sentence, status, field, edtf):
        c = one(sentence)
        assert (c.status, c.field, c.span.edtf) == (status, field, edtf)

    @pytest.mark.parametrize(
        ("sentence", "status", "field", "edtf"),
        [
            pytest.param("The plant opened in March 2021.", "actual", "event", "2021-03", id="opened"),
            pytest.param("Construction will begin in 2024.", "planned", "start", "2024", id="will-begin"),
            pytest.param("It is expected to be completed by the end of 2022.", "planned", "end", "2022-12", id="by"),
        ],
    )
    def test_english(self, sentence, status, field, edtf):
        c = one(sentence, language="en")
        assert (c.status, c.field, c.span.edtf) == (status, field, edtf)

    @pytest.mark.parametrize(
        "sentence",
        [
            pytest.param("13일 인터뷰에 나선 임 단장은 소감을 말했다.", id="the-articles-own-day"),
            pytest.param("시는 12일 이같이 밝혔다.", id="the-day-before"),
            pytest.param("임 단장은 지난 30여년 간 정보통신 분야에서 일했다.", id="a-career-span"),
            pytest.param("지난해에만 125개 과제를 지원했다.", id="no-milestone-and-no-cue"),
        ],
    )
    def test_skipped_mentions(self, sentence):
        assert extract(sentence, published=PUBLISHED, milestones=MILESTONES) == []

    def test_same_claim_twice_in_an_article_is_kept_once(self):
        text = "물류센터 건물은 올해 12월 완공할 예정이다. 물류센터 건물은 올해 12월 완공할 계획이다."
        assert len(extract(text, published=PUBLISHED, milestones=MILESTONES)) == 1

    def test_qualifier_is_kept(self):
        assert one("센터는 이르면 다음 달 중순께 개소한다.").qualifier == "이르면"


class TestMatching:
    def test_event_milestones_get_event_claims(self):
        c = one("물류센터 건물은 올해 12월 완공할 예정이다.", milestones=MILESTONES)
        assert (c.milestone_key, c.field, c.milestone_title) == ("building-completion", "event", "물류센터 건물 완공")

    def test_context_sentences_help(self):
        text = "-시험센터는 언제 문을 여나.\n\n▲건물은 올해 11월 준공할 예정이다."
        (c,) = extract(text, published=PUBLISHED, milestones=MILESTONES)
        assert c.milestone_key == "test-centre-completion"

    def test_the_clause_of_the_date_decides_between_two_titles(self):
        text = "AI 반도체 시험센터 건물은 올해 11월 준공할 예정이며, 장비를 갖춰 내년 상반기 문을 열 계획이다."
        assert [c.milestone_key for c in extract(text, published=PUBLISHED, milestones=MILESTONES)] == [
            "test-centre-completion",
            "test-centre-opening",
        ]

    def test_unmatched_claims_propose_a_milestone(self):
        c = one("드론 배송 협약은 지난달 체결됐다.", milestones=MILESTONES)
        assert c.milestone_key is None and c.milestone_title is None
        assert (c.proposed_title, c.proposed_kind) == ("드론 배송 협약 체결", "event")

    def test_a_period_proposes_its_subject(self):
        c = one("스마트 물류 실증사업은 2022년부터 2025년까지 진행되며, 총사업비는 450억원이다.")
        assert (c.proposed_title, c.proposed_kind, c.field) == ("스마트 물류 실증사업", "span", "both")

    def test_proposal_from_the_noun_after_an_adnominal_cue(self):
        c = one("2020년 1월 출범한 인공지능산업융합사업단의 초대 단장을 맡았다.")
        assert c.proposed_title == "인공지능산업융합사업단 출범"

    def test_english_titles_match_english_articles(self):
        c = one("Full service is expected to start in the first half of 2023.", milestones=MILESTONES, language="en")
        assert c.milestone_key == "dc-service"


class TestArticles:
    def test_korean_news_page(self):
        article = read_file(ARTICLES / "binhae-daily-logistics.txt")
        found = extract(article.text, published=article.published_on, milestones=MILESTONES)
        assert rows(found) == [
            ("지난해 10월", "2022-10", "actual", "event", "site-groundbreaking"),
            ("오는 2024년 6월까지", "2024-06", "planned", "event", "building-completion"),
            ("2024년 하반기", "2024-41", "planned", "start", "operation"),
            ("지난달", "2023-02", "actual", "event", "new: 드론 배송 협약 체결"),
            ("2022년부터 2025년까지", "2022/2025", "planned", "both", "pilot"),
        ]
        assert all(c.sentence in article.text for c in found)

    def test_euc_kr_html_page(self):
        article = read_file(ARTICLES / "namdo-economy-euckr.html")
        found = extract(article.text, published=article.published_on, milestones=MILESTONES)
        assert rows(found) == [
            ("지난 3월", "2023-03", "actual", "end", "design"),
            ("올해 11월", "2023-11", "planned", "event", "test-centre-completion"),
            ("내년 상반기", "2024-40", "planned", "event", "test-centre-opening"),
        ]

    def test_english_page(self):
        article = read_file(ARTICLES / "english-release.txt")
        found = extract(article.text, published=article.published_on, milestones=MILESTONES, language="en")
        assert rows(found) == [
            ("September 2021", "2021-09", "actual", "start", "dc-construction"),
            ("by the end of 2022", "2022-12", "planned", "event", "building-completion"),
            ("the first half of 2023", "2023-40", "planned", "event", "dc-service"),
        ]


def gwangju_milestones() -> tuple[list[MilestoneRef], str]:
    records = json.loads(GWANGJU_FIXTURE.read_text("utf-8"))
    program = next(r["fields"] for r in records if r["model"] == "timeline.program")
    refs = [
        MilestoneRef(f["key"], f["title_ko"], f["title_en"], f["kind"])
        for f in (r["fields"] for r in records if r["model"] == "timeline.milestone")
    ]
    return refs, f"{program['name_ko']} {program['name_en']}"


def test_seed_article_yields_the_known_schedule():
    if not SEED.exists():
        pytest.skip(f"{SEED} is not on this machine")
    refs, program_name = gwangju_milestones()
    article = read_file(SEED)
    assert article.published_on == PUBLISHED
    found = extract(article.text, published=article.published_on, milestones=refs, program_name=program_name)
    by_expression = {c.expression: c for c in found}

    building = by_expression["올 연말"]
    assert (building.status, building.span) == ("planned", DateSpan.month(2022, 12))
    assert building.milestone_key == "dc-building-completion"
    assert building.field == "event", "the building's completion is an event milestone: its date is the end"

    service = by_expression["내년 상반기"]
    assert (service.status, service.span, service.milestone_key) == (
        "planned",
        DateSpan.half(2023, 1),
        "dc-service-start",
    )

    groundbreaking = by_expression["지난해"]
    assert (groundbreaking.status, groundbreaking.span) == ("actual", DateSpan.year(2021))
    assert groundbreaking.milestone_key == "groundbreaking-2021"

    assert "13일" not in by_expression, "the interview day is the article's own date, not a milestone"
