"""Who may reach each page of the year area, and what a POST to it changes.

The coordinator and the school admin see the school's years and each closed year's annual
report; only the coordinator opens the close page and closes a year. The tests run on the real
clock, so the year closed here is one that has ended (2020–21): it may be closed any
time after, and its leavers are not taken off roll (see year_services).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from peermentoring.core.roles import Role
from peermentoring.evaluation import year_services
from peermentoring.evaluation.models import ClosedYear
from peermentoring.matching.models import Pairing
from peermentoring.schools.calendar import academic_year_name, default_term_dates
from peermentoring.schools.models import AcademicYear, School, Term
from tests.support.access import GET, GET_POST, SETUP, Access, ForeignPost, school_of
from tests.support.factories import MentorFactory, PairingFactory, PupilFactory

COORDINATOR = frozenset({Role.COORDINATOR})
PAST = 2020  # the year 2020–21: ended, so it may be closed today


def academic_year(school: School, start: int) -> AcademicYear:
    """The school's year starting in September of `start`, with the usual three terms."""
    year, made = AcademicYear.objects.get_or_create(
        school=school,
        name=academic_year_name(start),
        defaults={"starts_on": dt.date(start, 9, 1), "ends_on": dt.date(start + 1, 8, 31)},
    )
    if made:
        for dates in default_term_dates(start):
            Term.objects.create(
                academic_year=year,
                name=dates.name,
                starts_on=dates.starts_on,
                ends_on=dates.ends_on,
                half_term_starts_on=dates.half_term_starts_on,
                half_term_ends_on=dates.half_term_ends_on,
            )
    return year


def running_pairing(school: School, year: AcademicYear, mentor_name: str = "Kofi") -> Pairing:
    mentor = MentorFactory(
        school=school,
        academic_year=year,
        status="trained",
        pupil=PupilFactory(school=school, given_name=mentor_name, year_group=10),
    )
    pairing: Pairing = PairingFactory(school=school, mentor=mentor, started_on=year.starts_on)
    return pairing


def _year_row(school: Any, viewer: Any) -> dict[str, int]:
    year = academic_year(school, PAST)
    running_pairing(school, year)
    return {"year_pk": year.pk}


def _closed_row(school: Any, viewer: Any) -> dict[str, int]:
    year = academic_year(school, PAST)
    following = academic_year(school, PAST + 1)
    ClosedYear.objects.get_or_create(
        academic_year=year,
        defaults={
            "school": school,
            "next_year": following,
            "figures": {"meetings_held": 527, "pairings": {"active": 15, "ended": 17}},
            "changes": {"counts": {"pairings_ended": 17}},
        },
    )
    return {"year_pk": year.pk}


def _close_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    year = AcademicYear.objects.get(pk=kwargs["year_pk"])
    plan = year_services.plan_close(school, year)
    return {"digest": plan.digest, "confirm": "on"}


def _closed(response: Any, kwargs: dict[str, int]) -> None:
    closed = ClosedYear.objects.get(academic_year=kwargs["year_pk"])
    assert closed.school == school_of(response)
    assert not Pairing.objects.filter(school=closed.school).active().exists()


def _foreign_close(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's running pairing ticked to keep going: refused, nothing closes."""
    kwargs = _year_row(school, viewer)
    theirs = running_pairing(other_school, academic_year(other_school, PAST), "Tomasz")
    year = AcademicYear.objects.get(pk=kwargs["year_pk"])
    data = {
        "continuing": [str(theirs.pk)],
        "digest": year_services.plan_close(school, year).digest,
        "confirm": "on",
    }

    def unchanged(response: Any) -> None:
        theirs.refresh_from_db()
        assert theirs.is_active
        assert not ClosedYear.objects.exists()

    return ForeignPost(kwargs, data, unchanged)


ACCESS: dict[str, Access] = {
    "evaluation:years": Access(SETUP, None, GET),
    "evaluation:year-close": Access(COORDINATOR, _year_row, GET_POST, _closed, _close_body),
    "evaluation:year-report": Access(SETUP, _closed_row, GET),
    "evaluation:year-report-download": Access(SETUP, _closed_row, GET),
}
FOREIGN_POSTS: dict[str, Any] = {"evaluation:year-close": _foreign_close}
