"""What the year area adds to menus, home pages and to-dos: "Closing the year" under
Reports, and the coordinator's to-do to close the year in the summer term's last weeks."""

from __future__ import annotations

from peermentoring.core.registry import register_menu, register_todo
from peermentoring.core.roles import Role


def register() -> None:
    from peermentoring.evaluation import year_home

    register_menu(label="Closing the year", url_name="evaluation:years", order=90, group="report")
    register_todo(
        key="evaluation-close-year",
        order=85,
        roles=[Role.COORDINATOR],
        items=year_home.close_year_items,
    )
