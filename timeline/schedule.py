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
puts the end in 2029) counts as planned. A statement date known only roughly (the
source's publication date is approximate) cannot show that, so such claims stay actual,
except in an as-of view, where nothing after the day counts as done.

Only reviewed claims count. In each slot the claim stated last wins (ties: the finer
precision, then the later claim). Restricting the claims to those stated on or
before a day gives the schedule **as known then**. Claims with no known statement
date count as the oldest word and are left out of an as-of view.

Three readings of the end answer "was it late?":

- the **baseline**: the first planned date, by statement date (ties: the finer
  precision, then the earlier claim): what was promised first;
- the **forecast**: the latest planned date (the slot's winner);
- the **actual** date, when it is known.

``delay_days`` is the actual end when known, else the forecast end, minus the
baseline end, comparing the same edge (the first day) of both spans (unknown when the
actual end is reported before the actual start: that data contradicts itself); its precision
is the coarser of the two, so "2022년 12월" against "2023년 2월" reads "about two
months", not "62 days". ``drift_days`` is the forecast end minus the baseline end:
how far the promise itself moved, whatever happened (the old "slip").

A schedule also says where the data contradicts itself (`Problem`): an actual end
before the actual start, a planned end before the planned start, and an actual date
that lies wholly after the day it was reported (it counts as planned, and is flagged).

Two claims from different sources disagree when their spans do not
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
# The picks a stored schedule holds, in the order of Schedule's fields.
_STORED_PICKS = (*SLOTS, "baseline_start", "baseline_end")
_fromisoformat = dt.date.fromisoformat
CONFLICT_WINDOW_DAYS = 14
# Kinds of `Problem`: where the data contradicts itself.
ACTUAL_END_BEFORE_START = "actual_end_before_start"
PLANNED_END_BEFORE_START = "planned_end_before_start"
ACTUAL_AFTER_REPORT = "actual_after_report"
# Between two milestones: a successor reported started before its predecessor was reported done.
STARTED_BEFORE_PREDECESSOR_ENDED = "started_before_predecessor_ended"

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
    # The statement date is only roughly known (an undated article placed by its id or month).
    stated_approx: bool = False


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
        stated_on = d.get("stated_on")
        return cls(
            DateSpan.from_dict(d), d.get("claim"), _fromisoformat(stated_on) if stated_on else None, d.get("source")
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
class Problem:
    """The data contradicts itself: `kind` is one of the module's problem kinds, `claim_ids` the claims involved."""

    kind: str
    claim_ids: tuple[int | None, ...]
    on: dt.date | None = None  # where the chart marks it

    def as_dict(self) -> dict:
        return {"kind": self.kind, "claims": list(self.claim_ids), "on": self.on.isoformat() if self.on else None}

    @classmethod
    def from_dict(cls, d: dict) -> Problem:
        return cls(d["kind"], tuple(d.get("claims", ())), dt.date.fromisoformat(d["on"]) if d.get("on") else None)


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
    baseline_start: Pick | None = None
    baseline_end: Pick | None = None
    status: str = PLANNED
    delay_days: int | None = None
    drift_days: int | None = None
    conflicts: tuple[Conflict, ...] = ()
    problems: tuple[Problem, ...] = ()
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
    def delay_basis(self) -> str | None:
        """What the delay measures the baseline against: "actual" or "forecast" (None: no delay)."""
        if self.delay_days is None:
            return None
        return "actual" if self.actual_end else "forecast"

    @property
    def delay_precision(self) -> Precision | None:
        """The coarser precision of the two dates the delay compares: the unit it can honestly be told in."""
        if self.delay_days is None or self.baseline_end is None:
            return None
        other = self.actual_end or self.planned_end
        spans = [self.baseline_end.span] + ([other.span] if other else [])
        return max((s.precision for s in spans), key=_FINENESS.__getitem__)

    @property
    def sort_date(self) -> dt.date | None:
        candidates = [getattr(self, s).span.lo for s in SLOTS if getattr(self, s)]
        return min(candidates) if candidates else None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            **{slot: getattr(self, slot).as_dict() if getattr(self, slot) else None for slot in SLOTS},
            "baseline_start": self.baseline_start.as_dict() if self.baseline_start else None,
            "baseline_end": self.baseline_end.as_dict() if self.baseline_end else None,
            "status": self.status,
            "delay_days": self.delay_days,
            "drift_days": self.drift_days,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "problems": [p.as_dict() for p in self.problems],
            "forecasts": [f.as_dict() for f in self.forecasts],
            "source_count": self.source_count,
            "claim_count": self.claim_count,
            "latest_stated_on": self.latest_stated_on.isoformat() if self.latest_stated_on else None,
            "latest_source": self.latest_source_id,
            "cancelled": self.cancelled,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Schedule:
        """Read `as_dict()` output back (a page reads a thousand of these: positional, no kwargs)."""
        picks: list[Pick | None] = []
        seen: list[tuple[dict, Pick]] = []
        for slot in _STORED_PICKS:
            value = d.get(slot)
            if not value:
                picks.append(None)
                continue
            # A baseline is often the very pick of a slot: the same object, not a copy.
            for stored, earlier in seen:
                if stored == value:
                    picks.append(earlier)
                    break
            else:
                pick = Pick.from_dict(value)
                seen.append((value, pick))
                picks.append(pick)
        conflicts, problems, forecasts = d.get("conflicts"), d.get("problems"), d.get("forecasts")
        latest = d.get("latest_stated_on")
        return cls(
            d.get("kind", "span"),
            *picks,
            d.get("status", PLANNED),
            d.get("delay_days"),
            d.get("drift_days"),
            tuple(map(Conflict.from_dict, conflicts)) if conflicts else (),
            tuple(map(Problem.from_dict, problems)) if problems else (),
            tuple(map(Forecast.from_dict, forecasts)) if forecasts else (),
            d.get("source_count", 0),
            d.get("claim_count", 0),
            _fromisoformat(latest) if latest else None,
            d.get("latest_source"),
            d.get("cancelled", False),
        )

    def with_status_on(self, today: dt.date) -> Schedule:
        """The same dates, with the status as it stands on `today` (statuses age: planned becomes overdue)."""
        status = status_on(self, today)
        return self if status == self.status else replace(self, status=status)


def _slot_entries(fact: ClaimFact, as_of: dt.date | None = None) -> list[tuple[str, DateSpan]]:
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
    return [(f"{_status_for(fact, span, as_of)}_{which}", span) for which, span in entries]


def _status_for(fact: ClaimFact, span: DateSpan, as_of: dt.date | None = None) -> str:
    """Nothing can have happened after the day it was reported, nor, as known on a day, after that day."""
    if fact.status != ACTUAL_CLAIM:
        return "planned"
    limit = fact.stated_on if fact.stated_on is not None and not fact.stated_approx else None
    if as_of is not None:
        limit = min(limit, as_of) if limit else as_of
    if limit is not None and span.lo > limit:
        return "planned"
    return "actual"


def _rank(fact: ClaimFact, span: DateSpan) -> tuple:
    stated = fact.stated_on or dt.date.min
    return (stated, -_FINENESS[span.precision], fact.id or 0)


def _first_rank(fact: ClaimFact, span: DateSpan) -> tuple:
    """The baseline's order: earliest statement (undated ones last: they cannot be shown to be first),
    then the finer precision, then the earlier claim."""
    return (fact.stated_on is None, fact.stated_on or dt.date.min, _FINENESS[span.precision], fact.id or 0)


def _pick(fact: ClaimFact, span: DateSpan) -> Pick:
    return Pick(span, fact.id, fact.stated_on, fact.source_id)


def _first(items: list[tuple[ClaimFact, DateSpan]]) -> Pick | None:
    return _pick(*min(items, key=lambda item: _first_rank(*item))) if items else None


def _days_between(earlier: DateSpan, later: DateSpan) -> int:
    """Signed days from one span to another, edge to same edge (their first days)."""
    return (later.lo - earlier.lo).days


DAY_UNIT, MONTH_UNIT, YEAR_UNIT = "day", "month", "year"
_UNIT_FOR = {
    Precision.DAY: DAY_UNIT,
    Precision.MONTH: MONTH_UNIT,
    Precision.QUARTER: MONTH_UNIT,
    Precision.HALF: MONTH_UNIT,
    Precision.YEAR: YEAR_UNIT,
    Precision.RANGE: YEAR_UNIT,
}
_DAYS_IN = {DAY_UNIT: 1, MONTH_UNIT: 365.25 / 12, YEAR_UNIT: 365.25}


def delay_in_unit(schedule: Schedule) -> tuple[int, str] | None:
    """The delay rounded to the unit its dates' precision allows: (2, "month") for 62 days between two months."""
    precision = schedule.delay_precision
    if precision is None:
        return None
    unit = _UNIT_FOR[precision]
    days = schedule.delay_days
    value = round(abs(days) / _DAYS_IN[unit])
    if unit == YEAR_UNIT and value == 0 and abs(days) >= _DAYS_IN[MONTH_UNIT] * 6:
        value = 1  # half a year or more late reads as "about a year", not "on time"
    return (value if days >= 0 else -value), unit


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
        for slot, span in _slot_entries(fact, as_of):
            entries[slot].append((fact, span))

    picks: dict[str, Pick | None] = {}
    for slot, items in entries.items():
        picks[slot] = _pick(*max(items, key=lambda item: _rank(*item))) if items else None
    baseline_start, baseline_end = (_first(entries[slot]) for slot in ("planned_start", "planned_end"))

    forecasts = tuple(
        Forecast(fact.stated_on, span, fact.id)
        for fact, span in sorted(entries["planned_end"], key=lambda item: _rank(*item))
    )
    problems = tuple(_problems(facts, picks))
    delay = drift = None
    if baseline_end is not None:
        forecast = picks["planned_end"]
        drift = _days_between(baseline_end.span, forecast.span)
        # An end reported before its own start cannot say how late the end was.
        if not any(p.kind == ACTUAL_END_BEFORE_START for p in problems):
            delay = _days_between(baseline_end.span, (picks["actual_end"] or forecast).span)

    latest = max(facts, key=lambda f: (f.stated_on or dt.date.min, f.id or 0), default=None)
    schedule = Schedule(
        kind=kind,
        **picks,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
        delay_days=delay,
        drift_days=drift,
        conflicts=tuple(_conflicts(entries)),
        problems=problems,
        forecasts=forecasts,
        source_count=len({f.source_id for f in facts}),
        claim_count=len(facts),
        latest_stated_on=latest.stated_on if latest else None,
        latest_source_id=latest.source_id if latest else None,
        cancelled=cancelled,
        as_of=as_of,
    )
    return schedule.with_status_on(today)


def _problems(facts: list[ClaimFact], picks: dict[str, Pick | None]) -> list[Problem]:
    """Where the claims that count contradict themselves (see the module docstring)."""
    found = []
    for kind, start, end in (
        (ACTUAL_END_BEFORE_START, picks["actual_start"], picks["actual_end"]),
        (PLANNED_END_BEFORE_START, picks["planned_start"], picks["planned_end"]),
    ):
        if start and end and end.span.hi < start.span.lo:
            found.append(Problem(kind, (start.claim_id, end.claim_id), end.span.mid))
    for fact in sorted(facts, key=lambda f: (f.stated_on or dt.date.min, f.id or 0)):
        exact = fact.stated_on is not None and not fact.stated_approx
        if fact.status == ACTUAL_CLAIM and exact and fact.span.lo > fact.stated_on:
            found.append(Problem(ACTUAL_AFTER_REPORT, (fact.id,), fact.span.lo))
    return found


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


def dependency_problem(successor: Schedule, predecessor: Schedule) -> Problem | None:
    """A successor reported started before its predecessor was reported done, whatever the precision.

    Only what happened counts (plans may overlap), and only when certain: the successor's
    start ends before the predecessor's end begins. `claim_ids`: the two actual claims.
    """
    start, end = successor.actual_start, predecessor.actual_end
    if start is None or end is None or start.span.hi >= end.span.lo:
        return None
    return Problem(STARTED_BEFORE_PREDECESSOR_ENDED, (start.claim_id, end.claim_id), start.span.mid)
