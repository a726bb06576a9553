"""Deterministic synthetic programs for benchmarks: realistic shapes, any size, in seconds.

`seed_program(slug, milestones=N, claims_per=K, seed=S)` writes one program with N
milestones and N*K claims through `bulk_create`, then refreshes the cached schedules
once. The same arguments always give the same rows (one `random.Random` per program,
seeded from the seed and the slug; dates are drawn around a fixed reference day, not
today). What the data looks like:

- about one phase per 40 milestones; the rest are spans (2/3) and events (1/3), most
  of them inside a phase;
- every milestone has K claims from K sources: a first plan ("2021년부터 2023년
  까지" for a span, a date for an event), then later forecasts of the end that slip
  (a later `stated_on` gives a later planned end, now and then a pull-in);
- precisions vary: day, month, quarter, half, year and range;
- milestones whose plan lies in the past mostly have actual dates (start, end);
- about one in twenty has two sources that disagree within a fortnight (a conflict).

Seeding a slug that exists replaces that program (its milestones and claims, and the
synthetic sources no other claim uses).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left
from dataclasses import dataclass

from django.db import connection, transaction

from ..dates import DateSpan, Precision
from ..models import Claim, Milestone, MilestoneKind, Program, Source
from ..refresh import refresh_schedules

REFERENCE_DAY = dt.date(2026, 6, 30)
"""The synthetic world's "now": plans before it mostly happened, claims are never stated after it."""

SOURCE_PREFIX = "synthetic:"
PRECISIONS = (Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.HALF, Precision.YEAR, Precision.RANGE)
PRECISION_WEIGHTS = (25, 30, 15, 15, 10, 5)
PUBLISHERS = ("전자신문", "연합뉴스", "광주일보", "과학기술정보통신부", "Korea Herald", "ZDNet Korea", "뉴시스")
TOPICS_KO = ("데이터센터", "실증 장비", "기업 입주", "인재 양성", "기반 시설", "연구 개발", "예비타당성조사", "착공")
TOPICS_EN = ("data center", "test equipment", "tenants", "training", "infrastructure", "R&D", "feasibility", "works")


@dataclass(frozen=True)
class Seeded:
    program: Program
    milestones: int
    claims: int
    sources: int


