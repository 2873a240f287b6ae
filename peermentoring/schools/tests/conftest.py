"""Fixtures shared by the schools tests split across several modules."""

from __future__ import annotations

import pytest

from peermentoring.schools.factories import PupilFactory
from peermentoring.schools.models import Pupil, School
from peermentoring.schools.tests.pupil_import_support import upn


# Used by the page tests through `pytestmark = pytest.mark.usefixtures(...)`, not autouse,
# so the other schools test modules keep the hasher they choose.
@pytest.fixture
def quick_password_hashing(settings):
    """Keep account-making tests fast; the behaviour under test does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def existing(school: School) -> Pupil:
    """A pupil already on the school's roll before any file arrives."""
    return PupilFactory(
        school=school,
        given_name="Zara",
        family_name="Existing",
        admission_number="9001",
        upn=upn(9001),
        year_group=9,
        form_group="9Z",
    )
