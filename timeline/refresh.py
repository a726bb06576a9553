"""Bring milestones' cached schedules up to date with their claims.

Above both the models and the pure schedule rules: it reads claims through the models,
derives schedules (`timeline.schedule`) and writes them back.
Every write that can move a schedule ends here (see `timeline.signals`).
"""

from __future__ import annotations

from django.db import models, transaction

from . import schedule as sched
from .models import DERIVED_FIELDS, Claim, Milestone, touch_programs


def refresh_milestone(milestone: Milestone, claims=None, *, save: bool = True) -> sched.Schedule:
    """Recompute one milestone's cached schedule (`refresh_schedules` is the way in for callers)."""
    result = milestone.derive(claims)
    milestone.schedule = result.as_dict()
    milestone.delay_days = result.delay_days
    milestone.sort_date = result.sort_date
    milestone.planned_end_hi = result.planned_end.span.hi if result.planned_end else None
    milestone.actual_start_lo = result.actual_start.span.lo if result.actual_start else None
    milestone.actual_end_lo = result.actual_end.span.lo if result.actual_end else None
    milestone.source_count = result.source_count
    milestone.conflict_count = len(result.conflicts)
    milestone.problem_count = len(result.problems)
    if save:
        Milestone.objects.filter(pk=milestone.pk).update(**{name: getattr(milestone, name) for name in DERIVED_FIELDS})
    return result


def refresh_schedules(milestones=None) -> int:
    """Bring cached schedules up to date: the one path every write that can move a schedule takes.

    `milestones` is a queryset, an iterable of milestones or of their ids (None: all).
    One query for the claims, one update per milestone, and one new `data_version` for
    the programs concerned. Ids of milestones that no longer exist are skipped.
    """
    if milestones is None:
        milestones = Milestone.objects.all()
    elif not isinstance(milestones, models.QuerySet):
        items = list(milestones)
        ids = {m if isinstance(m, int) else m.pk for m in items}
        milestones = Milestone.objects.filter(pk__in=ids - {None})
    milestones = list(milestones)
    by_milestone: dict[int, list[Claim]] = {m.pk: [] for m in milestones}
    for claim in Claim.objects.filter(milestone__in=[m.pk for m in milestones]).select_related("source"):
        by_milestone[claim.milestone_id].append(claim)
    # One UPDATE per row: bulk_update's CASE expressions cost ~2.7 ms a row in Python (26 s for 10,000).
    with transaction.atomic():
        for milestone in milestones:
            refresh_milestone(milestone, by_milestone[milestone.pk])
        touch_programs({m.program_id for m in milestones})
    return len(milestones)
