"""Who may reach each outreach page and what a POST to it changes; merged into
schools/tests/test_access.py. Each area keeps its own table."""

from __future__ import annotations

from typing import Any

from peermentoring.outreach.tests import access_board, access_events, access_tellus, access_visits
from tests.support.access import Access

_AREAS = (access_visits, access_events, access_board, access_tellus)

ACCESS: dict[str, Access] = {k: v for area in _AREAS for k, v in area.ACCESS.items()}
FOREIGN_POSTS: dict[str, Any] = {k: v for area in _AREAS for k, v in area.FOREIGN_POSTS.items()}
# Pages without sign-in (tests/support/access.py `app_public_pages`), and POST pages whose
# body names no row: each area's, if it has any.
PUBLIC: dict[str, str] = {k: v for area in _AREAS for k, v in getattr(area, "PUBLIC", {}).items()}
NO_ROW_FIELDS: set[str] = {f for area in _AREAS for f in getattr(area, "NO_ROW_FIELDS", set())}
