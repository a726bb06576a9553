import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from . import charts, exports
from . import schedule as schedule_rules
from .models import Claim, Milestone, MilestoneStatus, Program, Source, is_editor
from .rows import build_timeline

# The embeddable chart may be framed by any site; everything else keeps the site's policy.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
SOURCES_PER_PAGE = 150
SOURCE_CLAIM_FIELDS = [
    *("source_id", "field", "status", "lo", "hi", "precision", "expression", "stated_on", "reviewed"),
    *("milestone__key", "milestone__title_ko", "milestone__title_en", "milestone__position"),
]
EMBED_CHROME_PX = 160  # the embed's title line and the chart's key above the chart, its legend note and link back below


@require_safe
def program_list(request):
    programs = Program.objects.annotate(
        milestone_count=Count("milestones", filter=None if is_editor(request.user) else Q(milestones__draft=False))
    )
    return render(request, "timeline/program_list.html", {"programs": programs})


def _timeline(request, slug: str):
    program = get_object_or_404(Program, slug=slug)
    return build_timeline(program, request.GET, today=timezone.localdate(), user=request.user)


def _chart_context(request, timeline) -> dict:
    figure = charts.gantt(
        timeline.rows,
        today=timeline.today,
        language=get_language() or "ko",
        show=timeline.filters.show,
        as_of=timeline.filters.as_of,
    )
    query = exports.query_string(timeline.filters)
    embed_url = request.build_absolute_uri(
        timeline.program.get_absolute_url() + exports.query_string(timeline.filters, embed="1")
    )
    embed_height = figure["layout"]["height"] + EMBED_CHROME_PX
    return {
        "program": timeline.program,
        "timeline": timeline,
        "filters": timeline.filters,
        "figure": figure,
        "chart_key": charts.chart_key(figure, timeline.rows, get_language() or "ko", as_of=timeline.filters.as_of),
        "query": query,
        "page_url": request.build_absolute_uri(timeline.program.get_absolute_url() + query),
        "embed_code": format_html(
            '<iframe src="{}" title="{}" width="100%" height="{}" style="border:0" loading="lazy"></iframe>',
            embed_url,
            timeline.program.name,
            embed_height,
        ),
        "png_name": f"{timeline.program.slug}-{exports.reference_day(timeline).isoformat()}",
    }


# Stand-ins for what differs between visitors of the same cached page: random per process,
# so no text in the data can guess them and have a token or nonce put into it.
VISITOR_SLOTS = {"csrf_token": f"csrf{secrets.token_hex(16)}", "csp_nonce": f"nonce{secrets.token_hex(16)}"}
CSRF_SLOT, NONCE_SLOT = VISITOR_SLOTS["csrf_token"].encode(), VISITOR_SLOTS["csp_nonce"].encode()


def _cached_page(request, program: Program, template: str, context: Callable[[], dict]) -> HttpResponse:
    """`template` rendered with `context()`, or the copy cached for the same page.

    The key holds everything the HTML depends on: the program's `data_version` (renewed
    by every change to its milestones, claims and sources, see `touch_programs`), the
    day (statuses and "today" age), the language, the host (absolute share links), the
    path and query, and whether the visitor is staff (the admin link). The CSRF token
    and the CSP nonce are rendered as `VISITOR_SLOTS` and filled in per request. A hit
    costs one query (the program) and no rendering.
    """
    parts = (
        template,
        program.pk,
        program.data_version,
        timezone.localdate().isoformat(),
        get_language() or "",
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        request.user.is_staff,
    )
    key = "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    # Kept as UTF-8 bytes: no decoding out of the cache, no encoding into the response.
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, {**context(), **VISITOR_SLOTS}, request).encode()
        # Entries are counted, not weighed: a cap per page keeps the cache's memory bounded.
        if len(html) <= settings.TRACKER_PAGE_CACHE_MAX_BYTES:
            cache.set(key, html, settings.TRACKER_PAGE_CACHE_SECONDS)
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, get_token(request).encode())
    if NONCE_SLOT in html:
        html = html.replace(NONCE_SLOT, str(get_nonce(request)).encode())
    return HttpResponse(html)


@require_safe
def program_detail(request, slug: str):
    if request.GET.get("embed") == "1":
        return program_embed(request, slug)
    program = get_object_or_404(Program, slug=slug)

    def context() -> dict:
        timeline = build_timeline(program, request.GET, today=timezone.localdate(), user=request.user)
        return {
            **_chart_context(request, timeline),
            "stale": exports.stale_keys(timeline),
            "stale_days": settings.TRACKER_STALE_SOURCE_DAYS,
            "status_choices": MilestoneStatus.choices,
            "kind_choices": Milestone._meta.get_field("kind").choices,
            "show_choices": [("both", _("planned and actual")), ("planned", _("planned")), ("actual", _("actual"))],
        }

    if request.htmx and not request.htmx.history_restore_request:
        return _cached_page(request, program, "timeline/program_detail.html#timeline", context)
    return _cached_page(request, program, "timeline/program_detail.html", context)


