from django.urls import path

from peermentoring.matching import match_views

app_name = "matching"

urlpatterns = [
    path("", match_views.matching_home, name="home"),
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