def span_around(day: dt.date, precision: Precision, rng: random.Random) -> DateSpan:
    """The span of the given precision that contains `day` (a range is a few weeks either side)."""
    match precision:
        case Precision.DAY:
            return DateSpan.day(day)
        case Precision.MONTH:
            return DateSpan.month(day.year, day.month)
        case Precision.QUARTER:
            return DateSpan.quarter(day.year, (day.month + 2) // 3)
        case Precision.HALF:
            return DateSpan.half(day.year, 1 if day.month <= 6 else 2)
        case Precision.YEAR:
            return DateSpan.year(day.year)
    return DateSpan.range(day - dt.timedelta(days=rng.randint(5, 45)), day + dt.timedelta(days=rng.randint(5, 45)))


class _World:
    """One program's random state: its sources in date order, and the claims made so far."""

    def __init__(self, program: Program, rng: random.Random, *, source_count: int, first_day: dt.date):
        self.program, self.rng = program, rng
        days = (REFERENCE_DAY - first_day).days
        dates = sorted(first_day + dt.timedelta(days=rng.randrange(days)) for _ in range(source_count))
        self.sources = [
            Source(
                kind="news",
                citation=f"synthetic {program.slug} {i}",
                url=f"https://synthetic.example/{program.slug}/{i}",
                title=f"{rng.choice(TOPICS_KO)} 관련 보도 {i}",
                publisher=rng.choice(PUBLISHERS),
                published_on=d,
                language="ko",
                content_hash=f"{SOURCE_PREFIX}{program.slug}:{i}",
            )
            for i, d in enumerate(dates)
        ]
        self.dates = dates
        self.claims: list[Claim] = []

    def source_near(self, day: dt.date, *, not_index: int | None = None) -> int:
        """The index of the source published on or just after `day` (the last one when `day` is later)."""
        i = min(bisect_left(self.dates, min(day, REFERENCE_DAY)), len(self.dates) - 1)
        if i == not_index:
            i = i + 1 if i + 1 < len(self.dates) else max(i - 1, 0)
        return i

    def claim(self, milestone: Milestone, source: int, *, field: str, status: str, span: DateSpan) -> None:
        n = len(self.claims)
        self.claims.append(
            Claim(
                uid=f"syn-{self.program.slug}-{n}"[:64],
                milestone=milestone,
                source_id=source,  # an index for now; replaced by the source's pk after bulk_create
                field=field,
                status=status,
                lo=span.lo,
                hi=span.hi,
                precision=str(span.precision),
                expression=span.label_ko,
                stated_on=self.dates[source],
                reviewed=True,
            )
        )

    def precision(self) -> Precision:
        return self.rng.choices(PRECISIONS, PRECISION_WEIGHTS)[0]


def _add_claims(world: _World, milestone: Milestone, *, start: dt.date, end: dt.date, claims_per: int) -> None:
    """K claims about one milestone: a first plan, slipping forecasts, actual dates when the plan is past."""
    rng = world.rng
    event = milestone.kind == MilestoneKind.EVENT
    roles = ["plan"] + ["forecast"] * (claims_per - 1)
    started = start < REFERENCE_DAY - dt.timedelta(days=60)
    finished = end < REFERENCE_DAY - dt.timedelta(days=60)
    if claims_per >= 2 and finished and rng.random() < 0.75:
        roles[-1] = "actual_end"
    if claims_per >= 3 and not event and started and rng.random() < 0.6:
        roles[1] = "actual_start"
    conflict_at = None
    if claims_per >= 2 and rng.random() < 0.05:
        options = [i for i, r in enumerate(roles) if r == "forecast"]
        conflict_at = rng.choice(options) if options else None

    # First word a while before the start, and early enough that the later claims are not all from today.
    stated = min(
        start - dt.timedelta(days=rng.randint(90, 900)),
        REFERENCE_DAY - dt.timedelta(days=rng.randint(120 * claims_per, 1500)),
    )
    previous = world.source_near(stated)
    planned_end = end
    last = span_around(end, Precision.DAY, rng)
    for i, role in enumerate(roles):
        if i:
            stated = world.dates[previous] + dt.timedelta(days=rng.randint(30, 240))
        source = world.source_near(stated, not_index=previous if i == conflict_at else None)
        if role == "plan":
            precision = world.precision()
            last = span_around(end, precision, rng)
            if event:
                world.claim(milestone, source, field="event", status="planned", span=last)
            else:
                span = DateSpan.between(span_around(start, precision, rng), last)
                world.claim(milestone, source, field="both", status="planned", span=span)
        elif role == "forecast":
            if i == conflict_at:
                # Another outlet, within days of the last word, names a date over a year away: a conflict.
                source = world.source_near(world.dates[previous] + dt.timedelta(days=rng.randint(0, 10)))
                if source == previous:
                    source = world.source_near(world.dates[previous], not_index=previous)
                shifted = planned_end + dt.timedelta(days=rng.randint(400, 700))
                span = span_around(shifted, rng.choice((Precision.DAY, Precision.MONTH)), rng)
            else:
                roll = rng.random()
                if roll < 0.2:  # the same date, said again
                    span = last
                elif roll < 0.3:  # a pull-in, stated precisely
                    planned_end = last.lo - dt.timedelta(days=rng.randint(15, 60))
                    span = span_around(planned_end, rng.choice((Precision.DAY, Precision.MONTH)), rng)
                else:  # a slip: the new forecast ends after the last one
                    planned_end += dt.timedelta(days=rng.choice((30, 60, 90, 120, 180, 270, 365)))
                    span = span_around(planned_end, world.precision(), rng)
                    while span.hi <= last.hi:
                        planned_end += dt.timedelta(days=60)
                        span = span_around(planned_end, span.precision, rng)
                last = span
            world.claim(milestone, source, field="event" if event else "end", status="planned", span=span)
        elif role == "actual_start":
            actual = start + dt.timedelta(days=rng.randint(-20, 120))
            source = world.source_near(actual + dt.timedelta(days=rng.randint(1, 20)))
            precision = rng.choice((Precision.DAY, Precision.DAY, Precision.MONTH))
            world.claim(milestone, source, field="start", status="actual", span=span_around(actual, precision, rng))
        else:
            actual = min(planned_end + dt.timedelta(days=rng.randint(-30, 200)), REFERENCE_DAY - dt.timedelta(days=30))
            source = world.source_near(actual + dt.timedelta(days=rng.randint(1, 20)))
            precision = rng.choice((Precision.DAY, Precision.DAY, Precision.MONTH, Precision.QUARTER))
            world.claim(
                milestone,
                source,
                field="event" if event else "end",
                status="actual",
                span=span_around(actual, precision, rng),
            )
        previous = source


def _title(rng: random.Random, i: int, kind: str) -> tuple[str, str]:
    ko, en = rng.choice(TOPICS_KO), rng.choice(TOPICS_EN)
    if kind == MilestoneKind.PHASE:
        return f"{i}단계 {ko} 사업", f"Phase {i}: {en}"
    suffix_ko = rng.choice(("완료", "착수", "개소", "구축", "선정", "발표"))
    return f"{ko} {suffix_ko} {i}", f"{en.capitalize()} milestone {i}"


def delete_program(slug: str) -> None:
    """Remove a program and the synthetic sources that nothing else cites.

    Its claims go first in one statement: deleting them through the ORM would send
    `post_delete` for each claim, and the signal re-derives a milestone that is about
    to be deleted anyway (30,000 refreshes for a 10,000-milestone program).
    """
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(Claim._meta.db_table)} WHERE {quote('milestone_id')} IN "
            f"(SELECT {quote('id')} FROM {quote(Milestone._meta.db_table)} WHERE {quote('program_id')} = %s)",
            [program.pk],
        )
    program.delete()
    Source.objects.filter(content_hash__startswith=f"{SOURCE_PREFIX}{slug}:", claims__isnull=True).delete()


