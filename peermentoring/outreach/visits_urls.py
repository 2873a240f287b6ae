"""The visits area's pages, under /s/<school>/outreach/: the Visits page, each visit, its
follow-ups, and the page a primary answers the plan on (a signed link, no sign-in)."""

from django.urls import URLPattern, path

from peermentoring.outreach import visit_public_views, visit_views

urlpatterns: list[URLPattern] = [
    path("visits/", visit_views.visit_list, name="visits"),
    path("visits/new/", visit_views.visit_new, name="visit-new"),
    path("visits/<int:visit_pk>/", visit_views.visit_detail, name="visit"),
    path("visits/<int:visit_pk>/change/", visit_views.visit_edit, name="visit-edit"),
    path("visits/<int:visit_pk>/send/", visit_views.visit_send, name="visit-send"),
    path("visits/<int:visit_pk>/cancel/", visit_views.visit_cancel, name="visit-cancel"),
    path("visits/<int:visit_pk>/record/", visit_views.visit_record, name="visit-record"),
    path(
        "visits/<int:visit_pk>/follow-ups/",
        visit_views.follow_up_add,
        name="visit-follow-up-add",
    ),
    path(
        "visits/follow-ups/<int:follow_up_pk>/refer/",
        visit_views.follow_up_refer,
        name="visit-follow-up-refer",
    ),
    path(
        "visits/follow-ups/<int:follow_up_pk>/done/",
        visit_views.follow_up_done,
        name="visit-follow-up-done",
    ),
    # Without sign-in: the primary's answer, through the signed link e-mailed to them (the
    # token is written as "[token]" in the access logs: core/privacy.py).
    path("visit-plan/<str:token>/", visit_public_views.visit_plan, name="visit-plan"),
]
