from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Count, Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import bulk_update_with_history

from .admin_history import milestone_timeline
from .admin_import import ImportPagesMixin
from .charts import delay_text
from .forms import ClaimForm, EditVersionForm, MilestoneForm, SourceForm, parse_id, typed_form
from .labels import span_label, span_range
from .models import Claim, Milestone, MilestoneKind, MilestoneStatus, Program, Source
from .refresh import refresh_schedules
from .schedule import delay_in_unit


class EditVersionFieldsetsMixin:
    """Puts the hidden `edit_version` field of `EditVersionForm` into explicit fieldsets, so it is rendered."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any("edit_version" in options.get("fields", ()) for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options.get("fields", ()), "edit_version"]}), *rest]


class HistoryAdmin(EditVersionFieldsetsMixin, SimpleHistoryAdmin):
    """Change history with revert (django-simple-history) and refused lost updates (edit_version)."""

    form = EditVersionForm

    class Media:
        css = {"all": ["timeline/admin.css"]}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history lets anyone who may *view* open this page and POST it, which reverts
        # the row: a revert is an edit and needs the change permission (and add, to bring back
        # a deleted row). Its ids come from the URL: anything but a whole number is a 404.
        if parse_id(object_id) is None or parse_id(version_id) is None:
            raise Http404(_("No such version."))
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.has_change_permission(request):
            raise PermissionDenied
        if not self.model._base_manager.filter(pk=object_id).exists() and not self.has_add_permission(request):
            raise PermissionDenied
        # simple-history's revert page saves outside the admin's usual transaction; the
        # edit_version check (SELECT … FOR UPDATE, then save) must run inside one.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if parse_id(object_id) is None:
            raise Http404(_("No such object."))
        return super().history_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        # A change page saved without touching this object (only an inline changed, or
        # nothing) leaves it alone: no history row, no new edit_version. A revert (the form
        # started from a past version, `_history`) is always saved.
        if change and not form.has_changed() and getattr(obj, "_history", None) is None:
            return
        super().save_model(request, obj, form, change)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple-history's, less the version counter, which moves with every change.
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=["edit_version"], foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class MilestoneInline(EditVersionFieldsetsMixin, admin.TabularInline):
    model = Milestone
    form = EditVersionForm
    fk_name = "program"
    fields = ["position", "key", "kind", "parent", "title_ko", "title_en", "cancelled"]
    extra = 0
    show_change_link = True
    ordering = ["position", "pk"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Milestone.objects.filter(kind=MilestoneKind.PHASE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Program)
class ProgramAdmin(HistoryAdmin):
    list_display = ["name_ko", "name_en", "slug", "agency"]
    search_fields = ["name_ko", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [MilestoneInline]


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's column header is no <label>: each row's inputs carry it as their accessible name."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if field.label and not field.widget.is_hidden:
                # The admin's related-object wrapper renders the widget it wraps, with that widget's attrs.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs.setdefault("aria-label", capfirst(field.label))


class ClaimInline(EditVersionFieldsetsMixin, admin.TabularInline):
    model = Claim
    form = ClaimForm
    formset = LabelledInlineFormSet
    extra = 1
    show_change_link = True
    ordering = ["stated_on", "pk"]


class ClaimOnMilestoneInline(ClaimInline):
    fields = ["source", "field", "status", "when", "expression", "stated_on", "reviewed"]
    autocomplete_fields = ["source"]

    class Media:
        js = ["timeline/admin_a11y.js"]


class ClaimOnSourceInline(ClaimInline):
    fields = ["milestone", "field", "status", "when", "expression", "stated_on", "reviewed"]
    autocomplete_fields = ["milestone"]
    extra = 0

    class Media:
        js = ["timeline/admin_a11y.js"]


class UnreviewedClaimsFilter(admin.SimpleListFilter):
    title = _("unreviewed claims")
    parameter_name = "unreviewed"

    def lookups(self, request, model_admin):
        return [("yes", _("has unreviewed claims")), ("no", _("all claims reviewed"))]

    def queryset(self, request, queryset):
        pending = Exists(Claim.objects.filter(milestone=OuterRef("pk"), reviewed=False))
        if self.value() == "yes":
            return queryset.filter(pending)
        if self.value() == "no":
            return queryset.exclude(pending)
        return queryset


class PhaseFilter(admin.SimpleListFilter):
    title = _("phase")
    parameter_name = "phase"

    def lookups(self, request, model_admin):
        return [(m.pk, str(m)) for m in Milestone.objects.filter(kind=MilestoneKind.PHASE)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        phase = parse_id(self.value())
        if phase is None:
            raise IncorrectLookupParameters(_("The phase in the address is not a number."))
        return queryset.filter(parent_id=phase)


class StatusFilter(admin.SimpleListFilter):
    """Status as it stands today (it ages: computed in SQL from the cached dates, not stored)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return MilestoneStatus.choices

    def queryset(self, request, queryset):
        if self.value() in MilestoneStatus.values:
            return queryset.filter(status=self.value())
        return queryset


