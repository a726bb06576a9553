import datetime as dt

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import charts
from .models import Milestone, Program
from .rows import build_timeline


@require_GET
def program_list(request):
    programs = Program.objects.annotate(milestone_count=Count("milestones"))
    return render(request, "timeline/program_list.html", {"programs": programs})


@require_GET
def program_detail(request, slug: str):
    program = get_object_or_404(Program, slug=slug)
    today = timezone.localdate()
    timeline = build_timeline(program, request.GET, today=today)
    figure = charts.gantt(
        timeline.rows,
        today=today,
        language=get_language() or "ko",
        show=timeline.filters.show,
        as_of=timeline.filters.as_of,
    )
    context = {
        "program": program,
        "timeline": timeline,
        "filters": timeline.filters,
        "figure": figure,
        "status_choices": Milestone._meta.get_field("status").choices,
        "kind_choices": Milestone._meta.get_field("kind").choices,
        "show_choices": [("both", _("planned and actual")), ("planned", _("planned")), ("actual", _("actual"))],
    }
    template = "timeline/program_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#timeline"
    return render(request, template, context)


@require_GET
def milestone_detail(request, slug: str, key: str):
    milestone = get_object_or_404(Milestone.objects.select_related("program", "parent"), program__slug=slug, key=key)
    claims = list(milestone.claims.select_related("source").order_by("stated_on", "pk"))
    today = timezone.localdate()
    as_of = _date_or_none(request.GET.get("as_of"))
    schedule = milestone.derive(claims, as_of=as_of, today=today)
    conflicted = {cid for c in schedule.conflicts for cid in c.claim_ids}
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
        "winners": winners,
        "as_of": as_of,
        "trend_id": f"trend-data-{milestone.key}",
        "trend": charts.trend(schedule, language=get_language() or "ko", today=today, sources=sources),
    }
    template = "timeline/milestone_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#panel"
    return render(request, template, context)


def _date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None
