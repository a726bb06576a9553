"""Dated sentences of an article -> candidate claims about milestones.

Plain Python, no ORM: milestones come in as `MilestoneRef`s, `Candidate`s come out.

For each sentence (split on Korean and Latin sentence endings and on line breaks) every
date mention found by `timeline.articles.dates.find_dates` becomes a candidate:

- **status** — the schedule cue nearest to the date wins: 예정, 계획, 목표, 방침, 추진, 전망,
  예상, 기대, ~할 것, ~하겠다, 하기로 ... mean *planned*; past forms (했다, 열었다, 마쳤다,
  착공했고, 출범한, 선정됐다 ...) and 중이다 mean *actual*. Korean puts the verb after the
  date, so cues after the date are looked at first (English: before it first). Without
  a cue, a date after the publication day is planned, one wholly before it is actual,
  and one that contains it (올해) is planned.
- **field** — a period written as one expression (2020년부터 2024년까지, 2021~2023년,
  지난 3년간) is *both*; otherwise the nearest cue: 착공/착수/시작/개시/가동 -> *start*,
  완공/준공/완료/마무리/종료 -> *end*, 개소/개관/출범/선정/개최/협약 ... -> *event*; without
  a cue, a lone 부터 is a start and a lone 까지 an end; else *event*. A claim matched to an
  event milestone is always about its *event* date.
- **milestone** — see `Matcher`: each title is compared with the comma-delimited clause
  around the date (full weight), the rest of its sentence (0.6) and the two sentences
  before it (0.4), which often carry the subject ("-AI데이터센터는 언제 가동되나." then
  "▲건물은 올 연말 완공 예정이다."). Below `MATCH_THRESHOLD` (or the stricter
  `UNANCHORED_MATCH_THRESHOLD` when no cue says which date it is) the candidate has no
  milestone and proposes a new one, titled from the words next to its cue ("건물 완공",
  "드론 배송 협약 체결", "인공지능산업융합사업단 출범") or, for a period, from its subject.

Mentions that are skipped, on purpose:

- the article's own dateline: a single day on or the day before publication with no
  schedule-field cue near it ("13일 인터뷰에 나선 임 단장은", "12일 밝혔다"; not "지난 12일"),
  a day followed by a verb of saying unless a past event is what was said, and a day
  opening "… 에 따르면";
- the old date of a plan moved in the same sentence ("당초 10월 … 계획이었으나 내년 2월로
  미뤄졌다") and a deadline of a yearly commitment ("2029년까지 매년 …");
- a date with no milestone and no cue saying what happens (no new milestone from it);
- a date that matches no milestone and has no field cue and no 부터/까지 (a duration like
  "지난 30여년 간 정보통신 분야에서", "지난해에만 125개 과제를 지원했는데"): there is nothing
  to call a new milestone, and an editor would only delete it;
- a repeat of the same date for the same milestone (or proposal): the first reading stands.

The program-wide milestone (its title carries most of the program's name) shares words with
every sentence, so it takes a date only with its own aliases or cue words, or a period of years.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from timeline.dates import DateSpan, Precision

from .dates import Mention, find_dates

PLANNED, ACTUAL = "planned", "actual"
START, END, EVENT, BOTH = "start", "end", "event", "both"
MATCH_THRESHOLD = 0.33
UNANCHORED_MATCH_THRESHOLD = 0.7
CONTEXT_SENTENCES = 2
CONTEXT_WEIGHT = 0.4
REST_WEIGHT = 0.6
GENERIC_WEIGHT = 0.35


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """A claim already stored for a milestone: its interval, which date, and its words as written."""

    lo: dt.date
    hi: dt.date
    field: str = EVENT
    expression: str = ""


@dataclass(frozen=True, slots=True)
class MilestoneRef:
    key: str
    title_ko: str
    title_en: str = ""
    kind: str = "span"
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    claims: tuple[StoredClaim, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    expression: str
    span: DateSpan
    status: str
    field: str
    sentence: str
    milestone_key: str | None
    milestone_title: str | None
    score: float
    qualifier: str | None = None
    proposed_title: str = ""
    proposed_kind: str = EVENT
    cue: str = ""
    offset: int = 0
    confidence: float = 0.0
    near: str = ""  # the words around the date that belong to it (its clause, up to the next date)

    @property
    def matched(self) -> bool:
        return self.milestone_key is not None


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    paragraph: int


# --- sentences --------------------------------------------------------------------

# A sentence ends at . ? ! before a space, or at "다." run into the next sentence ("…됐다.광주시는"),
# as pages that lost their line breaks write it.
_BOUNDARY = re.compile(r"(?<=[.?!])[\"'”’)\]」』]*(?=\s)|(?<=[다요]\.)(?=[가-힣\"'“‘▲△■])")
_MARKER = re.compile(r"^[\s\-–—▲△■□●○◆◇▶▷►*•·]+")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; a blank line starts a new paragraph."""
    sentences: list[Sentence] = []
    paragraph = 0
    for line in re.finditer(r"[^\n]*", text):
        if not line[0].strip():
            if sentences and sentences[-1].paragraph == paragraph:
                paragraph += 1
            continue
        start = line.start()
        for offset, piece in _split_line(line[0]):
            marker = _MARKER.match(piece)
            skip = marker.end() if marker else 0
            body = piece[skip:].rstrip()
            if body:
                sentences.append(Sentence(body, start + offset + skip, paragraph))
    return sentences


