"""The performance benchmark of issue 6: our figure against px.timeline and the raw floor, and the page.

`run()` seeds one synthetic program per size (see `timeline.bench.synthetic`) and measures,
side by side in one process, each number the median of `repeat` runs:

- the figure build, from the same timeline rows (built from the seeded schedules):
  **ours** is `charts.gantt(rows)` + `charts.to_json`, every mark, label and hover
  text computed from the schedules (nothing of the figure is stored or cached);
  **px** is `plotly.express.timeline` on a DataFrame of the same rows
  + `fig.to_json()` (the DataFrame built outside the timing, which favours px);
  **px_full** the same timed from the rows (the DataFrame built inside), so that
  `px_over_ours_full` compares both doing their whole work from rows to JSON; the
  **floor** is `charts.to_json` (the page's own serialiser: compact, UTF-8) of the rows
  as plain dicts (key, title, kind, status, the four dated picks, counts, panel URL);
- the whole timeline page through Django's test client, its time and SQL queries,
  without and with an as-of date, built each time (the cache emptied before each run),
  and a repeat visit, which counts as cached only when every response says it was
  served from the cache (`X-Tracker-Cache: hit`; a fragment over the cache's size cap
  is rebuilt every time and reported as not cached);
- at the largest size, the milestone panel and, when their URLs exist, the exports;
- what bounds the targets: the costliest steps of ours, each timed alone, the time to
  read and decode the program's stored schedules (the page's first step) and the table's rows.

By default it runs in a throwaway database that Django's test machinery creates and
migrates (a SQLite file in a temporary directory, or a `tracker_bench_<pid>` database
on PostgreSQL) and drops afterwards, so it never touches the site's data. Pages are
rendered with DEBUG off, plain static storage (no collectstatic needed) and a cache of
the run's own in the process (never a shared Redis, which `cache.clear()` would empty).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from .. import charts
from ..charts import Row
from ..models import Milestone, MilestoneKind, Program
from ..rows import build_timeline
from ..views import CACHE_HEADER
from . import synthetic

DEFAULT_SIZES = (100, 1000, 10_000)
AS_OF = dt.date(2024, 6, 30)
EXPORTS = (("export_csv", "milestones.csv"), ("export_json", "milestones.json"), ("export_ics", "calendar.ics"))
MIN_SAMPLE_SECONDS = 0.02
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"

# The targets of issue 6 that an in-process run can check (the load and browser numbers come from other scripts).
FIGURE_TARGET_SIZE = 1000
PX_OVER_OURS_FULL_MIN = 5.0
# Issue 15: the whole page at 1,000 milestones, built uncached, no slower than px.timeline's figure alone.
PAGE_OVER_PX_MAX = 1.0
OURS_OVER_FLOOR_MAX = 3.0
MAX_QUERIES = 8
PAGE_GROWTH_MAX = 12.0
# The costliest steps of `charts.gantt`, each timed alone by bench_figure (what bounds the figure target).
FIGURE_PARTS = ("segments", "row_labels", "hover_labels", "figure_to_json")

Progress = Callable[[str], None]
# The table's body as the timeline page writes it (templates/timeline/program_detail.html).
TABLE_ROWS = '{% load timeline %}{% milestone_rows rows show="both" stale=stale stale_days=stale_days %}'


@dataclass(frozen=True)
class Sample:
    """The median time of one call, in milliseconds, and the spread of the runs."""

    median_ms: float
    min_ms: float
    max_ms: float
    runs: int


def _calls_per_sample(fn: Callable[[], object]) -> int:
    """How many calls make one sample last at least MIN_SAMPLE_SECONDS (small figures take microseconds)."""
    started = time.perf_counter()
    fn()
    once = time.perf_counter() - started
    return max(1, min(1000, int(MIN_SAMPLE_SECONDS / max(once, 1e-7)) + 1))


class SecureClient(Client):
    """GETs over HTTPS, as production serves them (with DJANGO_DEBUG=0 plain HTTP is redirected)."""

    def get(self, path, data=None, secure=True, **extra):
        return super().get(path, data, secure=secure, **extra)


def measure_side_by_side(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, Sample]:
    """Time each function `repeat` times, interleaved round by round, so drift hits them all alike."""
    numbers = {name: _calls_per_sample(fn) for name, fn in fns.items()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            n = numbers[name]
            started = time.perf_counter()
            for _ in range(n):
                fn()
            times[name].append((time.perf_counter() - started) / n * 1000)
    return {
        name: Sample(statistics.median(ts), min(ts), max(ts), len(ts) * numbers[name]) for name, ts in times.items()
    }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def floor_dicts(rows: list[Row]) -> list[dict]:
    """The rows as plain dicts: what the chart shows, with no drawing decisions."""
    out = []
    for row in rows:
        s = row.schedule
        picks = {}
        for slot in ("planned_start", "planned_end", "actual_start", "actual_end"):
            pick = getattr(s, slot)
            picks[slot] = (
                [pick.span.lo.isoformat(), pick.span.hi.isoformat(), str(pick.span.precision)] if pick else None
            )
        out.append(
            {
                "key": row.key,
                "title": row.title,
                "kind": row.kind,
                "depth": row.depth,
                "status": s.status,
                **picks,
                "delay_days": s.delay_days,
                "conflicts": len(s.conflicts),
                "sources": s.source_count,
                "latest_source": row.latest_source,
                "url": row.panel_url,
            }
        )
    return out


def px_frame(rows: list[Row], today: dt.date):
    """A DataFrame of the rows for px.timeline: one bar per row, from its first to its last known day."""
    import pandas as pd

    records = []
    for row in rows:
        s = row.schedule
        first, last = s.start or s.end, s.end or s.start
        records.append(
            {
                "key": row.key,
                "title": row.title,
                "start": pd.Timestamp(first.span.lo if first else today),
                "end": pd.Timestamp((last.span.hi if last else today) + dt.timedelta(days=1)),
                "status": s.status,
                "url": row.panel_url,
            }
        )
    return pd.DataFrame.from_records(records)


def px_figure_json(frame) -> str:
    import plotly.express as px

    fig = px.timeline(
        frame, x_start="start", x_end="end", y="key", color="status", hover_name="title", custom_data=["url"]
    )
    fig.update_yaxes(autorange="reversed")
    return fig.to_json()


def bench_figure(rows: list[Row], *, today: dt.date, repeat: int) -> dict:
    floor = floor_dicts(rows)
    frame = px_frame(rows, today)

    def ours() -> str:
        return charts.to_json(charts.gantt(rows, today=today, language="ko"))

    figure = charts.gantt(rows, today=today, language="ko")
    titles = charts.row_titles(rows, "ko")
    table = Template(TABLE_ROWS)
    table_context = Context({"rows": rows, "stale": set(), "stale_days": settings.TRACKER_STALE_SOURCE_DAYS})
    samples = measure_side_by_side(
        {
            "ours": ours,
            "px": lambda: px_figure_json(frame),
            "px_full": lambda: px_figure_json(px_frame(rows, today)),
            "floor": lambda: charts.to_json(floor),
            # The steps of ours that cost the most, each alone: what bounds it.
            "segments": lambda: [charts.segments(row.schedule) for row in rows],
            "row_labels": lambda: charts.row_labels(rows, titles),
            "hover_labels": lambda: charts.hover_labels(rows, titles, "ko"),
            "figure_to_json": lambda: charts.to_json(figure),
            # Not part of ours, but of every page: the table's rows, the chart's text alternative.
            "table_rows": lambda: table.render(table_context),
        },
        repeat,
    )
    parts = {name: samples.pop(name).median_ms for name in FIGURE_PARTS}
    table_rows = samples.pop("table_rows").median_ms
    ms = {name: sample.median_ms for name, sample in samples.items()}
    return {
        "rows": len(rows),
        "parts_ms": parts,
        "table_rows_ms": table_rows,
        **{f"{name}_ms": value for name, value in ms.items()},
        **{f"{name}_min_ms": sample.min_ms for name, sample in samples.items()},
        **{f"{name}_max_ms": sample.max_ms for name, sample in samples.items()},
        "px_over_ours": ms["px"] / ms["ours"],
        "px_over_ours_full": ms["px_full"] / ms["ours"],
        "ours_over_floor": ms["ours"] / ms["floor"],
        "ours_bytes": len(ours().encode()),
        "px_bytes": len(px_figure_json(frame).encode()),
        "floor_bytes": len(charts.to_json(floor).encode()),
    }


def measure_get(client: Client, url: str, repeat: int, *, cold: bool = True, **params) -> dict:
    """GET a URL `repeat` times: the median time, and the queries and size of the last response.

    `cold` empties the cache before each run (outside the timing), so every run builds
    the page; otherwise the runs after the first may be served from the cache: `cache`
    counts what the responses' `X-Tracker-Cache` header said (hit, miss).
    """
    times = []
    said = {"hit": 0, "miss": 0}
    if not cold:
        client.get(url, params)
    for _ in range(repeat):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} {params or ''} answered {response.status_code}, not 200")
        times.append(elapsed * 1000)
        if response.has_header(CACHE_HEADER):
            said[response[CACHE_HEADER]] += 1
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return {
        "ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "queries": len(queries),
        "bytes": len(body),
        "cache": said,
    }


def read_schedules(program: Program) -> list:
    """The program's stored schedules read and decoded as the timeline reads them, and nothing else."""
    return [m.derived for m in Milestone.objects.filter(program=program).only("kind", "schedule")]


