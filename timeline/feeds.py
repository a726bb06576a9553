"""Each program's Atom feed of schedule changes, read from its reviewed claims (`timeline.changes`).

Entries are dated by the statement of the claim that made the change, so the feed is
also the program's history; each links to the milestone's panel and cites its source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from . import changes as ch
from .labels import span_label
from .models import Claim, Milestone, Program, Source


def slot_name(slot: str) -> str:
    return {
        "planned_start": pgettext("date slot", "planned start"),
        "planned_end": pgettext("date slot", "planned end"),
        "actual_start": pgettext("date slot", "actual start"),
        "actual_end": pgettext("date slot", "actual end"),
    }.get(slot, slot)


@dataclass(frozen=True)
class FeedEntry:
    milestone: Milestone
    change: ch.Change
    claims: tuple[Claim, ...]  # the claims that made the change, each citing its source

    @property
    def sources(self) -> list[Source]:
        seen: dict[int, Source] = {}
        for claim in self.claims:
            seen.setdefault(claim.source_id, claim.source)
        return list(seen.values())


def program_changes(program: Program) -> list[FeedEntry]:
    """Every schedule change of the program's public milestones, newest first: two queries."""
    # Only what an entry shows: not the cached schedules nor the articles' text.
    shown = ("key", "kind", "title_ko", "title_en", "position", "program_id")
    milestones = {m.pk: m for m in Milestone.objects.filter(program=program).public().only(*shown)}
    claims: dict[int, list[Claim]] = defaultdict(list)
    public = Claim.objects.filter(milestone__program=program).public()
    for claim in public.select_related("source").defer("source__body", "note"):
        claims[claim.milestone_id].append(claim)
    entries = []
    for milestone_id, own in claims.items():
        milestone = milestones[milestone_id]
        milestone.program = program
        by_id = {c.pk: c for c in own}
        for change in ch.milestone_changes([c.as_fact() for c in own], kind=milestone.kind):
            ids = change.claim_ids or (change.claim_id,)
            entries.append(FeedEntry(milestone, change, tuple(by_id[i] for i in ids if i in by_id)))
    order = {ch.PLANNED: 0, ch.MOVED: 1, ch.DONE: 2, ch.CONFLICT: 3}
    entries.sort(
        key=lambda e: (e.change.on, e.milestone.position, e.milestone.pk, order[e.change.kind]),
        reverse=True,
    )
    return entries


def entry_title(entry: FeedEntry) -> str:
    c, title = entry.change, entry.milestone.title
    if c.kind == ch.PLANNED:
        return _("%(milestone)s: first planned for %(after)s") % {"milestone": title, "after": span_label(c.after)}
    if c.kind == ch.MOVED:
        return _("%(milestone)s: forecast moved from %(before)s to %(after)s") % {
            "milestone": title,
            "before": span_label(c.before),
            "after": span_label(c.after),
        }
    if c.kind == ch.DONE:
        return _("%(milestone)s: reported done (%(after)s)") % {"milestone": title, "after": span_label(c.after)}
    return _("%(milestone)s: sources disagree on the %(slot)s: %(after)s against %(others)s") % {
        "milestone": title,
        "slot": slot_name(c.slot),
        "after": span_label(c.after),
        "others": ", ".join(span_label(s) for s in c.others) or "—",
    }


def _citation(source: Source) -> str:
    return source.title or source.citation


class CitingAtomFeed(Atom1Feed):
    """Atom, plus a `<link rel="related">` to each source an entry cites."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for url, title in item.get("sources", ()):
            handler.addQuickElement("link", "", {"rel": "related", "href": url, "title": title})


class ProgramChangesFeed(Feed):
    feed_type = CitingAtomFeed

    def __call__(self, request, *args, **kwargs):
        # Kept per program `data_version` (renewed by every change to its data), language and
        # host: feed readers poll, and the changes are worked out claim by claim.
        program = get_object_or_404(Program, slug=kwargs.get("slug"))
        parts = ("feed", program.pk, program.data_version, get_language(), request.scheme, request.get_host())
        key = "feed:" + hashlib.sha256(repr(parts).encode()).hexdigest()
        cached = cache.get(key)
        if cached is not None:
            body, headers = cached
            response = HttpResponse(body, content_type=headers.pop("Content-Type"))
            for name, value in headers.items():
                response[name] = value
            return response
        self.request = request
        response = super().__call__(request, *args, **kwargs)
        if response.status_code == 200 and len(response.content) <= settings.TRACKER_PAGE_CACHE_MAX_BYTES:
            headers = {name: response[name] for name in ("Content-Type", "Last-Modified") if response.has_header(name)}
            cache.set(key, (response.content, headers), settings.TRACKER_PAGE_CACHE_SECONDS)
        return response

    def get_object(self, request, slug: str) -> Program:
        return get_object_or_404(Program, slug=slug)

    def title(self, program: Program) -> str:
        return _("%(program)s: schedule changes") % {"program": program.name}

    def subtitle(self, program: Program) -> str:
        return _(
            "Forecasts that moved, milestones reported done and sources that disagree, "
            "each dated by its source's statement."
        )

    def link(self, program: Program) -> str:
        return program.get_absolute_url()

    def feed_url(self, program: Program) -> str:
        return reverse("timeline:feed", args=[program.slug])

    def author_name(self, program: Program) -> str:
        return program.agency or program.name

    def items(self, program: Program) -> list[FeedEntry]:
        return program_changes(program)

    def item_title(self, entry: FeedEntry) -> str:
        return entry_title(entry)

    def item_description(self, entry: FeedEntry) -> str:
        lines = format_html_join(
            "",
            "<li>{} · {}: “{}” ({})</li>",
            (
                (
                    claim.source.display_date,
                    claim.source.publisher or claim.source.citation,
                    claim.expression or claim.sentence[:200] or span_label(claim.span),
                    format_html('<a href="{}">{}</a>', claim.source.url, _citation(claim.source))
                    if claim.source.url
                    else _citation(claim.source),
                )
                for claim in entry.claims
            ),
        )
        return format_html("<p>{}</p><ul>{}</ul>", entry_title(entry), lines)

    def item_link(self, entry: FeedEntry) -> str:
        return entry.milestone.get_absolute_url()

    def item_guid(self, entry: FeedEntry) -> str:
        c = entry.change
        ids = "-".join(str(i) for i in (c.claim_ids or (c.claim_id,)))
        return self.request.build_absolute_uri(f"{entry.milestone.get_absolute_url()}#{c.kind}-{c.slot or 'end'}-{ids}")

    item_guid_is_permalink = False

    def item_pubdate(self, entry: FeedEntry) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(entry.change.on, dt.time.min))

    def item_updateddate(self, entry: FeedEntry) -> dt.datetime:
        return self.item_pubdate(entry)

    def item_author_name(self, entry: FeedEntry) -> str:
        return ", ".join(s.publisher or s.citation for s in entry.sources)

    def item_categories(self, entry: FeedEntry) -> list[str]:
        return [entry.change.kind]

    def item_extra_kwargs(self, entry: FeedEntry) -> dict:
        return {"sources": [(s.url, s.publisher or s.citation) for s in entry.sources if s.url]}
