"""Keep each milestone's cached schedule in step with its claims.

Every change also gives the programs concerned a new `data_version` (their cached pages
are keyed on it). Raw saves (loaddata) are skipped: related rows may not exist yet. The timeline's
own `loaddata` command refreshes every schedule in one pass after loading.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Claim, Milestone, Program, Source, touch_programs


def _refresh(milestone_id: int | None) -> None:
    milestone = Milestone.objects.filter(pk=milestone_id).first()
    if milestone is not None:
        milestone.refresh_schedule()


@receiver(post_save, sender=Claim)
def claim_saved(sender, instance: Claim, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    _refresh(instance.milestone_id)
    previous = getattr(instance, "_previous_milestone_id", None)
    if previous and previous != instance.milestone_id:
        _refresh(previous)


@receiver(post_delete, sender=Claim)
def claim_deleted(sender, instance: Claim, **kwargs) -> None:
    _refresh(instance.milestone_id)


@receiver(post_save, sender=Milestone)
def milestone_saved(sender, instance: Milestone, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    instance.refresh_schedule()


@receiver(post_delete, sender=Milestone)
def milestone_deleted(sender, instance: Milestone, **kwargs) -> None:
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
