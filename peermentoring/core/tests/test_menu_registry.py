"""Each app registers its menu entries; the school menu shows them grouped by the scheme's
year (then the school's settings), in order, each role seeing only the pages it may open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from peermentoring.core import registry
from peermentoring.core.registry import menu_entries, register_menu

pytestmark = pytest.mark.django_db

EVERY_ENTRY = [
    "Home",
    "Safeguarding",
    "My mentee",
    "My duties",
    "Recruitment",
    "Training",
    "Referrals",
    "Matching",
    "Pairings",
    "Safeguarding concerns",
    "Meetings",
    "Met N times",
    "Supervision",
    "Meeting topics",
    "Duty rota",
    "Drop-in room",
    "Drop-in visits",
    "Notice board",
    "Mentor photos",
    "Screens and calendars",
    "When mentors can be on duty",
    "Primary visits",
    "Events",
    "Mentors' contributions",
    "Bullying board",
    "'Tell us' reports",
    "Term report",
    "Outcomes",
    "Check-ins",
    "Check-in questions",
    "Aims and policies",
    "Evidence for the quality standard",
    "Closing the year",
    "Pupils",
    "Import pupils",
    "Feeder primaries",
    "Calendar",
    "School day",
    "Drop-in rooms and times",
    "People",
    "Audit trail",
    "Read log",
    "Who receives 'tell us' reports",
    "E-mails",
    "School details",
]

SCHOOL_SETTINGS = [
    "Pupils",
    "Import pupils",
    "Feeder primaries",
    "Calendar",
    "School day",
    "Drop-in rooms and times",
    "People",
    "Audit trail",
    "Read log",
    "Who receives &#x27;tell us&#x27; reports",
    "E-mails",
    "School details",
]


REPORTS = [
    "Term report",
    "Outcomes",
    "Check-ins",
    "Check-in questions",
    "Aims and policies",
    "Evidence for the quality standard",
    "Closing the year",
]


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


def menu_of(response) -> list[str | tuple[str, list[str]]]:
    """The menu's top line: a link's label, or a group as (heading, its links' labels)."""
    nav = re.search(r'<nav[^>]*class="[^"]*school-menu[^"]*"[^>]*>(.*?)</nav>', response.text, re.S)
    assert nav is not None, "no school menu on the page"
    menu: list[str | tuple[str, list[str]]] = []
    for item in re.finditer(r"<details>.*?</details>|<a [^>]*>.*?</a>", nav.group(1), re.S):
        group = re.match(r"<details>\s*<summary[^>]*>(.*?)</summary>(.*)</details>", item[0], re.S)
        if group:
            links = re.findall(r"<a [^>]*>(.*?)</a>", group[2], re.S)
            menu.append((_text(group[1]), [_text(link) for link in links]))
        else:
            menu.append(_text(item[0]))
    return menu


def home(client, school):
    return client.get(reverse("schools:home", args=[school.slug]))


def test_every_app_registers_its_pages_in_the_order_of_the_scheme_s_year():
    assert [entry.label for entry in menu_entries()] == EVERY_ENTRY


def test_the_admin_s_menu_is_one_line_of_links_and_groups(client_for, school, school_admin):
    response = home(client_for(school_admin), school)

    assert menu_of(response) == [
        "Home",
        "Recruitment",
        "Training",
        ("Referrals and matching", ["Referrals", "Matching", "Pairings"]),
        "Meetings",
        (
            "Drop-in",
            [
                "Duty rota",
                "Drop-in room",
                "Drop-in visits",
                "Notice board",
                "Mentor photos",
                "Screens and calendars",
            ],
        ),
        ("Outreach", ["Primary visits", "Events", "Mentors&#x27; contributions", "Bullying board"]),
        ("Reports", REPORTS),
        ("School", SCHOOL_SETTINGS),
    ]
    assert 'class="menu-toggle"' in response.text


def test_the_safeguarding_lead_sees_only_her_pages_and_the_current_one_is_marked(
    client_for, school, dsl
):
    response = client_for(dsl).get(reverse("schools:calendar", args=[school.slug]))

    assert menu_of(response) == [
        "Home",
        "Safeguarding",
        ("Referrals and matching", ["Referrals", "Pairings"]),
        "Meetings",
        ("Drop-in", ["Drop-in room", "Drop-in visits", "Notice board"]),
        (
            "Outreach",
            [
                "Primary visits",
                "Events",
                "Mentors&#x27; contributions",
                "Bullying board",
                "&#x27;Tell us&#x27; reports",
            ],
        ),
        ("Reports", REPORTS[:5]),  # not the evidence pack nor closing the year
        ("School", ["Pupils", "Calendar", "School day"]),
    ]
    assert '<summary class="is-current">School</summary>' in response.text
    assert re.search(r'aria-current="page">Calendar<', response.text)


def test_a_group_of_one_page_for_this_role_is_that_page_s_link(
    client_for, school, coordinator, monkeypatch
):
    monkeypatch.setattr(registry, "_menu", dict(registry._menu))
    register_menu(
        label="Interview panels", url_name="recruitment:panel-list", order=20, group="recruit"
    )

    menu = menu_of(home(client_for(coordinator), school))

    assert menu[1] == ("Recruitment", ["Recruitment", "Interview panels"])
    assert menu[2] == "Training"


def test_a_mentor_keeps_a_short_menu_always_in_sight(client_for, school, mentor):
    response = home(client_for(mentor), school)

    assert menu_of(response) == ["Home", "My mentee", "My duties"]
    assert "school-menu-short" in response.text
    assert 'class="menu-toggle"' not in response.text


def test_a_mentee_sees_only_home(client_for, school, mentee):
    assert menu_of(home(client_for(mentee), school)) == ["Home"]


def test_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="Unknown menu group 'meeting'"):
        register_menu(label="Meetings", url_name="schools:home", order=1, group="meeting")
