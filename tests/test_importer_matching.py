"""The importer matches milestones the way an editor does: names, aliases, cue words, event nouns,
phase cues, the subject of earlier sentences and the headline, and the claims already stored.

Every sentence here is written for these tests.
"""

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.html_forms import form_data
from timeline.articles.claims import MilestoneRef, StoredClaim, extract
from timeline.articles.read import read_text
from timeline.importing import import_article, milestone_refs, names
from timeline.models import Claim, Milestone, Program, Source

PUBLISHED = dt.date(2025, 8, 22)

HARBOUR = [
    MilestoneRef("phase-1", "1단계 스마트항만 조성", "Phase 1 smart harbour", "phase", cues=("1단계",)),
    MilestoneRef("phase-2", "2단계 자율운항 실증단지", "Phase 2 autonomous shipping testbed", "phase", cues=("2단계",)),
    MilestoneRef(
        "crane-groundbreaking",
        "자동화 크레인동 착공식",
        "Crane hall groundbreaking",
        "event",
        aliases=("크레인동",),
        cues=("착공",),
    ),
    MilestoneRef(
        "control-kickoff",
        "관제센터 구축 착수식",
        "Control centre kickoff",
        "event",
        aliases=("관제센터",),
        cues=("착수식",),
    ),
    MilestoneRef(
        "control-completion",
        "통합관제센터 건물 준공",
        "Control centre building completed",
        "event",
        aliases=("관제센터 건물", "통합관제센터"),
        cues=("준공", "완공"),
    ),
    MilestoneRef(
        "control-opening",
        "통합관제센터 개소",
        "Control centre opens",
        "event",
        aliases=("통합관제센터",),
        cues=("개소", "운영"),
    ),
    MilestoneRef(
        "exemption-2019",
        "항만사업 예타 면제 선정",
        "Harbour project exempted from the feasibility study",
        "event",
        aliases=("예타 면제",),
        cues=("면제",),
        claims=(StoredClaim(dt.date(2019, 1, 29), dt.date(2019, 1, 29), "event", "29일"),),
    ),
    MilestoneRef(
        "exemption-phase-2",
        "2단계 예타 면제 확정",
        "Phase 2 exemption confirmed",
        "event",
        aliases=("2단계 예타 면제",),
        cues=("면제", "확정", "2단계"),
        claims=(StoredClaim(dt.date(2025, 8, 1), dt.date(2025, 8, 31), "event", "8월"),),
    ),
    MilestoneRef(
        "offshore-centre",
        "국가 해양데이터센터 (목포)",
        "National Ocean Data Center in Mokpo",
        "span",
        aliases=("해양데이터센터",),
        cues=("목포",),
    ),
]


def found(text, published=PUBLISHED, milestones=HARBOUR, headline="", language="ko"):
    return [
        (c.expression, c.milestone_key, c.field, c.status)
        for c in extract(text, published=published, milestones=milestones, headline=headline, language=language)
    ]


class TestEventNouns:
    def test_a_groundbreaking_is_not_a_kickoff_ceremony(self):
        text = "관제센터 구축 착수식은 지난 3월 열렸고, 크레인동은 오는 10월 착공한다."
        assert found(text) == [
            ("지난 3월", "control-kickoff", "event", "actual"),
            ("오는 10월", "crane-groundbreaking", "event", "planned"),
        ]

    def test_completion_and_opening_of_the_same_building_go_apart(self):
        text = "통합관제센터 건물은 올해 말 준공하고, 내년 상반기 개소할 예정이다."
        assert [(e, k) for e, k, _, _ in found(text)] == [
            ("올해 말", "control-completion"),
            ("내년 상반기", "control-opening"),
        ]

    def test_from_means_operation_starts_not_the_completion(self):
        text = "통합관제센터는 지난해 2월 준공된 뒤 지난해 11월부터 운영 중이다."
        assert found(text)[-1][:2] == ("지난해 11월부터", "control-opening")


class TestPhasesAndTime:
    def test_phase_cue_picks_the_phase(self):
        text = "2단계 사업은 2026년부터 2030년까지 6천억원을 들여 추진된다."
        assert found(text) == [("2026년부터 2030년까지", "phase-2", "both", "planned")]

    def test_the_same_noun_years_apart_goes_to_the_milestone_of_its_time(self):
        text = "2단계 사업이 22일 열린 위원회에서 예타 면제를 최종 승인받았다."
        assert found(text) == [("22일", "exemption-phase-2", "event", "actual")]
        old = found("항만사업이 1월 29일 예타 면제 대상으로 선정됐다.", published=dt.date(2019, 1, 30))
        assert old == [("1월 29일", "exemption-2019", "event", "actual")]

    def test_a_stretch_of_years_is_never_an_event(self):
        text = "크레인동 착공식 이후 항만은 2021년부터 2024년까지 1단계 공사를 이어간다."
        assert found(text)[0][1] == "phase-1"


