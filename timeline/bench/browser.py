"""The browser half of issue 6's benchmark: time to a drawn chart, and bytes on a first and a repeat visit.

`served_site()` brings up the site as production runs it, in a temporary directory:
a migrated SQLite database with one synthetic program per size (slugs `s<size>-1`),
collectstatic (hashed, compressed files with far-future cache headers from WhiteNoise),
and gunicorn with 2 workers, DJANGO_DEBUG=0, on a free port of 127.0.0.1, with
`timeline.bench.settings`. It stops gunicorn and removes the directory afterwards.

`measure()` drives headless Chromium (Playwright, Debian's /usr/bin/chromium):

- **first visit**: a new browser context (empty cache); the bytes are the sum of CDP
  `Network.loadingFinished.encodedDataLength` over every request of the page (what came
  over the wire: headers and compressed bodies);
- **chart drawn**: `performance.now()` (milliseconds since navigation start) when the
  page's script dispatches `chart:drawn` on `#gantt`, after `Plotly.react` resolves;
- **repeat visit**: the same context navigates to the page again; static files come from
  the browser's cache, so mostly the HTML travels.

Each number is the median of `repeat` visits, each with its own new context.

**Bundles side by side** (`compare_bundles`): the site serves plotly.js's basic bundle as
`plotly.min.js` when npm installed it (timeline/staticfinders.py), and the bench settings
also serve the Python package's full bundle as `plotly-full.min.js`. Each cold visit
(a new context) swaps the page's plotly.min.js request for one bundle or the other on
the wire (Playwright routing, the same for both, so both pay its small cost), in
alternating order, at every size: the ratio basic / full of the median chart-drawn times
is the number issue 14 asks for. **The Gwangju page** (`gwangju_first_visit`, the real
fixture loaded in the same site) is measured for its first-visit bytes.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tracker.chromium import CHROMIUM, CHROMIUM_ARGS
from tracker.localserver import free_port, wait_until_up

DEFAULT_SIZES = (100, 1000)
FIRST_VISIT_MAX_BYTES = 1_600_000
REPEAT_VISIT_MAX_BYTES = 100_000
DRAWN_MAX_MS = 1500.0
DRAWN_TARGET_SIZE = 1000
BUNDLE_RATIO_MAX = 0.6  # issue 14: basic bundle's cold draw at 1,000 rows / the full bundle's
GWANGJU_FIRST_VISIT_MAX_BYTES = 600_000
GWANGJU_PATH = "/programs/gwangju-ai-cluster/"

# Recorded in the page before any of its scripts run.
INIT_SCRIPT = """
document.addEventListener("chart:drawn", function () {
  if (window.__chartDrawnAt === undefined) window.__chartDrawnAt = performance.now();
}, true);
"""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Site:
    base_url: str
    pages: dict[int, str]
    work_dir: Path
    gwangju: str = ""

    @property
    def static_root(self) -> Path:
        return self.work_dir / "static"


def site_environment(work: Path) -> dict[str, str]:
    """The environment of a production-like run in `work`: DEBUG off, plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "timeline.bench.settings",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "TRACKER_VAR_DIR": str(work),
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }


@contextmanager
def served_site(
    sizes: tuple[int, ...],
    *,
    claims_per: int = 3,
    seed: int = 0,
    gwangju: bool = False,
    progress: Progress = lambda m: None,
) -> Iterator[Site]:
    """Seed, collect static files and serve the site with gunicorn until the block ends (see the module docstring)."""
    work = Path(tempfile.mkdtemp(prefix="tracker-browser-bench-"))
    env = site_environment(work)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    process: subprocess.Popen | None = None
    try:
        progress(f"preparing {work}")
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, check=True)
        if gwangju:  # first: load_gwangju loads only into a database without programs
            subprocess.run([*manage, "load_gwangju"], env=env, check=True, stdout=subprocess.DEVNULL)
        for size in sizes:
            seed_args = [f"--milestones={size}", f"--claims-per={claims_per}", f"--seed={seed}", f"--prefix=s{size}"]
            subprocess.run(
                [*manage, "seed_synthetic", *seed_args],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], env=env, check=True)
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = open(work / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the process below
        process = subprocess.Popen(
            [str(gunicorn), "tracker.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/bench/bare/", process, work / "gunicorn.log")
        progress(f"gunicorn on {base}")
        yield Site(base, {size: f"/programs/s{size}-1/" for size in sizes}, work, GWANGJU_PATH if gwangju else "")
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
        shutil.rmtree(work, ignore_errors=True)


class _Transfer:
    """Bytes received per request of one page, from the DevTools protocol."""

    def __init__(self, cdp) -> None:
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.cached: set[str] = set()
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.loadingFinished", lambda e: self.bytes.__setitem__(e["requestId"], e["encodedDataLength"]))
        cdp.send("Network.enable")

    @property
    def total(self) -> int:
        return int(sum(self.bytes.values()))

    def by_resource(self, base: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for request_id, size in self.bytes.items():
            url = self.urls.get(request_id, "?")
            if url.startswith("data:"):
                continue
            path = url.removeprefix(base).split("?")[0]
            out[path] = out.get(path, 0) + int(size)
        return out


def _visit(page, url: str, base: str) -> dict:
    cdp = page.context.new_cdp_session(page)
    transfer = _Transfer(cdp)
    page.goto(url, wait_until="load")
    page.wait_for_selector('#gantt[data-drawn="true"]', timeout=60_000)
    drawn = page.evaluate("window.__chartDrawnAt")
    page.wait_for_load_state("networkidle")
    result = {
        "drawn_ms": drawn,
        "bytes": transfer.total,
        "requests": len(transfer.bytes),
        "from_cache": len(transfer.cached),
        "by_resource": transfer.by_resource(base),
    }
    cdp.detach()
    return result


def plotly_alone(browser, site: Site, script_url: str, repeat: int) -> float:
    """The floor under "chart drawn": ms until a page holding only plotly.min.js has run it, cold cache."""
    page_url = f"{site.base_url}/__plotly_alone__"
    html = f'<!doctype html><script src="{script_url}"></script><script>window.__ready = performance.now()</script>'
    times = []
    for _ in range(repeat):
        context = browser.new_context()
        context.route(page_url, lambda route: route.fulfill(body=html, content_type="text/html"))
        page = context.new_page()
        page.goto(page_url, wait_until="load")
        times.append(page.evaluate("window.__ready"))
        context.close()
    return statistics.median(times)


def measure(site: Site, *, repeat: int = 3, progress: Progress = lambda m: None) -> dict:
    """First and repeat visits of each page in fresh contexts of headless Chromium; medians of `repeat`."""
    from playwright.sync_api import sync_playwright

    results: dict = {"sizes": sorted(site.pages), "repeat": repeat, "pages": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size, path in sorted(site.pages.items()):
                progress(f"browser at {size} milestones")
                url = site.base_url + path
                firsts, repeats = [], []
                for _ in range(repeat):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.add_init_script(INIT_SCRIPT)
                    first_page = context.new_page()
                    firsts.append(_visit(first_page, url, site.base_url))
                    first_page.close()
                    repeats.append(_visit(context.new_page(), url, site.base_url))
                    context.close()
                results["pages"][size] = {
                    "first": _medians(firsts),
                    "repeat": _medians(repeats),
                }
            progress("plotly.min.js alone")
            script = next(path for path in firsts[-1]["by_resource"] if "plotly" in path)
            results["plotly_alone_ms"] = plotly_alone(browser, site, site.base_url + script, repeat)
            results["bundles"] = compare_bundles(browser, site, repeat=repeat, progress=progress)
            if site.gwangju:
                progress("the Gwangju page")
                results["gwangju"] = gwangju_first_visit(browser, site, repeat=repeat)
        finally:
            browser.close()
    _summarise(results)
    return results


# --- Bundles side by side, and the Gwangju page (issue 14) ---------------------------------


def bundle_urls(site: Site) -> dict[str, str]:
    """The hashed URLs of the bundle the site serves as plotly.min.js and of the full bundle, by kind."""
    from .staticfinders import FULL_PLOTLY_JS, PLOTLY_JS, PREFIX, plotly_bundle

    manifest = json.loads((site.static_root / "staticfiles.json").read_text())["paths"]
    served_kind = plotly_bundle()[0]
    urls = {"full": f"{site.base_url}/static/{manifest[f'{PREFIX}/{FULL_PLOTLY_JS}']}"}
    if served_kind == "basic":
        urls["basic"] = f"{site.base_url}/static/{manifest[f'{PREFIX}/{PLOTLY_JS}']}"
    return urls


def _cold_draw(browser, url: str, bundle_url: str) -> float:
    """ms from navigation to `chart:drawn` in a new context, the page's plotly.min.js fetched from `bundle_url`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(INIT_SCRIPT)
    context.route("**/timeline/vendor/plotly.min.*js", lambda route: route.continue_(url=bundle_url))
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_selector('#gantt[data-drawn="true"]', timeout=120_000)
        return page.evaluate("window.__chartDrawnAt")
    finally:
        context.close()


def compare_bundles(browser, site: Site, *, repeat: int, progress: Progress = lambda m: None) -> dict:
    """Median cold chart-drawn ms per size with each bundle, visited in alternating order, and basic / full."""
    urls = bundle_urls(site)
    out: dict = {"bundles": sorted(urls), "sizes": {}}
    for size, path in sorted(site.pages.items()):
        progress(f"bundles side by side at {size} milestones")
        times: dict[str, list[float]] = {kind: [] for kind in urls}
        for i in range(repeat):
            order = sorted(urls) if i % 2 == 0 else sorted(urls, reverse=True)
            for kind in order:
                times[kind].append(_cold_draw(browser, site.base_url + path, urls[kind]))
        medians = {kind: statistics.median(values) for kind, values in times.items()}
        row = {"drawn_ms": medians, "runs": times}
        if "basic" in medians:
            row["ratio"] = medians["basic"] / medians["full"]
        out["sizes"][size] = row
    return out


def gwangju_first_visit(browser, site: Site, *, repeat: int) -> dict:
    """The Gwangju page's first visit (new context, empty cache): median bytes and drawn ms, bytes per resource."""
    visits = []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_init_script(INIT_SCRIPT)
        visits.append(_visit(context.new_page(), site.base_url + site.gwangju, site.base_url))
        context.close()
    return _medians(visits)


def _bundle_targets(results: dict) -> list[dict]:
    targets = []
    row = results.get("bundles", {}).get("sizes", {}).get(DRAWN_TARGET_SIZE)
    if row and "ratio" in row:
        name = f"chart drawn cold at {DRAWN_TARGET_SIZE}, basic / full bundle"
        targets.append(_target(name, row["ratio"], "<=", BUNDLE_RATIO_MAX))
    if "gwangju" in results:
        name = "first visit bytes, Gwangju page"
        targets.append(_target(name, results["gwangju"]["bytes"], "<=", GWANGJU_FIRST_VISIT_MAX_BYTES))
    return targets


def _bundle_lines(results: dict) -> list[str]:
    lines = []
    bundles = results.get("bundles")
    if bundles:
        kinds = bundles["bundles"]
        header = " ".join(f"{k + ' ms':>9}" for k in kinds)
        lines.append(f"  chart drawn cold, by bundle (median): {'milestones':>10} {header} {'basic/full':>10}")
        for size, row in bundles["sizes"].items():
            ratio = f"{row['ratio']:.2f}" if "ratio" in row else "-"
            cells = " ".join(f"{row['drawn_ms'][k]:>9.0f}" for k in kinds)
            lines.append(f"  {'':38}{size:>10} {cells} {ratio:>10}")
        if "basic" not in kinds:
            lines.append("  (no basic bundle: npm ci has not installed plotly.js-basic-dist-min)")
    if "gwangju" in results:
        g = results["gwangju"]
        by_size = sorted(g["by_resource"].items(), key=lambda x: -x[1])
        parts = ", ".join(f"{url} {n / 1000:.0f} KB" for url, n in by_size)
        lines.append(f"  Gwangju page, first visit: {g['bytes'] / 1000:.0f} KB, drawn {g['drawn_ms']:.0f} ms: {parts}")
    return lines


def _medians(visits: list[dict]) -> dict:
    return {
        "drawn_ms": statistics.median(v["drawn_ms"] for v in visits),
        "bytes": int(statistics.median(v["bytes"] for v in visits)),
        "requests": visits[-1]["requests"],
        "from_cache": visits[-1]["from_cache"],
        "by_resource": visits[-1]["by_resource"],
    }


def _summarise(results: dict) -> None:
    targets = []
    for size, numbers in results["pages"].items():
        first, again = numbers["first"]["bytes"], numbers["repeat"]["bytes"]
        targets.append(_target(f"first visit bytes at {size}", first, "<=", FIRST_VISIT_MAX_BYTES))
        targets.append(_target(f"repeat visit bytes at {size}", again, "<=", REPEAT_VISIT_MAX_BYTES))
    if DRAWN_TARGET_SIZE in results["pages"]:
        drawn = results["pages"][DRAWN_TARGET_SIZE]["first"]["drawn_ms"]
        targets.append(_target(f"chart drawn at {DRAWN_TARGET_SIZE}, cold cache (ms)", drawn, "<=", DRAWN_MAX_MS))
    targets += _bundle_targets(results)
    results["targets"] = targets
    results["ok"] = all(t["ok"] for t in targets)


def _target(name: str, value: float, op: str, limit: float) -> dict:
    return {"name": name, "value": value, "op": op, "limit": limit, "ok": value <= limit}


def format_table(results: dict) -> str:
    lines = [
        f"Browser: headless Chromium, gunicorn 2 workers, DEBUG=0; median of {results['repeat']} visits",
        f"{'milestones':>10} {'drawn cold ms':>14} {'drawn warm ms':>14} {'first KB':>9} {'repeat KB':>10} "
        f"{'requests':>9} {'cached':>7}",
    ]
    for size, numbers in results["pages"].items():
        first, again = numbers["first"], numbers["repeat"]
        lines.append(
            f"{size:>10} {first['drawn_ms']:>14.0f} {again['drawn_ms']:>14.0f} {first['bytes'] / 1000:>9.0f} "
            f"{again['bytes'] / 1000:>10.0f} {first['requests']:>9} {again['from_cache']:>7}"
        )
    if "plotly_alone_ms" in results:
        lines.append(
            f"  plotly.min.js alone (a page with nothing else, cold cache): {results['plotly_alone_ms']:.0f} ms "
            "until it has run: the floor under 'drawn cold'"
        )
    for size, numbers in results["pages"].items():
        parts = ", ".join(
            f"{url} {n / 1000:.0f} KB"
            for url, n in sorted(numbers["first"]["by_resource"].items(), key=lambda x: -x[1])
        )
        lines.append(f"  first visit at {size}: {parts}")
    lines += _bundle_lines(results)
    lines += ["", "Targets"]
    for t in results["targets"]:
        value = f"{t['value']:.2f}" if t["value"] < 10 else f"{t['value']:.0f}"
        limit = f"{t['limit']:.2f}" if t["limit"] < 10 else f"{t['limit']:.0f}"
        lines.append(f"  [{'ok' if t['ok'] else 'MISS'}] {t['name']}: {value} (target {t['op']} {limit})")
    return "\n".join(lines)