def bench_page(client: Client, program: Program, repeat: int) -> dict:
    url = reverse("timeline:program", args=[program.slug])
    client.get(url)  # warm: templates compiled, URL resolvers filled
    repeat_visit = measure_get(client, url, repeat, cold=False)
    read = measure_side_by_side({"read": lambda: read_schedules(program)}, repeat)["read"]
    return {
        "url": url,
        "schedules_read_ms": read.median_ms,
        "plain": measure_get(client, url, repeat),
        "as_of": measure_get(client, url, repeat, as_of=AS_OF.isoformat()),
        "repeat_visit": repeat_visit,
        "served_from_cache": repeat_visit["cache"]["hit"] == repeat,
    }


def bench_largest(client: Client, program: Program, repeat: int, progress: Progress) -> dict:
    """The milestone panel (full page and htmx partial) and the exports, at the largest size."""
    milestones = Milestone.objects.filter(program=program).exclude(kind=MilestoneKind.PHASE).order_by("pk")
    milestone = milestones[milestones.count() // 2]
    panel_url = reverse("timeline:milestone", args=[program.slug, milestone.key])
    client.get(panel_url)
    out: dict = {
        "panel": measure_get(client, panel_url, repeat),
        "panel_htmx": _measure_htmx(client, panel_url, repeat),
        "exports": {},
        "skipped": [],
    }
    for name, label in EXPORTS:
        try:
            url = reverse(f"timeline:{name}", args=[program.slug])
        except NoReverseMatch:
            out["skipped"].append(label)
            progress(f"  skipped {label}: no URL named timeline:{name} yet")
            continue
        out["exports"][label] = measure_get(client, url, repeat)
    return out


def _measure_htmx(client: Client, url: str, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as queries:
            started = time.perf_counter()
            response = client.get(url, headers={"HX-Request": "true"})
            times.append((time.perf_counter() - started) * 1000)
    return {
        "ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "queries": len(queries),
        "bytes": len(response.content),
    }


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Point the default connection at a new, migrated database for the duration; drop it afterwards."""
    connection = connections[DEFAULT_DB_ALIAS]
    directory = tempfile.mkdtemp(prefix="tracker-bench-")
    test_settings = connection.settings_dict.setdefault("TEST", {})
    saved = test_settings.get("NAME")
    if connection.vendor == "sqlite":
        test_settings["NAME"] = os.path.join(directory, "bench.sqlite3")
    else:
        test_settings["NAME"] = f"tracker_bench_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection.settings_dict["NAME"]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        test_settings["NAME"] = saved
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _nothing() -> Iterator[str]:
    yield str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])


def run(
    *,
    sizes: tuple[int, ...] = DEFAULT_SIZES,
    repeat: int = 5,
    claims_per: int = 3,
    seed: int = 0,
    throwaway: bool = True,
    progress: Progress = lambda message: None,
) -> dict:
    """Seed, measure and return every number as one JSON-ready dict (see the module docstring)."""
    sizes = tuple(sorted(set(sizes)))
    database = throwaway_database() if throwaway else _nothing()
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    result: dict = {
        "environment": _environment(),
        "sizes": list(sizes),
        "repeat": repeat,
        "claims_per": claims_per,
        "seed": seed,
        "as_of": AS_OF.isoformat(),
        "seed_s": {},
        "figure": {},
        "page": {},
    }
    caches = {"default": {**settings.CACHES["default"], "BACKEND": LOCMEM, "LOCATION": "bench"}}
    caches["default"].pop("KEY_PREFIX", None)
    with (
        database as name,
        override_settings(ALLOWED_HOSTS=hosts, DEBUG=False, STORAGES=storages, CACHES=caches),
    ):
        result["database"] = f"{connections[DEFAULT_DB_ALIAS].vendor} {name}"
        progress(f"database: {result['database']}")
        client = SecureClient()
        today = timezone.localdate()
        program = None
        for size in sizes:
            progress(f"seeding {size} milestones x {claims_per} claims")
            started = time.perf_counter()
            program = synthetic.seed_program(f"bench-{size}", milestones=size, claims_per=claims_per, seed=seed).program
            result["seed_s"][size] = time.perf_counter() - started
            with translation.override("ko"):
                rows = build_timeline(program, {}, today=today).rows
                progress(f"figure at {size}")
                result["figure"][size] = bench_figure(rows, today=today, repeat=repeat)
                progress(f"page at {size}")
                result["page"][size] = bench_page(client, program, repeat)
        if program is not None:
            progress(f"panel and exports at {sizes[-1]}")
            with translation.override("ko"):
                result["largest"] = {"size": sizes[-1], **bench_largest(client, program, repeat, progress)}
    _summarise(result)
    return result


def _environment() -> dict:
    import django
    import plotly

    try:
        import pandas

        pandas_version = pandas.__version__
    except ImportError:  # pragma: no cover - pandas is a dev dependency
        pandas_version = None
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "plotly": plotly.__version__,
        "pandas": pandas_version,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        # Other work on the machine inflates every time; the ratios measured side by side suffer least.
        "load average": round(os.getloadavg()[0], 1),
    }


def _summarise(result: dict) -> None:
    """The headline ratios and the targets, computed from the raw numbers."""
    sizes = result["sizes"]
    fig, page = result["figure"], result["page"]
    result["px_over_ours"] = {size: fig[size]["px_over_ours"] for size in sizes}
    result["px_over_ours_full"] = {size: fig[size]["px_over_ours_full"] for size in sizes}
    # The whole page built uncached, from the database to HTML, against px.timeline's figure alone from the rows.
    result["page_over_px"] = {size: page[size]["plain"]["ms"] / fig[size]["px_full_ms"] for size in sizes}
    result["ours_over_floor"] = {size: fig[size]["ours_over_floor"] for size in sizes}
    result["queries_by_size"] = {size: page[size]["plain"]["queries"] for size in sizes}
    result["as_of_queries_by_size"] = {size: page[size]["as_of"]["queries"] for size in sizes}
    result["page_ms_by_size"] = {size: page[size]["plain"]["ms"] for size in sizes}
    # Only pages every repeat visit of which was served from the cache (None: rebuilt, e.g. over the size cap).
    result["cached_page_ms_by_size"] = {
        size: page[size]["repeat_visit"]["ms"] if page[size]["served_from_cache"] else None for size in sizes
    }
    growth = {}
    for small, large in pairwise(sizes):
        growth[f"{small}->{large}"] = page[large]["plain"]["ms"] / page[small]["plain"]["ms"]
    result["page_growth"] = growth

    targets = []
    if FIGURE_TARGET_SIZE in fig:
        f = fig[FIGURE_TARGET_SIZE]
        targets.append(
            _target(f"figure at {FIGURE_TARGET_SIZE}: ours / floor", f["ours_over_floor"], "<=", OURS_OVER_FLOOR_MAX)
        )
        targets.append(
            _target(
                f"figure at {FIGURE_TARGET_SIZE}: px full / ours (both from the rows)",
                f["px_over_ours_full"],
                ">=",
                PX_OVER_OURS_FULL_MIN,
            )
        )
    if FIGURE_TARGET_SIZE in page:
        targets.append(
            _target(
                f"uncached page at {FIGURE_TARGET_SIZE} / px.timeline figure",
                result["page_over_px"][FIGURE_TARGET_SIZE],
                "<=",
                PAGE_OVER_PX_MAX,
            )
        )
    queries = [*result["queries_by_size"].values(), *result["as_of_queries_by_size"].values()]
    constant = (
        len(set(result["queries_by_size"].values())) == 1 and len(set(result["as_of_queries_by_size"].values())) == 1
    )
    targets.append({"name": "page queries constant in N", "value": constant, "limit": True, "ok": constant})
    targets.append(_target("page queries (max)", max(queries), "<=", MAX_QUERIES))
    if 1000 in page and 10_000 in page:
        targets.append(_target("page time 1,000 -> 10,000", growth.get("1000->10000", 0.0), "<=", PAGE_GROWTH_MAX))
    result["targets"] = targets
    result["ok"] = all(t["ok"] for t in targets)


def _target(name: str, value: float, op: str, limit: float) -> dict:
    ok = value >= limit if op == ">=" else value <= limit
    return {"name": name, "value": value, "op": op, "limit": limit, "ok": ok}


def _spread(numbers: dict, key: str = "") -> str:
    """median (min-max) of a measured number, in ms."""
    median, low, high = (numbers[f"{key}{part}ms"] for part in ("", "min_", "max_"))
    return f"{median:,.1f} ({low:,.1f}-{high:,.1f})"


def format_table(result: dict) -> str:
    """The report as Markdown (it reads in a terminal too): one table per section, then the targets.

    `docs/performance.md` holds this text between its `bench` markers (`bench --update-doc`).
    """
    sizes = result["sizes"]
    env = result["environment"]
    lines = [
        f"{result['claims_per']} claims per milestone, seed {result['seed']}, {result['repeat']} runs per number "
        f"(median, then min-max), {result['database'].split()[0]}; "
        + ", ".join(f"{k} {v}" for k, v in env.items())
        + ".",
        "",
        "#### Figure build (ms)",
        "",
        "ours = `charts.gantt` + `to_json`, computing every mark, label and hover text from the schedules; "
        "px = `px.timeline` + `to_json` on a prebuilt DataFrame; px full = the same "
        "from the rows (DataFrame built inside the timing); floor = `to_json` of the rows as plain dicts.",
        "",
        "| milestones | ours | px | px full | floor | px / ours | px full / ours | ours / floor | ours KB | px KB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        f = result["figure"][size]
        lines.append(
            f"| {size:,} | {_spread(f, 'ours_')} | {_spread(f, 'px_')} "
            f"| {_spread(f, 'px_full_')} | {_spread(f, 'floor_')} | {f['px_over_ours']:.1f} "
            f"| {f['px_over_ours_full']:.1f} | {f['ours_over_floor']:.2f} | {f['ours_bytes'] / 1024:,.0f} "
            f"| {f['px_bytes'] / 1024:,.0f} |"
        )
    lines += [
        "",
        "#### Timeline page through the test client (ms, SQL queries, KB of HTML)",
        "",
        f"Page and as-of ({result['as_of']}) built each time, the cache emptied before each run; repeat visit = "
        "the same page again, cached only when every response said `X-Tracker-Cache: hit`.",
        "",
        "| milestones | page | queries | KB | as-of | queries | repeat visit | queries | cached? "
        "| page / px full | seed s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|:---|---:|---:|",
    ]
    for size in sizes:
        p = result["page"][size]
        plain, as_of, again = p["plain"], p["as_of"], p["repeat_visit"]
        cached = "yes" if p["served_from_cache"] else f"**no** ({again['cache']['miss']} of {result['repeat']} rebuilt)"
        lines.append(
            f"| {size:,} | {_spread(plain)} | {plain['queries']} | {plain['bytes'] / 1024:,.0f} | {_spread(as_of)} "
            f"| {as_of['queries']} | {_spread(again)} | {again['queries']} | {cached} "
            f"| {result['page_over_px'][size]:.2f} | {result['seed_s'][size]:.1f} |"
        )
    if result["page_growth"]:
        lines += ["", "Page time growth: " + ", ".join(f"{k}: {v:.1f}x" for k, v in result["page_growth"].items())]
    lines += [
        "",
        "#### What bounds the speed targets (ms, medians)",
        "",
        f"ours must take at most px full / {PX_OVER_OURS_FULL_MIN:g}, and the uncached page at most px full. "
        "The costliest steps of ours, each timed alone: the marks (`segments`), the row labels for a wide "
        "screen and a phone, the hover labels, and the figure's JSON. Schedules read = the program's stored "
        "schedules read from the database and decoded (`Milestone.derived`): the page's first step, before any "
        "chart, table or template. Table rows = the HTML table's body, the chart's text alternative (it works "
        "without JavaScript). The page takes at least schedules read + ours + table rows.",
        "",
        f"| milestones | px full / {PX_OVER_OURS_FULL_MIN:g} | ours | segments | row labels | hover labels "
        "| figure to JSON | px full | schedules read | table rows | page |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        f, parts = result["figure"][size], result["figure"][size]["parts_ms"]
        lines.append(
            f"| {size:,} | {f['px_full_ms'] / PX_OVER_OURS_FULL_MIN:,.1f} | {f['ours_ms']:,.1f} "
            + "".join(f"| {parts[name]:,.1f} " for name in FIGURE_PARTS)
            + f"| {f['px_full_ms']:,.1f} | {result['page'][size]['schedules_read_ms']:,.1f} "
            f"| {f['table_rows_ms']:,.1f} | {result['page'][size]['plain']['ms']:,.1f} |"
        )
    largest = result.get("largest")
    if largest:
        lines += [
            "",
            f"#### At {largest['size']:,} milestones",
            "",
            "| what | ms | queries | KB |",
            "|---|---:|---:|---:|",
        ]
        rows = [("milestone panel (page)", largest["panel"]), ("milestone panel (htmx)", largest["panel_htmx"])]
        rows += [(f"export {label}", numbers) for label, numbers in largest["exports"].items()]
        for label, numbers in rows:
            lines.append(f"| {label} | {_spread(numbers)} | {numbers['queries']} | {numbers['bytes'] / 1024:,.0f} |")
        for label in largest["skipped"]:
            lines.append(f"| export {label} | skipped: no URL | | |")
    lines += ["", "#### Targets", ""]
    for t in result["targets"]:
        value = t["value"]
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        limit = f" (target {t['op']} {t['limit']})" if "op" in t else ""
        lines.append(f"- [{'ok' if t['ok'] else 'MISS'}] {t['name']}: {shown}{limit}")
    return "\n".join(lines)


DOC_START = "<!-- bench:start (written by manage.py bench --update-doc; do not edit by hand) -->"
DOC_END = "<!-- bench:end -->"


def update_doc(path, result: dict, *, command: str, day: dt.date) -> None:
    """Replace the text between the `bench` markers of `path` with this run's report."""
    text = path.read_text(encoding="utf-8")
    if DOC_START not in text or DOC_END not in text:
        raise ValueError(f"{path} has no bench markers ({DOC_START!r} ... {DOC_END!r}) to write between")
    head, rest = text.split(DOC_START, 1)
    _, tail = rest.split(DOC_END, 1)
    body = f"Run on {day.isoformat()}: `{command}`\n\n{format_table(result)}"
    path.write_text(f"{head}{DOC_START}\n{body}\n{DOC_END}{tail}", encoding="utf-8")
