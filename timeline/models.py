"""Programs, milestones, sources and the dated claims that tie them together.

A milestone never stores a date that an editor typed: its schedule is derived from
the claims about it (see `timeline.schedule`) and cached on the row by
`timeline.refresh.refresh_schedules()` whenever its claims change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import schedule as sched
from .dates import DateSpan, Precision, bounds_problem


class PrecisionChoices(models.TextChoices):
    DAY = Precision.DAY.value, _("day")
    MONTH = Precision.MONTH.value, _("month")
    QUARTER = Precision.QUARTER.value, _("quarter")
    HALF = Precision.HALF.value, _("half-year")
    YEAR = Precision.YEAR.value, _("year")
    RANGE = Precision.RANGE.value, _("range")


def _localized(ko: str, en: str) -> str:
    if en and (get_language() or "ko").startswith("en"):
        return en
    return ko or en


@dataclass(frozen=True)
class LocalText:
    """A text in the page's language when there is one, else in the other; `lang` says which."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def local_text(ko: str, en: str) -> LocalText:
    """The Korean or English version of a text for the current language, falling back to the other."""
    if (get_language() or "ko").startswith("en"):
        return LocalText(en, "en") if en else LocalText(ko, "ko")
    return LocalText(ko, "ko") if ko else LocalText(en, "en" if en else "ko")


# --- Edit versions (optimistic locking) -------------------------------------------


class EditConflict(Exception):
    """A save based on an `edit_version` that someone else's save has already replaced."""

    def __init__(self, instance: models.Model, expected: int):
        self.instance, self.expected = instance, expected
        super().__init__(
            gettext("%(model)s %(pk)s was changed by someone else after version %(version)s was read.")
            % {"model": instance._meta.verbose_name, "pk": instance.pk, "version": expected}
        )


def edit_version_field():
    return models.PositiveIntegerField(
        _("edit version"),
        default=0,
        help_text=_("Goes up by one with every saved edit; a form based on an older version is refused."),
    )


class EditVersioned:
    """Every save of an existing row checks and bumps its `edit_version` atomically.

    The row is claimed with ``UPDATE … SET edit_version = N + 1 WHERE pk = … AND
    edit_version = N`` (N: the version this instance holds, i.e. the one an editor's form
    started from), then written, both in one transaction. When the claim matches no row
    because another save got there first, nothing is written and `EditConflict` is raised.
    Admin forms check first and explain the conflict (`timeline.forms.EditVersionForm`);
    this is the last line. Derived writes (`refresh_schedules`, `touch_programs`) use
    ``QuerySet.update`` and leave the version alone; raw saves (loaddata) keep the stored one.
    """

    def save(self, *args, **kwargs):
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "edit_version"}
        expected = self.edit_version
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        rows = type(self)._base_manager.using(using)
        with transaction.atomic(using=using):
            claimed = rows.filter(pk=self.pk, edit_version=expected).update(edit_version=expected + 1)
            if not claimed and rows.filter(pk=self.pk).exists():
                raise EditConflict(self, expected)
            self.edit_version = expected + 1
            try:
                return super().save(*args, **kwargs)
            except BaseException:
                self.edit_version = expected
                raise


# --- Program ----------------------------------------------------------------------


class ProgramManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Program(EditVersioned, models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    agency_en = models.CharField(_("agency (English)"), max_length=200, blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    budget_ko = models.CharField(_("budget (Korean)"), max_length=200, blank=True)
    budget_en = models.CharField(_("budget (English)"), max_length=200, blank=True)
    editor_note = models.TextField(
        _("editor's note"), blank=True, help_text=_("Working notes for editors; never shown on public pages.")
    )
    # Changes whenever anything shown on the program's pages may have changed (see
    # `touch_programs`); the rendered timeline is cached under it.
    data_version = models.BigIntegerField(default=0, editable=False)
    edit_version = edit_version_field()

    objects = ProgramManager()
    # Who changed what and when; data_version is a cache token, not an edit.
    history = HistoricalRecords(excluded_fields=["data_version"])

    class Meta:
        ordering = ["slug"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("timeline:program", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def name(self) -> str:
        return _localized(self.name_ko, self.name_en)

    @property
    def summary(self) -> LocalText:
        return local_text(self.summary_ko, self.summary_en)

    @property
    def budget(self) -> LocalText:
        return local_text(self.budget_ko, self.budget_en)

    @property
    def agency_text(self) -> LocalText:
        return local_text(self.agency, self.agency_en)


def touch_programs(program_ids=None) -> None:
    """Mark programs' pages as changed: a fresh `data_version` (all programs when no ids are given).

    A clock reading rather than a counter: a form that saves a program with the version it
    read earlier can never bring back a value that a cached page was stored under.
    """
    programs = Program.objects.all()
    if program_ids is not None:
        programs = programs.filter(pk__in=list(program_ids))
    programs.update(data_version=time.time_ns())


def is_editor(user) -> bool:
    """Who sees the importer's drafts and unreviewed claims on the public pages (marked as such)."""
    return bool(user is not None and user.is_active and user.is_staff)


# --- Milestone --------------------------------------------------------------------


class MilestoneKind(models.TextChoices):
    PHASE = "phase", _("phase")
    SPAN = "span", _("span")
    EVENT = "event", _("event")


class MilestoneStatus(models.TextChoices):
    DONE = sched.DONE, _("done")
    IN_PROGRESS = sched.IN_PROGRESS, _("in progress")
    OVERDUE = sched.OVERDUE, _("overdue")
    PLANNED = sched.PLANNED, _("planned")
    CANCELLED = sched.CANCELLED, _("cancelled")


class MilestoneQuerySet(models.QuerySet):
    def for_timeline(self, program: Program):
        return self.filter(program=program).order_by("position", "pk")

    def public(self):
        """What anonymous visitors may see: no draft proposed by the importer."""
        return self.filter(draft=False)

    def visible_to(self, user):
        return self if is_editor(user) else self.public()

    def with_status(self, today: dt.date):
        """Annotate `status` as it stands on `today` (the rule of `schedule.status_on`, in SQL).

        Status ages (a plan whose end has passed is overdue), so it is computed where it is
        read, from the dates the schedule cache keeps in columns, never stored.
        """
        return self.annotate(
            status=Case(
                When(cancelled=True, then=Value(sched.CANCELLED)),
                When(actual_end_lo__isnull=False, then=Value(sched.DONE)),
                When(Q(actual_start_lo__isnull=False) & ~Q(kind=MilestoneKind.EVENT), then=Value(sched.IN_PROGRESS)),
                When(planned_end_hi__lt=today, then=Value(sched.OVERDUE)),
                default=Value(sched.PLANNED),
                output_field=models.CharField(max_length=12, choices=MilestoneStatus.choices),
            )
        )

    def get_by_natural_key(self, program_slug, key):
        return self.get(program__slug=program_slug, key=key)


# Written by refresh.refresh_schedules() with QuerySet.update(): no history row, no edit_version bump.
DERIVED_FIELDS = [
    "schedule",
    "delay_days",
    "sort_date",
    "planned_end_hi",
    "actual_start_lo",
    "actual_end_lo",
    "source_count",
    "conflict_count",
    "problem_count",
]


class Milestone(EditVersioned, models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("program"))
    key = models.SlugField(_("key"), max_length=100, help_text=_("Stable id within the program."))
    kind = models.CharField(_("kind"), max_length=10, choices=MilestoneKind, default=MilestoneKind.SPAN)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": MilestoneKind.PHASE},
        verbose_name=_("phase"),
    )
    title_ko = models.CharField(_("title (Korean)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ko = models.TextField(_("summary (Korean)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    editor_note = models.TextField(
        _("editor's note"), blank=True, help_text=_("Working notes for editors; never shown on public pages.")
    )
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="successors", verbose_name=_("predecessors")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    draft = models.BooleanField(
        _("draft"),
        default=False,
        help_text=_("Proposed by the article importer and not yet accepted: only editors see it."),
    )
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "Other names articles use for this milestone, one per line or separated by commas "
            "(e.g. 국가AI데이터센터, 데이터센터동). The article importer matches them."
        ),
    )
    cues = models.TextField(
        _("cue words"),
        blank=True,
        help_text=_(
            "Words that tell this milestone apart from similar ones, one per line or separated by commas "
            "(e.g. 착공, 2단계, 해남). The article importer matches them."
        ),
    )

    # Derived from the claims by refresh.refresh_schedules(); never edited by hand. The status is
    # not stored (it ages with the day): `with_status(today)` computes it from these dates.
    schedule = models.JSONField(_("derived schedule"), default=dict, blank=True, editable=False)
    delay_days = models.IntegerField(_("delay (days)"), null=True, blank=True, editable=False)
    sort_date = models.DateField(null=True, blank=True, editable=False)
    planned_end_hi = models.DateField(null=True, blank=True, editable=False)
    actual_start_lo = models.DateField(null=True, blank=True, editable=False)
    actual_end_lo = models.DateField(null=True, blank=True, editable=False)
    source_count = models.PositiveIntegerField(_("sources"), default=0, editable=False)
    conflict_count = models.PositiveIntegerField(_("conflicts"), default=0, editable=False)
    problem_count = models.PositiveIntegerField(_("contradictions"), default=0, editable=False)
    edit_version = edit_version_field()

    objects = MilestoneQuerySet.as_manager()
    # The derived fields are left out: they follow from the claims, whose history is kept.
    history = HistoricalRecords(excluded_fields=DERIVED_FIELDS)

    class Meta:
        ordering = ["program", "position", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="milestone_key_unique_per_program"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="milestone_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("timeline:milestone", args=[self.program.slug, self.key])

    def natural_key(self):
        return (*self.program.natural_key(), self.key)

    natural_key.dependencies = ["timeline.program"]

    @property
    def title(self) -> str:
        return _localized(self.title_ko, self.title_en)

    @property
    def summary(self) -> LocalText:
        return local_text(self.summary_ko, self.summary_en)

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A milestone cannot be its own phase.")})
        if self.parent_id and self.parent.program_id != self.program_id:
            raise ValidationError({"parent": _("The phase must belong to the same program.")})

    def derive(self, claims=None, *, as_of: dt.date | None = None, today: dt.date | None = None):
        claims = self.claims.select_related("source") if claims is None else claims
        return sched.derive(
            [c.as_fact() for c in claims],
            kind=self.kind,
            cancelled=self.cancelled,
            today=today or timezone.localdate(),
            as_of=as_of,
        )

    def current_status(self, today: dt.date | None = None) -> str:
        """The status on `today` (default: today), from the cached schedule."""
        return sched.status_on(self.derived, today or timezone.localdate())

    @property
    def derived(self) -> sched.Schedule:
        """The cached schedule as an object (no query)."""
        return sched.Schedule.from_dict(self.schedule) if self.schedule else sched.Schedule.empty(self.kind)


# --- Source -----------------------------------------------------------------------


class SourceKind(models.TextChoices):
    NEWS = "news", _("news article")
    PRESS_RELEASE = "press", _("press release")
    GOVERNMENT = "government", _("government document")
    OTHER = "other", _("other")


class SourceQuerySet(models.QuerySet):
    def get_by_natural_key(self, content_hash):
        return self.get(content_hash=content_hash)


def content_hash_for(*, body: str = "", url: str = "", citation: str = "") -> str:
    """The same article is never stored twice: hash its text, or what identifies it when there is no text."""
    basis = body.strip() or url.strip() or citation.strip()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


class Source(EditVersioned, models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=SourceKind, default=SourceKind.NEWS)
    citation = models.CharField(_("citation"), max_length=200, help_text=_("Short form, e.g. 'etnews 20180628000148'."))
    url = models.URLField(_("URL"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_approx = models.BooleanField(
        _("publication date approximate"),
        default=False,
        help_text=_("The publication date is inferred or known only roughly."),
    )
    date_note = models.CharField(_("date note"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ko")
    body = models.TextField(_("body text"), blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True, editable=False)
    retrieved_at = models.DateTimeField(_("retrieved at"), null=True, blank=True)
    edit_version = edit_version_field()

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "citation"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique_when_known"),
        ]

    def __str__(self) -> str:
        when = self.published_on.isoformat() if self.published_on else "?"
        return f"{self.publisher or self.citation} ({'~' if self.published_approx else ''}{when})"

    def natural_key(self):
        return (self.content_hash,)

    def save(self, *args, **kwargs):
        if not self.content_hash:
            self.content_hash = content_hash_for(body=self.body, url=self.url, citation=self.citation)
        super().save(*args, **kwargs)

    @property
    def display_date(self) -> str:
        if not self.published_on:
            return "?"
        return f"~{self.published_on.isoformat()}" if self.published_approx else self.published_on.isoformat()


# --- Claim ------------------------------------------------------------------------


class ClaimField(models.TextChoices):
    START = sched.START, _("start")
    END = sched.END, _("end")
    BOTH = sched.BOTH, _("start and end")
    EVENT = sched.EVENT, _("event date")


class ClaimStatus(models.TextChoices):
    PLANNED = sched.PLANNED_CLAIM, _("planned")
    ACTUAL = sched.ACTUAL_CLAIM, _("actual")


class ClaimQuerySet(models.QuerySet):
    def reviewed(self):
        return self.filter(reviewed=True)

    def public(self):
        """What anonymous visitors may see: reviewed claims about milestones that are not drafts."""
        return self.filter(reviewed=True, milestone__draft=False)

    def visible_to(self, user):
        """Editors (staff) see drafts and unreviewed claims too; everyone else `public()`."""
        return self if is_editor(user) else self.public()

    def unreviewed(self):
        return self.filter(reviewed=False)

    def get_by_natural_key(self, uid):
        return self.get(uid=uid)


def _precision_matches_bounds() -> Q:
    """The database's own check that lo/hi are a whole day, month, quarter, half or year."""
    same_year = Q(hi__year=F("lo__year"))
    return (
        Q(precision=Precision.RANGE)
        | Q(precision=Precision.DAY, hi=F("lo"))
        | (Q(precision=Precision.MONTH, lo__day=1, hi__month=F("lo__month"), hi__day__gte=28) & same_year)
        | (
            Q(precision=Precision.QUARTER, lo__day=1, lo__month__in=[1, 4, 7, 10], hi__day__gte=30)
            & Q(hi__month=F("lo__month") + 2)
            & same_year
        )
        | (
            Q(precision=Precision.HALF, lo__day=1, lo__month__in=[1, 7], hi__day__gte=30)
            & Q(hi__month=F("lo__month") + 5)
            & same_year
        )
        | (Q(precision=Precision.YEAR, lo__month=1, lo__day=1, hi__month=12, hi__day=31) & same_year)
    )


class Claim(EditVersioned, models.Model):
    uid = models.CharField(_("id"), max_length=64, unique=True, editable=False)
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="claims", verbose_name=_("milestone")
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims", verbose_name=_("source"))
    field = models.CharField(_("which date"), max_length=8, choices=ClaimField)
    status = models.CharField(_("planned or actual"), max_length=8, choices=ClaimStatus)
    lo = models.DateField(_("from"))
    hi = models.DateField(_("to"))
    precision = models.CharField(_("precision"), max_length=8, choices=PrecisionChoices)
    expression = models.CharField(_("expression as written"), max_length=300, blank=True)
    sentence = models.TextField(_("sentence"), blank=True)
    note = models.TextField(_("note"), blank=True)
    stated_on = models.DateField(
        _("stated on"), null=True, blank=True, help_text=_("Defaults to the source's publication date.")
    )
    reviewed = models.BooleanField(_("reviewed"), default=False)
    confidence = models.FloatField(
        _("confidence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("How sure the article importer was of this claim (0 to 1); empty for claims typed by hand."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    edit_version = edit_version_field()

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["stated_on", "pk"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(condition=Q(lo__lte=F("hi")), name="claim_lo_not_after_hi"),
            models.CheckConstraint(condition=_precision_matches_bounds(), name="claim_precision_matches_bounds"),
        ]
        indexes = [models.Index(fields=["milestone", "stated_on"], name="claim_milestone_stated")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.get_field_display()}: {self.span.label_ko}"

    def natural_key(self):
        return (self.uid,)

    @property
    def span(self) -> DateSpan:
        return DateSpan(self.lo, self.hi, self.precision)

    @span.setter
    def span(self, value: DateSpan) -> None:
        self.lo, self.hi, self.precision = value.lo, value.hi, str(value.precision)

    def clean(self) -> None:
        if self.lo and self.hi and self.precision:
            problem = bounds_problem(self.lo, self.hi, self.precision)
            if problem:
                raise ValidationError(problem)

    def save(self, *args, **kwargs):
        if self.stated_on is None and self.source_id:
            self.stated_on = self.source.published_on
        if not self.uid:
            self.uid = self.make_uid()
        super().save(*args, **kwargs)

    def make_uid(self) -> str:
        basis = "|".join(
            str(x)
            for x in (
                self.source.content_hash if self.source_id else "",
                self.milestone.natural_key() if self.milestone_id else "",
                self.field,
                self.status,
                self.expression,
                self.lo,
                self.hi,
                timezone.now().isoformat(),
            )
        )
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]

    def as_fact(self) -> sched.ClaimFact:
        return sched.ClaimFact(
            id=self.pk,
            field=self.field,
            status=self.status,
            span=self.span,
            stated_on=self.stated_on,
            source_id=self.source_id,
            reviewed=self.reviewed,
            expression=self.expression,
            source_label=str(self.source) if self.source_id else "",
            stated_approx=bool(
                self.source_id and self.source.published_approx and self.stated_on == self.source.published_on
            ),
        )
