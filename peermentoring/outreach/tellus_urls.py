"""The tellus area's pages."""

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from peermentoring.schools.access import SchoolRequest, school_role_required

# placeholder: the tell-us helper replaces this (the board's QR code reverses
# "outreach:tell-us"; this page stands in for the form until it exists).
_PLACEHOLDER = Template(
    '{% extends "base.html" %}{% block title %}Tell us{% endblock %}'
    "{% block content %}<h1>Tell us</h1><p>The form is not built yet.</p>{% endblock %}"
)


@require_GET
@school_role_required()
def _placeholder(request: SchoolRequest) -> HttpResponse:
    # placeholder: the tell-us helper replaces this
    return HttpResponse(_PLACEHOLDER.render(RequestContext(request)))


urlpatterns: list[URLPattern] = [
    path("tell-us/", _placeholder, name="tell-us"),  # placeholder: the tell-us helper replaces this
]
