from django.urls import path

from peermentoring.meetings import views

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
]