def _split_line(line: str) -> list[tuple[int, str]]:
    pieces, last = [], 0
    for m in _BOUNDARY.finditer(line):
        pieces.append((last, line[last : m.end()]))
        last = m.end()
        while last < len(line) and line[last].isspace():
            last += 1
    pieces.append((last, line[last:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


# --- cues -------------------------------------------------------------------------

_PLANNED_KO = re.compile(
    r"예정|계획|목표|방침|전망|예상|기대|추진(?!했|됐|되었)|하기로|키로|겠|할\s*것|될\s*것|할\s*수|구상"
)
_ACTUAL_KO = re.compile(
    r"(?:했|됐|되었|었|였|았|쳤|졌|렸|왔|냈|켰|섰|갔|났|봤|웠|뤘|혔)(?:다|고|으며|으나|는데|지만|던|습니다|어요)"
    r"|(?:출범|개소|개관|완공|준공|착공|선정|개최|체결|설립|출시|개통|개원|개교|시작|마무리|완료|착수|선포|의결|확정)"
    r"(?:한|된|됐던|했던)(?=\s|$|[,.])"
    r"|이미|중이다|운영\s*중|(?:열린|치러진|진행된)(?=\s)"
)
_PLANNED_EN = re.compile(
    r"\b(?:will|would|plans?|planned|planning|scheduled|expected|expects?|aims?|aiming|targets?|"
    r"is to|are to|set to|slated|intends?|hopes?|forecasts?|projected|due)\b",
    re.I,
)
_ACTUAL_EN = re.compile(
    r"\b(?:was|were|had|did|began|broke|held|won|became|opened|completed|finished|started|launched|signed|"
    r"selected|announced|approved|established|hosted|ended|wrapped|unveiled|broke ground|went)\b",
    re.I,
)
_FIELD_CUES: tuple[tuple[str, re.Pattern], ...] = (
    (EVENT, re.compile(r"착공식|기공식|준공식|개소식|개관식|출범식|착수식|협약식|선포식|기념식")),
    (START, re.compile(r"착공|착수|시작|개시|돌입|시행|첫\s*삽|가동|들어가|들어간|들어갈|운영에\s*들|운영\s*중")),
    (END, re.compile(r"완공|준공|완료|마무리|종료|끝나|끝난|끝낼|마치|마쳤|마칠|완성|완수|완비")),
    (
        EVENT,
        re.compile(
            r"개소|개관|출범|선정|개최|협약|체결|발표|개원|개교|의결|확정|승인|면제|선포|설립|오픈|개통|개장|문을\s*[열연여]|출시"
        ),
    ),
    (
        START,
        re.compile(
            r"\b(?:begins?|began|begun|start(?:s|ed|ing)?|break(?:s|ing)? ground|broke ground|kick(?:s|ed)? off)\b",
            re.I,
        ),
    ),
    (END, re.compile(r"\b(?:complet(?:e|es|ed|ion)|finish(?:es|ed)?|end(?:s|ed)?|wrap(?:s|ped)? up|built)\b", re.I)),
    (
        EVENT,
        re.compile(
            r"\b(?:open(?:s|ed|ing)?|launch(?:es|ed)?|sign(?:s|ed)?|select(?:s|ed)?|announce(?:s|d)?|hold|held|host(?:s|ed)?)\b",
            re.I,
        ),
    ),
)
_PERIOD = re.compile(
    r"부터.*까지|[~∼〜–]|\d\s*-\s*\d|간$|동안|\bto\b|\bthrough\b|\bbetween\b|\buntil\b.*\bfrom\b", re.I
)


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str
    word: str
    start: int
    end: int
    distance: int


def _nearest(patterns: Sequence[tuple[str, re.Pattern]], text: str, a: int, b: int, english: bool) -> _Cue | None:
    """The cue closest to the mention text[a:b]: after it first in Korean, before it first in English."""
    after, before = [], []
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            if m.start() >= b:
                after.append(_Cue(kind, m[0], m.start(), m.end(), m.start() - b))
            elif m.end() <= a:
                before.append(_Cue(kind, m[0], m.start(), m.end(), a - m.end()))
    # On a tie the longer cue wins (착공식 over 착공) and then the earlier pattern (planned over past).
    key = lambda c: (c.distance, -(c.end - c.start))  # noqa: E731
    first, second = (before, after) if english else (after, before)
    if first:
        return min(first, key=key)
    return min(second, key=key) if second else None


def _window(sentence: str, mention: Mention, others: Sequence[Mention]) -> tuple[str, int, int]:
    """The part of the sentence that belongs to this mention: up to the neighbouring mentions."""
    lo = max((m.end for m in others if m.end <= mention.start), default=0)
    hi = min((m.start for m in others if m.start >= mention.end), default=len(sentence))
    return sentence[lo:hi], mention.start - lo, mention.end - lo


_PAST_PLAN = re.compile(
    r"당초|애초|원래|예정이었|계획이었|목표였|했어야|\boriginally\b|\bhad been (?:planned|expected|due)", re.I
)


def status_of(text: str, a: int, b: int, *, span: DateSpan, published: dt.date, english: bool) -> tuple[str, bool]:
    """(planned or actual, whether a cue said so)."""
    patterns = (
        [(PLANNED, _PLANNED_EN), (ACTUAL, _ACTUAL_EN)] if english else [(PLANNED, _PLANNED_KO), (ACTUAL, _ACTUAL_KO)]
    )
    cue = _nearest(patterns, text, a, b, english)
    if cue is not None:
        if cue.kind == ACTUAL and span.lo > published:
            return PLANNED, False  # a past-tense verb cannot report a date that has not come yet
        if cue.kind == PLANNED and span.hi < published and not _PAST_PLAN.search(text):
            return ACTUAL, False  # a date already past is reported unless told it was a plan ("당초 … 예정이었다")
        return cue.kind, True
    if span.hi < published:
        return ACTUAL, False
    return PLANNED, False


def field_of(text: str, a: int, b: int, *, mention: Mention, english: bool) -> tuple[str, _Cue | None]:
    """(which date, the cue that said so); a period expression is its own cue."""
    if mention.span.precision == Precision.RANGE and _PERIOD.search(mention.expression):
        return BOTH, _Cue(BOTH, mention.expression, a, b, 0)
    cue = _nearest(_FIELD_CUES, text, a, b, english)
    if cue is not None:
        return cue.kind, cue
    if mention.bound == "from" or "부터" in mention.expression:
        return START, None
    if mention.bound == "until" or "까지" in mention.expression:
        return END, None
    return EVENT, None


# --- matching milestones ----------------------------------------------------------

_PARTICLES = sorted(
    (
        *("에서는", "에서도", "에게서", "으로는", "으로도", "으로써", "이라는", "이라고"),
        *(
            "에서",
            "에게",
            "으로",
            "까지",
            "부터",
            "에는",
            "에도",
            "께서",
            "처럼",
            "보다",
            "이나",
            "이며",
            "이고",
            "라는",
        ),
        *("은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "서"),
    ),
    key=len,
    reverse=True,
)
_SYNONYMS = {"인공지능": "ai"}
_EN_STOP = {
    *("the", "a", "an", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with", "from", "into"),
    *("its", "is", "are", "was", "were", "be", "this", "that", "as", "it", "will", "has", "have"),
}
_KO_STOP = {"광주", "광주시", "광주광역시", "정부", "올해", "내년", "지난해", "이미", "또", "특히", "등", "중", "및"}
_TOKEN = re.compile(r"[A-Za-z]+|\d*[가-힣]+")


def tokens(text: str) -> list[str]:
    """Noun-ish tokens: Hangul runs (a leading number kept: 2단계) and Latin words, common particles stripped."""
    out = []
    for raw in _TOKEN.findall(text):
        if raw.isascii():
            word = raw.lower()
            if len(word) >= 2 and word not in _EN_STOP:
                out.append(word)
            continue
        out.append(strip_particle(raw))
    return [t for t in out if t]


def strip_particle(token: str) -> str:
    for particle in _PARTICLES:
        if token.endswith(particle) and len(token) - len(particle) >= 2:
            return token[: -len(particle)]
    return token


def units(text: str) -> set[str]:
    """What titles and sentences are compared by: Latin words, and the syllable pairs of Hangul tokens.

    Korean packs compounds into one token (인공지능집적단지, 국가AI데이터센터), so whole-token
    equality misses most matches; pairs of syllables find 집적단지 inside 인공지능집적단지.
    """
    found: set[str] = set()
    for token in tokens(text):
        if token.isascii():
            found.add(token)
            continue
        if token in _KO_STOP:
            continue
        for word, alias in _SYNONYMS.items():
            if word in token:
                found.add(alias)
        if len(token) == 1:
            continue
        found.update(token[i : i + 2] for i in range(len(token) - 1))
    return found


@dataclass(frozen=True, slots=True)
class _Target:
    ref: MilestoneRef
    names: tuple[frozenset[str], ...]
    all_units: frozenset[str]
    actions: frozenset[str]
    nouns: frozenset[str]
    cues: tuple[str, ...]
    title: str


def _actions(text: str) -> frozenset[str]:
    return frozenset(kind for kind, pattern in _FIELD_CUES if pattern.search(text))


# Event nouns that tell milestones apart: a groundbreaking is not a kickoff ceremony, an
# opening not a completion, an exemption applied for not an exemption granted.
EVENT_NOUNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("groundbreaking", r"착공|기공|첫\s*삽|groundbreaking|broke ground|breaks? ground"),
        ("kickoff", r"착수식|착수\s*보고|kick-?off"),
        ("completion", r"준공|완공|completed|completion"),
        ("opening", r"개소|개관|개원|개교|문을\s*[열연]|\bopen(?:s|ed|ing)?\b"),
        ("service", r"가동|서비스\s*개시|본격\s*서비스|운영\s*개시|운영에\s*들|운영\s*중|\bservice\b"),
        ("selection", r"선정|우선협상|\bselect|\bchosen\b"),
        ("agreement", r"협약|체결|\bagreement\b|\bsign(?:s|ed)?\b"),
        ("exemption", r"면제|exempt"),
        ("application", r"신청|\bappl(?:y|ied|ication)\b"),
        ("launch", r"출범|\blaunch"),
        ("decision", r"의결|확정|\bapprov"),
        ("halt", r"중단|중지|폐업|\bhalt"),
        ("graduation", r"수료|졸업|\bgraduat"),
        ("call", r"공모|\bpublic call\b"),
    )
)
CUE_WEIGHT = 0.12
CUE_CAP = 0.36
NOUN_BONUS = 0.2
NOUN_PENALTY = 0.2
TIME_BONUS = 0.08
TIME_PENALTY_PER_YEAR = 0.15
TIME_PENALTY_CAP = 0.5
SAME_INTERVAL_BONUS = 0.12
SAME_WORDS_BONUS = 0.1
HEADLINE_WEIGHT = 0.3
PHASE_SHORT_DATE_PENALTY = 0.3
UMBRELLA_SHARE = 0.6  # of the program name's units the title carries


START_NOUNS = frozenset({"groundbreaking", "kickoff", "opening", "service", "launch"})
END_NOUNS = frozenset({"completion", "graduation"})
BOUND_SCORE = 0.1
PHASE_YEARS_BONUS = 0.15
EVENT_YEARS_PENALTY = 1.0


def _years(span: DateSpan) -> float:
    return ((span.hi - span.lo).days + 1) / 365.25


def _whole_years(span: DateSpan) -> bool:
    return span.lo.month == 1 and span.lo.day == 1 and span.hi.month == 12 and span.hi.day == 31


def _short(span: DateSpan) -> bool:
    return (span.hi - span.lo).days < 62


def event_nouns(text: str) -> frozenset[str]:
    return frozenset(name for name, pattern in EVENT_NOUNS if pattern.search(text))


def _squash(text: str) -> str:
    return re.sub(r"[\s·•‧・()\[\]'\"‘’“”]+", "", _english(text)).casefold()


def _english(text: str) -> str:
    return re.sub(r"(?i)\bcentres?\b", "center", text)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a date sits: its clause, the rest of its sentence, the sentences before it, the headline."""

    clause: str
    rest: str = ""
    context: str = ""
    headline: str = ""
    window: str = ""
    span: DateSpan | None = None
    expression: str = ""
    bound: str | None = None


class Matcher:
    """Scores a dated clause against every milestone, the way an editor reads it.

    - **names**: the share of a name's units (title in Korean or English, or one of the
      milestone's aliases; see `units`) found near the date, each weighted by how rare it
      is among the milestones (IDF) and by where it was found (the date's clause 1, the
      rest of its sentence `REST_WEIGHT`, the sentences before it `CONTEXT_WEIGHT`, the
      headline `HEADLINE_WEIGHT`). The best name counts. Units of the program's own name
      weigh `GENERIC_WEIGHT` (every sentence is about the program);
    - **cue words** of the milestone (2단계, 해남, NHN ...) found near the date add
      `CUE_WEIGHT` each (weighted by place), at most `CUE_CAP`;
    - **event nouns** (착공, 착수식, 준공, 개소, 선정, 협약, 면제, 신청 ...) next to the date
      that the milestone's names or cues also carry add `NOUN_BONUS`; nouns it does not
      carry cost `NOUN_PENALTY`;
    - **the claims already stored**: a date inside the stretch of time the milestone's
      claims cover (give or take half a year) adds `TIME_BONUS`, one years away from it
      costs `TIME_PENALTY_PER_YEAR` a year; the very interval of a stored claim adds
      `SAME_INTERVAL_BONUS`, and in the same words `SAME_WORDS_BONUS` more.

    The weights are judgement, checked on the Gwangju articles; they are not fitted.
    """

    def __init__(self, milestones: Sequence[MilestoneRef], *, program_name: str = ""):
        self.targets = []
        for ref in milestones:
            names = [
                frozenset(units(_english(" ".join((ref.title_ko, *ref.keywords))))),
                frozenset(units(_english(ref.title_en))),
                *(frozenset(units(_english(alias))) for alias in ref.aliases),
            ]
            names = tuple(n for n in names if n)
            described = " ".join((ref.title_ko, ref.title_en, *ref.aliases, *ref.cues))
            self.targets.append(
                _Target(
                    ref,
                    names,
                    frozenset().union(*names) if names else frozenset(),
                    _actions(f"{ref.title_ko} {ref.title_en}"),
                    event_nouns(described),
                    tuple(c for c in (_squash(c) for c in ref.cues) if len(c) >= 2),
                    f"{ref.title_ko} {ref.title_en}",
                )
            )
        df: Counter[str] = Counter()
        for target in self.targets:
            df.update(target.all_units)
        n = max(len(self.targets), 1)
        generic = units(program_name)
        # The umbrella milestone (the whole program under its own name): every sentence shares its words,
        # so only its own aliases or cue words near a date ("10년", "전체 구상"), or a period of years, say a date
        # is the program's.
        self.umbrella = {
            t.ref.key
            for t in self.targets
            if generic and len(units(t.ref.title_ko) & generic) >= UMBRELLA_SHARE * len(generic)
        }
        self.weight = {
            unit: math.log(1 + n / count) * (GENERIC_WEIGHT if unit in generic else 1.0) for unit, count in df.items()
        }

    def _share(self, target_units: frozenset[str], weights: dict[str, float]) -> float:
        total = sum(self.weight[u] for u in target_units)
        if not total:
            return 0.0
        return sum(self.weight[u] * weights.get(u, 0.0) for u in target_units) / total

    def name_score(self, target: _Target, weights: dict[str, float], cue: _Cue | None) -> float:
        # What the title is about, not what happens to it: sharing only 착공 with "AI 집적단지 착공식" is no match.
        drop = units(cue.word) if cue is not None and cue.kind != BOTH else set()
        best = 0.0
        for name in target.names:
            topic = name - drop
            if topic:
                best = max(best, self._share(topic, weights))
        return best

    def alias_near(self, target: _Target, sentence: set[str]) -> bool:
        """One of the milestone's own aliases (not its title) in full in the date's sentence."""
        return any(name <= sentence for name in target.names[2:])

    def cue_score(self, target: _Target, places: Sequence[tuple[str, float]]) -> tuple[float, bool]:
        total, near = 0.0, False
        for cue in target.cues:
            weight = max((w for text, w in places if cue in text), default=0.0)
            total += weight
            near = near or weight >= REST_WEIGHT
        return min(CUE_CAP, CUE_WEIGHT * total), near

    def noun_score(self, target: _Target, nouns: frozenset[str]) -> float:
        if not nouns:
            return 0.0
        if not target.nouns:
            return -NOUN_PENALTY / 2  # an event named next to the date that this milestone never names
        return NOUN_BONUS if nouns & target.nouns else -NOUN_PENALTY

    @staticmethod
    def bound_score(target: _Target, bound: str | None) -> float:
        """부터 (from) starts something, 까지 (until) ends it: prefer the events that do that."""
        if bound is None or not target.nouns:
            return 0.0
        starts, ends = bool(target.nouns & START_NOUNS), bool(target.nouns & END_NOUNS)
        if starts == ends:
            return 0.0
        return BOUND_SCORE if starts == (bound == "from") else -BOUND_SCORE

    @staticmethod
    def time_score(target: _Target, span: DateSpan | None, expression: str) -> float:
        claims = target.ref.claims
        if span is None or not claims:
            return 0.0
        first = min(c.lo for c in claims).toordinal() - 183  # ordinals: no overflow near year 1 or 9999
        last = max(c.hi for c in claims).toordinal() + 183
        gap = max(first - span.hi.toordinal(), span.lo.toordinal() - last, 0)
        score = TIME_BONUS if gap == 0 else -min(TIME_PENALTY_CAP, TIME_PENALTY_PER_YEAR * gap / 365)
        words = _squash(expression)
        same = [c for c in claims if c.lo == span.lo and c.hi == span.hi]
        if same:
            score += SAME_INTERVAL_BONUS
            if words and any((w := _squash(c.expression)) and (w in words or words in w) for c in same):
                score += SAME_WORDS_BONUS
        return score

    def ranked(self, evidence: Evidence, *, cue: _Cue | None = None) -> list[tuple[float, MilestoneRef]]:
        """Every milestone with its score for this date, best first."""
        weights: dict[str, float] = {}
        for text, weight in (
            (evidence.headline, HEADLINE_WEIGHT),
            (evidence.context, CONTEXT_WEIGHT),
            (evidence.rest, REST_WEIGHT),
            (evidence.clause, 1.0),
        ):
            for unit in units(_english(text)):
                weights[unit] = max(weight, weights.get(unit, 0.0))
        sentence = {u for u, w in weights.items() if w >= REST_WEIGHT}
        places = [
            (_squash(evidence.clause), 1.0),
            (_squash(evidence.rest), REST_WEIGHT),
            (_squash(evidence.context), CONTEXT_WEIGHT),
            (_squash(evidence.headline), HEADLINE_WEIGHT),
        ]
        nouns = event_nouns(evidence.window or evidence.clause)
        words = evidence.expression
        bound = "from" if words.endswith("부터") else "until" if words.endswith("까지") else evidence.bound
        scored = []
        for target in self.targets:
            name = self.name_score(target, weights, cue)
            cues, cue_near = self.cue_score(target, places)
            if not name and not cues:
                continue
            if (
                target.ref.key in self.umbrella
                and not cue_near
                and not self.alias_near(target, sentence)
                and not (evidence.span is not None and _years(evidence.span) >= 2)
            ):
                continue  # a year or a deadline of something the program does, not the program's own span
            if not (target.all_units & sentence) and not cue_near and name < 0.5:
                name *= 0.5  # named only in earlier sentences: the subject may have changed since
            score = (
                name
                + cues
                + self.noun_score(target, nouns)
                + self.bound_score(target, bound)
                + self.time_score(target, evidence.span, evidence.expression)
            )
            if cue is not None and cue.kind not in (BOTH,) and target.actions and cue.word in target.title:
                score += 0.1
            if evidence.span is not None and _years(evidence.span) >= 2:
                # a stretch of years is a phase's or a long span's, never an event's
                score += PHASE_YEARS_BONUS if target.ref.kind == "phase" else 0.0
                score -= EVENT_YEARS_PENALTY if target.ref.kind == EVENT else 0.0
            if target.ref.kind == "phase" and evidence.span is not None and not nouns and _whole_years(evidence.span):
                score += PHASE_YEARS_BONUS  # "2024년까지", with no event named: the phase's own schedule
            if target.ref.kind == "phase" and evidence.span is not None and _short(evidence.span):
                score -= PHASE_SHORT_DATE_PENALTY  # a phase runs for years: a day or a month is about something in it
            scored.append((round(max(0.0, score), 4), target.ref.kind != "phase", target.ref))
        scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
        return [(score, ref) for score, _, ref in scored]

    def best(
        self,
        clause: str,
        rest: str = "",
        context: str = "",
        *,
        cue: _Cue | None = None,
        threshold: float = MATCH_THRESHOLD,
        evidence: Evidence | None = None,
    ) -> tuple[MilestoneRef | None, float]:
        """The best milestone for a date in `clause`, with the `rest` of its sentence and the `context` before it."""
        evidence = evidence or Evidence(clause, rest, context)
        ranked = self.ranked(evidence, cue=cue)
        if not ranked or ranked[0][0] < threshold:
            return None, ranked[0][0] if ranked else 0.0
        return ranked[0][1], ranked[0][0]


def clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    lo = max((m.end() for m in re.finditer(r",\s", sentence[:start])), default=0)
    after = re.search(r",\s", sentence[end:])
    return lo, end + after.start() if after else len(sentence)


def clause_of(sentence: str, start: int, end: int) -> tuple[str, str]:
    """(the comma-delimited clause around sentence[start:end], the rest of the sentence)."""
    lo, hi = clause_bounds(sentence, start, end)
    return sentence[lo:hi], f"{sentence[:lo]} {sentence[hi:]}"


# --- proposals ----------------------------------------------------------------------

_ADNOMINAL = re.compile(r"(?:한|된|하는|되는|했던|됐던)\s+(\S+)")
_COUNT = re.compile(r"^\d+(?:[명개건곳억만원%년월일]|차례)?$")
_NOT_NOUN = re.compile(r"(?:고|며|서|면|지만|는데|거쳐|위해|통해|인|한|된|할|될|던|운|다|요)$")


_CUE_NOUNS = (
    (re.compile(r"운영에\s*들"), "운영 개시"),
    (re.compile(r"문을\s*[열연여]"), "개소"),
    (re.compile(r"첫\s*삽"), "착공"),
    (re.compile(r"들어[가간갈]"), "시작"),
    (re.compile(r"끝[나난낼]"), "종료"),
    (re.compile(r"마[치쳤칠]"), "완료"),
)


def _cue_noun(word: str) -> str:
    for pattern, noun in _CUE_NOUNS:
        if pattern.fullmatch(word):
            return noun
    return re.sub(r"\s+", " ", word)


def _nouns(text: str) -> list[str]:
    found = []
    for raw in text.split():
        noun = strip_particle(re.sub(r"[^\w·]", "", raw))
        if noun and noun not in _KO_STOP and not _COUNT.match(noun) and not _NOT_NOUN.search(noun):
            found.append(noun)
    return found


def proposed_title(sentence: str, mention: Mention, cue: _Cue | None, cue_at: int, *, english: bool) -> str:
    """A short title for a new milestone: the words just before the cue, and the cue ("건물 완공")."""
    text = sentence[: mention.start] + " " * (mention.end - mention.start) + sentence[mention.end :]
    if cue is None or cue.kind == BOTH:
        before = _nouns(sentence[: mention.start])[-3:]
        return " ".join(before or _nouns(sentence[mention.end :])[:3])[:60]
    head = text[:cue_at]
    word = _cue_noun(cue.word)
    if english:
        words = [w for w in re.findall(r"[A-Za-z][\w'-]*", head) if w.lower() not in _EN_STOP][-5:]
        return " ".join([*words, word])[:60]
    follower = _ADNOMINAL.match(text, cue_at + len(cue.word))
    if follower:
        noun = strip_particle(re.sub(r"[^\w·]", "", follower[1]))
        if noun and not _NOT_NOUN.search(noun) and not _COUNT.match(noun):
            return f"{noun} {word}"[:60]
    picked: list[str] = []
    for raw in reversed(head.split()):
        noun = strip_particle(re.sub(r"[^\w·]", "", raw))
        if not noun or noun in _KO_STOP or _COUNT.match(noun) or _NOT_NOUN.search(noun):
            if picked:
                break
            continue
        picked.insert(0, noun)
        if len(picked) == 3:
            break
    return " ".join([*picked, word])[:60]


# --- candidates -----------------------------------------------------------------------


# A date followed by a verb of saying is when something was said, not when it happens:
# "…라고 13일 밝혔다". Kept only when a past event is what was said ("선정했다고 4일 밝혔다").
_STATEMENT = re.compile(
    r"^\s*(?:오전|오후|새벽|밤)?\s*(?:[^\s,.]{1,12}(?:에서|을\s*통해|를\s*통해)\s*)?"
    r"(?:밝혔|말했|전했|설명했|강조했|덧붙였|알렸|발표했|공개했|보도했|주장했|답했|언급했|당부했)"
)
_ACCORDING_TO = re.compile(r"^\s*(?:[^\s,.]{1,15}\s+){0,3}?[^\s,.]{1,15}에\s*따르면")
_SAID_PAST_EVENT = re.compile(r"(?:했|됐|되었|였|었|았|쳤|졌|렸)다\s*[\"'”’]?\s*고\s*$")
# A year that is part of a name: "2025년 제6회 위원회", "2024년도 예산".
_YEAR_IN_NAME = re.compile(r"^\s*(?:도\s*)?(?:제\s*\d+\s*(?:회|차|기)|\d+\s*차\s)")
# Opening and closing words that put an event on a span's start or end ("개교" starts a course).
_SPAN_START = re.compile(
    r"개교|개소|개관|개원|입교|출범|가동|착수|시작|개시|착공|중단|폐업|문을\s*[열연여]|\bopen|\bstart|\bbegan"
)
_SPAN_END = re.compile(r"수료|졸업|완공|준공|건립|완료|마무리|종료|재개|\bcomplet|\bfinish|\bend")


def stored_field(ref: MilestoneRef | None, candidate: Candidate) -> str | None:
    """The field of a stored claim of the milestone with the same interval, when they agree on one."""
    if ref is None or ref.kind == EVENT:
        return None
    fields = {c.field for c in ref.claims if c.lo == candidate.span.lo and c.hi == candidate.span.hi}
    fields = {"both" if f in ("both", "start+end") else f for f in fields}
    return fields.pop() if len(fields) == 1 else None


def span_field(candidate: Candidate, mention: Mention) -> str:
    """Which date of a span: 까지/until is its end, 부터/from its start, else what the cue says."""
    if mention.bound == "until" or mention.expression.endswith("까지"):
        return END
    if mention.bound == "from" or mention.expression.endswith("부터"):
        return START
    if candidate.field != EVENT:
        return candidate.field
    for text in (candidate.cue, candidate.near):
        starts, ends = _SPAN_START.search(text or ""), _SPAN_END.search(text or "")
        if starts and not ends:
            return START
        if ends and not starts:
            return END
    return candidate.field


def is_statement_date(sentence: str, mention: Mention, published: dt.date) -> bool:
    span = mention.span
    if span.precision != Precision.DAY or not (published - dt.timedelta(days=3) <= span.lo <= published):
        return False
    if _ACCORDING_TO.match(sentence[mention.end :]) and not sentence[: mention.start].strip():
        return True  # the news dateline: "5일 시에 따르면 …" is when the city said it, not when it happened
    if not _STATEMENT.match(sentence[mention.end :]):
        return False
    return not _SAID_PAST_EVENT.search(sentence[: mention.start])


_NAME_HEAD = re.compile(
    r"(?:사업|계획|프로젝트|대회|포럼|행사|전략|정책|위원회|공모전?|센터|축제|박람회|엑스포|아카데미|캠프|과정|"
    r"[컨콘]퍼런스|세미나|심포지엄|토론회|설명회|페스티벌|어워즈|시상식|주간|"
    r"plan|project|programme|program|forum|festival|expo|conference|summit|symposium|week)$",
    re.I,
)


def is_year_in_name(sentence: str, mention: Mention) -> bool:
    """A year that opens a quoted name ("'2020년 지역거점 교육사업' 대상지") or a numbered meeting."""
    if mention.span.precision != Precision.YEAR:
        return False
    if _YEAR_IN_NAME.match(sentence[mention.end :]):
        return True
    if not sentence[: mention.start].rstrip().endswith(tuple("'\"‘“「『《<")):
        return False
    quoted = re.match(r"[^'\"’”」』》>]{0,40}", sentence[mention.end :])
    return bool(quoted and _NAME_HEAD.search(quoted[0].rstrip()))  # a quoted name, not quoted speech


_WAS_PLANNED_BEFORE = re.compile(r"(?:당초|애초|원래|기존)\s*(?:\S+\s*){0,2}$")
_WAS_PLANNED_AFTER = re.compile(
    r"^\S{0,4}\s*(?:\S+\s+){0,2}?\S*(?:계획이었|예정이었|목표였|계획했던|예정했던|계획하던)"
)
_MOVED_TO = re.compile(r"^\s*(?:으로|로)\s*(?:\S+\s+){0,2}?\S*(?:연기|지연|미뤄|미루|늦춰|늦어|변경|조정|앞당)")


def is_superseded(sentence: str, mention: Mention, mentions: Sequence[Mention]) -> bool:
    """The old date of a plan moved in the same sentence ("당초 올해 말까지 … 계획이었으나 내년 초로 미뤄졌다")."""
    was_planned = _WAS_PLANNED_BEFORE.search(sentence[: mention.start]) or _WAS_PLANNED_AFTER.match(
        sentence[mention.end :]
    )
    if not was_planned:
        return False
    return any(m.start >= mention.end and _MOVED_TO.match(sentence[m.end :]) for m in mentions)


_SINCE = re.compile(r"^\s*(?:지난|since\b)", re.I)
_RECURRING = re.compile(r"^\s*(?:매년|매해|해마다|매달|매월|연간|every year|each year|annually)", re.I)
_THAT_YEAR = re.compile(r"(?:그\s*해|같은\s*해|that year,?)\s*$", re.I)


def that_year(sentence: str, mention: Mention, year: int | None) -> Mention:
    """ "그해 11월", "같은 해 3월": a month or day in the year last named before it, not the publication's."""
    before = _THAT_YEAR.search(sentence[: mention.start])
    if before is None or year is None or mention.span.precision not in (Precision.MONTH, Precision.DAY):
        return mention
    try:
        span = DateSpan(mention.span.lo.replace(year=year), mention.span.hi.replace(year=year), mention.span.precision)
    except (ValueError, OverflowError):
        return mention  # 29 February in a year without one
    expression = sentence[before.start() : mention.end]
    return replace(mention, span=span, start=before.start(), expression=expression)


def confidence_of(ranked: Sequence[tuple[float, MilestoneRef]], *, anchored: bool, status_cue: bool) -> float:
    """0-1: how strong the best match is, how far ahead of the next, and whether cues said which date it is."""
    if not ranked:
        return round(0.2 * anchored + 0.1 * status_cue, 2)
    best = min(1.0, ranked[0][0])
    margin = ranked[0][0] - (ranked[1][0] if len(ranked) > 1 else 0.0)  # on the raw scores: both may pass 1
    value = 0.45 * min(1.0, best) + 0.3 * min(1.0, margin / 0.3) + 0.15 * anchored + 0.1 * status_cue
    return round(max(0.0, min(1.0, value)), 2)


def extract(
    text: str,
    *,
    published: dt.date,
    milestones: Sequence[MilestoneRef] = (),
    language: str = "ko",
    program_name: str = "",
    headline: str = "",
) -> list[Candidate]:
    """Every candidate claim of an article, in the order its dates appear (rules in the module docstring)."""
    english = language.startswith("en")
    matcher = Matcher(milestones, program_name=program_name)
    kinds = {m.key: m.kind for m in milestones}
    refs = {m.key: m for m in milestones}
    sentences = split_sentences(text)
    title = " ".join(headline.split())
    if title and title not in text and find_dates(title, published):
        # The headline is read too ("… 내년 상반기 착공"), after the text: a date the text gives in full wins.
        # Its offsets are negative (it is not part of the text).
        sentences.append(Sentence(title, -len(title) - 1, -1))
    found: list[Candidate] = []
    seen: set[tuple] = set()
    last_year: int | None = None
    for index, sentence in enumerate(sentences):
        mentions = find_dates(sentence.text, published)
        if not mentions:
            continue
        context = " ".join(
            s.text
            for s in sentences[max(0, index - CONTEXT_SENTENCES) : index]
            if sentence.paragraph >= 0 and s.paragraph >= sentence.paragraph - 1
        )
        read: list[Mention] = []
        for mention in mentions:
            read.append(that_year(sentence.text, mention, last_year))
            if read[-1].span.lo.year == read[-1].span.hi.year:
                last_year = read[-1].span.lo.year
        mentions = read
        for mention in mentions:
            if (
                is_statement_date(sentence.text, mention, published)
                or is_year_in_name(sentence.text, mention)
                or is_superseded(sentence.text, mention, mentions)
            ):
                continue
            candidate = _candidate(
                sentence,
                mention,
                mentions,
                published=published,
                matcher=matcher,
                context=context,
                headline=headline,
                english=english,
            )
            if candidate is None:
                continue
            kind = kinds.get(candidate.milestone_key or "")
            stored = stored_field(refs.get(candidate.milestone_key or ""), candidate)
            if stored is not None:
                candidate = replace(candidate, field=stored)  # the same date of this milestone is already stored
            elif kind == EVENT:
                candidate = replace(candidate, field=EVENT)
            elif kind in ("span", "phase") and candidate.field != BOTH:
                candidate = replace(candidate, field=span_field(candidate, mention))
            # One claim per milestone and date: a repeat (the headline, a caption, a summary) reads the
            # same date again, perhaps with another cue; the first, fullest reading stands.
            key = (candidate.milestone_key or candidate.proposed_title, candidate.span)
            if key in seen:
                continue
            seen.add(key)
            found.append(candidate)
    return found


def _candidate(
    sentence: Sentence,
    mention: Mention,
    mentions: Sequence[Mention],
    *,
    published: dt.date,
    matcher: Matcher,
    context: str,
    headline: str = "",
    english: bool,
) -> Candidate | None:
    others = [m for m in mentions if m is not mention]
    window, a, b = _window(sentence.text, mention, others)
    field, cue = field_of(window, a, b, mention=mention, english=english)
    anchored = (cue is not None and cue.kind != BOTH) or mention.bound is not None or "부터" in mention.expression
    span = mention.span
    if (
        not anchored
        and span.precision == Precision.DAY
        and published - dt.timedelta(days=1) <= span.lo <= published
        and not _SINCE.match(mention.expression)
    ):
        return None  # the dateline ("10일 국회에서"); "지난 10일" is told as past, not as the day of the report
    if (mention.bound == "until" or mention.expression.endswith("까지")) and _RECURRING.match(
        sentence.text[mention.end :]
    ):
        return None  # "2029년까지 매년 30명을 채용": a yearly commitment until then, not a milestone's date
    if (
        span.precision == Precision.YEAR
        and mention.bound is None
        and sentence.text[mention.end : mention.end + 1] in ("은", "는")
    ):
        return None  # the year is what the sentence talks about ("2021년은 원년이 될 것"), not when something happens
    status, status_cue = status_of(window, a, b, span=span, published=published, english=english)
    if field == BOTH and span.lo <= published < span.hi:
        # A period still running: what has begun is reported ("지난 2020년부터 10년간"); one signed or announced
        # today ("올해부터 2024년까지 4년간 계약을 체결했다") is a plan however past the verb.
        status = ACTUAL if _SINCE.match(mention.expression) else PLANNED
    threshold = MATCH_THRESHOLD if anchored else UNANCHORED_MATCH_THRESHOLD
    clause, rest = clause_of(sentence.text, mention.start, mention.end)
    clause_lo, clause_hi = clause_bounds(sentence.text, mention.start, mention.end)
    window_lo = mention.start - a
    near = sentence.text[max(clause_lo, window_lo) : min(clause_hi, window_lo + len(window))]
    nouns_text = near
    if cue is not None and cue.word in near and event_nouns(cue.word):
        nouns_text = cue.word  # the event word nearest the date says which event it is ("준공하는 … 운영에 들어간다")
    evidence = Evidence(clause, rest, context, headline, nouns_text, span, mention.expression, mention.bound)
    ranked = matcher.ranked(evidence, cue=cue)
    match = ranked[0][0] if ranked else 0.0
    ref = ranked[0][1] if ranked and match >= threshold else None
    if ref is None and (not anchored or cue is None):
        # no milestone, and neither an event nor a period to call a new one ("2030년까지 1조 원이 투입된다")
        return None
    window_start = mention.start - a
    cue_at = window_start + cue.start if cue else 0
    proposal = "" if ref else proposed_title(sentence.text, mention, cue, cue_at, english=english)
    score = 0.6 * (match if ref else 0.0) + 0.25 * anchored + 0.15 * status_cue
    confidence = confidence_of(ranked if ref else [], anchored=anchored, status_cue=status_cue)
    return Candidate(
        expression=mention.expression,
        span=span,
        status=status,
        field=field,
        sentence=sentence.text,
        milestone_key=ref.key if ref else None,
        milestone_title=ref.title_ko if ref else None,
        score=round(score, 3),
        qualifier=mention.qualifier,
        proposed_title=proposal,
        proposed_kind=EVENT if field == EVENT else "span",
        cue=cue.word if cue else "",
        offset=sentence.start + mention.start,
        confidence=confidence,
        near=near,
    )
