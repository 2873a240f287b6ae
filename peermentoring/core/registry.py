"""What each app adds to the shared pages, registered in its AppConfig.ready().

The foundation renders what is registered and imports none of the apps: the menu
of a school's pages, the figures on the staff home page and each role's to-do items.
A membership is passed around as `Any` because core knows nothing of schools.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import get_script_prefix, get_urlconf, resolve, reverse

# --- The school menu ---------------------------------------------------------------

# The menu follows the scheme's year, then the school's own settings. Each group is one
# heading in the menu (a drop-down on a wide screen); a group with one page for this
# person is shown as that page's link. An entry with no group (Home) stands on its own.
MENU_GROUPS: dict[str, str] = {
    "recruit": "Recruitment",
    "train": "Training",
    "match": "Referrals and matching",
    "meet": "Meetings",
    "dropin": "Drop-in",
    "outreach": "Outreach",
    "report": "Reports",
    "school": "School",
}


@dataclass(frozen=True)
class MenuEntry:
    order: int  # place in the menu (within its group), lowest first
    label: str
    url_name: str  # a school page, "namespace:name"; its roles decide who sees it
    group: str = ""  # a key of MENU_GROUPS, or "" for an entry of its own


_menu: dict[str, MenuEntry] = {}


def register_menu(*, label: str, url_name: str, order: int, group: str = "") -> None:
    """Add one school page to the menu (registering the same page again replaces it)."""
    if group and group not in MENU_GROUPS:
        raise ValueError(f"Unknown menu group {group!r}: use one of {', '.join(MENU_GROUPS)}.")
    _menu[url_name] = MenuEntry(order=order, label=label, url_name=url_name, group=group)
    _menu_links.clear()


def menu_entries() -> list[MenuEntry]:
    """Every registered menu entry in menu order: those of no group, then group by group."""
    groups = list(MENU_GROUPS)
    return sorted(
        _menu.values(),
        key=lambda entry: (groups.index(entry.group) + 1 if entry.group else 0, entry.order),
    )


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    group: str  # as its entry's


# The menu's links by (school slug, role, urlconf, script prefix), worked out on first use:
# a page's address and roles do not change while the process runs, so each page need not
# reverse every entry again. Registering an entry, or a new registry (a test's), starts afresh.
_menu_links: dict[tuple[str, str, str | None, str], tuple[MenuLink, ...]] = {}
_menu_links_from: list[dict[str, MenuEntry]] = [_menu]


def menu_links(school_slug: str, role: str) -> tuple[MenuLink, ...]:
    """The menu's entries this role may open, in menu order, with their addresses in the school."""
    if _menu_links_from[0] is not _menu:
        _menu_links.clear()
        _menu_links_from[0] = _menu
    key = (school_slug, role, get_urlconf(), get_script_prefix())
    if key not in _menu_links:
        links = []
        for entry in menu_entries():
            url = reverse(entry.url_name, kwargs={"school_slug": school_slug})
            if _may_open(role, entry.url_name, url):
                links.append(MenuLink(label=entry.label, url=url, group=entry.group))
        _menu_links[key] = tuple(links)
    return _menu_links[key]


# --- Links to a school's pages, for the roles that may open them ---------------------


_page_roles: dict[str, tuple[str, ...]] = {}


def page_roles(url_name: str, url: str) -> tuple[str, ...]:
    """The roles a school page lets in, read from its view's decorator (none: everyone)."""
    if url_name not in _page_roles:
        _page_roles[url_name] = tuple(getattr(resolve(url).func, "school_roles", ()))
    return _page_roles[url_name]


def _may_open(role: str, url_name: str, url: str) -> bool:
    roles = page_roles(url_name, url)
    return not roles or role in roles


_school_urls: dict[tuple[str, str, str | None, str], str] = {}


def school_url(membership: Any, url_name: str, query: str = "", **kwargs: Any) -> str:
    """The school page's address for this member, or "" if their role may not open it.

    Figures and to-do items link through this, so nobody is shown a link to a 403.
    `kwargs` are the page's own (a row's pk); `query` its filter ("show=queue").
    """
    slug = membership.school.slug
    if kwargs:
        url = reverse(url_name, kwargs={"school_slug": slug, **kwargs})
    else:
        # A page of the school as a whole (a list): its address is worked out once.
        key = (url_name, slug, get_urlconf(), get_script_prefix())
        if key not in _school_urls:
            _school_urls[key] = reverse(url_name, kwargs={"school_slug": slug})
        url = _school_urls[key]
    if not _may_open(membership.role, url_name, url):
        return ""
    return f"{url}?{query}" if query else url


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
    url_query: str = ""  # the list's filter showing just those rows, e.g. "show=queue"


