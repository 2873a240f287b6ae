"""The mentors app's own rules: serving, experienced, and the one "may mentor" answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.mentors.readiness import ReadinessCheck, _checks, register_readiness
from peermentoring.schools.models import AcademicYear, Pupil


def _year(school, start: int) -> AcademicYear:
    return AcademicYear.objects.create(
        school=school,
        name=f"{start}–{(start + 1) % 100:02d}",
        starts_on=dt.date(start, 9, 1),
        ends_on=dt.date(start + 1, 7, 31),
    )


def _pupil(school, n: int) -> Pupil:
    return Pupil.objects.create(
        school=school, upn=f"A{n:012d}", given_name=f"Pupil{n}", family_name="Test", year_group=10
    )


@pytest.fixture
def years(school):
    return _year(school, 2025), _year(school, 2026), _year(school, 2027)


def test_experienced_means_mentored_in_an_earlier_year_or_flagged_up_to_that_year(school, years):
    last, this, next_ = years
    mentored_last_year, flagged_now, flagged_later, new = (_pupil(school, n) for n in range(4))
    Mentor.objects.create(school=school, pupil=mentored_last_year, academic_year=last)
    Mentor.objects.create(school=school, pupil=mentored_last_year, academic_year=this)
    Mentor.objects.create(school=school, pupil=flagged_now, academic_year=this, is_experienced=True)
    Mentor.objects.create(
        school=school, pupil=flagged_later, academic_year=next_, is_experienced=True
    )
    Mentor.objects.create(school=school, pupil=new, academic_year=this)

    experienced = set(
        Mentor.objects.for_school(school)
        .experienced_for(this.starts_on)
        .values_list("pupil_id", flat=True)
    )

    assert experienced == {mentored_last_year.pk, flagged_now.pk}


def test_a_paused_or_stepped_down_mentor_may_not_mentor_and_is_told_why(school, years):
    mentor = Mentor.objects.create(
        school=school, pupil=_pupil(school, 9), academic_year=years[1], status="paused"
    )

    assert not mentor.is_serving
    assert not mentor.can_mentor()
    assert mentor.pk not in able_to_mentor_ids([mentor])
    with pytest.raises(ValidationError, match="is paused and cannot mentor"):
        mentor.check_can_mentor()


def test_a_registered_readiness_check_stops_a_mentor_in_one_place(school, years, monkeypatch):
    """A later stage adds what a mentor needs; can_mentor and the bulk form both obey it."""
    monkeypatch.setattr("peermentoring.mentors.readiness._checks", dict(_checks))
    ready, not_ready = (
        Mentor.objects.create(
            school=school, pupil=_pupil(school, n), academic_year=years[1], status="trained"
        )
        for n in (10, 11)
    )
    assert ready.can_mentor() and not_ready.can_mentor()  # school has no required module

    register_readiness(
        ReadinessCheck(
            name="consent",
            missing=lambda m: ["a signed consent form"] if m.pk == not_ready.pk else [],
            ready_ids=lambda ms: {m.pk for m in ms if m.pk != not_ready.pk},
            message="{mentor} still needs {missing}.",
        )
    )

    assert ready.can_mentor()
    assert not not_ready.can_mentor()
    assert able_to_mentor_ids([ready, not_ready]) == {ready.pk}
    with pytest.raises(ValidationError, match="still needs a signed consent form"):
        not_ready.check_can_mentor()
