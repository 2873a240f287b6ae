"""Who may reach each page of the outcomes area, and what a POST to it changes.

A mentee answers their own check-in, a mentor their own reflection; the staff who see
outcomes (every staff role) see the change, who has not answered and the answers; the
coordinator and the school admin type in paper forms and edit the questions. These run on
the real clock: a pairing made today has its start check-in due today.

Also the rows the outcomes tests build (`pairing_of`, `summer_now`, `answer_with`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.roles import PUPIL_ROLES, Role
from peermentoring.evaluation.models import Answer, Question, Questionnaire, Response
from peermentoring.evaluation.outcomes_services import questionnaire_for
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, School, Term
from tests.support.access import (
    GET,
    GET_POST,
    SETUP,
    STAFF,
    Access,
    ForeignPost,
    school_of,
    viewer_of,
)
from tests.support.factories import (
    MentorFactory,
    PairingFactory,
    PupilFactory,
    ReferralFactory,
    this_year,
)

MENTEE = frozenset(PUPIL_ROLES)
MENTOR = frozenset({Role.MENTOR})
CHECK_IN = Questionnaire.Kind.MENTEE_CHECK_IN
REFLECTION = Questionnaire.Kind.MENTOR_REFLECTION


# --- Rows the outcomes tests share ---------------------------------------------------------


def pairing_of(
    school: School,
    *,
    mentee: Any = None,
    started_on: dt.date | None = None,
    given_name: str = "Lily",
) -> Pairing:
    """A pairing this year (started today unless told), for the given mentee pupil or a new one."""
    this_year(school)
    pupil = mentee or PupilFactory(school=school, given_name=given_name, year_group=7)
    referral = ReferralFactory(school=school, pupil=pupil)
    pairing: Pairing = PairingFactory(
        school=school,
        referral=referral,
        mentee=pupil,
        started_on=started_on or timezone.localdate(),
    )
    return pairing


def summer_now(school: School) -> AcademicYear:
    """An academic year holding today whose summer term's second half holds today too, so
    the mentors' reflections are due (the real calendar has them only in June and July)."""
    today = timezone.localdate()
    year = AcademicYear.objects.for_school(school).containing(today).first()
    if year is None:
        year = AcademicYear.objects.create(
            school=school,
            name="Reflections",
            starts_on=today - dt.timedelta(days=300),
            ends_on=today + dt.timedelta(days=60),
        )
    Term.objects.filter(academic_year=year, name=Term.Name.SUMMER).delete()
    Term.objects.create(
        academic_year=year,
        name=Term.Name.SUMMER,
        starts_on=today - dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=30),
        half_term_starts_on=today - dt.timedelta(days=10),
        half_term_ends_on=today - dt.timedelta(days=5),
    )
    return year


def answers_body(school: School, kind: str, score: int = 4, text: str = "Listening") -> dict:
    """A form's fields answering every current question of the school's questionnaire."""
    questionnaire = questionnaire_for(school, kind)
    body: dict[str, Any] = {"version": str(questionnaire.version)}
    for question in questionnaire.questions.current():
        body[f"q{question.pk}"] = str(score) if question.is_scale else text
    return body


def answer_with(
    pairing: Pairing,
    moment: str,
    scores: list[int | None],
    *,
    on: dt.date | None = None,
    by: Any = None,
) -> Response:
    """A check-in written straight to the tables: scores in question order (None: skipped)."""
    questionnaire = questionnaire_for(pairing.school, CHECK_IN)
    questions = list(questionnaire.questions.current().filter(answer_type="scale"))
    response = Response.objects.create(
        school=pairing.school,
        questionnaire=questionnaire,
        pupil=pairing.mentee,
        pairing=pairing,
        moment=moment,
        answered_on=on or timezone.localdate(),
        entered_by=by or _someone(),
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=q, score=s)
        for q, s in zip(questions, scores, strict=False)
        if s is not None
    )
    return response


def _someone() -> Any:
    from tests.support.factories import UserFactory

    return UserFactory()


# --- Row builders --------------------------------------------------------------------------


def _own_pupil(school: Any, viewer: Any) -> Any:
    membership = viewer.memberships.filter(school=school, pupil__isnull=False).first()
    return membership.pupil if membership is not None else None


