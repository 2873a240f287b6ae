"""Who may reach each visits page; merged in tests/access.py."""

from __future__ import annotations

from typing import Any

from tests.support.access import Access

ACCESS: dict[str, Access] = {}
FOREIGN_POSTS: dict[str, Any] = {}
