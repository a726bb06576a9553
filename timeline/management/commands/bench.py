"""Benchmark the figure build and the timeline page (issue 6); see timeline/bench/measure.py."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from timeline.bench import measure as bench


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise CommandError(f"--sizes takes comma-separated whole numbers, e.g. 100,1000,10000 (not {text!r}).") from exc
    if not sizes or min(sizes) < 1:
        raise CommandError("--sizes needs at least one size of 1 milestone or more.")
    return sizes


class Command(BaseCommand):
    help = (
        "Seed synthetic programs into a throwaway database and measure our figure against px.timeline and the "
        "raw floor, and the timeline page (time and SQL queries). Never touches the site's database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="100,1000,10000", help="Milestone counts (default 100,1000,10000).")
        parser.add_argument("--repeat", type=int, default=5, help="Runs per number; the median is kept (default 5).")
        parser.add_argument("--claims-per", type=int, default=3, help="Claims per milestone (default 3).")
        parser.add_argument("--seed", type=int, default=0, help="Random seed of the synthetic data (default 0).")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object instead of the table."
        )
        parser.add_argument(
            "--update-doc",
            action="store_true",
            help="Also write the report into docs/performance.md, between its bench markers.",
        )

    def handle(self, *args, sizes: str, repeat: int, claims_per: int, seed: int, as_json: bool = False, **options):
        doc = Path(settings.BASE_DIR) / "docs" / "performance.md"
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        progress = (lambda message: self.stderr.write(message)) if options["verbosity"] >= 1 else (lambda m: None)
        result = bench.run(sizes=_sizes(sizes), repeat=repeat, claims_per=claims_per, seed=seed, progress=progress)
        self.stdout.write(_json_dumps(result) if as_json else bench.format_table(result))
        if options["update_doc"]:
            command = f"manage.py bench --sizes {','.join(str(n) for n in result['sizes'])} --repeat {repeat}"
            try:
                bench.update_doc(doc, result, command=command, day=timezone.localdate())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Could not update {doc}: {exc}") from exc
            self.stderr.write(f"wrote the report into {doc}")


def _json_dumps(result: dict) -> str:
    return json.dumps(result, indent=2, default=str)
