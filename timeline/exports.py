"""A program's timeline as CSV, JSON and iCalendar, built from the same rows as the page.

Every function takes a `rows.Timeline` (already filtered, and derived as of a day when
the page asked for one) and plain values; the views only add the HTTP around them.
Dates are written as EDTF (`2023-40` is the first half of 2023) with their `lo`/`hi`
bounds, so a reader never mistakes "sometime in that half-year" for a day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from .charts import delay_text
from .dates import DateSpan
from .models import Claim, Milestone, MilestoneKind, MilestoneStatus
from .rows import Filters, Timeline
from .schedule import SLOTS, Pick, Schedule, delay_in_unit

UID_DOMAIN = "milestone-tracker"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_SLOT_COLUMNS = [f"{slot}{suffix}" for slot in SLOTS for suffix in ("", "_lo", "_hi")]
CSV_COLUMNS = [
    "key",
    "phase",
    "title_ko",
    "title_en",
    "kind",
    "status",
    *CSV_SLOT_COLUMNS,
    "baseline_end",
    "baseline_end_lo",
    "baseline_end_hi",
    "delay_days",
    "delay",
    "delay_unit",
    "delay_basis",
    "forecast_drift_days",
    "source_count",
    "conflict_count",
    "contradiction_count",
    "latest_source",
    "latest_source_on",
    "stale",
    "url",
]


def filter_params(filters: Filters) -> dict[str, str]:
    """The valid, non-default filters as query parameters (invalid ones were already dropped)."""
    params = {
        "phase": filters.phase,
        "status": filters.status,
        "kind": filters.kind,
        "q": filters.q,
        "show": "" if filters.show == "both" else filters.show,
        "as_of": filters.as_of.isoformat() if filters.as_of else "",
        "deps": "" if filters.deps else "0",
    }
    return {name: value for name, value in params.items() if value}


def query_string(filters: Filters, **extra: str) -> str:
    """`?phase=...&as_of=...` for links that keep the current view, or "" when nothing is filtered."""
    params = {**extra, **filter_params(filters)}
    return f"?{urlencode(params)}" if params else ""


def reference_day(timeline: Timeline) -> dt.date:
    """The day the timeline describes: the as-of day when there is one, else today."""
    return timeline.reference_day


def delay_fields(schedule: Schedule) -> dict:
    """The delay against the first plan: in days, in the unit its precision allows, and what it is measured on."""
    in_unit = delay_in_unit(schedule)
    return {
        "delay_days": schedule.delay_days,
        "delay": in_unit[0] if in_unit else None,
        "delay_unit": in_unit[1] if in_unit else None,
        "delay_basis": schedule.delay_basis,
        "forecast_drift_days": schedule.drift_days,
    }


def is_stale(schedule: Schedule, *, on: dt.date, max_age_days: int | None = None) -> bool:
    """True when the newest word about an unfinished milestone is older than the allowed age."""
    if schedule.status in (MilestoneStatus.DONE, MilestoneStatus.CANCELLED) or not schedule.latest_stated_on:
        return False
    limit = settings.TRACKER_STALE_SOURCE_DAYS if max_age_days is None else max_age_days
    return (on - schedule.latest_stated_on).days > limit


def stale_keys(timeline: Timeline) -> set[str]:
    on = reference_day(timeline)
    return {row.key for row in timeline.rows if is_stale(row.schedule, on=on)}


def file_name(timeline: Timeline, what: str, extension: str) -> str:
    return f"{timeline.program.slug}-{what}-{reference_day(timeline).isoformat()}.{extension}"


# --- CSV --------------------------------------------------------------------------


def neutralise(value):
    """Text a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _slot_cells(pick: Pick | None) -> list[str]:
    if pick is None:
        return ["", "", ""]
    return [pick.span.edtf, pick.span.lo.isoformat(), pick.span.hi.isoformat()]


