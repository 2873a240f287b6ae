"""Issue #7: someone only invited to a school is not yet its staff (review after the fixes)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peermentoring.core.roles import Role
from tests.support.builders import application
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_invited_person_is_not_offered_as_staff_before_accepting(
    client_for, school, other_school, school_admin, coordinator
):
    outsider = UserFactory(first_name="Ingrid", last_name="Invitee")
    MembershipFactory(user=outsider, school=other_school, role=Role.COORDINATOR)
    MembershipFactory(user=outsider, school=school, role=Role.COORDINATOR, accepted_at=None)
    submitted = application(school)

    page = client_for(coordinator).get(
        reverse("recruitment:interview-book", args=[school.slug, submitted.pk])
    )

    assert page.status_code == 200
    assert "Invitee" not in page.text
