"""What the events area adds to menus, home pages and to-dos: events and mentors'
contributions for staff; a mentor's link to their own contribution on their home page (so
their short menu stays short); the coordinator's reminder to add this year's
Anti-Bullying Week."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu, register_todo
    from peermentoring.core.roles import Role
    from peermentoring.outreach import event_home

    # Each entry shows only to the roles its page lets in (the view's decorator).
    register_menu(label="Events", url_name="outreach:events", order=40, group="outreach")
    register_menu(
        label="Mentors' contributions",
        url_name="outreach:contributions",
        order=45,
        group="outreach",
    )
    register_todo(
        key="outreach-my-contribution",
        order=94,
        roles=[Role.MENTOR],
        items=event_home.my_contribution_link,
    )
    register_todo(
        key="outreach-anti-bullying-week",
        order=50,
        roles=[Role.COORDINATOR],
        items=event_home.anti_bullying_week_items,
    )
