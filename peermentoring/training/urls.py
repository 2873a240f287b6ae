from django.urls import path

from peermentoring.training import views

app_name = "training"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("modules/new/", views.module_edit, name="module-create"),
    path("modules/<int:module_pk>/", views.module_edit, name="module-edit"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:session_pk>/", views.session_register, name="session-register"),
    path("grid/", views.grid, name="grid"),
    path("trainees/<int:mentor_pk>/catch-up/", views.catch_up, name="catch-up"),
    path("trainees/<int:mentor_pk>/certificate/", views.certificate, name="certificate"),
    path("badges/", views.badge_list, name="badge-list"),
]
