import datetime as dt
import json
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from timeline.articles.read import ArticleError, read
from timeline.importing import ImportResult, article_fixture, import_article
from timeline.models import Program


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--published {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2022-04-13.") from exc


def candidate_rows(result: ImportResult, *, label: str) -> list[dict]:
    return [
        {
            "article": label,
            "expression": c.expression,
            "lo": c.span.lo.isoformat(),
            "hi": c.span.hi.isoformat(),
            "precision": str(c.span.precision),
            "status": c.status,
            "field": c.field,
            "milestone": c.milestone_title,
            "milestone_key": c.milestone_key,
            "new_draft": c.milestone_key is None,
            "proposed_milestone": c.proposed_title or None,
            "score": c.score,
            "confidence": c.confidence,
            "sentence": c.sentence,
        }
        for c in result.candidates
    ]


class Command(BaseCommand):
    help = (
        "Import news articles (.txt, .html, .htm files or http(s) URLs) as sources with unreviewed claims. "
        "Each article is saved in its own transaction; review the claims in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("locations", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--program", required=True, help="Slug of the program the articles are about.")
        parser.add_argument("--published", type=str, help="Publication date YYYY-MM-DD (overrides the article's).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be imported; write nothing.")
        parser.add_argument("--format", dest="output_format", choices=["table", "json"], default="table")
        parser.add_argument("--fixture", metavar="OUT.json", help="Also write the rows as a fixture (natural keys).")

    def handle(self, *args, locations, program, published, dry_run, output_format, fixture, **options):
        published_on = _date(published) if published else None
        program_obj = Program.objects.filter(slug=program).first()
        if program_obj is None:
            known = ", ".join(Program.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(
                f"No program with the slug {program!r} (known: {known}). Create it in the admin, "
                "or load the Gwangju data with `manage.py load_gwangju`."
            )
        progress = self.stderr if output_format == "json" else self.stdout
        bar = len(locations) > 1 and progress.isatty()
        rows, records, failures = [], [], []
        counts = dict.fromkeys(["read", "sources", "claims", "milestones", "duplicates"], 0)
        for n, location in enumerate(locations, 1):
            try:
                article = read(location)
                counts["read"] += 1
                result = import_article(article, program=program_obj, published=published_on, dry_run=dry_run)
                if fixture:
                    records.extend(article_fixture(article, program_obj, published=published_on))
            except (ArticleError, ValidationError) as exc:
                failures.append((location, _message(exc)))
                self._progress(progress, bar, n, len(locations), location, f"failed: {_message(exc)}")
                continue
            rows.extend(candidate_rows(result, label=location))
            if result.already_imported:
                counts["duplicates"] += 1
            else:
                counts["sources"] += 1
                counts["claims"] += len(result.claims)
                counts["milestones"] += len(result.new_milestones)
            if output_format == "table" and not bar:
                self._table(location, result)
            self._progress(progress, bar, n, len(locations), location, result.message)
        if bar:
            progress.write("")
        if output_format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        if fixture:
            Path(fixture).write_text(json.dumps(_unique(records), ensure_ascii=False, indent=1) + "\n", "utf-8")
        self._summary(progress, counts, failures, dry_run=dry_run, fixture=fixture)
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(locations)} articles failed; nothing was written for them: "
                + "; ".join(f"{where}: {why}" for where, why in failures)
            )

    def _progress(self, stream, bar: bool, n: int, total: int, location: str, message: str) -> None:
        if bar:
            width = 30
            filled = round(width * n / total)
            stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {n}/{total} {Path(location).name[:40]:40}", "")
            stream.flush()
        elif total > 1 or stream is self.stderr:
            stream.write(f"[{n}/{total}] {location}: {message}")

    def _table(self, location: str, result: ImportResult) -> None:
        a = result.article
        publisher = a.publisher or "publisher not found"
        self.stdout.write(f"{location}: {a.title!r} · {publisher} · {a.published_on} · {result.message}")
        for c in result.candidates:
            target = c.milestone_title or f"(new) {c.proposed_title}"
            self.stdout.write(
                f"  {_pad(c.expression, 20)} {c.span.edtf:22} {c.status:8} {c.field:6} {c.score:4.2f}  {target[:50]}"
            )

    def _summary(self, stream, counts: dict, failures: list, *, dry_run: bool, fixture: str | None) -> None:
        verb = "would be created" if dry_run else "created"
        stream.write(
            f"Articles read: {counts['read']}; sources {verb}: {counts['sources']}; claims {verb}: {counts['claims']}; "
            f"draft milestones {verb}: {counts['milestones']}; skipped duplicates: {counts['duplicates']}; "
            f"errors: {len(failures)}." + (" Dry run: nothing was written." if dry_run else "")
        )
        if fixture:
            stream.write(f"Fixture written to {fixture}.")


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal column, counting Hangul and other wide characters as two."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


def _unique(records: list[dict]) -> list[dict]:
    seen, out = set(), []
    for record in records:
        f = record["fields"]
        key = (record["model"], f.get("uid") or f.get("content_hash") or (tuple(f.get("program", ())), f.get("key")))
        if key not in seen:
            seen.add(key)
            out.append(record)
    return out
