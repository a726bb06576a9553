"""Benchmarks and their synthetic data, beside the product: nothing the site imports.

`measure` (manage.py bench: figure and page in one process), `browser` (manage.py
bench_browser: Chromium against gunicorn), `synthetic` (manage.py seed_synthetic),
and `settings`/`urls` (the site's settings plus a bare view, for .ci/loadtest).
"""
