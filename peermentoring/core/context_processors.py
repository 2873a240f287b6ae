from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse

from peermentoring.core.models import Notification
from peermentoring.core.registry import menu_entries


@cache
def _roles_for(url_name: str) -> tuple[str, ...]:
    func = resolve(reverse(url_name, kwargs={"school_slug": "x"})).func
    return tuple(getattr(func, "school_roles", ()))


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The school being viewed, its menu for this person's role, and the unread count."""
    school = getattr(request, "school", None)
    membership = getattr(request, "membership", None)
    if school is None or membership is None:
        return {}
    menu = []
    # Each app registers its own pages (core/registry.py); who sees an item is read
    # from the roles its view is decorated with, so the menu and the access check
    # can never disagree.
    for entry in menu_entries():
        roles = _roles_for(entry.url_name)
        if not roles or membership.role in roles:
            url = reverse(entry.url_name, kwargs={"school_slug": school.slug})
            menu.append({"label": entry.label, "url": url, "current": request.path == url})
    unread = (
        Notification.objects.for_school(school)
        .filter(recipient=membership.user_id)
        .unread()
        .count()
    )
    return {
        "current_school": school,
        "current_membership": membership,
        "school_menu": menu,
        "unread_count": unread,
    }
