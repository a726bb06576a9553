"""Dump everything a tracker holds to one JSON file with natural keys, and load it back.

The dump leaves out what Django rebuilds itself (content types, permissions,
sessions); a restore goes into an empty database in one transaction.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from .models import Claim, Milestone, Program, Source

APPS = ["auth.group", "auth.user", "timeline"]


class RestoreError(Exception):
    pass


def dump(path: Path | str) -> int:
    buffer = io.StringIO()
    call_command(
        "dumpdata",
        *APPS,
        natural_foreign=True,
        natural_primary=True,
        indent=1,
        stdout=buffer,
    )
    text = buffer.getvalue()
    Path(path).write_text(text, encoding="utf-8")
    return text.count('"model":')


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
        call_command("loaddata", str(path), verbosity=0)
