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
