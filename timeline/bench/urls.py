"""The site's URLs plus `/bench/bare/`: a view that does nothing, behind the same middleware, for the load test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from tracker.urls import urlpatterns as site_urlpatterns


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *site_urlpatterns]
