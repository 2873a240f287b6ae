"""Interviews are booked ahead, and nobody is booked into two interviews at once (issue 10)."""

from __future__ import annotations

import datetime as dt
import html
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import services
from peermentoring.recruitment.models import Application, Interview
from peermentoring.recruitment.services import interviews
from peermentoring.recruitment.tests.conftest import another_applicant, pupil_of, submit
from peermentoring.recruitment.tests.slots import interview_slots
from peermentoring.schools.models import AcademicYear
from tests.support.factories import pupil_member

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"
FIVE_MINUTES = dt.timedelta(minutes=5)


def shortlisted(round_, user, coordinator) -> Application:
    return services.shortlist(application=submit(round_, user), by=coordinator)


def book(application, slot, staff, panel, **extra) -> Interview:
    return services.book_interview(
        application=application,
        starts_at=slot[0],
        ends_at=slot[1],
        staff_member=staff,
        panel_pupils=panel,
        by=staff,
        **extra,
    )


def at(moment: dt.datetime) -> str:
    """How the refusals name a time: "10:52 on Monday 30 November" (the year if not this one)."""
    local = timezone.localtime(moment)
    year = f" {local.year}" if local.year != timezone.localdate().year else ""
    return f"{local:%H:%M} on {local:%A %-d %B}{year}"


def earlier_year(year: AcademicYear) -> AcademicYear:
    return AcademicYear.objects.get_or_create(
        school=year.school,
        name="Earlier",
        defaults={
            "starts_on": year.starts_on.replace(year=year.starts_on.year - 1),
            "ends_on": year.starts_on - dt.timedelta(days=1),
        },
    )[0]


def past_mentor(school, year, name: str, year_group: int = 11):
    """A pupil with an account who mentored last year, so may sit on panels."""
    membership = pupil_member(school, Role.PUPIL, given_name=name, year_group=year_group)
    Mentor.objects.create(
        school=school, pupil=membership.pupil, academic_year=earlier_year(year), status="trained"
    )
    return membership.pupil


@pytest.fixture
def slot(year):
    return interview_slots(year, 1)[0]


@pytest.fixture
def maya(round_, applicant, coordinator):
    return shortlisted(round_, applicant, coordinator)


@pytest.fixture
def ben(school, round_, coordinator):
    return shortlisted(round_, another_applicant(school, "Ben"), coordinator)


# --- Booked ahead -------------------------------------------------------------------------


def test_an_interview_at_a_time_that_has_passed_is_refused(maya, coordinator, experienced, slot):
    with pytest.raises(ValidationError) as refused:
        book(maya, slot, coordinator, [pupil_of(experienced)], now=slot[0] + FIVE_MINUTES)

    assert refused.value.messages == [services.INTERVIEW_IN_PAST.format(when=at(slot[0]))]
    assert not Interview.objects.exists()


def test_an_interview_cannot_be_moved_to_a_time_that_has_passed(
    maya, coordinator, experienced, year
):
    first, second = interview_slots(year, 2)
    book(maya, second, coordinator, [pupil_of(experienced)])

    with pytest.raises(ValidationError, match="has already passed"):
        book(maya, first, coordinator, [pupil_of(experienced)], now=first[1])

    assert Interview.objects.get().starts_at == second[0]


def test_the_booking_form_refuses_a_time_that_has_passed(
    school, maya, coordinator, experienced, slot, monkeypatch
):
    # The page is used after the slot: the service's clock says so.
    later = SimpleNamespace(
        now=lambda: slot[1] + dt.timedelta(hours=1),
        localtime=timezone.localtime,
        localdate=timezone.localdate,
    )
    monkeypatch.setattr(interviews, "timezone", later)
    client = Client()
    client.force_login(coordinator, backend=BACKEND)

    response = client.post(
        reverse("recruitment:interview-book", args=[school.slug, maya.pk]),
        {
            "day": timezone.localtime(slot[0]).date().isoformat(),
            "starts": "10:52",
            "ends": "11:07",
            "location": "Room 12",
            "staff_member": coordinator.pk,
            "panel_pupils": [pupil_of(experienced).pk],
        },
    )

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert services.INTERVIEW_IN_PAST.format(when=at(slot[0])) in page
    assert not Interview.objects.exists()
    maya.refresh_from_db()
    assert maya.status == Application.Status.SHORTLISTED


# --- Nobody in two places ---------------------------------------------------------------


