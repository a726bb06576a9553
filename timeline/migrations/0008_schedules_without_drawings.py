"""The chart's drawing is no longer stored beside each milestone's schedule (`timeline.charts`
computes it from the schedule on every build); drop the copies earlier versions wrote."""

from django.db import migrations


def drop_drawings(apps, schema_editor):
    Milestone = apps.get_model("timeline", "Milestone")
    for pk, schedule in Milestone.objects.filter(schedule__has_key="drawing").values_list("pk", "schedule"):
        schedule.pop("drawing", None)
        Milestone.objects.filter(pk=pk).update(schedule=schedule)


class Migration(migrations.Migration):
    dependencies = [("timeline", "0007_bilingual_summaries_editor_notes")]

    operations = [migrations.RunPython(drop_drawings, migrations.RunPython.noop)]
