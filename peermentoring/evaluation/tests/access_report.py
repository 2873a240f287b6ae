"""Who may reach each page of the report area, and what a POST to it changes."""

from __future__ import annotations

from typing import Any

from tests.support.access import Access

ACCESS: dict[str, Access] = {}
FOREIGN_POSTS: dict[str, Any] = {}
