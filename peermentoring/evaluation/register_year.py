"""What the year area adds to menus, home pages and to-dos: "Closing the year" under Reports."""

from __future__ import annotations

from peermentoring.core.registry import register_menu


def register() -> None:
    register_menu(label="Closing the year", url_name="evaluation:years", order=90, group="report")
