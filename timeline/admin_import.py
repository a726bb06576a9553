"""Admin pages for bringing articles in: import (with an htmx preview) and the review of draft claims.

Hooked into the Claim admin (`timeline/admin.py`, `ClaimAdmin`) by `ImportPagesMixin`:

- ``claim/import/``: upload a file, paste text or give a URL, pick the program; the
  preview lists the candidate claims and writes nothing. The preview carries the
  article it read, signed, so "Save" stores exactly what was previewed.
- ``claim/review/``: the unreviewed claims, with the date (typed as a DateSpan), the
  milestone, which date and planned/actual editable per row; accept, save or reject
  the ticked rows at once. The screen is a formset (`ReviewFormSet`, one `ReviewRowForm`
  per claim). Milestone schedules are refreshed in one pass afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.utils import flatatt
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from .articles.claims import Candidate
from .articles.read import MAX_BYTES, Article, ArticleError, read_bytes, read_text, read_url
from .dates import DateSpan, DateSpanError
from .forms import parse_id, typed_form
from .importing import DRAFT_PREFIX, candidates_for, existing_source, import_article, with_publication_date
from .models import Claim, ClaimField, ClaimStatus, Milestone, Program
from .refresh import refresh_schedules

IMPORT_TEMPLATE = "admin/timeline/import_article.html"
REVIEW_TEMPLATE = "admin/timeline/review_claims.html"
REJECT_TEMPLATE = "admin/timeline/reject_claims.html"
SIGNING_SALT = "timeline.admin_import.article"
PREVIEW_MAX_AGE = 6 * 3600
REVIEW_LIMIT = 200


class ImportArticleForm(forms.Form):
    # Django's blank-choice label, named here so that it is in our catalog: Django's own Korean
    # catalog lacks it, and ours then serves every select of the admin with it too.
    program = forms.ModelChoiceField(Program.objects.all(), label=_("program"), empty_label=_("- Select an option -"))
    file = forms.FileField(
        label=_("file"),
        required=False,
        allow_empty_file=True,  # the reader explains what is wrong with an empty file
        help_text=_("A .txt, .html or .htm file of at most 5 MB."),
    )
    text = forms.CharField(
        label=_("or paste the text"), required=False, widget=forms.Textarea(attrs={"rows": 8, "cols": 80})
    )
    url = forms.URLField(label=_("or its URL"), required=False, assume_scheme="https", max_length=500)
    published = forms.DateField(
        label=_("published on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Needed when the article has no date line; otherwise it overrides it."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.has_error("file") or self.has_error("url"):
            return cleaned
        given = [name for name in ("file", "text", "url") if cleaned.get(name) not in (None, "")]
        if len(given) != 1:
            raise ValidationError(_("Give the article one way: upload a file, paste its text, or give its URL."))
        try:
            article = self._read(given[0], cleaned[given[0]])
            self.article = with_publication_date(article, cleaned.get("published"))
        except ArticleError as exc:
            raise ValidationError(str(exc)) from exc
        return cleaned

    def _read(self, how: str, value) -> Article:
        if how == "file":
            if value.size > MAX_BYTES:
                raise ArticleError(
                    _(
                        "%(name)s is %(size)s MB; articles are read up to %(limit)d MB. "
                        "Upload just the article's text or page."
                    )
                    % {"name": value.name, "size": f"{value.size / 1_048_576:.1f}", "limit": MAX_BYTES // 1_048_576}
                )
            return read_bytes(value.read(), name=value.name, content_type="")
        if how == "text":
            return read_text(value, label="the pasted text")
        return read_url(value)


def editable(span: DateSpan) -> str:
    """A span as an editor would type it: 2023-H1 and 2023-Q3 rather than EDTF's 2023-40 and 2023-35."""
    return typed_form(span)