def csv_records(timeline: Timeline, *, absolute: Callable[[str], str]) -> Iterator[list]:
    """The header, then one list of cells per milestone row, in the page's order."""
    yield CSV_COLUMNS
    stale = stale_keys(timeline)
    for row in timeline.rows:
        milestone = timeline.milestones[row.key]
        s = row.schedule
        cells = [
            row.key,
            milestone.parent.key if milestone.parent_id and milestone.parent else "",
            milestone.title_ko,
            milestone.title_en,
            row.kind,
            s.status,
            *(cell for slot in SLOTS for cell in _slot_cells(getattr(s, slot))),
            *_slot_cells(s.baseline_end),
            *("" if value is None else value for value in delay_fields(s).values()),
            s.source_count,
            len(s.conflicts),
            len(s.problems),
            row.latest_source,
            s.latest_stated_on.isoformat() if s.latest_stated_on else "",
            "yes" if row.key in stale else "",
            absolute(row.panel_url),
        ]
        yield [neutralise(cell) for cell in cells]


def write_csv(records: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads Korean text correctly."""
    out = io.StringIO()
    csv.writer(out).writerows(records)
    return out.getvalue().encode("utf-8-sig")


# --- JSON -------------------------------------------------------------------------


def span_json(span: DateSpan | None) -> dict | None:
    if span is None:
        return None
    return {"edtf": span.edtf, "lo": span.lo.isoformat(), "hi": span.hi.isoformat(), "precision": str(span.precision)}


def _source_json(claim: Claim) -> dict:
    source = claim.source
    return {
        "id": source.content_hash,
        "kind": source.kind,
        "citation": source.citation,
        "title": source.title,
        "publisher": source.publisher,
        "author": source.author,
        "url": source.url or None,
        "published_on": source.published_on.isoformat() if source.published_on else None,
        "published_approx": source.published_approx,
        "language": source.language,
    }


def _claim_json(claim: Claim) -> dict:
    return {
        "id": claim.uid,
        "field": claim.field,
        "status": claim.status,
        "date": span_json(claim.span),
        "expression": claim.expression,
        "stated_on": claim.stated_on.isoformat() if claim.stated_on else None,
        "reviewed": claim.reviewed,
        "source": claim.source.content_hash,
    }


def as_json(timeline: Timeline, claims: Iterable[Claim], *, absolute: Callable[[str], str]) -> dict:
    """Milestones with their derived dates and claims; the sources they cite, once each."""
    program = timeline.program
    by_milestone: dict[int, list[Claim]] = {}
    for claim in claims:
        by_milestone.setdefault(claim.milestone_id, []).append(claim)
    stale = stale_keys(timeline)
    milestones, sources = [], {}
    for row in timeline.rows:
        milestone = timeline.milestones[row.key]
        s = row.schedule
        own = by_milestone.get(milestone.pk, [])
        for claim in own:
            sources.setdefault(claim.source_id, _source_json(claim))
        milestones.append(
            {
                "key": row.key,
                "phase": milestone.parent.key if milestone.parent_id and milestone.parent else None,
                "title_ko": milestone.title_ko,
                "title_en": milestone.title_en,
                "kind": row.kind,
                "status": s.status,
                **{slot: span_json(getattr(s, slot).span) if getattr(s, slot) else None for slot in SLOTS},
                "baseline_start": span_json(s.baseline_start.span) if s.baseline_start else None,
                "baseline_end": span_json(s.baseline_end.span) if s.baseline_end else None,
                **delay_fields(s),
                "source_count": s.source_count,
                "conflicts": [c.as_dict() | {"claims": _claim_uids(c.claim_ids, own)} for c in s.conflicts],
                "contradictions": [{"kind": p.kind, "claims": _claim_uids(p.claim_ids, own)} for p in s.problems],
                "latest_source_on": s.latest_stated_on.isoformat() if s.latest_stated_on else None,
                "stale": row.key in stale,
                "url": absolute(row.panel_url),
                "claims": [_claim_json(c) for c in own],
            }
        )
    return {
        "program": {
            "slug": program.slug,
            "name_ko": program.name_ko,
            "name_en": program.name_en,
            "agency": program.agency,
            "url": absolute(program.get_absolute_url()),
        },
        "generated_on": timeline.today.isoformat(),
        "as_of": timeline.filters.as_of.isoformat() if timeline.filters.as_of else None,
        "filters": filter_params(timeline.filters),
        "milestone_count": len(milestones),
        "milestones": milestones,
        "sources": sorted(sources.values(), key=lambda d: (d["published_on"] or "", d["citation"])),
    }


def _claim_uids(ids: Iterable[int | None], claims: list[Claim]) -> list[str | None]:
    uid_by_pk = {c.pk: c.uid for c in claims}
    return [uid_by_pk.get(pk) for pk in ids]


def claims_for(timeline: Timeline):
    """The program's claims as known on the as-of day, in one query (`as_json` keeps those of the shown rows)."""
    claims = (
        Claim.objects.filter(milestone__program=timeline.program).select_related("source").order_by("stated_on", "pk")
    )
    if timeline.filters.as_of:
        claims = claims.filter(stated_on__lte=timeline.filters.as_of)
    return claims


# --- iCalendar --------------------------------------------------------------------


def calendar_pick(row_schedule: Schedule, show: str) -> tuple[str, Pick] | None:
    """The end (or event date) the feed shows: what happened when known, else the plan."""
    actual, planned = row_schedule.actual_end, row_schedule.planned_end
    if show == "actual":
        return ("actual", actual) if actual else None
    if show == "planned":
        return ("planned", planned) if planned else None
    if actual:
        return "actual", actual
    return ("planned", planned) if planned else None


def event_uid(milestone: Milestone, slot: str) -> str:
    return f"{milestone.key}.{slot}@{milestone.program.slug}.{UID_DOMAIN}"


def as_ical(timeline: Timeline, *, language: str, absolute: Callable[[str], str], now: dt.datetime) -> bytes:
    """One all-day event per dated milestone end or event, spanning the whole period when the date is coarse."""
    from icalendar import Calendar, Event, vText

    program = timeline.program
    as_of = timeline.filters.as_of
    calendar = Calendar.new(
        prodid=f"-//{UID_DOMAIN}//{program.slug}//{language.upper()}",
        uid=f"{program.slug}@{UID_DOMAIN}",
        url=absolute(program.get_absolute_url()),
        refresh_interval=dt.timedelta(days=1),
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    # Added as TEXT values (which escape line breaks): Calendar.new writes the X-WR- copies raw,
    # and a line break in them makes an invalid content line.
    name = _("%(program)s: milestones") % {"program": program.name}
    for prop, value in (
        ("NAME", name),
        ("X-WR-CALNAME", name),
        ("DESCRIPTION", program.summary.text),
        ("X-WR-CALDESC", program.summary.text),
    ):
        if value:
            calendar.add(prop, vText(value))
    for row in timeline.rows:
        picked = calendar_pick(row.schedule, timeline.filters.show)
        if picked is None:
            continue
        which, pick = picked
        milestone = timeline.milestones[row.key]
        slot = "event" if row.kind == MilestoneKind.EVENT else "end"
        calendar.add_component(
            Event.new(
                uid=event_uid(milestone, slot),
                stamp=now,
                start=pick.span.lo,
                # The day after the last (DTEND is exclusive); the last day itself when there is no day after.
                end=pick.span.hi + dt.timedelta(days=1) if pick.span.hi < dt.date.max else pick.span.hi,
                summary=_event_summary(row.title, row.kind, which),
                description=_event_description(row, which, pick, language=language, as_of=as_of, url=absolute),
                url=absolute(row.panel_url),
                categories=[str(MilestoneStatus(row.schedule.status).label)],
                transparency="TRANSPARENT",
            )
        )
    return calendar.to_ical()


def _event_summary(title: str, kind: str, which: str) -> str:
    if kind == MilestoneKind.EVENT:
        return _("%(title)s (planned)") % {"title": title} if which == "planned" else title
    else:
        text = _("%(title)s: planned completion") if which == "planned" else _("%(title)s: completed")
    return text % {"title": title}


def _event_description(row, which: str, pick: Pick, *, language: str, as_of, url: Callable[[str], str]) -> str:
    s = row.schedule
    label = _("Planned") if which == "planned" else _("Actual")
    lines = [
        f"{label}: {pick.span.label(language)} (EDTF {pick.span.edtf})",
        f"{_('Status')}: {MilestoneStatus(s.status).label}",
    ]
    if s.delay_days is not None:
        lines.append(f"{_('Against the first plan')}: {delay_text(s, language)}")
    sources = f"{_('Sources')}: {s.source_count}"
    if row.latest_source:
        sources += f" · {_('Latest source')}: {row.latest_source}"
    lines.append(sources)
    if as_of:
        lines.append(_("as known on %(day)s") % {"day": as_of.isoformat()})
    lines.append(url(row.panel_url))
    return "\n".join(lines)
