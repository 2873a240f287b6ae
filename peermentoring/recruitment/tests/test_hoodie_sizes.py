"""Hoodie sizes: given when a place is accepted or by staff, shown on the badge list (issue 10)."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import services
from peermentoring.recruitment.models import Application
from tests.support import builders

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def hoodie_cells(page: str) -> list[str]:
    cells = re.findall(r'<td data-label="Hoodie size">(.*?)</td>', page, re.S)
    return [re.sub(r"<[^>]+>", " ", c).split("Change")[0].strip() for c in cells]


def badge_list(client, school, mentor) -> str:
    url = reverse("training:badge-list", args=[school.slug])
    return text(client.get(url, {"year": mentor.academic_year_id}))


@pytest.fixture
def ayo(school):
    return builders.make_mentor(school, given_name="Ayo", family_name="Bello")


def test_the_badge_list_shows_each_mentors_hoodie_size(school, coordinator, ayo):
    ayo.hoodie_size = Mentor.HoodieSize.M
    ayo.save()
    builders.make_mentor(school, given_name="Bea", family_name="Cole")

    page = badge_list(signed_in(coordinator), school, ayo)

    assert hoodie_cells(page) == ["M", "Not known yet"]
    assert "Hoodies to order: 1 × M. Size not known yet for 1." in page


def test_the_badge_list_links_each_row_to_changing_the_size(school, coordinator, ayo):
    page = badge_list(signed_in(coordinator), school, ayo)

    assert reverse("recruitment:hoodie-size", args=[school.slug, ayo.pk]) in page


def test_the_coordinator_sets_a_mentors_hoodie_size_and_it_is_in_the_audit_trail(
    school, coordinator, ayo
):
    client = signed_in(coordinator)
    url = reverse("recruitment:hoodie-size", args=[school.slug, ayo.pk])

    response = client.post(url, {"hoodie_size": "xl"})

    ayo.refresh_from_db()
    assert ayo.hoodie_size == Mentor.HoodieSize.XL
    badges = reverse("training:badge-list", args=[school.slug])
    assert response["Location"] == f"{badges}?year={ayo.academic_year_id}"
    entry = AuditEntry.objects.get(action="mentor.hoodie_size")
    assert (entry.actor, entry.changes) == (coordinator, {"hoodie_size": ["", "xl"]})
    assert hoodie_cells(badge_list(client, school, ayo)) == ["XL"]


def test_a_size_not_on_the_list_is_refused(school, coordinator, ayo):
    url = reverse("recruitment:hoodie-size", args=[school.slug, ayo.pk])

    response = signed_in(coordinator).post(url, {"hoodie_size": "XXXXL" * 1000})

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    ayo.refresh_from_db()
    assert ayo.hoodie_size == ""


def test_after_saving_the_page_goes_back_only_to_this_schools_pages(school, coordinator, ayo):
    client = signed_in(coordinator)
    url = reverse("recruitment:hoodie-size", args=[school.slug, ayo.pk])
    ours = reverse("recruitment:round-list", args=[school.slug])

    back_home = client.post(url, {"hoodie_size": "s", "next": ours})
    elsewhere = client.post(url, {"hoodie_size": "m", "next": "https://example.com/s/oakbrook/"})

    assert back_home["Location"] == ours
    assert elsewhere["Location"].startswith(reverse("training:badge-list", args=[school.slug]))


def test_a_pupil_gives_their_hoodie_size_when_accepting_their_place(
    school, round_, applicant, coordinator
):
    pupil = applicant.memberships.get().pupil
    application = builders.application(school, Application.Status.OFFERED, pupil=pupil)
    client = signed_in(applicant)

    page = text(client.get(reverse("recruitment:apply", args=[school.slug, round_.pk])))
    client.post(
        reverse("recruitment:offer-respond", args=[school.slug, round_.pk]),
        {"answer": "accept", "hoodie_size": "age_12_13"},
    )

    assert "Your hoodie size" in page
    application.refresh_from_db()
    assert application.mentor is not None
    assert application.mentor.get_hoodie_size_display() == "Age 12–13"


def test_a_pupil_not_sure_of_their_size_still_accepts(school, round_, applicant):
    pupil = applicant.memberships.get().pupil
    application = builders.application(school, Application.Status.OFFERED, pupil=pupil)

    signed_in(applicant).post(
        reverse("recruitment:offer-respond", args=[school.slug, round_.pk]),
        {"answer": "accept", "hoodie_size": ""},
    )

    application.refresh_from_db()
    assert application.is_accepted and application.mentor.hoodie_size == ""


def test_the_accepted_applications_page_shows_the_size_with_a_way_to_change_it(
    school, round_, applicant, coordinator
):
    pupil = applicant.memberships.get().pupil
    application = builders.application(school, Application.Status.OFFERED, pupil=pupil)
    mentor = services.accept_offer(application=application, by=applicant, hoodie_size="l")

    page = text(
        signed_in(coordinator).get(
            reverse("recruitment:application-detail", args=[school.slug, application.pk])
        )
    )

    assert "<dt>Hoodie size</dt><dd>L" in page
    assert reverse("recruitment:hoodie-size", args=[school.slug, mentor.pk]) in page


def test_a_mentor_cannot_set_sizes(school, mentor, ayo):
    url = reverse("recruitment:hoodie-size", args=[school.slug, ayo.pk])

    assert signed_in(mentor).post(url, {"hoodie_size": "m"}).status_code == 403
    ayo.refresh_from_db()
    assert ayo.hoodie_size == ""
