from django.urls import path

from peermentoring.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.concern_list, name="concern-list"),
    path("raise/", views.concern_raise, name="concern-raise"),
    path("received/<int:concern_pk>/", views.concern_received, name="concern-received"),
    path("concerns/<int:concern_pk>/", views.concern_detail, name="concern-detail"),
    path(
        "concerns/<int:concern_pk>/print/",
        views.concern_export,
        {"fmt": "print"},
        name="concern-print",
    ),
    path(
        "concerns/<int:concern_pk>/export.json",
        views.concern_export,
        {"fmt": "json"},
        name="concern-json",
    ),
    path("pupils/<int:pupil_pk>/", views.pupil_chronology, name="pupil-chronology"),
    path("pupils/<int:pupil_pk>/export.json", views.pupil_export, name="pupil-json"),
    path("status/", views.concern_status, name="concern-status"),
    path("access-log/", views.access_log, name="access-log"),
    path("settings/", views.safeguarding_settings, name="settings"),
]
