"""The site's URLs plus a bare view, for the page benchmark's server only (see bench_settings.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from peermentoring.urls import urlpatterns as site_urlpatterns

BARE_PATH = "bench/bare/"


def bare(request: HttpRequest) -> HttpResponse:
    """Nothing but Django's request and response, through the site's middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(BARE_PATH, bare, name="bench-bare"), *site_urlpatterns]
