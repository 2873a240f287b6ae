"""Account pages used the way people use them: pupil and staff accounts, passwords, access."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from peermentoring.core.models import OutboundEmail, User
from peermentoring.core.roles import Role
from peermentoring.schools.models import Membership, School
from peermentoring.schools.tests.views_support import membership_of, second_client, text, url
from tests.support.factories import PupilFactory

# --- Pupil accounts -------------------------------------------------------------------------------


@pytest.fixture
def amara(school):
    return PupilFactory(school=school, given_name="Amara", family_name="Okonkwo", year_group=7)


def create_pupil_account(client: Client, school: School, pupil) -> tuple[object, str]:
    """Create the account through the page; return the answer and the password it shows."""
    response = client.post(
        url("schools:pupil-account-create", school, pupil.pk),
        {"role": Role.MENTEE, "username": "amara.okonkwo"},
    )
    # Shown in the answer to the POST itself: the password is never stored to show later.
    assert response.status_code == 200, response.content.decode()[:2000]
    shown = re.search(r'Temporary password: <span class="secret">([^<]+)</span>', response.text)
    assert shown is not None, "no temporary password on the page after creating the account"
    return response, shown.group(1)


def test_creating_a_pupil_account_shows_the_temporary_password_once(
    client_for, school, school_admin, amara
):
    client = client_for(school_admin)

    response, password = create_pupil_account(client, school, amara)

    membership = Membership.objects.get(pupil=amara)
    assert membership.role == Role.MENTEE
    assert membership.user.username == "amara.okonkwo"
    assert membership.user.check_password(password)
    reload = client.get(url("schools:membership-detail", school, membership.pk))
    assert reload.status_code == 200
    assert password not in reload.text
    assert "Temporary password" not in reload.text


def test_a_new_pupil_account_must_change_its_password(client_for, school, school_admin, amara):
    create_pupil_account(client_for(school_admin), school, amara)

    assert Membership.objects.get(pupil=amara).user.must_change_password is True


def test_signing_in_with_a_temporary_password_sends_every_page_to_the_password_change_until_changed(
    client_for, school, school_admin, amara
):
    _, password = create_pupil_account(client_for(school_admin), school, amara)
    pupil = Client()

    signed_in = pupil.post("/accounts/login/", {"login": "Amara.Okonkwo", "password": password})

    assert signed_in.status_code == 302
    for path in ["/", url("schools:home", school), url("schools:notification-list", school)]:
        response = pupil.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/password/", path
    assert pupil.get("/accounts/password/").status_code == 200

    changed = pupil.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "purple kettle harbour 93",
            "new_password2": "purple kettle harbour 93",
        },
    )

    assert changed.status_code == 302
    user = User.objects.get(username="amara.okonkwo")
    assert user.must_change_password is False
    assert user.check_password("purple kettle harbour 93")
    home = pupil.get(url("schools:home", school))
    assert home.status_code == 200
    assert "Hello, Amara" in home.text


# --- Staff accounts -------------------------------------------------------------------------------


def test_a_new_member_of_staff_is_sent_an_email_with_a_working_set_password_link(
    client_for, school, school_admin
):
    client = client_for(school_admin)

    response = client.post(
        url("schools:staff-account-create", school),
        {
            "first_name": "Nadia",
            "last_name": "Hussain",
            "email": "N.Hussain@Oakbrook.sch.uk",
            "role": Role.SAFEGUARDING_LEAD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("schools:people", school)
    user = User.objects.get(email="n.hussain@oakbrook.sch.uk")
    assert membership_of(user, school).role == Role.SAFEGUARDING_LEAD
    assert not user.has_usable_password()
    email = OutboundEmail.objects.get(to_address="n.hussain@oakbrook.sch.uk")
    assert email.school == school
    assert email.status == OutboundEmail.Status.QUEUED
    link = re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", email.body)
    assert link is not None, email.body
    opened = Client().get(link.group(1))
    assert opened.status_code == 302
    assert opened["Location"].endswith("/set-password/")
    people = text(client.get(response["Location"]))
    assert "Nadia Hussain can now sign in as safeguarding lead." in people


def test_adding_staff_with_an_email_already_at_this_school_is_refused_with_a_message(
    client_for, school, school_admin, coordinator
):
    response = client_for(school_admin).post(
        url("schools:staff-account-create", school),
        {
            "first_name": "Helen",
            "last_name": "Again",
            "email": coordinator.email.upper(),
            "role": Role.SCHOOL_ADMIN,
        },
    )

    assert response.status_code == 200
    assert f"{coordinator.email} already has an account at this school." in text(response)
    assert membership_of(coordinator, school).role == Role.COORDINATOR
    assert not OutboundEmail.objects.exists()


# --- Resetting passwords and switching access -----------------------------------------------------


def test_resetting_a_pupils_password_shows_a_new_temporary_password(
    client_for, school, school_admin, mentor
):
    client = client_for(school_admin)
    membership = membership_of(mentor, school)

    response = client.post(url("schools:password-reset", school, membership.pk))

    assert response.status_code == 200
    page = response.text
    shown = re.search(r'Temporary password: <span class="secret">([^<]+)</span>', page)
    assert shown is not None
    mentor.refresh_from_db()
    assert mentor.check_password(shown.group(1))
    assert not mentor.check_password("correct horse battery")
    assert mentor.must_change_password is True
    assert not OutboundEmail.objects.exists()


def test_resetting_a_staff_password_emails_them_a_link_instead(
    client_for, school, school_admin, coordinator
):
    client = client_for(school_admin)
    membership = membership_of(coordinator, school)

    response = client.post(url("schools:password-reset", school, membership.pk), follow=True)

    page = text(response)
    assert f"A link to choose a new password has been e-mailed to {coordinator.email}." in page
    assert "Temporary password" not in page
    email = OutboundEmail.objects.get(to_address=coordinator.email)
    assert "/accounts/reset/" in email.body
    coordinator.refresh_from_db()
    assert not coordinator.has_usable_password()


def test_switching_off_a_persons_access_locks_them_out_of_the_school_until_switched_back_on(
    client_for, school, school_admin, coordinator
):
    admin = client_for(school_admin)
    helen = second_client(coordinator)
    membership = membership_of(coordinator, school)
    assert helen.get(url("schools:home", school)).status_code == 200

    off = admin.post(
        url("schools:membership-toggle", school, membership.pk), {"to": "off"}, follow=True
    )

    assert "access is switched off" in text(off)
    membership.refresh_from_db()
    assert membership.is_active is False
    assert helen.get(url("schools:home", school)).status_code == 404
    assert helen.get(url("schools:pupil-list", school)).status_code == 404

    admin.post(url("schools:membership-toggle", school, membership.pk), {"to": "on"})

    assert helen.get(url("schools:home", school)).status_code == 200


def test_a_school_admin_cannot_switch_off_their_own_access(client_for, school, school_admin):
    client = client_for(school_admin)
    membership = membership_of(school_admin, school)

    response = client.post(
        url("schools:membership-toggle", school, membership.pk), {"to": "off"}, follow=True
    )

    assert "You cannot switch off your own access." in text(response)
    membership.refresh_from_db()
    assert membership.is_active is True
    assert client.get(url("schools:home", school)).status_code == 200
