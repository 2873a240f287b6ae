"""What the board area adds to menus and home pages."""

from __future__ import annotations


def register() -> None:
    pass
