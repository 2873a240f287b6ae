"""What the report area adds to menus, home pages and to-dos."""

from __future__ import annotations

from peermentoring.core.registry import register_menu


def register() -> None:
    register_menu(label="Term report", url_name="evaluation:report", order=10, group="report")