@transaction.atomic
def seed_program(slug: str, *, milestones: int, claims_per: int = 3, seed: int = 0) -> Seeded:
    """Write one synthetic program (replacing a program with that slug); see the module docstring."""
    if milestones < 1 or claims_per < 1:
        raise ValueError("a synthetic program needs at least one milestone and one claim per milestone")
    delete_program(slug)
    rng = random.Random(f"{seed}:{slug}")
    number = slug.rsplit("-", 1)[-1]
    program = Program.objects.create(
        slug=slug,
        name_ko=f"합성 사업 {number}",
        name_en=f"Synthetic program {number}",
        agency="벤치마크",
        summary_en=f"{milestones} synthetic milestones, {claims_per} claims each (seed {seed}).",
    )
    first_day = REFERENCE_DAY.replace(year=REFERENCE_DAY.year - 9)
    world = _World(program, rng, source_count=max(20, milestones * claims_per // 4), first_day=first_day)
    Source.objects.bulk_create(world.sources, batch_size=1000)

    phase_count = max(1, milestones // 40)
    phases = []
    for i in range(phase_count):
        ko, en = _title(rng, i + 1, MilestoneKind.PHASE)
        phases.append(
            Milestone(program=program, key=f"phase-{i + 1}", kind=MilestoneKind.PHASE, title_ko=ko, title_en=en)
        )
    phases = Milestone.objects.bulk_create(phases)
    phase_years = 8 / phase_count
    windows = []
    for i, phase in enumerate(phases):
        start = first_day + dt.timedelta(days=int(365 * (2 + i * phase_years)) + rng.randint(0, 90))
        end = start + dt.timedelta(days=int(365 * max(phase_years, 1.5)) + rng.randint(0, 365))
        windows.append((start, end))
        _add_claims(world, phase, start=start, end=end, claims_per=claims_per)

    members = []
    for i in range(milestones - phase_count):
        kind = MilestoneKind.EVENT if rng.random() < 1 / 3 else MilestoneKind.SPAN
        parent_index = rng.randrange(phase_count) if rng.random() < 0.85 else None
        if parent_index is None:
            lo, hi = first_day + dt.timedelta(days=365), REFERENCE_DAY + dt.timedelta(days=365 * 5)
        else:
            lo, hi = windows[parent_index]
        start = lo + dt.timedelta(days=rng.randrange(max(1, (hi - lo).days)))
        end = start if kind == MilestoneKind.EVENT else start + dt.timedelta(days=rng.randint(30, 900))
        ko, en = _title(rng, i + 1, kind)
        m = Milestone(
            program=program,
            key=f"m-{i + 1}",
            kind=kind,
            parent=phases[parent_index] if parent_index is not None else None,
            title_ko=ko,
            title_en=en,
            position=i + 1,
        )
        members.append((m, start, end))
    created = Milestone.objects.bulk_create([m for m, _, _ in members], batch_size=1000)
    for m, (_, start, end) in zip(created, members, strict=True):
        _add_claims(world, m, start=start, end=end, claims_per=claims_per)

    for claim in world.claims:
        claim.source_id = world.sources[claim.source_id].pk
        claim.milestone_id = claim.milestone.pk
    Claim.objects.bulk_create(world.claims, batch_size=1000)
    refresh_schedules(Milestone.objects.filter(program=program))
    return Seeded(program=program, milestones=milestones, claims=len(world.claims), sources=len(world.sources))


def seed(
    *, programs: int, milestones: int, claims_per: int = 3, seed: int = 0, prefix: str = "synthetic"
) -> list[Seeded]:
    """Programs `{prefix}-1` .. `{prefix}-P`, each seeded with `seed_program`."""
    return [
        seed_program(f"{prefix}-{p}", milestones=milestones, claims_per=claims_per, seed=seed)
        for p in range(1, programs + 1)
    ]
