"""A program's milestones as ordered, filtered timeline rows, in a fixed number of queries.

The cached schedules are read as they are; an as-of date loads every claim of the
program once and applies the schedule rule in Python (no query per milestone).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import get_language

from .charts import Row
from .models import Claim, Milestone, MilestoneKind, MilestoneStatus, Program, Source, is_editor
from .schedule import Schedule

SHOW_CHOICES = ("both", "planned", "actual")
LATEST_SOURCE_FIELDS = ("publisher", "citation", "published_on", "published_approx")
# What the rows and the exports read of a milestone: the rest (summaries, notes, aliases) stays in the database.
TIMELINE_FIELDS = (
    *("program", "parent", "key", "title_ko", "title_en", "kind", "position", "draft", "cancelled", "schedule"),
)


@dataclass(frozen=True)
class Filters:
    phase: str = ""
    status: str = ""
    kind: str = ""
    q: str = ""
    show: str = "both"
    as_of: dt.date | None = None
    errors: tuple[str, ...] = ()
    # Dependency arrows on the chart (`deps=0` hides them); not a filter of the rows.
    deps: bool = True

    @classmethod
    def from_query(cls, params, *, phases: set[str]) -> Filters:
        """Read filters from a query string; unknown values are dropped and reported, never a 500."""
        errors = []

        def pick(name: str, allowed) -> str:
            value = (params.get(name) or "").strip()
            if value and value not in allowed:
                errors.append(name)
                return ""
            return value

        as_of = None
        raw_as_of = (params.get("as_of") or "").strip()
        if raw_as_of:
            try:
                as_of = dt.date.fromisoformat(raw_as_of)
            except ValueError:
                errors.append("as_of")
        show = pick("show", SHOW_CHOICES) or "both"
        q = (params.get("q") or "").replace("\x00", "").strip()[:200]
        return cls(
            phase=pick("phase", phases),
            status=pick("status", set(MilestoneStatus.values)),
            kind=pick("kind", set(MilestoneKind.values)),
            q=q,
            show=show,
            as_of=as_of,
            errors=tuple(errors),
            deps=(params.get("deps") or "").strip() != "0",
        )

    @property
    def active(self) -> bool:
        return bool(self.phase or self.status or self.kind or self.q or self.as_of or self.show != "both")


@dataclass
class Timeline:
    program: Program
    rows: list[Row]
    total: int
    filters: Filters
    phases: list[Milestone]
    source_dates: list[dt.date]
    today: dt.date
    milestones: dict[str, Milestone] = field(default_factory=dict)
    # Editors see the importer's drafts and unreviewed claims, marked; everyone else does not.
    editor: bool = False
    # (predecessor key, successor key) between the milestones the visitor may see.
    dependencies: list[tuple[str, str]] = field(default_factory=list)

    @property
    def reference_day(self) -> dt.date:
        """The day the timeline describes: the as-of day when there is one (never after today), else today."""
        return min(self.filters.as_of, self.today) if self.filters.as_of else self.today

    @property
    def source_dates_text(self) -> str:
        """The statement dates, comma-separated (the as-of slider's stops; a template loop with
        the date filter took ~60 ms for the 3,000 dates of a 1,000-milestone program)."""
        return ",".join(d.isoformat() for d in self.source_dates)

    @property
    def first_source_date(self) -> dt.date | None:
        return self.source_dates[0] if self.source_dates else None

    @property
    def before_first_source(self) -> bool:
        first = self.first_source_date
        return bool(self.filters.as_of and first and self.filters.as_of < first)


def order_milestones(milestones: list[Milestone], schedules: dict[int, Schedule]) -> list[tuple[Milestone, int, str]]:
    """Phases followed by their members, each level in schedule order: (milestone, depth, group key)."""
    children: dict[int | None, list[Milestone]] = defaultdict(list)
    ids = {m.pk for m in milestones}
    for m in milestones:
        children[m.parent_id if m.parent_id in ids else None].append(m)

    def sort_key(m: Milestone):
        d = schedules[m.pk].sort_date
        return (m.kind != MilestoneKind.PHASE, d is None, d or dt.date.max, m.position, m.pk)

    ordered: list[tuple[Milestone, int, str]] = []

    def walk(parent_id: int | None, depth: int, group: str) -> None:
        for m in sorted(children.get(parent_id, []), key=sort_key):
            own_group = m.key if m.kind == MilestoneKind.PHASE and children.get(m.pk) else group
            ordered.append((m, depth, own_group))
            walk(m.pk, depth + 1, own_group)

    walk(None, 0, "")
    return ordered


def _matches(m: Milestone, schedule: Schedule, filters: Filters, phase_members: set[int]) -> bool:
    if filters.phase and m.pk not in phase_members:
        return False
    if filters.status and schedule.status != filters.status:
        return False
    if filters.kind and m.kind != filters.kind:
        return False
    if filters.q:
        needle = filters.q.casefold()
        if not any(needle in text.casefold() for text in (m.title_ko, m.title_en, m.key)):
            return False
    return True


def build_timeline(program: Program, params, *, today: dt.date, user=None) -> Timeline:
    """The program's rows as `user` may see them (anonymous: no drafts, reviewed claims only).

    With `as_of`, only what was known on that day: milestones with a claim stated by then,
    schedules from those claims alone, statuses of that day.
    """
    editor = is_editor(user)
    milestones = list(Milestone.objects.for_timeline(program).visible_to(user).only(*TIMELINE_FIELDS))
    _link_parents(program, milestones)
    by_key = {m.key: m for m in milestones}
    phase_keys = {m.key for m in milestones if m.kind == MilestoneKind.PHASE}
    filters = Filters.from_query(params, phases=phase_keys)
    claims = Claim.objects.filter(milestone__program=program).visible_to(user)
    source_dates = list(
        claims.filter(stated_on__isnull=False).values_list("stated_on", flat=True).distinct().order_by("stated_on")
    )

    known: set[int] | None = None
    if filters.as_of:
        claims_by_milestone: dict[int, list[Claim]] = defaultdict(list)
        sources: dict[int, Source] = {}
        for claim in claims.filter(stated_on__lte=filters.as_of).select_related("source"):
            claims_by_milestone[claim.milestone_id].append(claim)
            sources[claim.source_id] = claim.source
        known = set(claims_by_milestone)
        schedules = {m.pk: m.derive(claims_by_milestone[m.pk], as_of=filters.as_of, today=today) for m in milestones}
    else:
        schedules = {m.pk: m.derived.with_status_on(today) for m in milestones}
        latest_ids = {s.latest_source_id for s in schedules.values()} - {None}
        # Only what the row shows (`latest_source`): not the article bodies.
        sources = Source.objects.only(*LATEST_SOURCE_FIELDS).in_bulk(latest_ids)

    members: set[int] = set()
    if filters.phase:
        root = by_key[filters.phase]
        members.add(root.pk)
        frontier = {root.pk}
        while frontier:
            frontier = {m.pk for m in milestones if m.parent_id in frontier} - members
            members |= frontier

    language = get_language() or "ko"
    # One reverse() per page, not per row: keys are slugs, so only the key differs from URL to URL.
    head, _, tail = reverse("timeline:milestone", args=[program.slug, "milestone-key"]).rpartition("milestone-key")
    shown = milestones if known is None else [m for m in milestones if m.pk in known]
    rows = []
    for m, depth, group in order_milestones(shown, schedules):
        schedule = schedules[m.pk]
        if not _matches(m, schedule, filters, members):
            continue
        latest = sources.get(schedule.latest_source_id)
        rows.append(
            Row(
                key=m.key,
                title=m.title_en if language.startswith("en") and m.title_en else m.title_ko,
                kind=m.kind,
                schedule=schedule,
                panel_url=f"{head}{m.key}{tail}",
                is_phase=m.kind == MilestoneKind.PHASE,
                depth=depth if not filters.active else 0,
                group=group,
                latest_source=f"{latest.publisher or latest.citation} {latest.display_date}" if latest else "",
                draft=m.draft,
            )
        )
    return Timeline(
        program=program,
        rows=rows,
        total=len(shown),
        filters=filters,
        phases=[m for m in milestones if m.kind == MilestoneKind.PHASE],
        source_dates=source_dates,
        today=today,
        milestones=by_key,
        editor=editor,
        dependencies=dependencies(program, milestones),
    )


def _link_parents(program: Program, milestones: list[Milestone]) -> None:
    """Give each milestone its program and its phase from the rows at hand (no join, no query per row).

    A phase the visitor may not see (a draft) is read in one more query, so that the
    exports can still name it.
    """
    by_pk = {m.pk: m for m in milestones}
    missing = {m.parent_id for m in milestones if m.parent_id and m.parent_id not in by_pk}
    if missing:
        by_pk.update(Milestone.objects.only("key", "title_ko", "title_en").in_bulk(missing))
    # As select_related would: the related objects cached on the rows (assigning through the
    # descriptors checks each one again, a tenth of the read at 1,000 rows).
    program_field, parent_field = Milestone._meta.get_field("program"), Milestone._meta.get_field("parent")
    for m in milestones:
        program_field.set_cached_value(m, program)
        if m.parent_id:
            parent_field.set_cached_value(m, by_pk[m.parent_id])


def dependencies(program: Program, milestones: list[Milestone]) -> list[tuple[str, str]]:
    """(predecessor key, successor key) among `milestones` (the program's that may be shown): one query."""
    keys = {m.pk: m.key for m in milestones}
    through = Milestone.predecessors.through.objects.filter(from_milestone__program=program)
    return sorted(
        (keys[before], keys[after])
        for after, before in through.values_list("from_milestone_id", "to_milestone_id")
        if before in keys
    )
