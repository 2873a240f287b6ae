"""Mentors' contributions on the page: a mentor's record for staff, "My contribution" for the
mentor alone, the certificates, the year's list (printed, CSV, Excel) in the same number of
queries for two mentors as for twelve."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from peermentoring.mentors.models import Mentor
from peermentoring.outreach.tests.outreach_support import (
    duty,
    event,
    meeting,
    mentee_of,
    primary_visit,
    trained_mentor,
    year_2024,
    year_2025,
)
from peermentoring.schools.models import Membership
from tests.support.factories import MentorFactory, PupilFactory
from tests.support.meetings import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(monkeypatch, school):
    at(monkeypatch, dt.datetime(2025, 11, 20, 10, 0))
    return year_2025(school)


def busy(mentor: Mentor, meetings: int = 2) -> Mentor:
    pairing = mentee_of(mentor, f"Mentee of {mentor.pupil.given_name}")
    for week in range(meetings):
        meeting(pairing, dt.date(2025, 10, 7) + dt.timedelta(days=7 * week))
    duty(mentor, dt.date(2025, 11, 5))
    primary_visit([mentor])
    event(mentor.school, [mentor], name=f"Assembly {mentor.pk}")
    return mentor


@pytest.fixture
def own_mentor(school, mentor, november):
    """The signed-in mentor's own record this year (the `mentor` fixture's pupil)."""
    pupil = Membership.objects.get(user=mentor, school=school).pupil
    record = MentorFactory(school=school, pupil=pupil, academic_year=november, status="trained")
    return busy(record, meetings=3)


# --- One mentor's record ---------------------------------------------------------------------


def test_staff_see_a_mentors_record_with_its_lists(school, dsl, client_for, november):
    kwame = busy(trained_mentor(school, "Kwame"))

    text = client_for(dsl).get(reverse("outreach:contribution", args=[school.slug, kwame.pk])).text

    assert "What Kwame did as a peer mentor in 2025–26" in text
    assert "Tue 7 October 2025" in text and "Mentee of Kwame" in text
    assert "Wed 5 November 2025" in text
    assert "Tuesday 16 June 2026" in text
    assert f"Assembly {kwame.pk}" in text
    # A certificate is the coordinator's and the school admin's to print.
    assert reverse("outreach:certificate", args=[school.slug, kwame.pk]) not in text


def test_a_mentor_sees_their_own_record(school, mentor, own_mentor, client_for):
    text = client_for(mentor).get(reverse("outreach:my-contribution", args=[school.slug])).text

    assert "My contribution" in text and "What you have done as a peer mentor this year" in text
    assert '<span class="stat-value">3</span>' in text


def test_a_mentor_cannot_open_another_mentors_record(
    school, other_school, mentor, own_mentor, client_for
):
    client = client_for(mentor)
    someone = trained_mentor(school, "Lily")
    theirs = trained_mentor(other_school, "Owen")

    for other in (someone, theirs):
        url = reverse("outreach:my-contribution-year", args=[school.slug, other.pk])
        assert client.get(url).status_code == 404
    staff_page = reverse("outreach:contribution", args=[school.slug, someone.pk])
    assert client.get(staff_page).status_code == 403


def test_a_mentor_can_open_their_own_earlier_year(school, mentor, own_mentor, client_for):
    last = MentorFactory(
        school=school, pupil=own_mentor.pupil, academic_year=year_2024(school), status="trained"
    )
    client = client_for(mentor)

    this_year = client.get(reverse("outreach:my-contribution", args=[school.slug])).text
    earlier = client.get(reverse("outreach:my-contribution-year", args=[school.slug, last.pk]))

    assert reverse("outreach:my-contribution-year", args=[school.slug, last.pk]) in this_year
    assert earlier.status_code == 200 and "2024–25" in earlier.text


def test_a_mentor_with_no_record_is_told_so(school, mentor, client_for, november):
    text = client_for(mentor).get(reverse("outreach:my-contribution", args=[school.slug])).text

    assert "There is no record of you as a peer mentor here yet" in text


# --- Certificates -------------------------------------------------------------------------


def test_the_certificate_names_the_mentor_the_school_and_the_year_with_figures_in_words(
    school, coordinator, client_for, november
):
    kwame = busy(trained_mentor(school, "Kwame", family_name="Mensah"), meetings=3)

    text = (
        client_for(coordinator)
        .get(reverse("outreach:certificate", args=[school.slug, kwame.pk]))
        .text
    )

    assert "Certificate of contribution" in text
    assert "Kwame Mensah" in text and "Oakbrook Academy" in text and "2025–26" in text
    assert "held three meetings with the pupils they mentored," in text
    assert "did one duty in the drop-in room," in text
    assert "went on one visit to our feeder primary schools, and" in text
    assert "took part in one event." in text
    assert "outreach/a4-portrait.css" in text and 'media="print"' in text


def test_every_certificate_of_the_year_on_one_page_but_not_for_a_mentor_who_stepped_down(
    school, coordinator, client_for, november
):
    busy(trained_mentor(school, "Kwame"))
    busy(trained_mentor(school, "Ama"))
    MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, given_name="Stefan", year_group=10),
        academic_year=november,
        status="stepped_down",
    )

    text = client_for(coordinator).get(reverse("outreach:certificates", args=[school.slug])).text

    assert text.count('class="contribution-certificate"') == 2
    assert "Stefan" not in text


# --- The year's list: page, CSV, Excel, and its queries -----------------------------------


def test_the_list_shows_each_mentor_and_the_totals(school, coordinator, client_for, november):
    busy(trained_mentor(school, "Kwame"), meetings=2)
    busy(trained_mentor(school, "Ama"), meetings=4)

    text = client_for(coordinator).get(reverse("outreach:contributions", args=[school.slug])).text

    assert "Kwame" in text and "Ama" in text
    assert '<td data-label="Meetings held" class="num">6</td>' in text  # the total
    assert "Download CSV" in text and "Print every certificate" in text


def test_the_csv_neutralises_formulas_and_the_excel_file_opens(
    school, coordinator, client_for, november
):
    busy(trained_mentor(school, "=HYPERLINK(1)", family_name="Smith"))
    client = client_for(coordinator)
    url = reverse("outreach:contributions-download", args=[school.slug])

    response = client.get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").content))

    assert response["Content-Disposition"] == (
        'attachment; filename="mentors-contributions-202526.csv"'
    )
    assert rows[0][:4] == ["Mentor", "Form group", "Status", "Meetings held"]
    assert rows[1] == ["'=HYPERLINK(1) Smith", "10B", "Trained", "2", "1", "1", "1"]
    sheet = book.active
    assert sheet["A2"].value == "'=HYPERLINK(1) Smith" and sheet["D2"].value == 2


def test_another_schools_year_in_the_address_is_404(
    school, other_school, coordinator, client_for, november
):
    theirs = year_2025(other_school)
    client = client_for(coordinator)

    for name in (
        "outreach:contributions",
        "outreach:contributions-download",
        "outreach:certificates",
    ):
        url = reverse(name, args=[school.slug]) + f"?year={theirs.pk}"
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["outreach:contributions", "outreach:contributions-download", "outreach:certificates"],
)
def test_the_years_pages_make_the_same_queries_for_two_mentors_as_for_twelve(
    school, coordinator, client_for, november, name, django_assert_max_num_queries
):
    client = client_for(coordinator)
    url = reverse(name, args=[school.slug])
    for n in range(2):
        busy(trained_mentor(school, f"Mentor{n}"))
    client.get(url)  # the membership is cached
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    two = len(few)
    for n in range(2, 12):
        busy(trained_mentor(school, f"Mentor{n}"))
    client.get(url)

    with django_assert_max_num_queries(two):
        response = client.get(url)

    assert response.content.count(b"Mentor11") >= 1
