"""Everything the drop-in adds to menus, home pages and figures: one module per area."""

from __future__ import annotations


def register() -> None:
    from peermentoring.dropin import register_board, register_rota, register_visits

    register_visits.register()
    register_rota.register()
    register_board.register()
