"""Who may reach each drop-in page and what a POST to it changes; merged into
schools/tests/test_access.py. Each area keeps its own table."""

from __future__ import annotations

from typing import Any

from peermentoring.dropin.tests import access_board, access_rota, access_visits
from tests.support.access import Access

ACCESS: dict[str, Access] = {**access_visits.ACCESS, **access_rota.ACCESS, **access_board.ACCESS}
FOREIGN_POSTS: dict[str, Any] = {
    **access_visits.FOREIGN_POSTS,
    **access_rota.FOREIGN_POSTS,
    **access_board.FOREIGN_POSTS,
}
# Pages without sign-in (tests/support/access.py `app_public_pages`), and POST pages whose
# body names no row: each area's, if it has any.
PUBLIC: dict[str, str] = {
    **getattr(access_visits, "PUBLIC", {}),
    **getattr(access_rota, "PUBLIC", {}),
    **getattr(access_board, "PUBLIC", {}),
}
NO_ROW_FIELDS: set[str] = {
    *getattr(access_visits, "NO_ROW_FIELDS", set()),
    *getattr(access_rota, "NO_ROW_FIELDS", set()),
    *getattr(access_board, "NO_ROW_FIELDS", set()),
}
