"""People with roles, in two schools, for every test."""

from __future__ import annotations

import pytest

from peermentoring.core.factories import MembershipFactory, SchoolFactory, UserFactory, pupil_member
from peermentoring.core.roles import Role


@pytest.fixture
def school(db):
    return SchoolFactory(name="Oakbrook Academy", slug="oakbrook")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Elmstead School", slug="elmstead")


def _staff(school, role, first_name):
    user = UserFactory(first_name=first_name)
    return MembershipFactory(user=user, school=school, role=role).user


@pytest.fixture
def coordinator(school):
    return _staff(school, Role.COORDINATOR, "Helen")


@pytest.fixture
def dsl(school):
    return _staff(school, Role.SAFEGUARDING_LEAD, "Priya")


@pytest.fixture
def school_admin(school):
    return _staff(school, Role.SCHOOL_ADMIN, "Gareth")


@pytest.fixture
def mentor(school):
    return pupil_member(
        school, Role.MENTOR, given_name="Kwame", year_group=10, form_group="10B"
    ).user


@pytest.fixture
def mentee(school):
    return pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C").user


@pytest.fixture
def other_school_coordinator(other_school):
    return _staff(other_school, Role.COORDINATOR, "Owen")


@pytest.fixture
def other_school_admin(other_school):
    return _staff(other_school, Role.SCHOOL_ADMIN, "Olu")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
        return client

    return sign_in
