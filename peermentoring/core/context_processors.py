from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from peermentoring.core.models import Notification
from peermentoring.core.registry import MENU_GROUPS, menu_links


def school_menu(request: HttpRequest, school: Any, role: str) -> list[dict[str, Any]]:
    """The menu's top line for this role: links, and groups of links (a group's `links`).

    A group holding one page this person may open is shown as that page's link: a
    drop-down of one would only cost a click.
    """
    menu: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    # Each app registers its own pages (core/registry.py); who sees an item is read
    # from the roles its view is decorated with, so the menu and the access check
    # can never disagree. The links are worked out once per school and role.
    for entry in menu_links(school.slug, role):
        link = {"label": entry.label, "url": entry.url, "current": request.path == entry.url}
        if not entry.group:
            menu.append(link)
        elif entry.group in groups:
            groups[entry.group]["links"].append(link)
        else:
            groups[entry.group] = {
                "key": entry.group,
                "label": MENU_GROUPS[entry.group],
                "links": [link],
            }
            menu.append(groups[entry.group])
    for group in groups.values():
        if len(group["links"]) == 1:
            only = group["links"][0]
            group.clear()
            group.update(only)
        else:
            group["current"] = any(link["current"] for link in group["links"])
    return menu


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The school being viewed, its menu for this person's role, and the unread count."""
    school = getattr(request, "school", None)
    membership = getattr(request, "membership", None)
    if school is None or membership is None:
        return {}
    unread = (
        Notification.objects.for_school(school)
        .filter(recipient=membership.user_id)
        .unread()
        .count()
    )
    return {
        "current_school": school,
        "current_membership": membership,
        "school_menu": school_menu(request, school, membership.role),
        "unread_count": unread,
    }
