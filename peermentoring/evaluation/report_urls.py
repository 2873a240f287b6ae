"""The report area's pages."""

from django.urls import URLPattern, path

from peermentoring.evaluation import report_views

urlpatterns: list[URLPattern] = [
    path("report/", report_views.report_page, name="report"),
    path("report/download/", report_views.report_download, name="report-download"),
    path("report/chart/<slug:chart>.svg", report_views.report_chart, name="report-chart"),
]
