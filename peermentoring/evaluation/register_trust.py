"""What the trust area adds to menus, home pages and to-dos."""

from __future__ import annotations


def register() -> None:
    return None
