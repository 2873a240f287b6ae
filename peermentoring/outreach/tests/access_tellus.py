"""Who may reach each page of the tellus area, and what a POST to it changes."""

from __future__ import annotations

from typing import Any

from tests.support.access import EVERYONE, GET, Access

ACCESS: dict[str, Access] = {
    # placeholder: the tell-us helper replaces this (tellus_urls.py's stand-in page)
    "outreach:tell-us": Access(EVERYONE, None, GET),
}
FOREIGN_POSTS: dict[str, Any] = {}
