"""What the board area adds: the bullying board in the menu (everyone in the school), and
its items as slides on the drop-in's corridor screen."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu
    from peermentoring.dropin.screen_slides import register_screen_slides
    from peermentoring.outreach import board_screen

    register_menu(label="Bullying board", url_name="outreach:board", order=50, group="outreach")
    register_screen_slides("outreach-bullying-board", board_screen.slides)
