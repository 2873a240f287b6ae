from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import resolve, reverse

from peermentoring.core.models import Notification

# The menu of a school's pages. Who sees an item is read from the roles its view
# is decorated with, so the menu and the access check can never disagree.
SCHOOL_MENU = (
    ("Home", "schools:home"),
    ("Pupils", "schools:pupil-list"),
    ("Recruitment", "recruitment:round-list"),
    ("Training", "training:programme"),
    ("Feeder primaries", "schools:primary-list"),
    ("Calendar", "schools:calendar"),
    ("School day", "schools:windows"),
    ("Import pupils", "schools:pupil-import"),
    ("Referrals", "matching:referral-list"),
    ("Matching", "matching:home"),
    ("People", "schools:people"),
    ("Audit trail", "core:audit-list"),
    ("Read log", "core:read-list"),
    ("E-mails", "core:email-list"),
    ("School details", "schools:settings"),
)


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
    for label, name in SCHOOL_MENU:
        roles = _roles_for(name)
        if not roles or membership.role in roles:
            url = reverse(name, kwargs={"school_slug": school.slug})
            menu.append({"label": label, "url": url, "current": request.path == url})
    unread = Notification.objects.for_school(school).filter(recipient=request.user).unread().count()
    return {
        "current_school": school,
        "current_membership": membership,
        "school_menu": menu,
        "unread_count": unread,
    }
