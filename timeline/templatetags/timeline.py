from django import template
from django.utils.translation import get_language, gettext

from timeline.dates import DateSpan

register = template.Library()


@register.simple_tag
def span_label(span: DateSpan | None) -> str:
    if span is None:
        return "—"
    return span.label(get_language() or "ko")


@register.simple_tag
def span_range(start, end, kind: str = "span") -> str:
    """A schedule's start and end picks as one label: "2020년 ~ 2024년", or one date for an event."""
    if start is None and end is None:
        return "—"
    if kind == "event" or start is None or end is None or start.span == end.span:
        return span_label((end or start).span)
    return f"{span_label(start.span)} → {span_label(end.span)}"


@register.filter
def signed_days(days: int | None) -> str:
    if days is None:
        return ""
    return gettext("%(sign)s%(days)s days") % {"sign": "+" if days > 0 else "", "days": days}


@register.filter
def status_label(status: str) -> str:
    from timeline.models import MilestoneStatus

    try:
        return MilestoneStatus(status).label
    except ValueError:
        return status
