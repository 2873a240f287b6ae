"""The tellus area's pages."""

from django.http import HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from peermentoring.schools.access import SchoolRequest, school_role_required


# placeholder: the tell-us helper replaces this (the board's QR code reverses
# "outreach:tell-us"; this page stands in for the form until it exists).
@require_GET
@school_role_required()
def _placeholder(request: SchoolRequest) -> HttpResponse:
    return HttpResponse("Tell us: the form is not built yet.", content_type="text/plain")


urlpatterns: list[URLPattern] = [
    path("tell-us/", _placeholder, name="tell-us"),  # placeholder: the tell-us helper replaces this
]
