"""What the visits area adds to menus, home pages and to-dos."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu, register_todo
    from peermentoring.core.roles import Role
    from peermentoring.outreach import visit_home

    # Shown to the roles the page lets in (staff: the safeguarding lead and deputies read it).
    register_menu(label="Primary visits", url_name="outreach:visits", order=10, group="outreach")
    register_todo(
        key="outreach-visits", order=40, roles=[Role.COORDINATOR], items=visit_home.todo_items
    )
