from django.urls import path

from peermentoring.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("groups/new/", views.group_edit, name="group-create"),
    path("groups/<int:group_pk>/edit/", views.group_edit, name="group-edit"),
    path("groups/<int:group_pk>/", views.group_week, name="group-week"),
    path("sessions/<int:session_pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:session_pk>/cover/", views.session_cover, name="session-cover"),
    path("actions/", views.action_list, name="action-list"),
    path("actions/<int:action_pk>/close/", views.action_close, name="action-close"),
]
