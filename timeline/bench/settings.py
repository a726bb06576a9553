"""Settings for the load and browser benchmarks (.ci/loadtest, manage.py bench_browser): the site's, plus a bare view.

Everything comes from tracker.settings and the environment, as in production; only the
URLconf differs, adding `/bench/bare/` (see timeline.bench.urls) as the ceiling to compare with.
"""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "timeline.bench.urls"
# Also the full plotly.js bundle, as timeline/vendor/plotly-full.min.js: bench_browser draws with both.
STATICFILES_FINDERS = [*STATICFILES_FINDERS, "timeline.staticfinders.FullPlotlyFinder"]  # noqa: F405
