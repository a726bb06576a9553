import re

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .dates import DateSpan, DateSpanError, Precision
from .models import Claim, Milestone, Source, content_hash_for

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value) -> int | None:
    """A row id from a URL or a form, or None: ASCII digits only ('²'.isdigit() is true) and small enough for SQL."""
    text = str(value if value is not None else "").strip()
    return int(text) if _ID.fullmatch(text) else None


def _date_examples() -> str:
    return str(
        _(
            "e.g. 2023, 2023-06, 2023-06-15, 2023-H1 (first half), 2023-Q3, 2023년 상반기, 2022년 12월 3일; "
            "a range: 2021-08/2021-09"
        )
    )


date_examples = lazy(_date_examples, str)


def typed_form(span: DateSpan) -> str:
    """A span as an editor would type it: 2023-H1 and 2023-Q3 rather than EDTF's 2023-40 and 2023-35."""
    match span.precision:
        case Precision.HALF:
            return f"{span.lo.year}-H{1 if span.lo.month == 1 else 2}"
        case Precision.QUARTER:
            return f"{span.lo.year}-Q{(span.lo.month + 2) // 3}"
    return span.edtf


def shown_in_form(span: DateSpan) -> str:
    """What a date field shows: the Korean label in Korean when it reads back as the same span, else `typed_form`."""
    if (get_language() or "ko").startswith("ko"):
        try:
            if DateSpan.parse(span.label_ko) == span:
                return span.label_ko
        except DateSpanError:
            pass
    return typed_form(span)


class DateSpanField(forms.Field):
    """A date as an editor types it ("2023년 상반기", "2023-Q3", "2021-08/2021-09"), cleaned to a DateSpan."""

    widget = forms.TextInput(attrs={"size": 18, "maxlength": 60})
    max_length = 60

    def __init__(self, **kwargs):
        # Lazy: the field is built at import time, the help text is read in each request's language.
        kwargs.setdefault("help_text", date_examples())
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, DateSpan):
            return shown_in_form(value)
        if isinstance(value, str) and value.strip():
            # The initial value as stored (EDTF, "2023-40"): shown as an editor would type it.
            try:
                return shown_in_form(DateSpan.parse(value))
            except DateSpanError:
                return value
        return value

    def has_changed(self, initial, data) -> bool:
        # The initial value is text (EDTF) and the submitted one a DateSpan once read: compare spans.
        def span(value):
            if isinstance(value, DateSpan) or value is None:
                return value
            try:
                return self.to_python(value)
            except forms.ValidationError:
                return str(value)

        return span(initial) != span(data)

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > self.max_length:
            raise forms.ValidationError(
                _("A date is at most %(n)d characters.") % {"n": self.max_length}, code="max_length"
            )
        try:
            return DateSpan.parse(text)
        except DateSpanError as exc:
            raise forms.ValidationError(str(exc), code="invalid_date_span") from exc


