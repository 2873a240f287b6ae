"""Evaluation's pages under /s/<school>/evaluation/; each area keeps its own list."""

from peermentoring.evaluation import evidence_urls, outcomes_urls, report_urls, year_urls

app_name = "evaluation"

urlpatterns = [
    *report_urls.urlpatterns,
    *outcomes_urls.urlpatterns,
    *evidence_urls.urlpatterns,
    *year_urls.urlpatterns,
]
