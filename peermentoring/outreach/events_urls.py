"""The events area's pages: events (event_views.py) and mentors' contributions
(contribution_views.py), under /s/<school>/outreach/."""

from django.urls import URLPattern, path

from peermentoring.outreach import contribution_views, event_views

urlpatterns: list[URLPattern] = [
    path("events/", event_views.event_list, name="events"),
    path("events/add/", event_views.event_add, name="event-add"),
    path("events/<int:event_pk>/", event_views.event_detail, name="event"),
    path("events/<int:event_pk>/change/", event_views.event_edit, name="event-edit"),
    path("events/<int:event_pk>/delete/", event_views.event_delete, name="event-delete"),
    path("contributions/", contribution_views.contribution_list, name="contributions"),
    path(
        "contributions/download/",
        contribution_views.contribution_download,
        name="contributions-download",
    ),
    path(
        "contributions/certificates/",
        contribution_views.certificates,
        name="certificates",
    ),
    path(
        "contributions/<int:mentor_pk>/",
        contribution_views.contribution_detail,
        name="contribution",
    ),
    path(
        "contributions/<int:mentor_pk>/certificate/",
        contribution_views.certificate,
        name="certificate",
    ),
    path("my-contribution/", contribution_views.my_contribution, name="my-contribution"),
    path(
        "my-contribution/<int:mentor_pk>/",
        contribution_views.my_contribution_year,
        name="my-contribution-year",
    ),
]
