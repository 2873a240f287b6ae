"""What the board area adds: the bullying board in the staff's menu and on every pupil's
home page (a link, so a pupil's short menu stays short), and its items as slides on the
drop-in's corridor screen."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu, register_todo
    from peermentoring.core.roles import PUPIL_ROLES
    from peermentoring.dropin.screen_slides import register_screen_slides
    from peermentoring.outreach import board_home, board_screen

    # The staff's page of every item; pupils see the board from their home page.
    register_menu(
        label="Bullying board", url_name="outreach:board-items", order=50, group="outreach"
    )
    # Just above "I'm worried about someone" (safeguarding's, order 99).
    register_todo(key="outreach-board", order=95, roles=PUPIL_ROLES, items=board_home.board_link)
    register_screen_slides("outreach-bullying-board", board_screen.slides)