@xframe_options_exempt
@csp_override(EMBED_CSP)
def program_embed(request, slug: str):
    """The chart and its legend alone, for an <iframe> on another site (`?embed=1`)."""
    program = get_object_or_404(Program, slug=slug)

    def context() -> dict:
        timeline = build_timeline(program, request.GET, today=timezone.localdate(), user=request.user)
        return {**_chart_context(request, timeline), "embed": True}

    return _cached_page(request, program, "timeline/program_embed.html", context)


@require_safe
def export_csv(request, slug: str):
    timeline = _timeline(request, slug)
    body = exports.write_csv(exports.csv_records(timeline, absolute=request.build_absolute_uri))
    return _download(body, "text/csv; charset=utf-8", exports.file_name(timeline, "milestones", "csv"))


@require_safe
def export_json(request, slug: str):
    timeline = _timeline(request, slug)
    claims = exports.claims_for(timeline).visible_to(request.user)
    data = exports.as_json(timeline, claims, absolute=request.build_absolute_uri)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{exports.file_name(timeline, "milestones", "json")}"'
    return response


@require_safe
def export_ics(request, slug: str):
    timeline = _timeline(request, slug)
    body = exports.as_ical(
        timeline, language=get_language() or "ko", absolute=request.build_absolute_uri, now=timezone.now()
    )
    return _download(body, "text/calendar; charset=utf-8", exports.file_name(timeline, "calendar", "ics"))


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def program_sources(request, slug: str):
    """Every source of the program, newest first, with the claims it backs: four queries a page."""
    program = get_object_or_404(Program, slug=slug)
    visible = Claim.objects.filter(milestone__program=program).visible_to(request.user)
    sources = (
        Source.objects.filter(pk__in=visible.values("source_id"))
        .order_by(F("published_on").desc(nulls_last=True), "citation", "pk")
        .defer("body")
    )
    page = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    claims: dict[int, list[Claim]] = {source.pk: [] for source in page}
    for claim in (
        visible.filter(source__in=list(claims))
        .select_related("milestone")
        .only(*SOURCE_CLAIM_FIELDS)
        .order_by("milestone__position", "stated_on", "pk")
    ):
        claims[claim.source_id].append(claim)
    # One reverse() for the page: milestone URLs differ only by their key (a slug).
    head, _, tail = reverse("timeline:milestone", args=[program.slug, "milestone-key"]).rpartition("milestone-key")
    context = {
        "program": program,
        "page": page,
        "sources": [(source, claims[source.pk]) for source in page],
        "milestone_url": (head, tail),
    }
    return render(request, "timeline/program_sources.html", context)


@require_safe
def milestone_detail(request, slug: str, key: str):
    """One milestone's panel: its schedule, claims and forecast history, as known on `as_of` when given."""
    milestones = Milestone.objects.visible_to(request.user).select_related("program", "parent")
    milestone = get_object_or_404(milestones, program__slug=slug, key=key)
    claims = milestone.claims.visible_to(request.user).select_related("source").order_by("stated_on", "pk")
    today = timezone.localdate()
    as_of = _date_or_none(request.GET.get("as_of"))
    if as_of:
        claims = claims.filter(stated_on__lte=as_of)
    claims = list(claims)
    schedule = milestone.derive(claims, as_of=as_of, today=today)
    conflicted = {cid for c in schedule.conflicts for cid in c.claim_ids}
    contradicting = {cid for p in schedule.problems for cid in p.claim_ids}
    winners = {
        p.claim_id
        for p in (schedule.planned_start, schedule.planned_end, schedule.actual_start, schedule.actual_end)
        if p
    }
    sources = {c.source_id: str(c.source) for c in claims}
    context = {
        "program": milestone.program,
        "milestone": milestone,
        "schedule": schedule,
        "claims": claims,
        "conflicted": conflicted,
        "contradicting": contradicting,
        "problems": [problem_text(p) for p in schedule.problems],
        "winners": winners,
        "as_of": as_of,
        "editor": is_editor(request.user),
        "stale": exports.is_stale(schedule, on=min(as_of, today) if as_of else today),
        "stale_days": settings.TRACKER_STALE_SOURCE_DAYS,
        "trend_id": f"trend-data-{milestone.key}",
        "trend": charts.trend(schedule, language=get_language() or "ko", today=today, sources=sources),
    }
    template = "timeline/milestone_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#panel"
    return render(request, template, context)


PROBLEM_TEXTS = {
    schedule_rules.ACTUAL_END_BEFORE_START: _("It is reported to have ended before it started."),
    schedule_rules.PLANNED_END_BEFORE_START: _("Its planned end is before its planned start."),
    schedule_rules.ACTUAL_AFTER_REPORT: _(
        "A source reports as done a date after the day it was published; it is counted as a plan."
    ),
}


def problem_text(problem) -> str:
    return str(PROBLEM_TEXTS.get(problem.kind, problem.kind))


def _date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None
