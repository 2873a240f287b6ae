"""Each app registers its menu entries; the school menu shows them in order, by role."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from peermentoring.core.registry import menu_entries

pytestmark = pytest.mark.django_db

ADMIN_MENU = [
    "Home",
    "Pupils",
    "Recruitment",
    "Training",
    "Feeder primaries",
    "Calendar",
    "School day",
    "Import pupils",
    "Referrals",
    "Matching",
    "People",
    "Audit trail",
    "Read log",
    "E-mails",
    "School details",
]


def menu_of(response) -> list[str]:
    nav = re.search(r'<nav[^>]*class="[^"]*school-menu[^"]*"[^>]*>(.*?)</nav>', response.text, re.S)
    assert nav is not None, "no school menu on the page"
    return [
        re.sub(r"<[^>]+>", "", link).strip()
        for link in re.findall(r"<a [^>]*>(.*?)</a>", nav.group(1), re.S)
    ]


def test_every_app_registers_its_pages_and_the_admin_sees_them_in_order(
    client_for, school, school_admin
):
    assert [entry.label for entry in menu_entries()] == ADMIN_MENU

    response = client_for(school_admin).get(reverse("schools:home", args=[school.slug]))

    assert menu_of(response) == ADMIN_MENU


def test_a_mentor_sees_only_the_pages_their_role_may_open(client_for, school, mentor):
    response = client_for(mentor).get(reverse("schools:home", args=[school.slug]))

    assert menu_of(response) == ["Home"]