class EditVersionForm(forms.ModelForm):
    """A model form that refuses to save over an edit made after it was opened (optimistic locking).

    The form carries the row's `edit_version` in a hidden field. On submit the row is
    read again with SELECT … FOR UPDATE (inside the admin's transaction, so it stays
    locked until the save commits); when its version moved on, the form gets an error
    that lists what changed meanwhile (now vs. when the form was opened, from the
    history) and who changed it, and nothing is written. The model's own save() checks
    the version again atomically (`timeline.models.EditVersioned`).

    A submission without the hidden field (a client that predates it) is checked against
    the row as this request read it.
    """

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is not None and not instance._state.adding:
            current = instance.edit_version
            if getattr(instance, "_history", None) is not None:
                # simple-history's revert page edits a past version: the form starts from the row as it is now.
                current = (
                    type(instance)._base_manager.filter(pk=instance.pk).values_list("edit_version", flat=True).first()
                )
                if current is not None:
                    instance.edit_version = current
            self.initial["edit_version"] = current
        self.shown_instance = self._as_shown() or instance

    @property
    def changed_data(self) -> list[str]:
        # The version is bookkeeping, not an edit: a form that differs only there is unchanged.
        return [name for name in super().changed_data if name != "edit_version"]

    def _as_shown(self):
        """The row as the submitted page showed it, when that is an older version than the one read now.

        Then `has_changed()` compares what the editor sent with what the page showed them,
        not with the row as someone else has since saved it: a row they did not touch is
        left alone (not saved, not refused); a row they did edit is refused as a conflict.
        """
        instance = self.instance
        if not self.is_bound or instance.pk is None or instance._state.adding:
            return None
        if getattr(instance, "_history", None) is not None:
            return None
        try:
            shown = int(self.data.get(self.add_prefix("edit_version"), ""))
        except (TypeError, ValueError):
            return None
        if shown == instance.edit_version:
            return None
        record = (
            type(instance)
            .history.filter(id=instance.pk, edit_version=shown)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if record is None:
            return None
        past = record.instance
        names = [f.name for f in type(instance)._meta.fields if f.name in self.fields and f.name != "edit_version"]
        self.initial.update(forms.models.model_to_dict(past, fields=names))
        return past

    def clean(self):
        cleaned = super().clean()
        self._check_edit_version(cleaned.get("edit_version"))
        if cleaned.get("edit_version") is None and not self.has_error("edit_version"):
            # The hidden field left empty: on an add page that means "new" (the model's default
            # version); elsewhere the version this request read, as checked above.
            cleaned["edit_version"] = self.instance.edit_version if self.instance.edit_version is not None else 0
        return cleaned

    def _check_edit_version(self, submitted: int | None) -> None:
        instance = self.instance
        if instance.pk is None or instance._state.adding:
            return
        if not self.has_changed() and getattr(instance, "_history", None) is None:
            return  # not saved (an unchanged inline row, a no-op save): nobody's edit is overwritten
        if submitted is None:
            if self.has_error("edit_version"):
                return
            submitted = instance.edit_version
        model = type(instance)
        current = model._base_manager.select_for_update().filter(pk=instance.pk).first()
        if current is None:
            return  # deleted meanwhile; the admin reports that on its own
        if current.edit_version == submitted:
            instance.edit_version = submitted
            return
        raise forms.ValidationError(conflict_messages(current, submitted), code="edit_conflict")


def _shown(obj, field) -> str:
    if field.is_relation:
        try:
            related = getattr(obj, field.name)
        except ObjectDoesNotExist:
            related = None
        if related is None:
            value = getattr(obj, field.attname)
            return "—" if value is None else f"#{value}"
        return str(related)
    value = getattr(obj, field.attname)
    if field.choices and value is not None:
        return str(dict(field.flatchoices).get(value, value))
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def conflict_messages(current, started_from_version: int) -> list[str]:
    """What someone else changed since `started_from_version`, and who: for the form's error."""
    model = type(current)
    label = model._meta.verbose_name
    records = model.history.filter(id=current.pk)
    base = records.filter(edit_version=started_from_version).order_by("-history_date", "-history_id").first()
    later = list(
        records.filter(edit_version__gt=started_from_version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    editors = []
    for record in later:
        who = record.history_user.get_username() if record.history_user else str(_("unknown"))
        when = date_format(timezone.localtime(record.history_date), "Y-m-d H:i")
        if (who, when) not in editors:
            editors.append((who, when))
    head = _(
        "This %(model)s was changed by someone else after you opened it (version %(yours)s, now %(now)s), "
        "so your changes were not saved and nothing was overwritten."
    ) % {"model": label, "yours": started_from_version, "now": current.edit_version}
    lines = [str(head)]
    if editors:
        lines.append(str(_("Changed by: %(who)s.")) % {"who": ", ".join(f"{who} ({when})" for who, when in editors)})
    tracked = [
        f for f in model.history.model.tracked_fields if f.name not in {"id", "edit_version"} and not f.primary_key
    ]
    if base is not None:
        changed = []
        for field in tracked:
            then = _shown(base, field)
            now = _shown(current, field)
            if then != now:
                changed.append(
                    str(_("%(field)s: now “%(now)s”, you started from “%(then)s”"))
                    % {"field": field.verbose_name, "now": now, "then": then}
                )
        if changed:
            lines.append(str(_("Changed meanwhile:")) + " " + "; ".join(changed) + ".")
    else:
        lines.append(
            str(_("The history does not hold the version you started from; compare with the page as it is now."))
        )
    lines.append(str(_("Reload the page to see the current version, then make your changes again.")))
    return lines


class ClaimForm(EditVersionForm):
    when = DateSpanField(label=_("date"))

    class Meta:
        model = Claim
        fields = [
            "milestone",
            "source",
            "field",
            "status",
            "when",
            "expression",
            "stated_on",
            "reviewed",
            "sentence",
            "note",
        ]
        widgets = {
            "sentence": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shown = self.shown_instance
        if shown.pk and shown.lo and shown.hi:
            self.initial["when"] = shown.span.edtf

    def clean(self):
        cleaned = super().clean()
        span = cleaned.get("when")
        if span is not None:
            self.instance.span = span
        return cleaned


def predecessor_problems(milestone: Milestone, program, predecessors) -> list[str]:
    """Why `predecessors` cannot be `milestone`'s: itself, another program's, or a cycle.

    A cycle: `milestone` is already, directly or through others, a predecessor of one of them.
    One query for the program's links.
    """
    problems = []
    program_id = getattr(program, "pk", program)
    for other in predecessors:
        if milestone.pk is not None and other.pk == milestone.pk:
            problems.append(_("A milestone cannot be its own predecessor."))
        elif program_id is not None and other.program_id != program_id:
            problems.append(
                _("“%(milestone)s” belongs to another program; a predecessor must be in the same program.")
                % {"milestone": other}
            )
    if problems or milestone.pk is None:
        return problems
    earlier: dict[int, set[int]] = {}
    links = Milestone.predecessors.through.objects.filter(from_milestone__program_id=program_id)
    for after, before in links.values_list("from_milestone_id", "to_milestone_id"):
        earlier.setdefault(after, set()).add(before)
    for other in predecessors:
        seen, frontier = set(), {other.pk}
        while frontier:
            if milestone.pk in frontier:
                problems.append(
                    _(
                        "“%(milestone)s” already waits, directly or through others, for this milestone: "
                        "that would be a cycle."
                    )
                    % {"milestone": other}
                )
                break
            seen |= frontier
            frontier = {b for a in frontier for b in earlier.get(a, ())} - seen
    return problems


class MilestoneForm(EditVersionForm):
    """A milestone's admin form: predecessors are offered from its own program, and checked (`predecessor_problems`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("predecessors")
        if field is not None and self.instance.program_id:
            field.queryset = (
                field.queryset.filter(program_id=self.instance.program_id)
                .exclude(pk=self.instance.pk)
                .order_by("position", "pk")
            )

    def clean(self):
        cleaned = super().clean()
        predecessors = cleaned.get("predecessors")
        if predecessors:
            for problem in predecessor_problems(self.instance, cleaned.get("program"), predecessors):
                self.add_error("predecessors", problem)


class SourceForm(EditVersionForm):
    """A new source whose text (or URL, or citation, when there is no text) is already stored is refused by name."""

    def clean(self):
        cleaned = super().clean()
        if isinstance(self.instance, Source) and self.instance.pk is None and not self.instance.content_hash:
            digest = content_hash_for(
                body=cleaned.get("body") or "", url=cleaned.get("url") or "", citation=cleaned.get("citation") or ""
            )
            existing = Source.objects.filter(content_hash=digest).first()
            if existing is not None:
                raise forms.ValidationError(
                    _("This article is already stored as the source “%(source)s”."),
                    code="duplicate_source",
                    params={"source": existing},
                )
        return cleaned
