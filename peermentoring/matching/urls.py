from django.urls import path

from peermentoring.matching import match_views, views

app_name = "matching"

urlpatterns = [
    path("", match_views.matching_home, name="home"),
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/pupil/<int:pupil_pk>/", views.referral_create, name="referral-create"),
    path("referrals/<int:referral_pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:referral_pk>/edit/", views.referral_edit, name="referral-edit"),
    path("referrals/<int:referral_pk>/review/", views.referral_review, name="referral-review"),
    path("referrals/categories/", views.category_list, name="category-list"),
    path("referrals/categories/<int:category_pk>/", views.category_edit, name="category-edit"),
    path("primary-links/", views.link_list, name="link-list"),
    path("primary-links/<int:link_pk>/revoke/", views.link_revoke, name="link-revoke"),
    path("weights/", match_views.matching_settings, name="settings"),
    path("mentors/", match_views.mentor_list, name="mentor-list"),
    path("mentors/<int:mentor_pk>/", match_views.mentor_edit, name="mentor-edit"),
    path("do-not-pair/", match_views.do_not_pair_list, name="do-not-pair"),
    path(
        "do-not-pair/<int:entry_pk>/remove/",
        match_views.do_not_pair_remove,
        name="do-not-pair-remove",
    ),
    path("runs/new/", match_views.run_start, name="run-start"),
    path("runs/<int:run_pk>/", match_views.run_detail, name="run-detail"),
    path("runs/<int:run_pk>/adjust/", match_views.run_adjust, name="run-adjust"),
    path("runs/<int:run_pk>/confirm/", match_views.run_confirm, name="run-confirm"),
    path("pairings/", match_views.pairing_list, name="pairing-list"),
    path("pairings/<int:pairing_pk>/end/", match_views.pairing_end, name="pairing-end"),
    path("my-mentee/", match_views.my_mentee, name="my-mentee"),
]
