import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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
# Says whether the page's visitor-independent part came from the cache (tests and `manage.py bench` read it).
CACHE_HEADER = "X-Tracker-Cache"


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
    if timeline.filters.deps:
        figure["layout"]["annotations"] += charts.dependency_arrows(
            timeline.rows, timeline.dependencies, show=timeline.filters.show
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


def _cached_fragment(request, program: Program, template: str, context: Callable[[], dict]) -> tuple[str, bool]:
    """`template`, a partial that is the same for every visitor, rendered or from the cache; and whether cached.

    The key holds everything the fragment depends on: the program's `data_version`
    (renewed by every change to its milestones, claims and sources, see `touch_programs`),
    the day (statuses, "today"), the language, whether the visitor sees drafts, the host
    and scheme (absolute share links), the path and the query (the filters). What differs
    per visitor (the CSRF token, the CSP nonce, the admin link) is outside the fragment,
    rendered per request by the page around it, so any process sharing the cache can
    serve it.
    """
    query = sorted((name, value) for name, values in request.GET.lists() for value in values)
    parts = (
        template,
        program.pk,
        program.data_version,
        timezone.localdate().isoformat(),
        get_language() or "",
        is_editor(request.user),
        request.scheme,
        request.get_host(),
        request.path,
        query,
    )
    key = "fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is not None:
        return html, True
    html = render_to_string(template, context(), request)
    # A cap per entry keeps the cache's memory bounded (LocMem counts entries, it does not weigh them).
    if len(html.encode()) <= settings.TRACKER_PAGE_CACHE_MAX_BYTES:
        cache.set(key, html, settings.TRACKER_PAGE_CACHE_SECONDS)
    return html, False


def _page_with_fragment(
    request, program: Program, page: str, context: Callable[[], dict], *, htmx_part: str = ""
) -> HttpResponse:
    """`page` around its cached `#content` partial, or for htmx its `htmx_part` partial alone.

    `X-Tracker-Cache` says whether the partial came from the cache.
    """
    if htmx_part and request.htmx and not request.htmx.history_restore_request:
        html, hit = _cached_fragment(request, program, f"{page}#{htmx_part}", context)
        response = HttpResponse(html)
    else:
        html, hit = _cached_fragment(request, program, f"{page}#content", context)
        response = render(request, page, {"program": program, "content": mark_safe(html)})
    response[CACHE_HEADER] = "hit" if hit else "miss"
    return response


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

    return _page_with_fragment(request, program, "timeline/program_detail.html", context, htmx_part="timeline")


@xframe_options_exempt
@csp_override(EMBED_CSP)
def program_embed(request, slug: str):
    """The chart and its legend alone, for an <iframe> on another site (`?embed=1`)."""
    program = get_object_or_404(Program, slug=slug)

    def context() -> dict:
        timeline = build_timeline(program, request.GET, today=timezone.localdate(), user=request.user)
        return {**_chart_context(request, timeline), "embed": True}

    return _page_with_fragment(request, program, "timeline/program_embed.html", context)


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
    head, _key, tail = reverse("timeline:milestone", args=[program.slug, "milestone-key"]).rpartition("milestone-key")
    context = {
        "program": program,
        "page": page,
        "sources": [(source, claims[source.pk]) for source in page],
        "milestone_url": (head, tail),
        "editor": is_editor(request.user),
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
    predecessors, successors, waits = _dependencies(request, milestone, schedule, as_of=as_of, today=today)
    context = {
        "program": milestone.program,
        "milestone": milestone,
        "schedule": schedule,
        "claims": claims,
        "conflicted": conflicted,
        "contradicting": contradicting,
        "problems": [problem_text(p) for p in schedule.problems] + waits,
        "predecessors": predecessors,
        "successors": successors,
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


def _dependencies(request, milestone: Milestone, schedule, *, as_of, today) -> tuple[list, list, list[str]]:
    """The milestones it depends on and those that need it (as the visitor may see them), and the
    warnings where it was reported started before a predecessor was reported done."""
    visible = Milestone.objects.visible_to(request.user).select_related("program").order_by("position", "pk")
    predecessors = list(visible.filter(successors=milestone))
    successors = list(visible.filter(predecessors=milestone))
    waits = []
    for predecessor in predecessors:
        if as_of:
            known = predecessor.claims.visible_to(request.user).select_related("source")
            before = predecessor.derive(known, as_of=as_of, today=today)
        else:
            before = predecessor.derived
        problem = schedule_rules.dependency_problem(schedule, before)
        if problem:
            waits.append(
                _(
                    "It was reported started (%(start)s) before “%(predecessor)s”, which it waits for, "
                    "was reported done (%(end)s)."
                )
                % {
                    "start": schedule.actual_start.span.label(get_language() or "ko"),
                    "predecessor": predecessor.title,
                    "end": before.actual_end.span.label(get_language() or "ko"),
                }
            )
    return predecessors, successors, waits


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
