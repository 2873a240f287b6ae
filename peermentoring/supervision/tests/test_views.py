"""The session page: a colleague covering may run it, a second save is told of the first and
keeps its text, a double send adds one action, and the flags and the concern link show."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from peermentoring.core.roles import Role
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision import services
from peermentoring.supervision.models import Action, Session
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at, pairing_in, window


@pytest.fixture
def session(school, coordinator, monkeypatch):
    at(monkeypatch)
    pairing = pairing_in(school)
    group = services.create_group(
        school=school,
        name="Year 10, Tuesday",
        coordinator=coordinator,
        window=window(school, 1, SchoolDayWindow.Kind.LUNCH),
        members=[pairing.mentor],
        by=coordinator,
    )
    return services.open_session(group=group, by=coordinator)


def url(session: Session, name: str = "supervision:session-detail") -> str:
    return reverse(name, args=[session.school.slug, session.pk])


def body(session: Session, version: int = 1, key: uuid.UUID | None = None, **fields) -> dict:
    m = session.mentor_rows.get().mentor_id
    data = {"version": version, "submission_key": str(key or uuid.uuid4())}
    data |= {f"m{m}-{name}": value for name, value in fields.items()}
    return data


def test_a_colleague_covering_may_run_the_session_and_no_other(
    session, coordinator, dsl, client_for
):
    client = client_for(dsl)
    assert client.get(url(session)).status_code == 403

    services.hand_to_colleague(session=session, colleague=dsl, by=coordinator)

    assert client.get(url(session)).status_code == 200
    response = client.post(url(session), body(session, attendance="present"))
    assert response.status_code == 302
    assert session.mentor_rows.get().attendance == "present"


def test_the_second_of_two_saves_is_told_and_keeps_its_text(session, coordinator, client_for):
    sunita = UserFactory(first_name="Sunita")
    MembershipFactory(user=sunita, school=session.school, role=Role.COORDINATOR)
    client_for(coordinator).post(url(session), body(session, problems="First words"))

    response = client_for(sunita).post(url(session), body(session, problems="Second words"))

    assert response.status_code == 200
    assert "Helen saved this session at" in response.text
    assert "Second words" in response.text  # their changes are below
    assert 'name="version" value="2"' in response.text  # the next save is against the new one
    assert session.mentor_rows.get().problems == "First words"


def test_a_double_send_of_the_session_adds_one_action(session, coordinator, client_for):
    client = client_for(coordinator)
    data = body(session, key=uuid.uuid4(), action="Ask the form tutor", who="Mr Patel")

    first = client.post(url(session), data)
    second = client.post(url(session), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Action.objects.count() == 1


def test_the_page_shows_a_quiet_pairing_and_offers_a_concern_about_the_mentee(
    session, coordinator, client_for
):
    # Paired since September, nothing logged: quiet for the last two school weeks.
    pairing = session.mentor_rows.get().mentor.pairings.get()

    response = client_for(coordinator).get(url(session))

    assert f"No meeting with {pairing.mentee.first_name} for two school weeks" in response.text
    raise_url = reverse("safeguarding:concern-raise", args=[session.school.slug])
    assert f"{raise_url}?pupil={pairing.mentee.pk}" in response.text


def test_a_concern_raised_is_all_supervision_keeps_of_it(session, coordinator, client_for):
    client_for(coordinator).post(url(session), body(session, concern="on"))

    row = session.mentor_rows.get()
    assert row.has_raised_concern and row.problems == ""


def test_a_group_offers_this_years_mentors_not_last_years_records(
    school, coordinator, client_for, monkeypatch
):
    from tests.support.factories import AcademicYearFactory, MentorFactory, PupilFactory

    at(monkeypatch)  # November 2025: this year is 2025-26
    pupil = PupilFactory(school=school, given_name="Tariq", year_group=11)
    last_year = AcademicYearFactory(
        school=school, starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31)
    )
    old = MentorFactory(school=school, pupil=pupil, academic_year=last_year, status="trained")
    current = pairing_in(school, pupil).mentor

    page = client_for(coordinator).get(reverse("supervision:group-create", args=[school.slug]))

    offered = set(page.context["form"].fields["members"].queryset.values_list("pk", flat=True))
    assert current.pk in offered
    assert old.pk not in offered
