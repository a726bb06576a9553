"""A URL that fails on purpose, for the logging test (tests/test_truth.py)."""

from django.urls import path


def boom(request):
    raise RuntimeError("boom-for-the-logging-test")


urlpatterns = [path("boom/", boom)]
