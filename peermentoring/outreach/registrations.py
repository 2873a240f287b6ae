"""Everything outreach adds to menus, home pages and figures: one module per area."""

from __future__ import annotations


def register() -> None:
    from peermentoring.outreach import (
        register_board,
        register_events,
        register_tellus,
        register_visits,
    )

    register_visits.register()
    register_events.register()
    register_board.register()
    register_tellus.register()
