"""An article becomes a Source, unreviewed Claims and, where no milestone fits, draft Milestones.

`import_article` does it in one transaction: either everything an article yields is
saved, or nothing is. The same text (by content hash) or the same URL is never stored
twice; importing it again says so and writes nothing. `article_fixture` describes the
same rows as a Django fixture with natural keys, so they can be reviewed in a pull
request and loaded anywhere (twice, without duplicates).

Draft milestones get keys ``draft-<ascii words>-<hash>`` built from their proposed
title, so the same proposal always gets the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from .articles.claims import Candidate, MilestoneRef, StoredClaim, extract
from .articles.read import Article, ArticleError
from .models import Claim, Milestone, MilestoneKind, Program, Source, SourceKind, content_hash_for

DRAFT_PREFIX = "draft-"
DRAFT_SUMMARY = "Draft proposed by the article importer from: {citation}"


class NoPublicationDateError(ArticleError):
    pass


@dataclass
class ImportResult:
    article: Article
    candidates: list[Candidate]
    source: Source | None = None
    claims: list[Claim] = field(default_factory=list)
    new_milestones: list[Milestone] = field(default_factory=list)
    already_imported: bool = False
    dry_run: bool = False

    @property
    def message(self) -> str:
        if self.already_imported:
            return f"already imported as source {self.source} (pk {self.source.pk}); nothing new was written"
        verb = "would create" if self.dry_run else "created"
        return (
            f"{verb} 1 source, {len(self.claims)} unreviewed claims and {len(self.new_milestones)} draft milestones"
            f"{' (dry run: nothing written)' if self.dry_run else ''}"
        )


@dataclass(frozen=True, slots=True)
class _Planned:
    candidate: Candidate
    milestone_key: str
    new_milestone: Milestone | None


def names(text: str) -> tuple[str, ...]:
    """An editor's list of names or cue words: one per line or separated by commas."""
    return tuple(dict.fromkeys(n.strip() for n in re.split(r"[,\n;]", text or "") if n.strip()))


def milestone_refs(program: Program) -> list[MilestoneRef]:
    """The program's milestones as the matcher sees them: names, cue words and the claims already stored."""
    stored: dict[int, list[StoredClaim]] = {}
    for milestone_id, lo, hi, field_, expression in Claim.objects.filter(milestone__program=program).values_list(
        "milestone_id", "lo", "hi", "field", "expression"
    ):
        stored.setdefault(milestone_id, []).append(StoredClaim(lo, hi, field_, expression))
    return [
        MilestoneRef(
            key=m.key,
            title_ko=m.title_ko,
            title_en=m.title_en,
            kind=m.kind,
            aliases=names(m.aliases),
            cues=names(m.cues),
            claims=tuple(stored.get(m.pk, ())),
        )
        for m in program.milestones.order_by("position", "pk")
    ]


def with_publication_date(article: Article, published: dt.date | None) -> Article:
    """The article with `published` as its date (when given); refuses an article with no date at all."""
    if published is not None:
        return replace(article, published_on=published)
    if article.published_on is None:
        raise NoPublicationDateError(
            f"Found no publication date in {article.title or article.url or 'the article'!r}: no date line such as "
            "'2022년 04월 13일' or '입력 2022-04-13'. Give the date: --published YYYY-MM-DD (or the admin's "
            "'published on' field)."
        )
    return article


def candidates_for(article: Article, *, program: Program) -> list[Candidate]:
    article = with_publication_date(article, None)
    return extract(
        article.text,
        published=article.published_on,
        milestones=milestone_refs(program),
        language=article.language,
        program_name=f"{program.name_ko} {program.name_en}",
        headline=article.title,
    )


def existing_source(article: Article) -> Source | None:
    query = Q(content_hash=content_hash_for(body=article.text))
    if article.url:
        query |= Q(url=article.url)
    return Source.objects.filter(query).order_by("pk").first()


