from django.db import migrations, models

NOTE_HELP = "Working notes for editors; never shown on public pages."
NOTE_MARK = "Where the notes leave it:"


def both(model_name: str, operation, **kwargs):
    """The same operation on the model and on its history table (django-simple-history)."""
    return [operation(model_name=name, **kwargs) for name in (model_name, f"historical{model_name}")]


def move_working_notes(apps, schema_editor):
    """Summaries loaded from the old fixture end in the fact sheet's working notes: move them to the editor's note."""
    Milestone = apps.get_model("timeline", "Milestone")
    for milestone in Milestone.objects.filter(summary_en__contains=NOTE_MARK).only("summary_en", "editor_note"):
        summary, _, note = milestone.summary_en.partition(NOTE_MARK)
        milestone.summary_en = summary.strip()
        milestone.editor_note = "\n".join(x for x in (milestone.editor_note, f"{NOTE_MARK} {note.strip()}") if x)
        milestone.save(update_fields=["summary_en", "editor_note"])


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0006_aliases_cues_confidence"),
    ]

    operations = [
        # The one summary was English: it becomes the English summary, and a Korean one joins it.
        *both("program", migrations.RenameField, old_name="summary", new_name="summary_en"),
        *both("milestone", migrations.RenameField, old_name="summary", new_name="summary_en"),
        # The budget text was Korean.
        *both("program", migrations.RenameField, old_name="budget", new_name="budget_ko"),
        *both(
            "program",
            migrations.AlterField,
            name="summary_en",
            field=models.TextField(blank=True, verbose_name="summary (English)"),
        ),
        *both(
            "milestone",
            migrations.AlterField,
            name="summary_en",
            field=models.TextField(blank=True, verbose_name="summary (English)"),
        ),
        *both(
            "program",
            migrations.AlterField,
            name="budget_ko",
            field=models.CharField(blank=True, max_length=200, verbose_name="budget (Korean)"),
        ),
        *both(
            "program",
            migrations.AddField,
            name="summary_ko",
            field=models.TextField(blank=True, verbose_name="summary (Korean)"),
        ),
        *both(
            "milestone",
            migrations.AddField,
            name="summary_ko",
            field=models.TextField(blank=True, verbose_name="summary (Korean)"),
        ),
        *both(
            "program",
            migrations.AddField,
            name="budget_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="budget (English)"),
        ),
        *both(
            "program",
            migrations.AddField,
            name="agency_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="agency (English)"),
        ),
        *both(
            "program",
            migrations.AddField,
            name="editor_note",
            field=models.TextField(blank=True, help_text=NOTE_HELP, verbose_name="editor's note"),
        ),
        *both(
            "milestone",
            migrations.AddField,
            name="editor_note",
            field=models.TextField(blank=True, help_text=NOTE_HELP, verbose_name="editor's note"),
        ),
        migrations.RunPython(move_working_notes, migrations.RunPython.noop),
    ]
