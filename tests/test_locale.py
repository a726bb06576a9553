"""The Korean catalog: every string translated, and the committed .mo compiled from the current .po."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: {"msgid": ..., "msgstr[0]": ..., "fuzzy": bool}, header excluded."""
    entries, entry, key = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            key = match[1]
            entry[key] = ast.literal_eval(match[2])
        else:
            entry[key] += ast.literal_eval(line)
    return [e for e in entries if e["msgid"]]


def catalog_key(entry: dict):
    msgid = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
    return (msgid, 0) if "msgid_plural" in entry else msgid


def translation_of(entry: dict) -> str:
    return entry.get("msgstr", entry.get("msgstr[0]", ""))


@pytest.fixture(scope="module")
def entries():
    return read_po(PO)


def test_every_string_has_a_korean_translation(entries):
    assert len(entries) > 150
    untranslated = [e["msgid"] for e in entries if not translation_of(e)]
    fuzzy = [e["msgid"] for e in entries if e.get("fuzzy")]
    assert untranslated == [], "translate these in locale/ko/LC_MESSAGES/django.po"
    assert fuzzy == [], "review these fuzzy translations in locale/ko/LC_MESSAGES/django.po"


def test_placeholders_survive_translation(entries):
    for entry in entries:
        wanted = sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", entry["msgid"]))
        assert sorted(re.findall(r"%\(\w+\)[sd]|%[sd]", translation_of(entry))) == wanted, entry["msgid"]


def test_committed_mo_is_compiled_from_the_current_po(entries):
    """Fails when the .po changed without `manage.py compilemessages` (the .mo is committed)."""
    with MO.open("rb") as f:
        catalog = dict(gettext.GNUTranslations(f)._catalog)
    catalog.pop("", None)
    expected = {catalog_key(e): translation_of(e) for e in entries}
    stale = {k: (catalog.get(k), v) for k, v in expected.items() if catalog.get(k) != v}
    extra = set(catalog) - set(expected)
    assert not stale and not extra, (
        f"locale/ko/LC_MESSAGES/django.mo is stale ({len(stale)} changed, {len(extra)} removed): "
        "run `python manage.py compilemessages --ignore=.venv` and commit the .mo"
    )


def test_django_serves_the_catalog():
    with translation.override("ko"):
        assert translation.gettext("Sources") == "출처"
        assert translation.gettext("Planned") == "계획"
        assert translation.ngettext("%(counter)s milestone", "%(counter)s milestones", 3) == "마일스톤 %(counter)s개"
    with translation.override("en"):
        assert translation.gettext("Sources") == "Sources"
