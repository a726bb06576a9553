import datetime as dt

import factory

from timeline.models import Claim, Milestone, MilestoneKind, Program, Source


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"program-{n}")
    name_ko = factory.Sequence(lambda n: f"시범 사업 {n}")
    name_en = factory.Sequence(lambda n: f"Pilot program {n}")
    agency = "과학기술정보통신부"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    program = factory.SubFactory(ProgramFactory)
    key = factory.Sequence(lambda n: f"milestone-{n}")
    kind = MilestoneKind.SPAN
    title_ko = factory.Sequence(lambda n: f"마일스톤 {n}")
    title_en = factory.Sequence(lambda n: f"Milestone {n}")
    position = factory.Sequence(int)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    citation = factory.Sequence(lambda n: f"news {n}")
    url = factory.Sequence(lambda n: f"https://news.example/articles/{n}")
    title = factory.Faker("sentence", nb_words=6)
    publisher = factory.Faker("company")
    published_on = dt.date(2022, 4, 13)
    body = factory.Sequence(lambda n: f"기사 본문 {n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    milestone = factory.SubFactory(MilestoneFactory)
    source = factory.SubFactory(SourceFactory)
    field = "end"
    status = "planned"
    lo = dt.date(2022, 12, 1)
    hi = dt.date(2022, 12, 31)
    precision = "month"
    expression = "올 연말"
    reviewed = True


def make_program(n_milestones: int, claims_per: int = 2) -> Program:
    """A program "big" with a phase and n_milestones - 1 spans and events, half in the phase, each with dated claims."""
    program = ProgramFactory(slug="big")
    phase = MilestoneFactory(program=program, kind="phase", key="phase-a", title_ko="1단계")
    sources = [SourceFactory(published_on=dt.date(2020 + i % 5, 1 + i % 12, 1)) for i in range(10)]
    for i in range(n_milestones - 1):
        m = MilestoneFactory(program=program, parent=phase if i % 2 else None, kind="span" if i % 3 else "event")
        for k in range(claims_per):
            ClaimFactory(
                milestone=m,
                source=sources[(i + k) % 10],
                field="event" if m.kind == "event" else "end",
                lo=dt.date(2022 + k, 12, 1),
                hi=dt.date(2022 + k, 12, 31),
                stated_on=dt.date(2021 + k, 1, 1),
            )
    return program
