"""Who may reach each evaluation page and what a POST to it changes; merged into
schools/tests/test_access.py. Each area keeps its own table."""

from __future__ import annotations

from typing import Any

from peermentoring.evaluation.tests import (
    access_evidence,
    access_outcomes,
    access_report,
    access_trust,
    access_year,
)
from tests.support.access import Access

_AREAS = (access_report, access_outcomes, access_evidence, access_year, access_trust)

ACCESS: dict[str, Access] = {k: v for area in _AREAS for k, v in area.ACCESS.items()}
FOREIGN_POSTS: dict[str, Any] = {k: v for area in _AREAS for k, v in area.FOREIGN_POSTS.items()}
PUBLIC: dict[str, str] = {k: v for area in _AREAS for k, v in getattr(area, "PUBLIC", {}).items()}
NO_ROW_FIELDS: set[str] = {f for area in _AREAS for f in getattr(area, "NO_ROW_FIELDS", set())}