def candidate_rows(candidates: list[Candidate]) -> list[dict]:
    """The preview's rows: each candidate with its "which date" and "planned or actual" as labels."""
    fields, statuses = dict(ClaimField.choices), dict(ClaimStatus.choices)
    return [
        {"candidate": c, "field": fields.get(c.field, c.field), "status": statuses.get(c.status, c.status)}
        for c in candidates
    ]


def sign_article(article: Article, *, date_given: bool) -> str:
    payload = {
        "title": article.title,
        "publisher": article.publisher,
        "author": article.author,
        "published_on": article.published_on.isoformat() if article.published_on else None,
        "text": article.text,
        "url": article.url,
        "language": article.language,
        "raw_hash": article.raw_hash,
        "date_given": date_given,
    }
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign_article(token: str) -> tuple[Article, bool]:
    payload = signing.loads(token, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    date_given = payload.pop("date_given", False)
    published = payload.pop("published_on")
    return Article(**payload, published_on=dt.date.fromisoformat(published) if published else None), date_given


class PlainSelect(forms.Select):
    """A <select> written in Python, with the same HTML as Django's.

    Django renders each <option> from a template of its own: on the review screen (200
    rows, each with every milestone of its program) that tripled the page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, mark_safe(" selected") if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class ReviewRowForm(forms.Form):
    """One claim of the review screen: the claim's id and the version the page started from (hidden),
    the tick, and the editable date, milestone, which date and planned or actual.

    A row that is not ticked is left alone: not validated, not saved (the formset gives every
    row ``empty_permitted`` and a row "has changed" only when ticked). The date, milestone and
    lists are checked only when the action edits (accept or save), not for a rejection.
    """

    pk = forms.CharField(widget=forms.HiddenInput, max_length=20)
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    selected = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"data-row-select": ""}))
    when = forms.CharField(
        required=False, max_length=60, widget=forms.TextInput(attrs={"size": 14, "aria-label": _("date")})
    )
    milestone = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        widget=PlainSelect(attrs={"aria-label": _("milestone")}),
        error_messages={"invalid_choice": _("Choose a milestone of the same program.")},
    )
    field = forms.ChoiceField(
        choices=ClaimField.choices,
        required=False,
        widget=PlainSelect(attrs={"aria-label": _("which date")}),
        error_messages={"invalid_choice": _("Choose which date and planned or actual from the lists.")},
    )
    status = forms.ChoiceField(
        choices=ClaimStatus.choices,
        required=False,
        widget=PlainSelect(attrs={"aria-label": _("planned or actual")}),
        error_messages={"invalid_choice": _("Choose which date and planned or actual from the lists.")},
    )

    def __init__(self, *args, claims: dict[int, Claim], milestones: dict[int, list[Milestone]], edits: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.edits = edits
        # The claim this row is about (None: not a claim number, or no longer on the screen).
        self.claim_id = parse_id(self["pk"].value())
        self.claim = claims.get(self.claim_id)
        self.milestones = {m.pk: m for m in milestones.get(self.claim.milestone.program_id, [])} if self.claim else {}
        self.fields["milestone"].choices = [(pk, milestone_label(m)) for pk, m in self.milestones.items()]
        if self.claim is not None:
            label = gettext("select %(expression)s") % {"expression": self.claim.expression}
            self.fields["selected"].widget.attrs = {**self.fields["selected"].widget.attrs, "aria-label": label}

    def has_changed(self) -> bool:
        return bool(self["selected"].value()) if self.is_bound else False

    def clean_pk(self) -> int:
        if self.claim_id is None:
            raise ValidationError(_("A ticked row is not a claim number."), code="not_a_number")
        return self.claim_id

    def clean(self):
        cleaned = super().clean()
        if not self.edits or self.claim is None:
            return cleaned
        if "when" in cleaned:
            try:
                cleaned["span"] = DateSpan.parse(cleaned["when"])
            except DateSpanError as exc:
                self.add_error("when", str(exc))
        if not self.has_error("milestone"):
            if cleaned.get("milestone") is None:
                self.add_error("milestone", self.fields["milestone"].error_messages["invalid_choice"])
            else:
                cleaned["milestone"] = self.milestones[cleaned["milestone"]]
        lists_ok = not self.has_error("field") and not self.has_error("status")
        if lists_ok and not (cleaned.get("field") and cleaned.get("status")):
            self.add_error(None, _("Choose which date and planned or actual from the lists."))
        # A version that is not a whole number is no version this claim had: refused as a conflict.
        cleaned["version"] = parse_id(cleaned.get("version"))
        return cleaned

    def edit(self) -> dict:
        """The row's edits, as `apply_edits` takes them."""
        return {key: self.cleaned_data[key] for key in ("span", "milestone", "field", "status", "version")}

    def messages(self) -> list[str]:
        """All of the row's errors, shown together under its date."""
        return [*self.non_field_errors(), *(e for name in self.fields for e in self.errors.get(name, []))]


class BaseReviewFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def ticked(self) -> list[ReviewRowForm]:
        """The ticked rows about claims still on the screen (a claim reviewed meanwhile drops out)."""
        return [form for form in self.forms if form.has_changed() and form.claim is not None]


ReviewFormSet = forms.formset_factory(
    ReviewRowForm, formset=BaseReviewFormSet, extra=0, max_num=REVIEW_LIMIT, absolute_max=REVIEW_LIMIT
)
REVIEW_PREFIX = "review"


def milestone_label(milestone: Milestone) -> str:
    label = Truncator(milestone.title_ko).chars(60)
    return f"{label} ({gettext('draft')})" if milestone.key.startswith(DRAFT_PREFIX) else label


class ImportPagesMixin:
    """Adds the import and review pages to a ModelAdmin (the Claim admin)."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", wrap(self.import_view), name=f"{prefix}_import"),
            path("import/confirm/", wrap(self.import_confirm_view), name=f"{prefix}_import_confirm"),
            path("review/", wrap(self.review_view), name=f"{prefix}_review"),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **extra}

    # --- import -----------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportArticleForm(request.POST or None, request.FILES or None)
        preview = None
        if request.method == "POST" and form.is_valid():
            article, program = form.article, form.cleaned_data["program"]
            preview = {
                "article": article,
                "program": program,
                "candidates": candidate_rows(candidates_for(article, program=program)),
                "existing": existing_source(article),
                "token": sign_article(article, date_given=form.cleaned_data.get("published") is not None),
            }
        context = self._context(request, _("Import an article"), form=form, preview=preview)
        template = IMPORT_TEMPLATE
        if getattr(request, "htmx", False) and request.method == "POST":
            template += "#preview"
        return render(request, template, context, status=400 if request.method == "POST" and preview is None else 200)

    def import_confirm_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        return _confirm(request)

    # --- review -----------------------------------------------------------------

    def review_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        claims = Claim.objects.unreviewed().select_related("milestone", "milestone__program", "source")
        if program := request.GET.get("program"):
            claims = claims.filter(milestone__program__slug=program)
        if source := request.GET.get("source"):
            source_id = parse_id(source)
            if source_id is None:
                return _bad_request(gettext("The source in the address is not a number."))
            claims = claims.filter(source_id=source_id)
        # The least sure first: those need an editor's eye most (claims typed by hand have no confidence).
        order = (F("confidence").asc(nulls_last=True), "source__published_on", "source_id", "pk")
        claims = list(claims.order_by(*order)[:REVIEW_LIMIT])
        program_ids = {c.milestone.program_id for c in claims}
        milestones: dict[int, list[Milestone]] = {pid: [] for pid in program_ids}
        for milestone in Milestone.objects.filter(program_id__in=program_ids).order_by("position", "pk"):
            milestones[milestone.program_id].append(milestone)
        action = request.POST.get("action")
        kwargs = {"claims": {c.pk: c for c in claims}, "milestones": milestones, "edits": action in {"accept", "save"}}
        if request.method == "POST":
            formset = ReviewFormSet(request.POST, prefix=REVIEW_PREFIX, form_kwargs=kwargs)
            response = self._review_post(request, formset, action)
            if response is not None:
                return response
        else:
            initial = [
                {
                    "pk": c.pk,
                    "version": c.edit_version,
                    "when": editable(c.span),
                    "milestone": c.milestone_id,
                    "field": c.field,
                    "status": c.status,
                }
                for c in claims
            ]
            formset = ReviewFormSet(initial=initial, prefix=REVIEW_PREFIX, form_kwargs=kwargs)
        context = self._context(
            request,
            _("Review imported claims"),
            formset=formset,
            limit=REVIEW_LIMIT,
            truncated=len(claims) == REVIEW_LIMIT,
            programs=Program.objects.order_by("slug"),
            query=request.GET.urlencode(),
        )
        return render(request, REVIEW_TEMPLATE, context, status=400 if formset.is_bound else 200)

    def _review_post(self, request: HttpRequest, formset: BaseReviewFormSet, action: str | None) -> HttpResponse | None:
        """Act on the ticked rows; None when a row needs fixing (the page is shown again with its errors)."""
        if not formset.management_form.is_valid() or formset.non_form_errors():
            # Not something an editor can fix on the page: a form that was altered or cut short.
            return _bad_request(" ".join(formset.non_form_errors()))
        if any(form.has_error("pk") for form in formset):
            return _bad_request(gettext("A ticked row is not a claim number."))
        back = HttpResponseRedirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
        ticked = formset.ticked()
        if not ticked:
            messages.warning(request, _("Tick the claims to act on first."))
            return back
        if action == "reject":
            return self._reject(request, formset, back)
        if action not in {"accept", "save"}:
            messages.error(request, _("Unknown action."))
            return back
        if formset.is_valid():
            selected = [form.claim for form in ticked]
            errors = apply_edits(
                selected, {f.claim.pk: f.edit() for f in ticked}, accept=action == "accept", user=request.user
            )
            if not errors:
                message = (
                    ngettext(
                        "%(n)d claim accepted; schedules refreshed.",
                        "%(n)d claims accepted; schedules refreshed.",
                        len(selected),
                    )
                    if action == "accept"
                    else ngettext(
                        "%(n)d claim saved; schedules refreshed.",
                        "%(n)d claims saved; schedules refreshed.",
                        len(selected),
                    )
                )
                messages.success(request, message % {"n": len(selected)})
                return back
            for form in ticked:
                for problem in errors.get(form.claim.pk, []):
                    form.add_error(None, problem)
        messages.error(request, _("Nothing was saved: fix the marked rows."))
        return None

    def _reject(self, request: HttpRequest, formset: BaseReviewFormSet, back: HttpResponseRedirect) -> HttpResponse:
        if not self.has_delete_permission(request):
            raise PermissionDenied
        selected = [form.claim for form in formset.ticked()]
        if request.POST.get("confirm") != "yes":
            # Deleting asks first, on a page of its own that names what goes; it posts the ticked rows again.
            context = self._context(
                request,
                _("Reject the selected claims?"),
                claims=selected,
                formset=ReviewFormSet(
                    initial=[{"pk": c.pk, "selected": True} for c in selected],
                    prefix=REVIEW_PREFIX,
                    form_kwargs={**formset.form_kwargs, "edits": False},
                ),
                query=request.GET.urlencode(),
                back=back["Location"],
            )
            return render(request, REJECT_TEMPLATE, context)
        removed, drafts = reject_claims(selected)
        message = ngettext("%(n)d claim rejected.", "%(n)d claims rejected.", removed) % {"n": removed}
        if drafts:
            message += " " + ngettext(
                "%(n)d draft milestone left without claims was removed.",
                "%(n)d draft milestones left without claims were removed.",
                drafts,
            ) % {"n": drafts}
        messages.success(request, message)
        return back


def _bad_request(text: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


def _confirm(request: HttpRequest) -> HttpResponse:
    import_url = reverse("admin:timeline_claim_import")
    try:
        article, date_given = unsign_article(request.POST.get("article", ""))
        program = Program.objects.get(pk=request.POST.get("program"))
    except (signing.BadSignature, ValueError, TypeError, Program.DoesNotExist):
        messages.error(request, _("The preview has expired or was altered. Read the article again."))
        return HttpResponseRedirect(import_url)
    try:
        result = import_article(article, program=program, published=article.published_on if date_given else None)
    except (ArticleError, ValidationError) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, _("Nothing was saved: %(problem)s") % {"problem": text})
        return HttpResponseRedirect(import_url)
    if result.already_imported:
        messages.warning(request, _("This article was already imported; nothing new was saved."))
    else:
        messages.success(
            request,
            _("Saved the source with %(claims)d unreviewed claims and %(drafts)d draft milestones. Review them below.")
            % {"claims": len(result.claims), "drafts": len(result.new_milestones)},
        )
    return HttpResponseRedirect(f"{reverse('admin:timeline_claim_review')}?source={result.source.pk}")


def apply_edits(claims: list[Claim], edits: Mapping[int, dict], *, accept: bool, user=None) -> dict[int, list[str]]:
    """Apply each claim's edits (`ReviewRowForm.edit`: span, milestone, field, status, version); accept
    when asked. All claims or none; returns the problems by claim id.

    A claim's ``version`` is its `edit_version` as the page showed it; a claim that someone
    changed since is refused (optimistic locking, checked on the locked rows). A claim with
    no edits keeps its values and the version it was read with. Saved claims get a new
    edit_version and a history row naming `user`.
    """
    errors: dict[int, list[str]] = {}
    before = {c.pk: c.milestone_id for c in claims}
    started_from: dict[int, int | None] = {}
    for claim in claims:
        edit = edits.get(claim.pk, {})
        claim.span = edit.get("span", claim.span)
        claim.milestone = edit.get("milestone", claim.milestone)
        claim.field = edit.get("field", claim.field)
        claim.status = edit.get("status", claim.status)
        started_from[claim.pk] = edit.get("version", claim.edit_version)
        if accept:
            claim.reviewed = True
        try:
            claim.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors[claim.pk] = exc.messages
    if errors:
        return errors
    with transaction.atomic():
        stored = dict(
            Claim.objects.select_for_update()
            .filter(pk__in=[c.pk for c in claims])
            .order_by("pk")
            .values_list("pk", "edit_version")
        )
        for claim in claims:
            version = started_from[claim.pk]
            if version is None or stored.get(claim.pk) != version:
                errors[claim.pk] = [
                    str(
                        _(
                            "Someone else changed or removed this claim after the page was opened; "
                            "reload the page to see the current version."
                        )
                    )
                ]
            else:
                claim.edit_version = version + 1
        if errors:
            return errors
        fields = ["milestone", "lo", "hi", "precision", "field", "status", "reviewed", "edit_version"]
        bulk_update_with_history(claims, Claim, fields, default_user=user)
        touched = set(before.values()) | {c.milestone_id for c in claims}
        refresh_schedules(Milestone.objects.filter(pk__in=touched))
    return {}


def reject_claims(claims: list[Claim]) -> tuple[int, int]:
    """Delete the claims, and the importer's draft milestones they leave without any claim."""
    milestone_ids = {c.milestone_id for c in claims}
    with transaction.atomic():
        _total, deleted = Claim.objects.filter(pk__in=[c.pk for c in claims]).delete()
        empty_drafts = Milestone.objects.filter(
            pk__in=milestone_ids, key__startswith=DRAFT_PREFIX, claims__isnull=True, children__isnull=True
        )
        _total, deleted_drafts = empty_drafts.delete()
        refresh_schedules(Milestone.objects.filter(pk__in=milestone_ids))
    return deleted.get(Claim._meta.label, 0), deleted_drafts.get(Milestone._meta.label, 0)
