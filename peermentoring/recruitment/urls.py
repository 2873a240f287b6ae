from django.urls import path

from peermentoring.recruitment import pupil_views, views

app_name = "recruitment"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("new/", views.round_edit, name="round-create"),
    path("<int:round_pk>/", views.round_detail, name="round-detail"),
    path("<int:round_pk>/edit/", views.round_edit, name="round-edit"),
    path("<int:round_pk>/scores/", views.round_scores, name="round-scores"),
    path("<int:round_pk>/rank/", views.round_rank, name="round-rank"),
    path("<int:round_pk>/offers/", views.round_offer, name="round-offer"),
    path("<int:round_pk>/paper/", views.paper_application, name="paper-application"),
    path("<int:round_pk>/apply/", pupil_views.apply, name="apply"),
    path("<int:round_pk>/respond/", pupil_views.offer_respond, name="offer-respond"),
    path(
        "applications/<int:application_pk>/",
        views.application_detail,
        name="application-detail",
    ),
    path(
        "applications/<int:application_pk>/shortlist/",
        views.application_shortlist,
        name="application-shortlist",
    ),
    path(
        "applications/<int:application_pk>/decline/",
        views.application_decline,
        name="application-decline",
    ),
    path(
        "applications/<int:application_pk>/reference/",
        views.reference_request,
        name="reference-request",
    ),
    path(
        "applications/<int:application_pk>/interview/",
        views.interview_book,
        name="interview-book",
    ),
    path(
        "applications/<int:application_pk>/consent/",
        views.consent_record,
        name="consent-record",
    ),
    path("mentors/<int:mentor_pk>/hoodie/", views.hoodie_size, name="hoodie-size"),
    path("interviews/", pupil_views.panel_list, name="panel-list"),
    path("interviews/<int:interview_pk>/", pupil_views.interview_score, name="interview-score"),
]
