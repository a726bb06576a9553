from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Milestone, Program, Source


@require_GET
def program_list(request):
    programs = Program.objects.annotate(milestone_count=Count("milestones"))
    return render(request, "timeline/program_list.html", {"programs": programs})


@require_GET
def program_detail(request, slug: str):
    program = get_object_or_404(Program, slug=slug)
    milestones = list(Milestone.objects.for_timeline(program))
    latest_ids = {m.derived.latest_source_id for m in milestones} - {None}
    sources = Source.objects.in_bulk(latest_ids)
    rows = [
        {"milestone": m, "schedule": m.derived, "latest_source": sources.get(m.derived.latest_source_id)}
        for m in milestones
    ]
    return render(request, "timeline/program_detail.html", {"program": program, "rows": rows})


@require_GET
def milestone_detail(request, slug: str, key: str):
    milestone = get_object_or_404(Milestone.objects.select_related("program", "parent"), program__slug=slug, key=key)
    claims = milestone.claims.select_related("source").order_by("stated_on", "pk")
    return render(
        request,
        "timeline/milestone_detail.html",
        {"program": milestone.program, "milestone": milestone, "schedule": milestone.derived, "claims": claims},
    )
