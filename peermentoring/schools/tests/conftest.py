"""Fixtures shared by the schools tests split across several modules."""

from __future__ import annotations

import pytest

from peermentoring.schools.models import Pupil, School
from peermentoring.schools.tests.pupil_import_support import upn
from tests.support.factories import PupilFactory


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
