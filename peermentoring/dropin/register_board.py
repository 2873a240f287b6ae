"""What the board area adds to menus: the notice board, mentors' photos, screens and
calendars for staff; a mentor's own calendar link."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu

    # Under "Meetings", where the drop-in's other pages are; each page's roles decide who sees it.
    register_menu(label="Notice board", url_name="dropin:board", order=60, group="dropin")
    register_menu(label="Mentor photos", url_name="dropin:photos", order=62, group="dropin")
    register_menu(
        label="Screens and calendars", url_name="dropin:screens", order=64, group="dropin"
    )