_figures: dict[str, HomeFigure] = {}


def register_home_figure(
    *,
    key: str,
    order: int,
    label: str,
    roles: Iterable[str],
    value: Callable[[Any], int],
    url_name: str = "",
    url_query: str = "",
) -> None:
    """Add one figure to the home page of the given roles.

    The figure links to `url_name` (with `url_query`) for the roles that page lets in.
    """
    _figures[key] = HomeFigure(
        key=key,
        order=order,
        label=label,
        roles=frozenset(roles),
        value=value,
        url_name=url_name,
        url_query=url_query,
    )


def home_figures(membership: Any) -> list[Figure]:
    """The figures registered for the membership's role, worked out for its school, in order."""
    figures = []
    for entry in sorted(_figures.values(), key=lambda entry: entry.order):
        if membership.role not in entry.roles:
            continue
        url = school_url(membership, entry.url_name, entry.url_query) if entry.url_name else ""
        figures.append(Figure(label=entry.label, value=entry.value(membership), url=url))
    return figures


# --- Each role's to-do items -------------------------------------------------------


@dataclass(frozen=True)
class TodoItem:
    """One thing for the person to do: where it is done and, if it helps, how many wait.

    An item shown as a card of its own names the app's partial (`template`), which
    receives the item as `item`; `detail` holds what that partial needs (a row).
    An empty `url` is an item the person should know of but has no page for (see
    `school_url`). `urgent` items come first, flagged, whatever their source's order.
    """

    label: str
    url: str
    count: int | None = None
    template: str = ""
    detail: Any = None
    urgent: bool = False


def day_words(day: dt.date, today: dt.date) -> str:
    """A day as a to-do item says it: "Mon 6 July", with the year when not this year."""
    return f"{day:%a %-d %B}" if day.year == today.year else f"{day:%a %-d %B %Y}"


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
    """The to-do items of every source registered for the membership's role: urgent first,
    then in the sources' order."""
    items: list[TodoItem] = []
    for source in sorted(_todos.values(), key=lambda source: source.order):
        if membership.role in source.roles:
            items.extend(source.items(membership))
    return sorted(items, key=lambda item: not item.urgent)


# --- Each school's figures side by side, for a trust ------------------------------


@dataclass(frozen=True)
class SchoolFigure:
    """One column of the trust's figures: a count per school, never a name."""

    key: str  # names the figure; registering the same key again replaces it
    order: int  # place among the columns, lowest first
    label: str
    # Receives the schools; returns each school's count by school id (missing: nought),
    # in one query for them all, so a trust of twenty schools costs what one does.
    values: Callable[[Sequence[Any]], Mapping[int, int]]
    group: str = ""  # a heading over neighbouring columns ("Mentees")
    long_label: str = ""  # the figure where it stands alone ("Mentees with a mentor")


@dataclass(frozen=True)
class SchoolFigureColumn:
    label: str  # the column's heading, under its group's
    values: Mapping[int, int]
    group: str = ""
    long_label: str = ""

    @property
    def full_label(self) -> str:
        """The figure's name where the column stands alone (a phone's card, one school's page)."""
        if self.long_label:
            return self.long_label
        return f"{self.group}: {self.label}" if self.group else self.label

    def of(self, school: Any) -> int:
        return self.values.get(school.pk, 0)


_school_figures: dict[str, SchoolFigure] = {}


def register_school_figure(
    *,
    key: str,
    order: int,
    label: str,
    values: Callable[[Sequence[Any]], Mapping[int, int]],
    group: str = "",
    long_label: str = "",
) -> None:
    """Add one column to the figures a trust lead sees for each school."""
    _school_figures[key] = SchoolFigure(
        key=key, order=order, label=label, values=values, group=group, long_label=long_label
    )


def school_figures(schools: Sequence[Any]) -> list[SchoolFigureColumn]:
    """Every registered school figure, in order, worked out for the schools."""
    return [
        SchoolFigureColumn(
            label=entry.label,
            values=entry.values(schools) if schools else {},
            group=entry.group,
            long_label=entry.long_label,
        )
        for entry in sorted(_school_figures.values(), key=lambda entry: entry.order)
    ]