def _pairing_row(school: Any, viewer: Any) -> dict[str, Any]:
    return {"pairing_pk": pairing_of(school).pk}


def _paper_row(school: Any, viewer: Any) -> dict[str, Any]:
    return {"pairing_pk": pairing_of(school).pk, "moment": Response.Moment.START}


def _mentor(school: Any, pupil: Any = None) -> Mentor:
    mentor: Mentor = MentorFactory(
        school=school,
        pupil=pupil or PupilFactory(school=school, given_name="Kwame", year_group=10),
        academic_year=this_year(school),
        status=Mentor.Status.TRAINED,
    )
    return mentor


def _mentor_row(school: Any, viewer: Any) -> dict[str, Any]:
    return {"mentor_pk": _mentor(school).pk}


def _questionnaire_row(school: Any, viewer: Any) -> dict[str, Any]:
    return {"questionnaire_pk": questionnaire_for(school, CHECK_IN).pk}


def _question_row(school: Any, viewer: Any) -> dict[str, Any]:
    question = questionnaire_for(school, CHECK_IN).questions.current()[0]
    return {"question_pk": question.pk}


# --- Bodies and effects ----------------------------------------------------------------------


def _my_check_in_body(school: Any, viewer: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    pairing = pairing_of(school, mentee=_own_pupil(school, viewer))
    return answers_body(school, CHECK_IN) | {"pairing": pairing.pk, "moment": "start"}


def _checked_in(response: Any, kwargs: dict[str, Any]) -> None:
    answered = Response.objects.for_school(school_of(response)).get()
    assert answered.entered_by == viewer_of(response) and not answered.is_paper
    assert answered.moment == Response.Moment.START and answered.answers.count() == 4


def _my_reflection_body(school: Any, viewer: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    summer_now(school)
    _mentor(school, _own_pupil(school, viewer))
    return answers_body(school, REFLECTION)


def _reflected(response: Any, kwargs: dict[str, Any]) -> None:
    answered = Response.objects.for_school(school_of(response)).get()
    assert answered.mentor is not None and answered.entered_by == viewer_of(response)
    assert answered.answers.count() == 3


def _paper_body(school: Any, viewer: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    return answers_body(school, CHECK_IN, score=2) | {
        "answered_on": timezone.localdate().isoformat()
    }


def _paper_recorded(response: Any, kwargs: dict[str, Any]) -> None:
    answered = Response.objects.get(pairing=kwargs["pairing_pk"], moment="start")
    assert answered.is_paper and answered.entered_by == viewer_of(response)
    assert set(answered.answers.values_list("score", flat=True)) == {2}


def _reflection_paper_body(school: Any, viewer: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    return answers_body(school, REFLECTION) | {"answered_on": timezone.localdate().isoformat()}


def _reflection_recorded(response: Any, kwargs: dict[str, Any]) -> None:
    answered = Response.objects.get(mentor=kwargs["mentor_pk"])
    assert answered.is_paper and answered.entered_by == viewer_of(response)


def _question_body(school: Any, viewer: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {"text": "I enjoy break and lunch", "answer_type": "scale", "order": "5"}


def _question_added(response: Any, kwargs: dict[str, Any]) -> None:
    assert Question.objects.get(pk__isnull=False, text="I enjoy break and lunch").order == 5


def _question_changed(response: Any, kwargs: dict[str, Any]) -> None:
    assert Question.objects.get(pk=kwargs["question_pk"]).text == "I enjoy break and lunch"


def _question_removed(response: Any, kwargs: dict[str, Any]) -> None:
    assert not Question.objects.filter(pk=kwargs["question_pk"], retired_at__isnull=True).exists()


ACCESS: dict[str, Access] = {
    "evaluation:my-check-in": Access(MENTEE, None, GET_POST, _checked_in, _my_check_in_body),
    "evaluation:my-reflection": Access(MENTOR, None, GET_POST, _reflected, _my_reflection_body),
    "evaluation:outcomes": Access(STAFF, None, GET),
    "evaluation:outcomes-download": Access(STAFF, None, GET),
    "evaluation:check-ins": Access(STAFF, None, GET),
    "evaluation:check-in-paper": Access(SETUP, _paper_row, GET_POST, _paper_recorded, _paper_body),
    "evaluation:reflection-paper": Access(
        SETUP, _mentor_row, GET_POST, _reflection_recorded, _reflection_paper_body
    ),
    "evaluation:pairing-answers": Access(STAFF, _pairing_row, GET),
    "evaluation:mentor-answers": Access(STAFF, _mentor_row, GET),
    "evaluation:questionnaires": Access(STAFF, None, GET),
    "evaluation:question-add": Access(
        SETUP, _questionnaire_row, GET_POST, _question_added, _question_body
    ),
    "evaluation:question-edit": Access(
        SETUP, _question_row, GET_POST, _question_changed, _question_body
    ),
    "evaluation:question-remove": Access(SETUP, _question_row, GET_POST, _question_removed),
}


# --- Another school's ids in POST bodies ---------------------------------------------------


def _foreign_check_in(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """A mentee posts another school's pairing: 404, nothing answered for it."""
    theirs = pairing_of(other_school, given_name="Owen")
    body = answers_body(school, CHECK_IN) | {"pairing": theirs.pk, "moment": "start"}

    def unchanged(response: Any) -> None:
        assert response.status_code == 404
        assert not Response.objects.exists()

    return ForeignPost({}, body, unchanged)


def _foreign_question_fields(school: Any, other_school: Any) -> dict[str, Any]:
    theirs = questionnaire_for(other_school, CHECK_IN).questions.current()
    return {f"q{q.pk}": "5" for q in theirs}


def _foreign_paper(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's pairing and questions in the body: only this school's are answered."""
    kwargs = _paper_row(school, viewer)
    theirs = pairing_of(other_school, given_name="Owen")
    body = (
        _paper_body(school, viewer, kwargs)
        | _foreign_question_fields(school, other_school)
        | {"pairing": theirs.pk, "pairing_pk": theirs.pk}
    )

    def unchanged(response: Any) -> None:
        assert not Response.objects.filter(pairing=theirs).exists()
        assert not Answer.objects.filter(question__questionnaire__school=other_school).exists()

    return ForeignPost(kwargs, body, unchanged)


def _foreign_reflection_paper(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    kwargs = _mentor_row(school, viewer)
    theirs = _mentor(other_school)
    body = _reflection_paper_body(school, viewer, kwargs) | {
        "mentor": theirs.pk,
        "mentor_pk": theirs.pk,
    }

    def unchanged(response: Any) -> None:
        assert not Response.objects.filter(mentor=theirs).exists()

    return ForeignPost(kwargs, body, unchanged)


def _foreign_question_add(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    kwargs = _questionnaire_row(school, viewer)
    theirs = questionnaire_for(other_school, CHECK_IN)
    before = theirs.questions.count()
    body = _question_body(school, viewer, kwargs) | {"questionnaire": theirs.pk}

    def unchanged(response: Any) -> None:
        assert theirs.questions.count() == before

    return ForeignPost(kwargs, body, unchanged)


def _foreign_question(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    kwargs = _question_row(school, viewer)
    theirs = questionnaire_for(other_school, CHECK_IN).questions.current()[0]
    assert theirs.text == "I feel happy at school"
    body = _question_body(school, viewer, kwargs) | {"question": theirs.pk}

    def unchanged(response: Any) -> None:
        assert Question.objects.get(pk=theirs.pk).text == "I feel happy at school"
        assert Question.objects.get(pk=theirs.pk).retired_at is None

    return ForeignPost(kwargs, body, unchanged)


FOREIGN_POSTS: dict[str, Any] = {
    "evaluation:my-check-in": _foreign_check_in,
    "evaluation:check-in-paper": _foreign_paper,
    "evaluation:reflection-paper": _foreign_reflection_paper,
    "evaluation:question-add": _foreign_question_add,
    "evaluation:question-edit": _foreign_question,
    "evaluation:question-remove": _foreign_question,
}
# The reflection's body names no row: the mentor is the one signed in.
NO_ROW_FIELDS: set[str] = {"evaluation:my-reflection"}
