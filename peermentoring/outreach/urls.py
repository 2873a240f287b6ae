"""Outreach's pages; each area keeps its own list (visits, events, board, tell us)."""

from peermentoring.outreach import board_urls, events_urls, tellus_urls, visits_urls

app_name = "outreach"

urlpatterns = [
    *visits_urls.urlpatterns,
    *events_urls.urlpatterns,
    *board_urls.urlpatterns,
    *tellus_urls.urlpatterns,
]
