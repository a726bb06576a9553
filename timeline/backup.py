"""Dump everything a tracker holds to one JSON file, and load it back.

What is dumped: groups and users, the programs, milestones, sources and claims, and their
change history (django-simple-history's historical tables, with who changed what when).
Left out is what Django rebuilds itself (content types, permissions, sessions) and the
login lockout counters (django-axes), which are short-lived security state, not data.

Rows keep their primary keys, so a restore into an empty database gives back the same
rows with the same ids, and the history still points at the objects it belongs to (a
history row names its object by id). Foreign keys to users, groups and permissions are
written as natural keys. History rows keep plain ids for the objects they refer to,
which may since have been deleted.

`restore` loads into an empty database in one transaction. `restore --force` merges into
a database that already has data: rows are matched by natural key (slug, content hash,
claim id…) instead of primary key, and the history is not merged (its ids belong to the
other database).
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from simple_history.models import HistoricalChanges

from .models import Claim, Milestone, Program, Source

AUTH = ["auth.group", "auth.user"]


def _labels() -> tuple[list[str], list[str]]:
    data, history = [], []
    for model in apps.get_app_config("timeline").get_models():
        (history if issubclass(model, HistoricalChanges) else data).append(model._meta.label_lower)
    return data, history


def _dumpdata(labels: list[str], *, natural_foreign: bool) -> list[dict]:
    buffer = io.StringIO()
    call_command("dumpdata", *labels, natural_foreign=natural_foreign, natural_primary=False, stdout=buffer)
    return json.loads(buffer.getvalue())


def dump(path: Path | str) -> int:
    data, history = _labels()
    rows = _dumpdata([*AUTH, *data], natural_foreign=True)
    # Plain ids: a history row may refer to an object deleted since, which has no natural key to give.
    rows += _dumpdata(history, natural_foreign=False)
    Path(path).write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(rows)


class RestoreError(Exception):
    pass


def restore(path: Path | str, *, force: bool = False) -> None:
    path = Path(path)
    if not path.is_file():
        raise RestoreError(f"No backup file at {path}.")
    if not force and any(m.objects.exists() for m in (Program, Milestone, Source, Claim)):
        raise RestoreError(
            "The database already holds tracker data; restore into an empty database "
            "(e.g. after `manage.py flush`), or pass --force to merge by natural keys."
        )
    with transaction.atomic():
        if not force:
            call_command("loaddata", str(path), verbosity=0)
            return
        with tempfile.TemporaryDirectory() as tmp:
            merged = Path(tmp) / "merge.json"
            merged.write_text(json.dumps(_for_merge(path)), encoding="utf-8")
            call_command("loaddata", str(merged), verbosity=0)


def _for_merge(path: Path) -> list[dict]:
    """The backup's rows without their ids (matched by natural key instead), and without the history."""
    _data, history = _labels()
    rows = []
    for row in json.loads(path.read_text(encoding="utf-8")):
        label = str(row.get("model", "")).lower()
        if label in history:
            continue
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            model = None  # loaddata names the unknown model
        if model is not None and hasattr(model, "natural_key"):
            row = {k: v for k, v in row.items() if k != "pk"}
        rows.append(row)
    return rows
