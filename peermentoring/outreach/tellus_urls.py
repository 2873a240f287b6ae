"""The tellus area's pages. The pupils' form stays at `tell-us/`, the prefix the access logs
write without an address, user or browser (core/privacy.py `is_anonymous_path`); the staff's
pages are elsewhere (`tell-us-reports/`), logged as any other page."""

from django.urls import URLPattern, path

from peermentoring.outreach import tellus_views

urlpatterns: list[URLPattern] = [
    path("tell-us/", tellus_views.tell_us, name="tell-us"),
    path("tell-us-reports/", tellus_views.report_list, name="tellus-reports"),
    path("tell-us-reports/<int:report_pk>/", tellus_views.report_detail, name="tellus-report"),
    path("tell-us-reports/recipients/", tellus_views.recipients, name="tellus-recipients"),
]
