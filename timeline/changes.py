"""What changed in a milestone's schedule, claim by claim: the program's feed reads this.

Pure: claim facts in, changes out. The schedule rule (`schedule.derive`) is applied as
known at the end of each day on which something was stated; a change is what differs
from the day before:

- `planned`: the first forecast of the milestone's end (or of the event's date);
- `moved`: the forecast end moved (`before` -> `after`);
- `done`: the milestone was first reported done (its actual end);
- `conflict`: two sources began to disagree about one of its dates.

Each change names the claim that made it (the one that won the slot, or the newer of
the two that disagree), so it can cite its source and is dated by its statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import DateSpan
from .schedule import ClaimFact, Conflict, Schedule, derive

PLANNED, MOVED, DONE, CONFLICT = "planned", "moved", "done", "conflict"


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    on: dt.date
    claim_id: int | None
    after: DateSpan | None = None
    before: DateSpan | None = None
    slot: str = ""
    # A conflict: the claims stated that day that disagree with earlier ones (`claim_id` is the
    # first), and the dates they disagree with.
    claim_ids: tuple[int | None, ...] = ()
    others: tuple[DateSpan, ...] = ()


def _same(a: DateSpan, b: DateSpan) -> bool:
    return (a.lo, a.hi, a.precision) == (b.lo, b.hi, b.precision)


def _conflict_key(c: Conflict) -> tuple:
    return (c.slot, frozenset(c.claim_ids))


def milestone_changes(facts: Iterable[ClaimFact], *, kind: str) -> list[Change]:
    """One milestone's changes in the order they happened (see the module docstring)."""
    facts = [f for f in facts if f.reviewed and f.stated_on is not None]
    days = sorted({f.stated_on for f in facts})
    by_id = {f.id: f for f in facts}
    found: list[Change] = []
    before: Schedule | None = None
    for day in days:
        now = derive(facts, kind=kind, today=day, as_of=day)
        was_end = before.planned_end if before else None
        end = now.planned_end
        if end is not None and was_end is None:
            found.append(Change(PLANNED, day, end.claim_id, after=end.span))
        elif end is not None and not _same(end.span, was_end.span):
            found.append(Change(MOVED, day, end.claim_id, after=end.span, before=was_end.span))
        if now.actual_end is not None and (before is None or before.actual_end is None):
            found.append(Change(DONE, day, now.actual_end.claim_id, after=now.actual_end.span))
        known = {_conflict_key(c) for c in before.conflicts} if before else set()
        fresh: dict[str, list[Conflict]] = {}
        for conflict in now.conflicts:
            if _conflict_key(conflict) not in known:
                fresh.setdefault(conflict.slot, []).append(conflict)
        for slot, conflicts in fresh.items():
            found.append(_conflict_change(day, slot, conflicts, by_id))
        before = now
    return found


def _conflict_change(day: dt.date, slot: str, conflicts: list[Conflict], by_id: dict) -> Change:
    """The conflicts that began on `day` about one slot, as one change: the new claims and what they contradict."""
    new: dict[int | None, DateSpan] = {}
    old: dict[tuple, DateSpan] = {}
    for conflict in conflicts:
        for claim_id, span in zip(conflict.claim_ids, conflict.spans, strict=True):
            fact = by_id.get(claim_id)
            if fact is not None and fact.stated_on == day:
                new.setdefault(claim_id, span)
            else:
                old.setdefault((span.lo, span.hi, span.precision), span)
    ids = sorted(new, key=lambda i: i or 0)
    # Both sides stated that day: the first claim speaks, the others are what it disagrees with.
    if not old and ids:
        first = ids[0]
        old = {(s.lo, s.hi, s.precision): s for i, s in new.items() if i != first}
        ids = [first]
    others = tuple(sorted(old.values(), key=lambda s: (s.lo, s.hi)))
    return Change(
        CONFLICT,
        day,
        ids[0] if ids else None,
        after=new[ids[0]] if ids else None,
        slot=slot,
        claim_ids=tuple(ids),
        others=others,
    )
