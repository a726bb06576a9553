"""Time to a drawn chart and bytes transferred, in headless Chromium (see timeline/bench/browser.py)."""

import json

from django.core.management.base import BaseCommand, CommandError

from timeline.bench import browser as bench_browser


class Command(BaseCommand):
    help = (
        "Serve synthetic programs with gunicorn (DEBUG=0) from a temporary directory and measure, in headless "
        "Chromium, the time from navigation to the drawn chart and the bytes of a first and a repeat visit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="100,1000", help="Milestone counts (default 100,1000).")
        parser.add_argument("--repeat", type=int, default=3, help="Visits per number; the median is kept (default 3).")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object instead of the table."
        )

    def handle(self, *args, sizes: str, repeat: int, as_json: bool = False, **options):
        try:
            parsed = tuple(sorted({int(part) for part in sizes.split(",") if part.strip()}))
        except ValueError as exc:
            raise CommandError(f"--sizes takes comma-separated whole numbers, e.g. 100,1000 (not {sizes!r}).") from exc
        if not parsed or min(parsed) < 1 or repeat < 1:
            raise CommandError("--sizes needs sizes of at least 1 milestone and --repeat at least 1.")
        progress = (lambda message: self.stderr.write(message)) if options["verbosity"] >= 1 else (lambda m: None)
        with bench_browser.served_site(parsed, gwangju=True, progress=progress) as site:
            results = bench_browser.measure(site, repeat=repeat, progress=progress)
        self.stdout.write(_dumps(results) if as_json else bench_browser.format_table(results))


def _dumps(results: dict) -> str:
    return json.dumps(results, indent=2, default=str)
