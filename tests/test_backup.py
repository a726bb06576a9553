import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.test_fixture import counts
from timeline.models import Claim, Milestone, Program, Source

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_backup_and_restore_round_trip_is_identical(tmp_path, django_user_model):
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "gwangju_ai_cluster.json"), verbosity=0)
    django_user_model.objects.create_superuser(username="editor", email="", password="pw-editor-123")
    schedules = without_ids(dict(Milestone.objects.values_list("key", "schedule")))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("backup", str(first), verbosity=0)
    before = counts()

    call_command("flush", interactive=False, verbosity=0)
    assert counts() == (0, 0, 0, 0)
    call_command("restore", str(first), verbosity=0)

    assert counts() == before
    assert django_user_model.objects.get(username="editor").check_password("pw-editor-123")
    assert without_ids(dict(Milestone.objects.values_list("key", "schedule"))) == schedules
    call_command("backup", str(second), verbosity=0)
    assert normalized(second) == normalized(first)


def test_the_history_survives_a_round_trip(tmp_path, django_user_model):
    """History rows (who changed what), including those of deleted objects, come back as they were."""
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "gwangju_ai_cluster.json"), verbosity=0)
    editor = django_user_model.objects.create_superuser(username="editor", email="", password="pw-editor-123")
    milestone = Milestone.objects.order_by("pk").first()
    milestone._history_user = editor
    milestone.title_en = "Renamed in a test"
    milestone.save()
    claim = Claim.objects.order_by("pk").first()
    claim.note = "checked"
    claim.save()
    Claim.objects.order_by("pk").last().delete()  # its history now names a claim that no longer exists

    def to_ms(value):
        # JSON keeps datetimes to the millisecond (as in `normalized` below).
        return value.replace(microsecond=value.microsecond // 1000 * 1000) if isinstance(value, dt.datetime) else value

    def history():
        return {
            model.__name__: [
                {k: to_ms(v) for k, v in row.items()} for row in model.history.order_by("history_id").values()
            ]
            for model in (Program, Milestone, Source, Claim)
        }

    before = history()
    assert sum(map(len, before.values())) == 3
    path = tmp_path / "backup.json"
    call_command("backup", str(path), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert sum(map(len, history().values())) == 0
    call_command("restore", str(path), verbosity=0)

    assert history() == before
    restored = Milestone.objects.get(pk=milestone.pk)
    record = restored.history.latest()
    assert (record.title_en, record.history_user.username) == ("Renamed in a test", "editor")
    assert Claim.objects.get(pk=claim.pk).edit_version == 1


def test_restore_force_merges_by_natural_key_without_the_history(tmp_path):
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "gwangju_ai_cluster.json"), verbosity=0)
    program = Program.objects.get()
    program.summary_en = "edited"
    program.save()
    path = tmp_path / "b.json"
    call_command("backup", str(path), verbosity=0)
    before = counts()
    history = Program.history.count()
    call_command("restore", str(path), "--force", verbosity=0)
    assert counts() == before
    assert Program.history.count() == history


def without_ids(value):
    """Cached schedules name claims and sources by primary key, which a restore may renumber."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k not in {"claim", "claims", "source", "latest_source"}}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def normalized(path) -> list:
    # JSON keeps datetimes to the millisecond: "12:00:00.000Z" comes back as "12:00:00Z".
    rows = json.loads(re.sub(r"\.000Z\"", 'Z"', path.read_text(encoding="utf-8")))
    for row in rows:
        if "schedule" in row["fields"]:
            row["fields"]["schedule"] = without_ids(row["fields"]["schedule"])
        # A cache token, renewed by the restore's schedule refresh (so no cached page outlives it).
        row["fields"].pop("data_version", None)
    return rows


def test_restore_refuses_a_database_with_data(tmp_path):
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "gwangju_ai_cluster.json"), verbosity=0)
    path = tmp_path / "b.json"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match="already holds tracker data"):
        call_command("restore", str(path), verbosity=0)


def test_restore_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "nope.json"), verbosity=0)


def test_restore_of_a_broken_backup_writes_nothing(tmp_path):
    path = tmp_path / "broken.json"
    rows = '[{"model": "timeline.program", "fields": {"slug": "x", "name_ko": "x"}}, {"model": "timeline.nope"}]'
    path.write_text(rows)
    with pytest.raises(Exception, match=r"nope|Invalid model"):
        call_command("restore", str(path), verbosity=0)
    assert counts() == (0, 0, 0, 0)
