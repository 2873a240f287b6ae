"""What each app adds to the shared pages, registered in its AppConfig.ready().

The foundation renders what is registered and imports none of the apps: the menu
of a school's pages today; the home-page figures and each role's to-do items next.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuEntry:
    order: int  # place in the menu, lowest first
    label: str
    url_name: str  # a school page, "namespace:name"; its roles decide who sees it


_menu: dict[str, MenuEntry] = {}


def register_menu(*, label: str, url_name: str, order: int) -> None:
    """Add one school page to the menu (registering the same page again replaces it)."""
    _menu[url_name] = MenuEntry(order=order, label=label, url_name=url_name)


def menu_entries() -> list[MenuEntry]:
    """Every registered menu entry, in menu order."""
    return sorted(_menu.values(), key=lambda entry: entry.order)
