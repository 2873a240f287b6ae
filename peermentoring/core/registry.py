"""What each app adds to the shared pages, registered in its AppConfig.ready().

The foundation renders what is registered and imports none of the apps: the menu
of a school's pages, the figures on the staff home page and each role's to-do items.
A membership is passed around as `Any` because core knows nothing of schools.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

# --- The school menu ---------------------------------------------------------------


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


# --- Figures on the home page ------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number as the home page shows it, with a link to the rows behind it if any."""

    label: str
    value: int
    url: str = ""


@dataclass(frozen=True)
class HomeFigure:
    key: str  # names the figure; registering the same key again replaces it
    order: int  # place among the figures, lowest first
    label: str
    roles: frozenset[str]  # the roles whose home page shows it
    value: Callable[[Any], int]  # receives the viewer's membership
    url_name: str = ""  # a school page listing the rows counted, "namespace:name"


_figures: dict[str, HomeFigure] = {}


def register_home_figure(
    *,
    key: str,
    order: int,
    label: str,
    roles: Iterable[str],
    value: Callable[[Any], int],
    url_name: str = "",
) -> None:
    """Add one figure to the home page of the given roles."""
    _figures[key] = HomeFigure(
        key=key,
        order=order,
        label=label,
        roles=frozenset(roles),
        value=value,
        url_name=url_name,
    )


def home_figures(membership: Any) -> list[Figure]:
    """The figures registered for the membership's role, worked out for its school, in order."""
    figures = []
    for entry in sorted(_figures.values(), key=lambda entry: entry.order):
        if membership.role not in entry.roles:
            continue
        url = (
            reverse(entry.url_name, kwargs={"school_slug": membership.school.slug})
            if entry.url_name
            else ""
        )
        figures.append(Figure(label=entry.label, value=entry.value(membership), url=url))
    return figures


# --- Each role's to-do items -------------------------------------------------------


@dataclass(frozen=True)
class TodoItem:
    """One thing for the person to do: where it is done and, if it helps, how many wait.

    An item shown as a card of its own names the app's partial (`template`), which
    receives the item as `item`; `detail` holds what that partial needs (a row).
    """

    label: str
    url: str
    count: int | None = None
    template: str = ""
    detail: Any = None


@dataclass(frozen=True)
class TodoSource:
    key: str  # names the source; registering the same key again replaces it
    order: int  # place in the list, lowest first
    roles: frozenset[str]  # the roles whose home page lists its items
    items: Callable[[Any], list[TodoItem]]  # receives the viewer's membership


_todos: dict[str, TodoSource] = {}


def register_todo(
    *, key: str, order: int, roles: Iterable[str], items: Callable[[Any], list[TodoItem]]
) -> None:
    """Add a source of to-do items to the home page of the given roles."""
    _todos[key] = TodoSource(key=key, order=order, roles=frozenset(roles), items=items)


def todo_items(membership: Any) -> list[TodoItem]:
    """The to-do items of every source registered for the membership's role, in order."""
    items: list[TodoItem] = []
    for source in sorted(_todos.values(), key=lambda source: source.order):
        if membership.role in source.roles:
            items.extend(source.items(membership))
    return items
