"""What the rota area adds to menus and home pages."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import MENU_GROUPS, register_menu, register_todo
    from peermentoring.core.roles import Role
    from peermentoring.dropin import rota_home

    # Under "Drop-in" once the menu has that group (core/registry.py), else with meetings.
    group = "dropin" if "dropin" in MENU_GROUPS else "meet"
    register_menu(label="Duty rota", url_name="dropin:rotas", order=30, group=group)
    register_menu(label="My duties", url_name="dropin:my-duties", order=25)
    register_todo(key="my-duties", order=6, roles=[Role.MENTOR], items=rota_home.my_duty_card)
    register_todo(key="dropin-rota", order=45, roles=[Role.COORDINATOR], items=rota_home.rota_items)
