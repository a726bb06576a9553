"""Keep each milestone's cached schedule in step with its claims.

Every write that can move a schedule ends in `refresh_schedules`, with every milestone
it touched: a claim saved (and the milestone it was on before, when it moved), a claim
deleted, a milestone saved. Every change also gives the programs concerned a new
`data_version` (their cached pages are keyed on it). Raw saves (loaddata) are skipped:
related rows may not exist yet; the timeline's own `loaddata` command refreshes every
schedule in one pass after loading.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Claim, Milestone, Program, Source, touch_programs
from .refresh import refresh_schedules


@receiver(pre_save, sender=Claim)
def claim_saving(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    # The milestone the row is on now, read from the database: the instance may have been
    # built from a form, a history record or a review row, none of which knows it.
    instance._milestone_before = None
    if not raw and instance.pk is not None:
        instance._milestone_before = (
            Claim._base_manager.using(kwargs.get("using"))
            .filter(pk=instance.pk)
            .values_list("milestone_id", flat=True)
            .first()
        )


@receiver(post_save, sender=Claim)
def claim_saved(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    refresh_schedules({instance.milestone_id, getattr(instance, "_milestone_before", None)} - {None})


@receiver(post_delete, sender=Claim)
def claim_deleted(sender, instance: Claim, **kwargs) -> None:
    refresh_schedules([instance.milestone_id])


@receiver(post_save, sender=Milestone)
def milestone_saved(sender, instance: Milestone, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh_schedules([instance.pk])


@receiver(post_delete, sender=Milestone)
def milestone_deleted(sender, instance: Milestone, **kwargs) -> None:
    touch_programs([instance.program_id])


@receiver(m2m_changed, sender=Milestone.predecessors.through)
def dependencies_changed(sender, instance, action: str, **kwargs) -> None:
    # The arrows and the panels' dependency lists are drawn from these links.
    if action in ("post_add", "post_remove", "post_clear"):
        touch_programs([instance.program_id])


@receiver(post_save, sender=Program)
def program_saved(sender, instance: Program, raw: bool = False, **kwargs) -> None:
    if not raw:
        touch_programs([instance.pk])


@receiver(post_save, sender=Source)
def source_saved(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    # A source's title and date show on the pages of every program that cites it.
    if not raw:
        touch_programs(Program.objects.filter(milestones__claims__source=instance).values_list("pk", flat=True))