class TestSubjectAndNames:
    def test_subject_from_the_sentence_before(self):
        text = "통합관제센터는 어떻게 되나.\n건물은 올 연말 준공 예정이다."
        assert found(text)[-1][:2] == ("올 연말", "control-completion")

    def test_a_date_in_the_headline_is_read(self):
        claims = found("공사는 순조롭다.", headline="자동화 크레인동 내년 3월 착공")
        assert claims == [("내년 3월", "crane-groundbreaking", "event", "planned")]

    def test_subject_from_the_headline(self):
        text = "건물은 올 연말 준공 예정이다."
        assert found(text, headline="통합관제센터 공사 막바지")[0][:2] == ("올 연말", "control-completion")

    def test_an_organisation_or_place_tells_two_centres_apart(self):
        text = "목포에 들어설 해양데이터센터는 2027년까지 짓는다."
        assert found(text) == [("2027년까지", "offshore-centre", "end", "planned")]

    def test_english_centre_and_center_are_one_word(self):
        text = "The National Ocean Data Centre in Mokpo will open in March 2026."
        assert found(text, published=dt.date(2025, 9, 1), language="en")[0][:2] == ("March 2026", "offshore-centre")


class TestLeftOut:
    def test_the_day_something_was_said_is_not_a_claim(self):
        text = "항만공사는 크레인동을 다음 달 착공할 예정이라고 21일 밝혔다."
        assert [e for e, *_ in found(text, published=dt.date(2025, 8, 21))] == ["다음 달"]

    def test_a_past_event_announced_that_day_is_kept(self):
        text = "항만공사는 관제센터 구축 착수식을 열었다고 21일 밝혔다."
        assert found(text, published=dt.date(2025, 8, 21)) == [("21일", "control-kickoff", "event", "actual")]

    def test_a_year_inside_a_name_is_not_a_date(self):
        text = "2025년 제3회 해양위원회가 크레인동 착공을 논의했다."
        assert found(text) == []

    def test_a_year_opening_a_quoted_name_is_not_a_date(self):
        text = "항만공사는 '2025년 스마트항만 인재양성 사업'에 선정돼 크레인동 착공을 앞당긴다."
        assert found(text) == []

    def test_a_year_the_sentence_is_about_is_not_a_date(self):
        text = '시장은 "통합관제센터가 문을 여는 2026년은 항만의 새 출발이 될 것"이라고 말했다.'
        assert [e for e, *_ in found(text)] == []

    def test_a_past_event_said_in_quotes_that_day_is_kept(self):
        text = "항만공사는 “관제센터 구축 착수식을 열었다”고 21일 밝혔다."
        assert found(text, published=dt.date(2025, 8, 21)) == [("21일", "control-kickoff", "event", "actual")]

    def test_last_day_told_as_past_is_not_the_dateline(self):
        text = "해양데이터센터 유치위원회는 지난 20일 목포에서 첫 회의를 가졌다."
        assert found(text, published=dt.date(2025, 8, 21)) == [("지난 20일", "offshore-centre", "event", "actual")]
        assert (
            found("해양데이터센터 유치위원회는 20일 목포에서 첫 회의를 가졌다.", published=dt.date(2025, 8, 21)) == []
        )

    def test_the_dateline_according_to_someone_is_not_a_claim(self):
        text = "21일 항만공사에 따르면 크레인동은 다음 달 착공한다."
        assert [e for e, *_ in found(text, published=dt.date(2025, 8, 21))] == ["다음 달"]

    def test_a_year_opening_a_conference_name_is_not_a_date(self):
        text = "항만공사 사장은 '2025 해양혁신콘퍼런스'에서 크레인동 착공을 약속했다."
        assert found(text) == []

    def test_from_a_year_on_is_a_date_even_as_the_topic(self):
        text = "통합관제센터는 2026년부터는 야간에도 운영 중인 체제로 바뀐다."
        assert [e for e, *_ in found(text)] == ["2026년부터"]

    def test_the_old_date_of_a_moved_plan_is_left_out(self):
        text = "크레인동은 당초 올해 10월 착공할 계획이었으나 내년 2월로 미뤄졌다."
        assert [e for e, *_ in found(text)] == ["내년 2월"]
        text = "통합관제센터 건물은 올해 말까지 준공할 예정이었지만 내년 상반기로 늦춰졌다."
        assert [e for e, *_ in found(text)] == ["내년 상반기"]

    def test_a_plan_missed_without_a_new_date_is_kept(self):
        text = "통합관제센터 건물은 올해 말까지 준공할 예정이었지만 시공사가 공사를 멈췄다."
        assert [e for e, *_ in found(text)] == ["올해 말까지"]

    def test_a_yearly_commitment_until_a_year_is_no_deadline(self):
        assert found("2단계 사업 참여사는 2029년까지 매년 20명을 채용한다.") == []

    def test_no_new_milestone_from_a_bare_deadline_with_nothing_happening(self):
        text = "배후단지에는 2030년까지 5천억원이 투입될 예정이다."
        assert found(text) == []