def import_article(
    article: Article,
    *,
    program: Program,
    published: dt.date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Save the article's Source, draft Claims and draft Milestones in one transaction.

    `dry_run` does all of it, validation included, inside the transaction and then rolls
    it back: the result is what a real run would give and nothing is kept.
    """
    article = with_publication_date(article, published)
    candidates = candidates_for(article, program=program)
    existing = existing_source(article)
    if existing is not None:
        return ImportResult(article, candidates, source=existing, already_imported=True, dry_run=dry_run)
    try:
        with transaction.atomic():
            result = _save(article, candidates, program=program, date_given=published is not None)
            result.dry_run = dry_run
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        existing = existing_source(article)
        if existing is None:
            raise
        return ImportResult(article, candidates, source=existing, already_imported=True, dry_run=dry_run)
    return result


def _save(article: Article, candidates: list[Candidate], *, program: Program, date_given: bool) -> ImportResult:
    source = build_source(article, date_given=date_given)
    source.full_clean()
    source.save()
    plan = _plan(candidates, program=program, citation=source.citation)
    new_milestones = []
    for milestone in _new_milestones(plan):
        milestone.full_clean()
        milestone.save()
        new_milestones.append(milestone)
    milestones = {m.key: m for m in program.milestones.filter(key__in={p.milestone_key for p in plan})}
    claims = []
    for planned in plan:
        claim = build_claim(planned.candidate, source=source, milestone=milestones[planned.milestone_key])
        claim.full_clean()
        claim.save()
        claims.append(claim)
    return ImportResult(article, candidates, source=source, claims=claims, new_milestones=new_milestones)


def build_source(article: Article, *, date_given: bool = False, retrieved_at: dt.datetime | None = None) -> Source:
    publisher = article.publisher or _host(article.url)
    published = article.published_on
    citation = " ".join(p for p in (publisher or "article", published.isoformat() if published else "") if p)
    return Source(
        kind=SourceKind.NEWS,
        citation=citation[:200],
        url=article.url[:500],
        title=article.title[:500],
        publisher=publisher[:200],
        author=article.author[:200],
        published_on=published,
        date_note="publication date given at import" if date_given else "",
        language=(article.language or "ko")[:8],
        body=article.text,
        content_hash=content_hash_for(body=article.text),
        retrieved_at=retrieved_at if retrieved_at is not None else (timezone.now() if article.url else None),
    )


def build_claim(candidate: Candidate, *, source: Source, milestone: Milestone) -> Claim:
    claim = Claim(
        uid=claim_uid(candidate, content_hash=source.content_hash, milestone_key=milestone.key),
        milestone=milestone,
        source=source,
        field=candidate.field,
        status=candidate.status,
        expression=candidate.expression[:300],
        sentence=candidate.sentence,
        note=_note(candidate),
        stated_on=source.published_on,
        reviewed=False,
        confidence=candidate.confidence,
    )
    claim.span = candidate.span
    return claim


def _note(candidate: Candidate) -> str:
    parts = [f"imported; confidence {candidate.confidence:.2f}"]
    if candidate.cue:
        parts.append(f"cue {candidate.cue!r}")
    if candidate.qualifier:
        parts.append(f"qualifier {candidate.qualifier!r}")
    return "; ".join(parts)


def claim_uid(candidate: Candidate, *, content_hash: str, milestone_key: str) -> str:
    """Stable across runs: the same article and candidate always give the same uid."""
    basis = "|".join(
        (
            content_hash,
            milestone_key,
            candidate.field,
            candidate.status,
            candidate.expression,
            candidate.span.edtf,
            str(candidate.offset),
        )
    )
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


def draft_key(title: str) -> str:
    words = slugify(title)[:40].strip("-")
    digest = hashlib.sha1(title.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{DRAFT_PREFIX}{words}-{digest}" if words else f"{DRAFT_PREFIX}{digest}"


def _plan(candidates: list[Candidate], *, program: Program, citation: str) -> list[_Planned]:
    """Which milestone each candidate's claim goes to; unmatched candidates share a draft per proposed title."""
    taken = dict(program.milestones.values_list("key", "title_ko"))
    position = (program.milestones.aggregate(top=Max("position"))["top"] or 0) + 1
    drafts: dict[str, Milestone] = {}
    plan = []
    for candidate in candidates:
        if candidate.milestone_key:
            plan.append(_Planned(candidate, candidate.milestone_key, None))
            continue
        title = candidate.proposed_title or candidate.sentence[:60]
        if title not in drafts:
            key = draft_key(title)
            n = 2
            while key in taken and taken[key] != title:
                key = f"{draft_key(title)}-{n}"
                n += 1
            if key in taken:  # a draft with this very title exists but was not matched: reuse it
                plan.append(_Planned(candidate, key, None))
                continue
            drafts[title] = Milestone(
                program=program,
                key=key,
                kind=MilestoneKind.EVENT if candidate.proposed_kind == "event" else MilestoneKind.SPAN,
                title_ko=title[:300],
                editor_note=DRAFT_SUMMARY.format(citation=citation),
                position=position,
                draft=True,
            )
            taken[key] = title
            position += 1
        plan.append(_Planned(candidate, drafts[title].key, drafts[title]))
    return plan


def _new_milestones(plan: list[_Planned]) -> list[Milestone]:
    return list({p.new_milestone.key: p.new_milestone for p in plan if p.new_milestone is not None}.values())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.") if url else ""


# --- fixtures -----------------------------------------------------------------------


def article_fixture(
    article: Article,
    program: Program,
    *,
    published: dt.date | None = None,
    generated_at: dt.datetime | None = None,
) -> list[dict]:
    """The rows `import_article` would create, as fixture records with natural keys (loads twice, no duplicates)."""
    article = with_publication_date(article, published)
    candidates = candidates_for(article, program=program)
    now = (generated_at or timezone.now()).replace(microsecond=0)
    source = build_source(article, date_given=published is not None, retrieved_at=now if article.url else None)
    plan = _plan(candidates, program=program, citation=source.citation)
    records: list[dict] = [
        {
            "model": "timeline.source",
            "fields": {
                "kind": source.kind,
                "citation": source.citation,
                "url": source.url,
                "title": source.title,
                "publisher": source.publisher,
                "author": source.author,
                "published_on": _iso(source.published_on),
                "published_approx": False,
                "date_note": source.date_note,
                "language": source.language,
                "body": source.body,
                "content_hash": source.content_hash,
                "retrieved_at": _iso(source.retrieved_at),
            },
        }
    ]
    for milestone in _new_milestones(plan):
        records.append(
            {
                "model": "timeline.milestone",
                "fields": {
                    "program": [program.slug],
                    "key": milestone.key,
                    "kind": milestone.kind,
                    "parent": None,
                    "title_ko": milestone.title_ko,
                    "title_en": "",
                    "summary_ko": milestone.summary_ko,
                    "summary_en": milestone.summary_en,
                    "editor_note": milestone.editor_note,
                    "predecessors": [],
                    "position": milestone.position,
                    "cancelled": False,
                },
            }
        )
    for planned in plan:
        c = planned.candidate
        records.append(
            {
                "model": "timeline.claim",
                "fields": {
                    "uid": claim_uid(c, content_hash=source.content_hash, milestone_key=planned.milestone_key),
                    "milestone": [program.slug, planned.milestone_key],
                    "source": [source.content_hash],
                    "field": c.field,
                    "status": c.status,
                    "lo": c.span.lo.isoformat(),
                    "hi": c.span.hi.isoformat(),
                    "precision": str(c.span.precision),
                    "expression": c.expression[:300],
                    "sentence": c.sentence,
                    "note": _note(c),
                    "stated_on": _iso(source.published_on),
                    "reviewed": False,
                    "confidence": c.confidence,
                    "created_at": _iso(now),
                },
            }
        )
    return records


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()
