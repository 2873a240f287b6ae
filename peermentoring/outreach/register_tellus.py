"""What the tellus area adds to menus, home pages and to-dos."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu, register_todo
    from peermentoring.core.roles import PUPIL_ROLES
    from peermentoring.outreach import tellus_home
    from peermentoring.outreach.tellus_services import READERS

    # Each entry shows only to the roles its page lets in (the view's decorator): "Tell us"
    # to pupils (an entry of its own, not under a group), the reports to their readers.
    # Pupils reach "Tell us" from the card on their home page, the board and its QR codes:
    # a menu entry would give a mentor four, which spill onto a second line on a phone.
    register_menu(
        label="'Tell us' reports", url_name="outreach:tellus-reports", order=80, group="outreach"
    )
    register_menu(
        label="Who receives 'tell us' reports",
        url_name="outreach:tellus-recipients",
        order=85,
        group="school",
    )
    register_todo(key="tell-us", order=95, roles=PUPIL_ROLES, items=tellus_home.pupil_card)
    register_todo(key="tell-us-reports", order=5, roles=READERS, items=tellus_home.reports_to_read)
