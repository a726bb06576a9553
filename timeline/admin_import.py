"""Admin pages for bringing articles in: import (with an htmx preview) and the review of draft claims.

Hooked into the Claim admin by `ImportPagesMixin` (see the end of `timeline/admin.py`):

- ``claim/import/``: upload a file, paste text or give a URL, pick the program; the
  preview lists the candidate claims and writes nothing. The preview carries the
  article it read, signed, so "Save" stores exactly what was previewed.
- ``claim/review/``: the unreviewed claims, with the date (typed as a DateSpan), the
  milestone, which date and planned/actual editable per row; accept, save or reject
  the ticked rows at once. Milestone schedules are refreshed in one pass afterwards.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import path, reverse
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
                return HttpResponseBadRequest(
                    gettext("The source in the address is not a number."), content_type="text/plain; charset=utf-8"
                )
            claims = claims.filter(source_id=source_id)
        # The least sure first: those need an editor's eye most (claims typed by hand have no confidence).
        order = (F("confidence").asc(nulls_last=True), "source__published_on", "source_id", "pk")
        claims = list(claims.order_by(*order)[:REVIEW_LIMIT])
        errors: dict[int, list[str]] = {}
        if request.method == "POST":
            response, errors = self._review_post(request, claims)
            if response is not None:
                return response
        program_ids = {c.milestone.program_id for c in claims}
        choices: dict[int, list[Milestone]] = {pid: [] for pid in program_ids}
        for milestone in Milestone.objects.filter(program_id__in=program_ids).order_by("position", "pk"):
            choices[milestone.program_id].append(milestone)
        rows = [
            {
                "claim": c,
                "milestones": choices[c.milestone.program_id],
                "when": request.POST.get(f"when-{c.pk}", editable(c.span)),
                "errors": errors.get(c.pk, []),
                "selected": str(c.pk) in request.POST.getlist("selected"),
                # The version this page started from: kept across a refused POST, so a conflict stays visible.
                "version": request.POST.get(f"version-{c.pk}", c.edit_version),
            }
            for c in claims
        ]
        context = self._context(
            request,
            _("Review imported claims"),
            rows=rows,
            field_choices=ClaimField.choices,
            status_choices=ClaimStatus.choices,
            programs=Program.objects.order_by("slug"),
            limit=REVIEW_LIMIT,
            truncated=len(claims) == REVIEW_LIMIT,
            query=request.GET.urlencode(),
        )
        return render(request, REVIEW_TEMPLATE, context, status=400 if errors else 200)

    def _review_post(self, request: HttpRequest, claims: list[Claim]) -> tuple[HttpResponse | None, dict]:
        action = request.POST.get("action")
        by_pk = {c.pk: c for c in claims}
        ids = [parse_id(pk) for pk in request.POST.getlist("selected")]
        if None in ids:
            return HttpResponseBadRequest(
                gettext("A ticked row is not a claim number."), content_type="text/plain; charset=utf-8"
            ), {}
        selected = [by_pk[pk] for pk in ids if pk in by_pk]
        back = HttpResponseRedirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
        if not selected:
            messages.warning(request, _("Tick the claims to act on first."))
            return back, {}
        if action == "reject":
            if not self.has_delete_permission(request):
                raise PermissionDenied
            if request.POST.get("confirm") != "yes":
                # Deleting asks first, on a page of its own that names what goes.
                context = self._context(
                    request,
                    _("Reject the selected claims?"),
                    claims=selected,
                    query=request.GET.urlencode(),
                    back=back["Location"],
                )
                return render(request, REJECT_TEMPLATE, context), {}
            removed, drafts = reject_claims(selected)
            message = ngettext("%(n)d claim rejected.", "%(n)d claims rejected.", removed) % {"n": removed}
            if drafts:
                message += " " + ngettext(
                    "%(n)d draft milestone left without claims was removed.",
                    "%(n)d draft milestones left without claims were removed.",
                    drafts,
                ) % {"n": drafts}
            messages.success(request, message)
            return back, {}
        if action not in {"accept", "save"}:
            messages.error(request, _("Unknown action."))
            return back, {}
        errors = apply_edits(selected, request.POST, accept=action == "accept", user=request.user)
        if errors:
            messages.error(request, _("Nothing was saved: fix the marked rows."))
            return None, errors
        message = (
            ngettext(
                "%(n)d claim accepted; schedules refreshed.",
                "%(n)d claims accepted; schedules refreshed.",
                len(selected),
            )
            if action == "accept"
            else ngettext(
                "%(n)d claim saved; schedules refreshed.", "%(n)d claims saved; schedules refreshed.", len(selected)
            )
        )
        messages.success(request, message % {"n": len(selected)})
        return back, {}


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


def apply_edits(claims: list[Claim], data, *, accept: bool, user=None) -> dict[int, list[str]]:
    """Apply each row's date, milestone, field and status; accept when asked. All rows or none.

    Each row carries the claim's `edit_version` as the page showed it (``version-<pk>``); a
    row that someone changed since is refused (optimistic locking, checked on the locked
    rows). Saved rows get a new edit_version and a history row naming `user`.
    """
    errors: dict[int, list[str]] = {}
    before = {c.pk: c.milestone_id for c in claims}
    allowed = {
        m.pk: m
        for m in Milestone.objects.filter(program_id__in={c.milestone.program_id for c in claims}).select_related(
            "program"
        )
    }
    for claim in claims:
        problems = []
        try:
            claim.span = DateSpan.parse(data.get(f"when-{claim.pk}", claim.span.edtf))
        except DateSpanError as exc:
            problems.append(str(exc))
        milestone_id = data.get(f"milestone-{claim.pk}", str(claim.milestone_id))
        milestone = allowed.get(parse_id(milestone_id))
        if milestone is None or milestone.program_id != claim.milestone.program_id:
            problems.append(str(_("Choose a milestone of the same program.")))
        else:
            claim.milestone = milestone
        field = data.get(f"field-{claim.pk}", claim.field)
        status = data.get(f"status-{claim.pk}", claim.status)
        if field not in ClaimField.values or status not in ClaimStatus.values:
            problems.append(str(_("Choose which date and planned or actual from the lists.")))
        else:
            claim.field, claim.status = field, status
        if accept:
            claim.reviewed = True
        if not problems:
            try:
                claim.full_clean(validate_unique=False)
            except ValidationError as exc:
                problems.extend(exc.messages)
        if problems:
            errors[claim.pk] = problems
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
            shown = data.get(f"version-{claim.pk}")
            started_from = claim.edit_version if shown is None else parse_id(shown)
            if started_from is None or stored.get(claim.pk) != started_from:
                errors[claim.pk] = [
                    str(
                        _(
                            "Someone else changed or removed this claim after the page was opened; "
                            "reload the page to see the current version."
                        )
                    )
                ]
            else:
                claim.edit_version = started_from + 1
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