def test_a_member_of_staff_already_interviewing_at_an_overlapping_time_is_refused(
    school, year, maya, ben, coordinator, experienced, slot
):
    book(maya, slot, coordinator, [pupil_of(experienced)])
    other_pupil = past_mentor(school, year, "Esme")
    overlapping = (slot[0] + FIVE_MINUTES, slot[1])

    with pytest.raises(ValidationError) as refused:
        book(ben, overlapping, coordinator, [other_pupil])

    message = f"{coordinator.display_name} is already interviewing at {at(slot[0])}."
    assert refused.value.message_dict == {"staff_member": [message]}
    assert not Interview.objects.filter(application=ben).exists()


def test_the_booking_form_names_the_member_of_staff_and_the_clash(
    school, year, maya, ben, coordinator, experienced, slot
):
    book(maya, slot, coordinator, [pupil_of(experienced)])
    other_pupil = past_mentor(school, year, "Esme")
    client = Client()
    client.force_login(coordinator, backend=BACKEND)

    response = client.post(
        reverse("recruitment:interview-book", args=[school.slug, ben.pk]),
        {
            "day": timezone.localtime(slot[0]).date().isoformat(),
            "starts": "10:55",
            "ends": "11:05",
            "location": "Room 12",
            "staff_member": coordinator.pk,
            "panel_pupils": [other_pupil.pk],
        },
    )

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"{coordinator.display_name} is already interviewing at {at(slot[0])}." in page
    assert not Interview.objects.filter(application=ben).exists()


def test_a_pupil_interviewer_already_on_an_overlapping_panel_is_refused(
    school, maya, ben, coordinator, dsl, experienced, slot
):
    jordan = pupil_of(experienced)
    book(maya, slot, coordinator, [jordan])

    with pytest.raises(ValidationError) as refused:
        book(ben, (slot[0] + FIVE_MINUTES, slot[1]), dsl, [jordan])

    message = f"{jordan.full_name} is already on an interview panel at {at(slot[0])}."
    assert refused.value.message_dict == {"panel_pupils": [message]}
    assert not Interview.objects.filter(application=ben).exists()


def test_an_applicant_on_another_panel_at_that_time_cannot_be_interviewed_then(
    school, year, round_, maya, coordinator, dsl, slot
):
    # Sam, in Year 9, mentored before (a pupil the school flagged), and applies again.
    sam = past_mentor(school, year, "Sam", year_group=9)
    book(maya, slot, coordinator, [sam])
    sams = shortlisted(round_, sam.membership.user, coordinator)
    other_pupil = past_mentor(school, year, "Esme")

    with pytest.raises(ValidationError) as refused:
        book(sams, (slot[0] + FIVE_MINUTES, slot[1]), dsl, [other_pupil])

    message = f"{sam.full_name} is already on an interview panel at {at(slot[0])}."
    assert refused.value.message_dict == {"starts_at": [message]}


def test_a_pupil_with_their_own_interview_then_cannot_sit_on_a_panel(
    school, year, round_, maya, coordinator, dsl, experienced, slot
):
    sam = past_mentor(school, year, "Sam", year_group=9)
    sams = shortlisted(round_, sam.membership.user, coordinator)
    book(sams, slot, dsl, [pupil_of(experienced)])

    with pytest.raises(ValidationError) as refused:
        book(maya, slot, coordinator, [sam])

    message = f"{sam.full_name} has their own interview at {at(slot[0])}."
    assert refused.value.message_dict == {"panel_pupils": [message]}


def test_back_to_back_interviews_with_the_same_panel_are_fine(
    year, maya, ben, coordinator, experienced
):
    first = interview_slots(year, 1)[0]
    right_after = (first[1], first[1] + dt.timedelta(minutes=3))  # ends 11:10, with break

    book(maya, first, coordinator, [pupil_of(experienced)])
    book(ben, right_after, coordinator, [pupil_of(experienced)])

    assert Interview.objects.count() == 2


def test_moving_an_interview_within_its_own_time_is_not_a_clash_with_itself(
    maya, coordinator, experienced, slot
):
    book(maya, slot, coordinator, [pupil_of(experienced)])

    moved = book(maya, (slot[0] + FIVE_MINUTES, slot[1]), coordinator, [pupil_of(experienced)])

    assert Interview.objects.get().starts_at == moved.starts_at == slot[0] + FIVE_MINUTES


def test_the_interview_of_a_declined_application_no_longer_holds_its_panel(
    maya, ben, coordinator, experienced, slot
):
    book(maya, slot, coordinator, [pupil_of(experienced)])
    maya.refresh_from_db()
    services.decline_application(application=maya, reason="Withdrew", by=coordinator)

    book(ben, slot, coordinator, [pupil_of(experienced)])

    assert Interview.objects.filter(application=ben).exists()
