from django.urls import path

from peermentoring.meetings import staff_views, views

app_name = "meetings"

urlpatterns = [
    # The mentor's pages (views.py).
    path("my-mentee/", views.my_mentee, name="my-mentee"),
    path("log/", views.log_meeting, name="log"),
    path(
        "my-mentee/<int:pairing_pk>/usual/",
        views.usual_windows_edit,
        name="usual-windows",
    ),
    # The coordinator's pages (staff_views.py).
    path("", staff_views.overview, name="staff-overview"),
    path("pairings/<int:pairing_pk>/", staff_views.pairing_meetings, name="staff-pairing"),
    path(
        "pairings/<int:pairing_pk>/windows/",
        staff_views.pairing_windows,
        name="staff-pairing-windows",
    ),
    path("pairings/<int:pairing_pk>/log/", staff_views.pairing_log, name="staff-log"),
    path("<int:meeting_pk>/correct/", staff_views.meeting_correct, name="staff-correct"),
    path("week/", staff_views.week_counts, name="staff-week"),
    path("topics/", staff_views.topic_list, name="staff-topics"),
]
