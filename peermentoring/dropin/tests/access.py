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
