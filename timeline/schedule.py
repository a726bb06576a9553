"""A milestone's schedule, derived from the dated claims about it.

Plain Python: claims come in as `ClaimFact`s, a `Schedule` comes out.

The rule
--------
A milestone has four slots: planned start, planned end, actual start, actual end.
A claim feeds a slot by what it is about:

- ``start`` feeds the start slot, ``end`` the end slot;
- ``both`` (one expression gives the whole period, "2020년부터 2024년까지") feeds the
  start slot with the span's first edge and the end slot with its last edge;
- ``event`` (a point milestone's date) feeds both slots with the whole span.

Nothing can have happened after the day it was reported: the part of an ``actual``
claim that lies wholly after its statement date ("지난 2020년부터 10년간" said in 2025
puts the end in 2029) counts as planned.

Only reviewed claims count. In each slot the claim stated last wins (ties: the finer
precision, then the later claim). Restricting the claims to those stated on or
before a day gives the schedule **as known then**. Claims with no known statement
date count as the oldest word and are left out of an as-of view.

Slip is the latest planned end minus the first planned end, in days (their upper
bounds). Two claims from different sources disagree when their spans do not
overlap: for actual dates that is always a conflict; for planned dates only when
they were stated within `CONFLICT_WINDOW_DAYS` of each other (later forecasts
replacing earlier ones is the forecast history, not a conflict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .dates import DateSpan, Precision, parse

START, END, BOTH, EVENT = "start", "end", "both", "event"
PLANNED_CLAIM, ACTUAL_CLAIM = "planned", "actual"
DONE, IN_PROGRESS, OVERDUE, PLANNED, CANCELLED = "done", "in_progress", "overdue", "planned", "cancelled"
SLOTS = ("planned_start", "planned_end", "actual_start", "actual_end")
CONFLICT_WINDOW_DAYS = 14

_FINENESS = {
    Precision.DAY: 0,
    Precision.MONTH: 1,
    Precision.QUARTER: 2,
    Precision.HALF: 3,
    Precision.YEAR: 4,
    Precision.RANGE: 5,
}


@dataclass(frozen=True, slots=True)
class ClaimFact:
    id: int | None
    field: str
    status: str
    span: DateSpan
    stated_on: dt.date | None
    source_id: int | None
    reviewed: bool = True
    expression: str = ""
    source_label: str = ""


@dataclass(frozen=True, slots=True)
class Pick:
    """The claim that won a slot, and the span it gives that slot."""

    span: DateSpan
    claim_id: int | None
    stated_on: dt.date | None
    source_id: int | None

    def as_dict(self) -> dict:
        return {
            **self.span.as_dict(),
            "claim": self.claim_id,
            "stated_on": self.stated_on.isoformat() if self.stated_on else None,
            "source": self.source_id,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Pick:
        return cls(
            DateSpan.from_dict(d),
            d.get("claim"),
            dt.date.fromisoformat(d["stated_on"]) if d.get("stated_on") else None,
            d.get("source"),
        )


@dataclass(frozen=True, slots=True)
class Conflict:
    slot: str
    claim_ids: tuple[int | None, int | None]
    spans: tuple[DateSpan, DateSpan]

    def as_dict(self) -> dict:
        return {"slot": self.slot, "claims": list(self.claim_ids), "spans": [s.as_dict() for s in self.spans]}

    @classmethod
    def from_dict(cls, d: dict) -> Conflict:
        # Caches written before spans were stored as dicts hold EDTF strings.
        spans = tuple(parse(s) if isinstance(s, str) else DateSpan.from_dict(s) for s in d["spans"])
        return cls(d["slot"], tuple(d["claims"]), spans)


@dataclass(frozen=True, slots=True)
class Forecast:
    """One planned-end statement: on `stated_on`, the end was expected in `span`."""

    stated_on: dt.date | None
    span: DateSpan
    claim_id: int | None

    def as_dict(self) -> dict:
        return {
            "stated_on": self.stated_on.isoformat() if self.stated_on else None,
            "claim": self.claim_id,
            **self.span.as_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict) -> Forecast:
        stated = dt.date.fromisoformat(d["stated_on"]) if d.get("stated_on") else None
        return cls(stated, DateSpan.from_dict(d), d.get("claim"))


@dataclass(frozen=True, slots=True)
class Schedule:
    kind: str
    planned_start: Pick | None = None
    planned_end: Pick | None = None
    actual_start: Pick | None = None
    actual_end: Pick | None = None
    status: str = PLANNED
    slip_days: int | None = None
    conflicts: tuple[Conflict, ...] = ()
    forecasts: tuple[Forecast, ...] = ()
    source_count: int = 0
    claim_count: int = 0
    latest_stated_on: dt.date | None = None
    latest_source_id: int | None = None
    cancelled: bool = False
    as_of: dt.date | None = field(default=None, compare=False)

    @classmethod
    def empty(cls, kind: str) -> Schedule:
        return cls(kind=kind)

    @property
    def is_dated(self) -> bool:
        return any(getattr(self, slot) for slot in SLOTS)

    @property
    def start(self) -> Pick | None:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> Pick | None:
        return self.actual_end or self.planned_end

    @property
    def sort_date(self) -> dt.date | None:
        candidates = [getattr(self, s).span.lo for s in SLOTS if getattr(self, s)]
        return min(candidates) if candidates else None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            **{slot: getattr(self, slot).as_dict() if getattr(self, slot) else None for slot in SLOTS},
            "status": self.status,
            "slip_days": self.slip_days,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "forecasts": [f.as_dict() for f in self.forecasts],
            "source_count": self.source_count,
            "claim_count": self.claim_count,
            "latest_stated_on": self.latest_stated_on.isoformat() if self.latest_stated_on else None,
            "latest_source": self.latest_source_id,
            "cancelled": self.cancelled,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Schedule:
        return cls(
            kind=d.get("kind", "span"),
            **{slot: Pick.from_dict(d[slot]) if d.get(slot) else None for slot in SLOTS},
            status=d.get("status", PLANNED),
            slip_days=d.get("slip_days"),
            conflicts=tuple(Conflict.from_dict(c) for c in d.get("conflicts", ())),
            forecasts=tuple(Forecast.from_dict(f) for f in d.get("forecasts", ())),
            source_count=d.get("source_count", 0),
            claim_count=d.get("claim_count", 0),
            latest_stated_on=dt.date.fromisoformat(d["latest_stated_on"]) if d.get("latest_stated_on") else None,
            latest_source_id=d.get("latest_source"),
            cancelled=d.get("cancelled", False),
        )

    def with_status_on(self, today: dt.date) -> Schedule:
        """The same dates, with the status as it stands on `today` (statuses age: planned becomes overdue)."""
        status = status_on(self, today)
        return self if status == self.status else replace(self, status=status)


def _slot_entries(fact: ClaimFact) -> list[tuple[str, DateSpan]]:
    match fact.field:
        case "start":
            entries = [("start", fact.span)]
        case "end":
            entries = [("end", fact.span)]
        case "both":
            entries = [("start", fact.span.edge("start")), ("end", fact.span.edge("end"))]
        case "event":
            entries = [("start", fact.span), ("end", fact.span)]
        case _:
            raise ValueError(f"unknown claim field {fact.field!r}")
    return [(f"{_status_for(fact, span)}_{which}", span) for which, span in entries]


def _status_for(fact: ClaimFact, span: DateSpan) -> str:
    if fact.status != ACTUAL_CLAIM:
        return "planned"
    if fact.stated_on is not None and span.lo > fact.stated_on:
        return "planned"
    return "actual"


def _rank(fact: ClaimFact, span: DateSpan) -> tuple:
    stated = fact.stated_on or dt.date.min
    return (stated, -_FINENESS[span.precision], fact.id or 0)


def status_on(schedule: Schedule, today: dt.date) -> str:
    if schedule.cancelled:
        return CANCELLED
    if schedule.actual_end:
        return DONE
    if schedule.actual_start and schedule.kind != EVENT:
        return IN_PROGRESS
    if schedule.planned_end and schedule.planned_end.span.hi < today:
        return OVERDUE
    return PLANNED


def derive(
    claims: Iterable[ClaimFact],
    *,
    kind: str = "span",
    cancelled: bool = False,
    today: dt.date,
    as_of: dt.date | None = None,
) -> Schedule:
    """Apply the rule in the module docstring to one milestone's claims."""
    facts = [c for c in claims if c.reviewed]
    if as_of is not None:
        facts = [c for c in facts if c.stated_on is not None and c.stated_on <= as_of]
        today = min(today, as_of)

    entries: dict[str, list[tuple[ClaimFact, DateSpan]]] = {slot: [] for slot in SLOTS}
    for fact in facts:
        for slot, span in _slot_entries(fact):
            entries[slot].append((fact, span))

    picks: dict[str, Pick | None] = {}
    for slot, items in entries.items():
        if not items:
            picks[slot] = None
            continue
        fact, span = max(items, key=lambda item: _rank(*item))
        picks[slot] = Pick(span, fact.id, fact.stated_on, fact.source_id)

    forecasts = tuple(
        Forecast(fact.stated_on, span, fact.id)
        for fact, span in sorted(entries["planned_end"], key=lambda item: _rank(*item))
    )
    slip = None
    dated = [f for f in forecasts if f.stated_on is not None]
    if len(dated) >= 2:
        slip = (dated[-1].span.hi - dated[0].span.hi).days

    latest = max(facts, key=lambda f: (f.stated_on or dt.date.min, f.id or 0), default=None)
    schedule = Schedule(
        kind=kind,
        **picks,
        slip_days=slip,
        conflicts=tuple(_conflicts(entries)),
        forecasts=forecasts,
        source_count=len({f.source_id for f in facts}),
        claim_count=len(facts),
        latest_stated_on=latest.stated_on if latest else None,
        latest_source_id=latest.source_id if latest else None,
        cancelled=cancelled,
        as_of=as_of,
    )
    return schedule.with_status_on(today)


def _conflicts(entries: dict[str, list[tuple[ClaimFact, DateSpan]]]) -> list[Conflict]:
    found = []
    for slot, items in entries.items():
        actual = slot.startswith("actual")
        # An event's start and end slots hold the same claims; report its conflicts once.
        if slot.endswith("_start") and items and all(f.field == EVENT for f, _ in items):
            continue
        ordered = sorted(items, key=lambda item: _rank(*item))
        for i, (a, span_a) in enumerate(ordered):
            for b, span_b in ordered[i + 1 :]:
                if a.source_id == b.source_id or span_a.overlaps(span_b):
                    continue
                if not actual:
                    if a.stated_on is None or b.stated_on is None:
                        continue
                    if abs((b.stated_on - a.stated_on).days) > CONFLICT_WINDOW_DAYS:
                        continue
                found.append(Conflict(slot, (a.id, b.id), (span_a, span_b)))
    return found