UMBRELLA = [
    MilestoneRef("overall", "스마트항만 조성사업 (전체 구상)", kind="phase", aliases=("10년 계획",), cues=("10년",)),
    MilestoneRef("phase-1", "1단계 크레인동 구축", kind="phase", cues=("1단계",)),
]


class TestUmbrella:
    def found(self, text):
        claims = extract(text, published=PUBLISHED, milestones=UMBRELLA, program_name="스마트항만 조성사업")
        return [(c.expression, c.milestone_key) for c in claims]

    def test_the_program_wide_milestone_needs_its_own_words(self):
        assert self.found("스마트항만 조성사업 협력사는 2029년까지 매년 인재를 채용한다.") == []

    def test_the_program_wide_milestone_is_found_by_its_cue(self):
        text = "스마트항만 조성사업은 2021년부터 10년간 이어진다."
        assert self.found(text) == [("2021년부터 10년간", "overall")]

    def test_the_program_wide_milestone_takes_a_period_of_years(self):
        assert self.found("스마트항만 조성사업은 2021년부터 2025년까지 진행된다.") == [
            ("2021년부터 2025년까지", "overall")
        ]


def test_that_year_is_the_year_named_before():
    text = "항만공사는 지난해 5월 크레인동 설계를 맡기고, 그해 11월 크레인동 착공에 들어갔다."
    claims = found(text)
    assert claims[-1][0] == "그해 11월"
    got = extract(text, published=PUBLISHED, milestones=HARBOUR)[-1]
    assert (got.span.lo, got.span.hi) == (dt.date(2024, 11, 1), dt.date(2024, 11, 30))


class TestStatus:
    def test_a_running_period_signed_today_is_planned(self):
        text = "항만공사는 올해부터 2028년까지 4년간 통합관제센터 운영 계약을 맺었다."
        assert found(text)[0][::3] == ("올해부터 2028년까지 4년간", "planned")

    def test_a_running_period_since_a_past_year_is_reported(self):
        text = "1단계 사업은 지난 2021년부터 8년간 이어지고 있다."
        assert found(text)[0][::3] == ("지난 2021년부터 8년간", "actual")

    def test_held_that_day_is_reported_not_planned(self):
        text = "해양수산부 장관은 3일 항만에서 열린 관제센터 구축 착수식에 참석해 축사를 하겠다고 했다."
        assert found(text, published=dt.date(2025, 9, 3)) == [("3일", "control-kickoff", "event", "actual")]


class TestFields:
    def test_a_date_already_stored_for_a_span_keeps_its_field(self):
        stored = StoredClaim(dt.date(2024, 5, 1), dt.date(2024, 5, 31), "start", "5월")
        halt = [MilestoneRef("halt", "크레인동 공사 중단", "Crane hall works halted", "span", claims=(stored,))]
        text = "크레인동 공사 중단은 지난해 5월 일이다."
        assert found(text, milestones=halt) == [("지난해 5월", "halt", "start", "actual")]

    def test_until_is_the_end_of_a_span_and_from_its_start(self):
        spans = [MilestoneRef("trial", "관제 시험운영", "Control trial", "span", aliases=("시험운영",))]
        text = "시험운영은 내년 1월부터 시작해 내년 6월까지 이어진다."
        assert [(e, f) for e, _, f, _ in found(text, milestones=spans)] == [
            ("내년 1월부터", "start"),
            ("내년 6월까지", "end"),
        ]

    def test_an_event_milestone_gets_event_claims(self):
        text = "크레인동 착공식은 오는 2026년 3월까지 마칠 계획이다."
        assert found(text)[0][1:3] == ("crane-groundbreaking", "event")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "통합관제센터는 ",
                "내년 상반기 ",
                "2단계 ",
                "지난 3월 ",
                "준공했다. ",
                "착공할 예정이다. ",
                "22일 밝혔다. ",
                "2021년부터 2024년까지 ",
                "목포 ",
                "면제를 확정했다. ",
                "크레인동 ",
            ]
        ),
        max_size=12,
    ),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
