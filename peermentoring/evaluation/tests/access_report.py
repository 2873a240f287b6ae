"""Who may reach each page of the report area, and what a POST to it changes.

The term report, its charts and its downloads are for the school's staff (coordinator,
school admin, safeguarding lead and deputies), as the meetings overview; pupils and the
trust lead get 403 (the trust lead has the trust view). Nothing is posted.
"""

from __future__ import annotations

from typing import Any

from tests.support.access import GET, STAFF, Access
from tests.support.factories import this_year


def _a_term(school: Any, viewer: Any) -> dict[str, str]:
    """The school's year and terms, so the latest begun term is the report's default."""
    this_year(school)
    return {}


def _chart(school: Any, viewer: Any) -> dict[str, str]:
    this_year(school)
    return {"chart": "weeks"}


ACCESS: dict[str, Access] = {
    "evaluation:report": Access(STAFF, None, GET),
    "evaluation:report-download": Access(STAFF, _a_term, GET),
    "evaluation:report-chart": Access(STAFF, _chart, GET),
}
FOREIGN_POSTS: dict[str, Any] = {}
