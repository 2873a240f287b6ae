"""Who may reach each recruitment page and what a POST to it changes (merged into
schools/tests/test_access.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.forms import pupil_choice_label
from peermentoring.recruitment.models import (
    Application,
    Interview,
    InterviewScore,
    RecruitmentRound,
    TutorReference,
)
from peermentoring.recruitment.services import year_group_on
from peermentoring.recruitment.tests.slots import next_teaching_day
from peermentoring.schools.models import AcademicYear
from tests.support import builders
from tests.support.access import (
    EVERYONE,
    GET,
    GET_POST,
    POST,
    SETUP,
    Access,
    ForeignPost,
    school_of,
    viewer_of,
)
from tests.support.factories import MembershipFactory, PupilFactory, UserFactory, pupil_member

PANEL = frozenset(
    {
        Role.COORDINATOR,
        Role.SAFEGUARDING_LEAD,
        Role.DEPUTY_SAFEGUARDING_LEAD,
        Role.SCHOOL_ADMIN,
        Role.MENTOR,
        Role.PUPIL,
    }
)


def _round(school, viewer):
    return {"round_pk": builders.open_round_today(school).pk}


def _application(school, viewer):
    return {"application_pk": builders.application(school).pk}


def _shortlisted(school, viewer):
    return {"application_pk": builders.application(school, Application.Status.SHORTLISTED).pk}


def _accepted(school, viewer):
    return {"application_pk": builders.application(school, Application.Status.ACCEPTED).pk}


def _interview(school, viewer):
    return {"interview_pk": builders.interview_with(school, viewer).pk}


def _trained_mentor(school, viewer):
    return {"mentor_pk": builders.make_mentor(school).pk}


# --- What an allowed POST sends and changes --------------------------------------------

PUPIL_ONLY = frozenset({Role.PUPIL})  # staff may read an advert; only a pupil applies or answers


def _application_of(kwargs: dict[str, int]) -> Application:
    return Application.objects.get(pk=kwargs["application_pk"])


def _round_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    today = timezone.localdate()
    body = {
        "title": "Peer mentors wanted",
        "advert": "Join us",
        "year_group": 9,
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=14)).isoformat(),
        "places": 12,
        "questions_text": "Why you?\nWhy now?",
        "criteria_text": "Listening\nKindness",
    }
    if "round_pk" not in kwargs:
        body["academic_year"] = builders.this_year(school).pk
    return body


def _round_saved(response: Any, kwargs: dict[str, int]) -> None:
    round_ = RecruitmentRound.objects.get(school=school_of(response))
    assert (round_.title, round_.places, round_.questions) == (
        "Peer mentors wanted",
        12,
        ["Why you?", "Why now?"],
    )


def _rank_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    application = builders.application(school, Application.Status.INTERVIEW_BOOKED)
    return {f"rank_{application.pk}": "1"}


def _ranked(response: Any, kwargs: dict[str, int]) -> None:
    ranks = Application.objects.filter(round_id=kwargs["round_pk"]).values_list("rank", flat=True)
    assert list(ranks) == [1]


def _offer_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    builders.application(school, Application.Status.INTERVIEW_BOOKED, rank=1)
    return {}


def _offered(response: Any, kwargs: dict[str, int]) -> None:
    statuses = Application.objects.filter(round_id=kwargs["round_pk"]).values_list("status")
    assert list(statuses) == [(Application.Status.OFFERED,)]


def _apply_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    pupil = viewer.memberships.get().pupil
    year_group = year_group_on(pupil, timezone.localdate())
    RecruitmentRound.objects.filter(pk=kwargs["round_pk"]).update(year_group=year_group)
    answers = {f"answer_{i}": "I like helping." for i in range(3)}
    return answers | {"availability": ["break"], "interests": "Chess", "submit": "1"}


def _applied(response: Any, kwargs: dict[str, int]) -> None:
    application = Application.objects.get(round_id=kwargs["round_pk"])
    assert application.pupil_id == viewer_of(response).memberships.get().pupil_id
    assert application.status == Application.Status.SUBMITTED


def _offer_to_viewer(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    pupil = viewer.memberships.get().pupil
    builders.application(school, Application.Status.OFFERED, pupil=pupil)
    return {"answer": "accept"}


def _offer_accepted(response: Any, kwargs: dict[str, int]) -> None:
    application = Application.objects.get(round_id=kwargs["round_pk"])
    assert application.status == Application.Status.ACCEPTED
    assert Mentor.objects.filter(pupil=application.pupil).exists()


def _shortlisted_now(response: Any, kwargs: dict[str, int]) -> None:
    assert _application_of(kwargs).status == Application.Status.SHORTLISTED


def _decline_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"reason": "Places went to pupils with more experience."}


def _declined(response: Any, kwargs: dict[str, int]) -> None:
    assert _application_of(kwargs).status == Application.Status.NOT_SUCCESSFUL


def _reference_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"tutor_name": "Mr Hewitt", "tutor_email": "hewitt@example.org"}


def _reference_asked(response: Any, kwargs: dict[str, int]) -> None:
    reference = TutorReference.objects.get(application_id=kwargs["application_pk"])
    assert reference.tutor_email == "hewitt@example.org"


def _book_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    """A break-time slot on the next teaching day, with a past mentor on the panel."""
    year = builders.this_year(school)
    day = next_teaching_day(year)
    earlier = AcademicYear.objects.create(
        school=school,
        name="Earlier",
        starts_on=year.starts_on.replace(year=year.starts_on.year - 1),
        ends_on=year.starts_on - dt.timedelta(days=1),
    )
    panel = pupil_member(school, Role.PUPIL, given_name="Jordan", year_group=11).pupil
    Mentor.objects.create(school=school, pupil=panel, academic_year=earlier, status="trained")
    return {
        "day": day.isoformat(),
        "starts": "10:52",
        "ends": "11:07",
        "location": "Room 12",
        "staff_member": viewer.pk,
        "panel_pupils": [panel.pk],
    }


def _booked(response: Any, kwargs: dict[str, int]) -> None:
    interview = Interview.objects.get(application_id=kwargs["application_pk"])
    assert (interview.location, interview.staff_member) == ("Room 12", viewer_of(response))
    assert _application_of(kwargs).status == Application.Status.INTERVIEW_BOOKED


def _paper_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    round_ = RecruitmentRound.objects.get(pk=kwargs["round_pk"])
    pupil = PupilFactory(school=school, given_name="Ola", year_group=round_.year_group)
    answers = {f"answer_{i}": "I like helping." for i in range(len(round_.questions))}
    return answers | {
        "pupil": pupil_choice_label(pupil),
        "received_on": timezone.localdate().isoformat(),
        "availability": ["lunch"],
    }


def _paper_entered(response: Any, kwargs: dict[str, int]) -> None:
    application = Application.objects.get(round_id=kwargs["round_pk"])
    assert application.pupil.given_name == "Ola"
    assert application.status == Application.Status.SUBMITTED
    assert application.paper_received_on == timezone.localdate()


def _hoodie_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"hoodie_size": Mentor.HoodieSize.L}


def _hoodie_saved(response: Any, kwargs: dict[str, int]) -> None:
    assert Mentor.objects.get(pk=kwargs["mentor_pk"]).hoodie_size == Mentor.HoodieSize.L


def _consent_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"on": timezone.localdate().isoformat()}


def _consent_recorded(response: Any, kwargs: dict[str, int]) -> None:
    assert _application_of(kwargs).parental_consent_on == timezone.localdate()


def _scores_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    interview = Interview.objects.get(pk=kwargs["interview_pk"])
    criteria = interview.application.round.criteria
    return {f"score_{i}": "3" for i in range(len(criteria))} | {"comment": "Calm"}


def _scored(response: Any, kwargs: dict[str, int]) -> None:
    score = InterviewScore.objects.get(interview_id=kwargs["interview_pk"])
    assert (score.scorer, score.comment) == (viewer_of(response), "Calm")


ACCESS = {
    "recruitment:round-list": Access(SETUP, None, GET),
    "recruitment:round-create": Access(SETUP, None, GET_POST, _round_saved, _round_body),
    "recruitment:round-detail": Access(SETUP, _round, GET),
    "recruitment:round-edit": Access(SETUP, _round, GET_POST, _round_saved, _round_body),
    "recruitment:round-scores": Access(SETUP, _round, GET),
    "recruitment:round-rank": Access(SETUP, _round, POST, _ranked, _rank_body),
    "recruitment:round-offer": Access(SETUP, _round, GET_POST, _offered, _offer_body),
    "recruitment:paper-application": Access(SETUP, _round, GET_POST, _paper_entered, _paper_body),
    "recruitment:hoodie-size": Access(
        SETUP, _trained_mentor, GET_POST, _hoodie_saved, _hoodie_body
    ),
    "recruitment:apply": Access(EVERYONE, _round, GET_POST, _applied, _apply_body, PUPIL_ONLY),
    "recruitment:offer-respond": Access(
        EVERYONE, _round, GET_POST, _offer_accepted, _offer_to_viewer, PUPIL_ONLY
    ),
    "recruitment:application-detail": Access(SETUP, _application, GET),
    "recruitment:application-shortlist": Access(SETUP, _application, POST, _shortlisted_now),
    "recruitment:application-decline": Access(
        SETUP, _application, GET_POST, _declined, _decline_body
    ),
    "recruitment:reference-request": Access(
        SETUP, _application, POST, _reference_asked, _reference_body
    ),
    "recruitment:interview-book": Access(SETUP, _shortlisted, GET_POST, _booked, _book_body),
    "recruitment:consent-record": Access(SETUP, _accepted, POST, _consent_recorded, _consent_body),
    "recruitment:panel-list": Access(PANEL, None, GET),
    "recruitment:interview-score": Access(PANEL, _interview, GET_POST, _scored, _scores_body),
}


# --- Bodies naming another school's rows ------------------------------------------------


def _other_staff(other_school):
    user = UserFactory(first_name="Olwen")
    return MembershipFactory(user=user, school=other_school, role=Role.COORDINATOR).user


def _foreign_round_year(school, other_school, viewer):
    theirs = builders.this_year(other_school)
    today = timezone.localdate()

    def unchanged(response):
        assert response.status_code == 200  # the form refuses the year
        assert not RecruitmentRound.objects.filter(academic_year=theirs).exists()
        assert not RecruitmentRound.objects.for_school(school).exists()

    data = {
        "academic_year": theirs.pk,
        "title": "Peer mentors wanted",
        "year_group": 9,
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=7)).isoformat(),
        "places": 10,
        "questions_text": "Why?",
        "criteria_text": "Listening",
    }
    return ForeignPost({}, data, unchanged)


def _foreign_rank(school, other_school, viewer):
    ours = builders.application(school, Application.Status.INTERVIEW_BOOKED, rank=2)
    theirs = builders.application(other_school, Application.Status.INTERVIEW_BOOKED, rank=5)

    def unchanged(response):
        assert response.status_code == 302
        theirs.refresh_from_db()
        ours.refresh_from_db()
        assert theirs.rank == 5 and ours.rank == 2

    return ForeignPost({"round_pk": ours.round_id}, {f"rank_{theirs.pk}": "1"}, unchanged)


def _foreign_panel(school, other_school, viewer):
    application = builders.application(school, Application.Status.SHORTLISTED)
    staff = _other_staff(other_school)
    pupil = PupilFactory(school=other_school, given_name="Esme", year_group=11)
    builders.mentor_in(other_school, pupil=pupil, is_experienced=True)

    def unchanged(response):
        assert response.status_code == 200  # the form refuses both
        assert not Interview.objects.filter(application=application).exists()
        assert not Interview.objects.filter(staff_member=staff).exists()
        assert not pupil.interview_panels.exists()

    data = {
        "day": timezone.localdate().isoformat(),
        "starts": "10:52",
        "ends": "11:07",
        "location": "Room 12",
        "staff_member": staff.pk,
        "panel_pupils": [pupil.pk],
    }
    return ForeignPost({"application_pk": application.pk}, data, unchanged)


def _foreign_paper_pupil(school, other_school, viewer):
    """Another school's Year 9 pupil, named every way the box takes: list label, number, id."""
    round_ = builders.open_round_today(school)
    theirs = PupilFactory(school=other_school, given_name="Esme", year_group=round_.year_group)
    audit_before = AuditEntry.objects.count()

    def unchanged(response):
        assert response.status_code == 200  # the form says no pupil here matches
        assert "No pupil at this school matches" in response.text
        assert not Application.objects.filter(pupil=theirs).exists()
        assert not Application.objects.filter(round=round_).exists()
        assert AuditEntry.objects.count() == audit_before

    answers = {f"answer_{i}": "I like helping." for i in range(len(round_.questions))}
    data = answers | {
        "pupil": pupil_choice_label(theirs),
        "received_on": timezone.localdate().isoformat(),
        "availability": ["lunch"],
    }
    return ForeignPost({"round_pk": round_.pk}, data, unchanged)


FOREIGN_POSTS = {
    "recruitment:paper-application": _foreign_paper_pupil,
    "recruitment:round-create": _foreign_round_year,
    "recruitment:round-rank": _foreign_rank,
    "recruitment:interview-book": _foreign_panel,
}
NO_ROW_FIELDS = {
    "recruitment:hoodie-size",
    "recruitment:round-edit",
    "recruitment:round-offer",
    "recruitment:apply",
    "recruitment:offer-respond",
    "recruitment:application-shortlist",
    "recruitment:application-decline",
    "recruitment:reference-request",
    "recruitment:consent-record",
    "recruitment:interview-score",
}
