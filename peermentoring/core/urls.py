from django.urls import path

from peermentoring.core import views

app_name = "core"

urlpatterns = [
    path("messages/", views.notification_list, name="notification-list"),
    path("messages/<int:notification_pk>/open/", views.notification_open, name="notification-open"),
    path("messages/read-all/", views.notification_read_all, name="notification-read-all"),
    path("audit/", views.audit_list, name="audit-list"),
    path("reads/", views.read_list, name="read-list"),
    path("emails/", views.email_list, name="email-list"),
    path("emails/<int:email_pk>/retry/", views.email_retry, name="email-retry"),
]