def test_confidence_is_a_share_and_every_date_lies_in_the_calendar(words, published):
    for candidate in extract("".join(words), published=published, milestones=HARBOUR):
        assert 0.0 <= candidate.confidence <= 1.0
        assert candidate.span.lo <= candidate.span.hi
        assert candidate.milestone_key is None or candidate.milestone_key in {m.key for m in HARBOUR}


def test_a_clear_winner_is_proposed_with_more_confidence_than_a_close_call():
    clear = extract("2단계 사업은 2026년부터 2030년까지 추진된다.", published=PUBLISHED, milestones=HARBOUR)
    close = extract("통합관제센터는 올해 말 일정을 마친다.", published=PUBLISHED, milestones=HARBOUR)
    assert clear[0].confidence > close[0].confidence > 0.0


def test_names_are_split_on_commas_and_lines():
    assert names("국가AI데이터센터, 데이터센터동\nAI data center;  , 데이터센터동") == (
        "국가AI데이터센터",
        "데이터센터동",
        "AI data center",
    )


@pytest.mark.django_db
class TestStoredData:
    @pytest.fixture
    def program(self):
        program = Program.objects.create(slug="harbour", name_ko="스마트항만 조성사업", name_en="Smart harbour")
        old = Milestone.objects.create(
            program=program, key="exemption-2019", kind="event", title_ko="예타 면제 선정", cues="면제, 선정"
        )
        Milestone.objects.create(
            program=program, key="exemption-2025", kind="event", title_ko="2단계 예타 면제 확정", cues="면제, 확정"
        )
        source = Source.objects.create(citation="harbour news 2019", published_on=dt.date(2019, 1, 29), body="x")
        Claim.objects.create(
            milestone=old,
            source=source,
            field="event",
            status="actual",
            lo=dt.date(2019, 1, 29),
            hi=dt.date(2019, 1, 29),
            precision="day",
            expression="1월 29일",
            reviewed=True,
        )
        return program

    def test_refs_carry_aliases_cues_and_stored_claims(self, program):
        refs = {r.key: r for r in milestone_refs(program)}
        assert refs["exemption-2025"].cues == ("면제", "확정")
        assert [(c.lo, c.expression) for c in refs["exemption-2019"].claims] == [(dt.date(2019, 1, 29), "1월 29일")]

    def test_imported_claims_keep_their_confidence(self, program):
        article = read_text("항만 소식\n\n항만사업이 예타 면제를 받은 지 6년 만에 2단계도 지난 22일 면제가 확정됐다.")
        result = import_article(article, program=program, published=dt.date(2025, 8, 25))
        claim = result.claims[0]
        claim.refresh_from_db()
        assert claim.milestone.key == "exemption-2025"
        assert 0.0 < claim.confidence <= 1.0


@pytest.mark.django_db
def test_aliases_and_cues_are_edited_in_the_milestone_form(staff_client):
    program = Program.objects.create(slug="harbour", name_ko="스마트항만 조성사업")
    milestone = Milestone.objects.create(program=program, key="crane", kind="event", title_ko="크레인동 착공식")
    url = reverse("admin:timeline_milestone_change", args=[milestone.pk])
    data = form_data(staff_client.get(url).content, "milestone_form")
    data.update(aliases="크레인동, 자동화 크레인", cues="착공\n기공식")
    assert staff_client.post(url, data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.aliases == "크레인동, 자동화 크레인"
    assert [r.cues for r in milestone_refs(program)] == [("착공", "기공식")]


@pytest.mark.django_db
def test_review_screen_shows_confidence_least_sure_first(staff_client):
    program = Program.objects.create(slug="harbour", name_ko="스마트항만 조성사업")
    milestone = Milestone.objects.create(program=program, key="crane", kind="event", title_ko="크레인동 착공식")
    source = Source.objects.create(citation="harbour news", published_on=dt.date(2025, 1, 2), body="y")
    for expression, confidence in (("sure", 0.91), ("unsure", 0.22), ("by hand", None)):
        Claim.objects.create(
            milestone=milestone,
            source=source,
            field="event",
            status="planned",
            lo=dt.date(2025, 3, 1),
            hi=dt.date(2025, 3, 31),
            precision="month",
            expression=expression,
            confidence=confidence,
        )
    page = staff_client.get(reverse("admin:timeline_claim_review")).content.decode()
    assert page.index("unsure") < page.index("sure</td>") < page.index("by hand")
    assert "0.22" in page and "0.91" in page
