"""The year area's pages, under /s/<school>/evaluation/year/."""

from django.urls import URLPattern, path

from peermentoring.evaluation import year_views

urlpatterns: list[URLPattern] = [
    path("year/", year_views.year_list, name="years"),
    path("year/<int:year_pk>/close/", year_views.year_close, name="year-close"),
    path("year/<int:year_pk>/report/", year_views.year_report, name="year-report"),
    path(
        "year/<int:year_pk>/report/download/",
        year_views.year_report_download,
        name="year-report-download",
    ),
]
