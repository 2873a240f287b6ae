"""What the visits area adds to menus and home pages."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_home_figure, register_menu, register_todo
    from peermentoring.core.roles import STAFF_HOME_ROLES, Role
    from peermentoring.dropin import visit_home

    # Each entry shows only to the roles its page lets in (the view's decorator).
    register_menu(label="Drop-in room", url_name="dropin:overview", order=50, group="dropin")
    register_menu(label="Drop-in visits", url_name="dropin:visits", order=55, group="dropin")
    register_menu(
        label="When mentors can be on duty",
        url_name="dropin:availability",
        order=70,
        group="dropin",
    )
    register_menu(
        label="Drop-in rooms and times", url_name="dropin:rooms", order=55, group="school"
    )

    # Pupils: the room's card for mentees and Year 7 pupils (the mentor's duty card, with
    # its 'record who came' link, is the rota's: rota_home.my_duty_card).
    register_todo(
        key="dropin-room",
        order=7,
        roles=[Role.MENTEE, Role.PUPIL],
        items=visit_home.dropin_card,
    )

    # Staff: as "Meetings this term" (meetings/apps.py), every staff home page, the trust
    # lead's too (without a link: the page is not theirs).
    register_home_figure(
        key="dropin-visits-this-term",
        order=35,
        label="Drop-in visits this term",
        roles=STAFF_HOME_ROLES,
        value=visit_home.visits_this_term,
        url_name="dropin:overview",
    )
