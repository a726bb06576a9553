"""Dates as a reader sees them, in the active language ("2023년 상반기", "H1 2023").

Plain functions with no model or template imports: the admin, the feeds and the template
tags (`{% span_label %}`, `{% span_range %}` in timeline/templatetags/timeline.py) share them.
"""

from __future__ import annotations

from django.utils.translation import get_language

from .dates import DateSpan


def span_label(span: DateSpan | None) -> str:
    if span is None:
        return "—"
    return span.label(get_language() or "ko")


def span_range(start, end, kind: str = "span") -> str:
    """A schedule's start and end picks as one label: "2020년 ~ 2024년", or one date for an event."""
    if start is None and end is None:
        return "—"
    if kind == "event" or start is None or end is None or start.span == end.span:
        return span_label((end or start).span)
    return f"{span_label(start.span)} → {span_label(end.span)}"
