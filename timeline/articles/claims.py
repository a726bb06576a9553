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
  schedule-field cue near it ("13일 인터뷰에 나선 임 단장은", "12일 밝혔다");
- a date that matches no milestone and has no field cue and no 부터/까지 (a duration like
  "지난 30여년 간 정보통신 분야에서", "지난해에만 125개 과제를 지원했는데"): there is nothing
  to call a new milestone, and an editor would only delete it;
- a repeat of the same date, field and status for the same milestone (or proposal).
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
UNANCHORED_MATCH_THRESHOLD = 0.5
CONTEXT_SENTENCES = 2
CONTEXT_WEIGHT = 0.4
REST_WEIGHT = 0.6
GENERIC_WEIGHT = 0.35


@dataclass(frozen=True, slots=True)
class MilestoneRef:
    key: str
    title_ko: str
    title_en: str = ""
    kind: str = "span"
    keywords: tuple[str, ...] = ()


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

    @property
    def matched(self) -> bool:
        return self.milestone_key is not None


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    paragraph: int


# --- sentences --------------------------------------------------------------------

_BOUNDARY = re.compile(r"(?<=[.?!])[\"'”’)\]」』]*(?=\s)")
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
    r"|이미|중이다|운영\s*중"
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
    (START, re.compile(r"착공|착수|시작|개시|돌입|시행|첫\s*삽|가동|들어가|들어간|들어갈|운영에\s*들")),
    (END, re.compile(r"완공|준공|완료|마무리|종료|끝나|끝난|끝낼|마치|마쳤|마칠|완성|완수|완비")),
    (
        EVENT,
        re.compile(
            r"개소|개관|출범|선정|개최|협약|체결|발표|개원|개교|의결|확정|선포|설립|오픈|개통|개장|문을\s*[열연여]|출시"
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


def status_of(text: str, a: int, b: int, *, span: DateSpan, published: dt.date, english: bool) -> tuple[str, bool]:
    """(planned or actual, whether a cue said so)."""
    patterns = (
        [(PLANNED, _PLANNED_EN), (ACTUAL, _ACTUAL_EN)] if english else [(PLANNED, _PLANNED_KO), (ACTUAL, _ACTUAL_KO)]
    )
    cue = _nearest(patterns, text, a, b, english)
    if cue is not None:
        if cue.kind == ACTUAL and span.lo > published:
            return PLANNED, False  # a past-tense verb cannot report a date that has not come yet
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
    ko: frozenset[str]
    en: frozenset[str]
    actions: frozenset[str]
    title: str


def _actions(text: str) -> frozenset[str]:
    return frozenset(kind for kind, pattern in _FIELD_CUES if pattern.search(text))


class Matcher:
    """Scores a sentence against every milestone title.

    The score is the share of a title's units (see `units`) found near the date, each
    weighted by how rare it is among the titles (IDF) and by where it was found (the
    date's clause 1, the rest of its sentence `REST_WEIGHT`, the sentences before it
    `CONTEXT_WEIGHT`). Units of the program's own name weigh `GENERIC_WEIGHT` (every
    sentence is about the program). The cue's own units (착공) are left out of the share:
    a title that names the same kind of date as the cue (완공 ... 건물 완공) gains instead,
    one that names another kind (착공식 for a 완공) loses. The thresholds were set on the
    test articles and the Gwangju seed article; they are judgement, not measurement.
    """

    def __init__(self, milestones: Sequence[MilestoneRef], *, program_name: str = ""):
        self.targets = [
            _Target(
                ref,
                frozenset(units(" ".join((ref.title_ko, *ref.keywords)))),
                frozenset(units(ref.title_en)),
                _actions(f"{ref.title_ko} {ref.title_en}"),
                f"{ref.title_ko} {ref.title_en}",
            )
            for ref in milestones
        ]
        df: Counter[str] = Counter()
        for target in self.targets:
            df.update(target.ko | target.en)
        n = max(len(self.targets), 1)
        generic = units(program_name)
        self.weight = {
            unit: math.log(1 + n / count) * (GENERIC_WEIGHT if unit in generic else 1.0) for unit, count in df.items()
        }

    def _share(self, target_units: frozenset[str], weights: dict[str, float]) -> float:
        total = sum(self.weight[u] for u in target_units)
        if not total:
            return 0.0
        return sum(self.weight[u] * weights.get(u, 0.0) for u in target_units) / total

    def score(self, target: _Target, weights: dict[str, float], sentence: set[str], cue: _Cue | None) -> float:
        same_action = cue is not None and cue.kind in target.actions
        # What the title is about, not what happens to it: sharing only 착공 with "AI 집적단지 착공식" is no match.
        topic = (target.ko | target.en) - (units(cue.word) if cue is not None and cue.kind != BOTH else set())
        if not topic & sentence and not (same_action and topic & weights.keys()):
            return 0.0
        share = max(self._share(target.ko & topic, weights), self._share(target.en & topic, weights))
        if share == 0.0 or cue is None or cue.kind == BOTH or not target.actions:
            return share
        if cue.word in target.title:
            return min(1.0, share + 0.2)
        if same_action:
            return min(1.0, share + 0.1)
        return max(0.0, share - 0.15)

    def best(
        self,
        clause: str,
        rest: str = "",
        context: str = "",
        *,
        cue: _Cue | None = None,
        threshold: float = MATCH_THRESHOLD,
    ) -> tuple[MilestoneRef | None, float]:
        """The best milestone for a date in `clause`, with the `rest` of its sentence and the `context` before it."""
        weights: dict[str, float] = {}
        for text, weight in ((context, CONTEXT_WEIGHT), (rest, REST_WEIGHT), (clause, 1.0)):
            weights.update(dict.fromkeys(units(text), weight))
        sentence = {u for u, w in weights.items() if w >= REST_WEIGHT}
        best: tuple[float, bool] = (0.0, False)
        best_ref = None
        for target in self.targets:
            rank = (self.score(target, weights, sentence, cue), target.ref.kind != "phase")
            if rank > best:
                best, best_ref = rank, target.ref
        if best[0] < threshold:
            return None, best[0]
        return best_ref, best[0]


def clause_of(sentence: str, start: int, end: int) -> tuple[str, str]:
    """(the comma-delimited clause around sentence[start:end], the rest of the sentence)."""
    lo = max((m.end() for m in re.finditer(r",\s", sentence[:start])), default=0)
    after = re.search(r",\s", sentence[end:])
    hi = end + after.start() if after else len(sentence)
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


def extract(
    text: str,
    *,
    published: dt.date,
    milestones: Sequence[MilestoneRef] = (),
    language: str = "ko",
    program_name: str = "",
) -> list[Candidate]:
    """Every candidate claim of an article, in the order its dates appear (rules in the module docstring)."""
    english = language.startswith("en")
    matcher = Matcher(milestones, program_name=program_name)
    kinds = {m.key: m.kind for m in milestones}
    sentences = split_sentences(text)
    found: list[Candidate] = []
    seen: set[tuple] = set()
    for index, sentence in enumerate(sentences):
        mentions = find_dates(sentence.text, published)
        if not mentions:
            continue
        context = " ".join(
            s.text
            for s in sentences[max(0, index - CONTEXT_SENTENCES) : index]
            if s.paragraph >= sentence.paragraph - 1
        )
        for mention in mentions:
            candidate = _candidate(
                sentence, mention, mentions, published=published, matcher=matcher, context=context, english=english
            )
            if candidate is None:
                continue
            if candidate.milestone_key and kinds.get(candidate.milestone_key) == EVENT:
                candidate = replace(candidate, field=EVENT)
            key = (
                candidate.milestone_key or candidate.proposed_title,
                candidate.field,
                candidate.status,
                candidate.span,
            )
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
    english: bool,
) -> Candidate | None:
    others = [m for m in mentions if m is not mention]
    window, a, b = _window(sentence.text, mention, others)
    field, cue = field_of(window, a, b, mention=mention, english=english)
    anchored = (cue is not None and cue.kind != BOTH) or mention.bound is not None or "부터" in mention.expression
    span = mention.span
    if not anchored and span.precision == Precision.DAY and published - dt.timedelta(days=1) <= span.lo <= published:
        return None
    status, status_cue = status_of(window, a, b, span=span, published=published, english=english)
    threshold = MATCH_THRESHOLD if anchored else UNANCHORED_MATCH_THRESHOLD
    clause, rest = clause_of(sentence.text, mention.start, mention.end)
    ref, match = matcher.best(clause, rest, context, cue=cue, threshold=threshold)
    if ref is None and not anchored:
        return None
    window_start = mention.start - a
    cue_at = window_start + cue.start if cue else 0
    proposal = "" if ref else proposed_title(sentence.text, mention, cue, cue_at, english=english)
    score = 0.6 * (match if ref else 0.0) + 0.25 * anchored + 0.15 * status_cue
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
    )
