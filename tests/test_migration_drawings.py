"""Migration 0008 drops the chart drawings earlier versions stored beside each schedule, and nothing else."""

import importlib

import pytest
from django.apps import apps

from tests.factories import MilestoneFactory
from timeline.models import Milestone

pytestmark = pytest.mark.django_db
migration = importlib.import_module("timeline.migrations.0008_schedules_without_drawings")


def test_stored_drawings_are_dropped_and_the_schedule_kept():
    old = MilestoneFactory()
    other = MilestoneFactory(program=old.program)
    schedule = {"kind": "span", "status": "planned", "source_count": 2}
    Milestone.objects.filter(pk=old.pk).update(schedule={**schedule, "drawing": {"segments": [[0, 1, 2]]}})
    Milestone.objects.filter(pk=other.pk).update(schedule=schedule)

    migration.drop_drawings(apps, None)

    assert Milestone.objects.get(pk=old.pk).schedule == schedule
    assert Milestone.objects.get(pk=other.pk).schedule == schedule
