"""Dates as a reader sees them, in the active language ("2023년 상반기", "H1 2023").

Plain functions with no model or template imports: the admin, the feeds and the template
tags (`{% span_label %}`, `{% span_range %}` in timeline/templatetags/timeline.py) share them.
"""

from __future__ import annotations

from django.utils.translation import get_language

from .dates import DateSpan


def span_label(span: DateSpan | None, language: str = "") -> str:
    """A span in `language` (default: the active one)."""
    if span is None:
        return "—"
    return span.label(language or get_language() or "ko")


def span_range(start, end, kind: str = "span", language: str = "") -> str:
    """A schedule's start and end picks as one label: "2020년 ~ 2024년", or one date for an event.

    A caller that writes many (a table of 1,000 rows) passes the `language` it looked up once.
    """
    if start is None and end is None:
        return "—"
    language = language or get_language() or "ko"
    if kind == "event" or start is None or end is None or start.span == end.span:
        return (end or start).span.label(language)
    return f"{start.span.label(language)} → {end.span.label(language)}"
