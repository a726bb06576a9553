"""A milestone's history as one timeline: its own changes and those of its claims, newest first.

The admin's History page of a milestone shows only the milestone's rows in
django-simple-history; an editor who just changed a date (a claim) looks there first.
`milestone_timeline` merges both, with who, when, what changed, and a link to the
revert page of each version (claims that were deleted since included: their revert
page brings them back).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Claim, Milestone


@dataclass(frozen=True)
class Entry:
    when: object
    who: str
    kind: str  # the history type's label: added, changed, deleted
    what: str  # "milestone" or "claim: …"
    changes: list[tuple[str, str, str]]  # (field, old, new)
    revert_url: str
    is_claim: bool


def _changes(model, record, previous) -> list[tuple[str, str, str]]:
    if previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=["edit_version"])
    fields = {f.name: f for f in model._meta.fields}
    out = []
    for change in delta.changes:
        field = fields.get(change.field)
        label = str(field.verbose_name) if field is not None else change.field
        out.append((label, _shown(change.old), _shown(change.new)))
    return out


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _entries(model, records, label) -> list[Entry]:
    entries = []
    previous: dict[int, object] = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(record.id)
        previous[record.id] = record
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user.get_username() if record.history_user else _("unknown"),
                kind=record.get_history_type_display(),
                what=label(record),
                changes=_changes(model, record, before),
                revert_url=reverse(
                    f"admin:timeline_{model._meta.model_name}_simple_history", args=[record.id, record.history_id]
                ),
                is_claim=model is Claim,
            )
        )
    return entries


def milestone_timeline(milestone_id: int, limit: int = 300) -> list[Entry]:
    """The milestone's and its claims' history rows (deleted claims included), newest first."""
    own = Milestone.history.filter(id=milestone_id).select_related("history_user")
    claims = Claim.history.filter(milestone_id=milestone_id).select_related("history_user")
    entries = _entries(Milestone, own, lambda r: _("milestone"))
    entries += _entries(
        Claim,
        claims,
        lambda r: (
            _("claim: %(field)s %(status)s, %(when)s")
            % {
                "field": r.get_field_display(),
                "status": r.get_status_display(),
                "when": r.instance.span.label_ko,
            }
        ),
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