class ContradictionFilter(admin.SimpleListFilter):
    title = _("contradictions")
    parameter_name = "contradicts"

    def lookups(self, request, model_admin):
        return [("yes", _("data contradicts itself"))]

    def queryset(self, request, queryset):
        return queryset.filter(problem_count__gt=0) if self.value() == "yes" else queryset


UNIT_SHORT = {
    "day": pgettext_lazy("delay unit", "d"),
    "month": pgettext_lazy("delay unit", "mo"),
    "year": pgettext_lazy("delay unit", "y"),
}


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _dates_cell(start, end, kind):
    """A schedule's dates as typed (2023-H1 → 2024-12), the Korean or English labels in the tooltip."""
    if start is None and end is None:
        return "—"
    if kind == "event" or start is None or end is None or start.span == end.span:
        text = typed_form((end or start).span)
    else:
        text = f"{typed_form(start.span)} → {typed_form(end.span)}"
    return format_html('<span class="dates" title="{}">{}</span>', span_range(start, end, kind), text)


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = [
        "title_ko",
        "kind",
        "phase",
        "planned_short",
        "actual_short",
        "status_today",
        "delay_short",
        "source_count",
        "warnings",
    ]
    list_filter = [
        "program",
        PhaseFilter,
        "kind",
        StatusFilter,
        UnreviewedClaimsFilter,
        ContradictionFilter,
        "draft",
        "cancelled",
    ]
    search_fields = ["title_ko", "title_en", "key", "summary_ko", "summary_en"]
    ordering = ["program", "position", "pk"]
    list_select_related = ["parent", "program"]
    form = MilestoneForm
    # Offered from the milestone's own program (MilestoneForm), so a list to pick from, not a search box.
    filter_horizontal = ["predecessors"]
    readonly_fields = ["derived_summary"]
    fieldsets = [
        (None, {"fields": ["program", "key", "kind", "parent", "position", "cancelled", "draft"]}),
        (_("Titles"), {"fields": ["title_ko", "title_en", "summary_ko", "summary_en", "editor_note"]}),
        (_("Names the article importer matches"), {"fields": ["aliases", "cues"], "classes": ["collapse"]}),
        (_("Dependencies"), {"fields": ["predecessors"], "classes": ["collapse"]}),
        (_("Derived from the claims"), {"fields": ["derived_summary"]}),
    ]
    inlines = [ClaimOnMilestoneInline]
    actions = ["refresh_selected"]
    object_history_template = "admin/timeline/milestone/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        # One timeline: the milestone's own changes and its claims' (timeline/admin_history.py).
        pk = parse_id(object_id)
        if pk is None:
            raise Http404(_("No such object."))
        context = {**(extra_context or {}), "timeline": milestone_timeline(pk)}
        return super().history_view(request, object_id, context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Milestone.objects.filter(kind=MilestoneKind.PHASE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).with_status(timezone.localdate())

    @admin.display(description=_("status"), ordering="status")
    def status_today(self, obj: Milestone) -> str:
        status = getattr(obj, "status", None) or obj.current_status()
        return MilestoneStatus(status).label

    @admin.display(description=_("against the first plan"), ordering="delay_days")
    def delay(self, obj: Milestone) -> str:
        schedule = obj.derived.with_status_on(timezone.localdate())
        return delay_text(schedule, translation.get_language() or "ko") or "—"

    # The list's columns are short so that all of them fit a laptop (1280 px); the full
    # wording is in each cell's tooltip and on the milestone's page.
    @admin.display(description=_("phase"), ordering="parent__position")
    def phase(self, obj: Milestone):
        if obj.parent is None:
            return "—"
        return format_html('<span title="{}">{}</span>', obj.parent.title_ko, _short(obj.parent.title_ko, 9))

    @admin.display(description=_("planned"))
    def planned_short(self, obj: Milestone):
        s = obj.derived
        return _dates_cell(s.planned_start, s.planned_end, obj.kind)

    @admin.display(description=_("actual"))
    def actual_short(self, obj: Milestone):
        s = obj.derived
        return _dates_cell(s.actual_start, s.actual_end, obj.kind)

    @admin.display(description=_("delay"), ordering="delay_days")
    def delay_short(self, obj: Milestone):
        schedule = obj.derived.with_status_on(timezone.localdate())
        in_unit = delay_in_unit(schedule)
        if in_unit is None:
            return "—"
        value, unit = in_unit
        text = "0" if value == 0 else f"{value:+d}{UNIT_SHORT[unit]}"
        if schedule.delay_basis == "forecast":
            text = _("past due") if schedule.status == "overdue" else _("%(delay)s (expected)") % {"delay": text}
        return format_html('<span title="{}">{}</span>', delay_text(schedule, translation.get_language() or "ko"), text)

    @admin.display(description=_("warnings"))
    def warnings(self, obj: Milestone):
        parts = []
        if obj.conflict_count:
            n = obj.conflict_count
            parts.append(ngettext("%(n)d conflict", "%(n)d conflicts", n) % {"n": n})
        if obj.problem_count:
            n = obj.problem_count
            parts.append(ngettext("%(n)d contradiction", "%(n)d contradictions", n) % {"n": n})
        return " · ".join(parts) or "—"

    @admin.display(description=_("planned"))
    def planned(self, obj: Milestone) -> str:
        s = obj.derived
        return span_range(s.planned_start, s.planned_end, obj.kind)

    @admin.display(description=_("actual"))
    def actual(self, obj: Milestone) -> str:
        s = obj.derived
        return span_range(s.actual_start, s.actual_end, obj.kind)

    @admin.display(description=_("schedule"))
    def derived_summary(self, obj: Milestone) -> str:
        if not obj.pk:
            return "—"
        s = obj.derived
        forecasts = ", ".join(f"{f.stated_on or '?'}: {span_label(f.span)}" for f in s.forecasts) or "—"
        return _(
            "planned %(planned)s · actual %(actual)s · status %(status)s · against the first plan: %(delay)s · "
            "%(conflicts)s conflicts · %(problems)s contradictions · forecasts of the end: %(forecasts)s"
        ) % {
            "planned": self.planned(obj),
            "actual": self.actual(obj),
            "status": self.status_today(obj),
            "delay": self.delay(obj),
            "conflicts": len(s.conflicts),
            "problems": len(s.problems),
            "forecasts": forecasts,
        }

    @admin.action(description=_("Recompute the schedule of the selected milestones"), permissions=["change"])
    def refresh_selected(self, request, queryset):
        count = refresh_schedules(queryset)
        self.message_user(request, ngettext("%d schedule refreshed.", "%d schedules refreshed.", count) % count)


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    form = SourceForm
    list_display = ["citation", "publisher", "display_date", "language", "kind", "claim_count"]
    list_filter = ["kind", "language", "publisher", "published_approx"]
    search_fields = ["citation", "title", "publisher", "url", "author"]
    ordering = ["-published_on", "citation"]
    date_hierarchy = "published_on"
    readonly_fields = ["content_hash", "retrieved_at"]
    inlines = [ClaimOnSourceInline]

    def get_queryset(self, request):
        # One COUNT per list page in SQL, not one query per row.
        return super().get_queryset(request).annotate(claim_total=Count("claims"))

    @admin.display(description=_("claims"), ordering="claim_total")
    def claim_count(self, obj: Source) -> int:
        return obj.claim_total

    @admin.display(description=_("published"), ordering="published_on")
    def display_date(self, obj: Source) -> str:
        return obj.display_date


@admin.register(Claim)
class ClaimAdmin(ImportPagesMixin, HistoryAdmin):
    """Claims, with the article import and claim review pages (timeline/admin_import.py) among its URLs."""

    form = ClaimForm
    list_display = ["milestone", "status", "field", "interval", "expression", "stated_on", "source", "reviewed"]
    list_filter = ["reviewed", "status", "field", "precision", "milestone__program"]
    search_fields = ["expression", "sentence", "note", "milestone__title_ko", "milestone__title_en", "source__citation"]
    autocomplete_fields = ["milestone", "source"]
    list_select_related = ["milestone", "source"]
    ordering = ["-stated_on", "pk"]
    actions = ["mark_reviewed"]

    @admin.display(description=_("interval"), ordering="lo")
    def interval(self, obj: Claim) -> str:
        return span_label(obj.span)

    @admin.action(description=_("Mark the selected claims reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        milestone_ids = set(queryset.values_list("milestone_id", flat=True))
        with transaction.atomic():
            # An edit like any other: a history row with the user, and a new edit_version.
            pending = Claim.objects.filter(pk__in=queryset.values("pk"), reviewed=False)
            claims = list(pending.select_for_update().order_by("pk"))
            for claim in claims:
                claim.reviewed = True
                claim.edit_version += 1
            bulk_update_with_history(claims, Claim, ["reviewed", "edit_version"], default_user=request.user)
            count = len(claims)
        refresh_schedules(Milestone.objects.filter(pk__in=milestone_ids))
        self.message_user(
            request,
            ngettext("%d claim marked reviewed.", "%d claims marked reviewed.", count) % count,
            messages.SUCCESS,
        )


# The app list stays on the admin's home page; at laptop width the lists need the room the
# navigation sidebar would take on every page.
admin.site.enable_nav_sidebar = False

# django-axes (login lockout) names its admin section after its app label, in English only.
if apps.is_installed("axes"):
    apps.get_app_config("axes").verbose_name = _("Login lockout")
