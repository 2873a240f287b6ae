"""The drop-in room's pages; each area keeps its own list (rota, board, visits)."""

from peermentoring.dropin import board_urls, rota_urls, visit_urls

app_name = "dropin"

urlpatterns = [*visit_urls.urlpatterns, *rota_urls.urlpatterns, *board_urls.urlpatterns]
