"""The demo's check-ins and reflections, so outcomes show on the demo school.

Called by `demo.builder.load_demo` (`load_outcomes_demo(oak)`) after the pairings exist.
The default questionnaires are made; last year's (2025-26 when built in 2026-27) mentees
answered their start, mid-way and end check-ins, most of them (a few missed one), and
their mentors wrote their reflections in the second half of the summer term. This year's
mentees answered every check-in due so far, but for a few the coordinator still chases:
among them the demo's mentee, whose home page shows "Your check-in".

Answers are realistic, not rosy: mentees start low on "I know who to go to if I'm worried"
and "I feel confident", most move up a point or two by the end, some stay the same and a
few end lower. A pupil with no account of their own answered on paper, typed in by the
coordinator; a pupil with an account answered online. Rows are written straight to the
tables (as the demo's meetings are): the services' rules are checked by their own tests.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.evaluation import outcomes_due
from peermentoring.evaluation.models import Answer, Question, Questionnaire, Response
from peermentoring.evaluation.outcomes_services import questionnaire_for
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Membership, School, Term

Moment = Response.Moment
# Of last year's check-ins, the share answered (a few pupils missed one).
ANSWERED: dict[str, float] = {Moment.START: 0.95, Moment.MID: 0.8, Moment.END: 0.85}
THIS_YEAR_ANSWERED = 0.75
REFLECTED = 0.85
# How much each default question tends to move over a year with a mentor (the faces 1-5).
LIFT = {
    "I feel happy at school": 1.0,
    "I know who to go to if I'm worried": 1.6,
    "I have friends in my year": 0.9,
    "I feel confident": 1.2,
}
SKILLS = [
    "Listening properly, without jumping in with advice.",
    "Being patient, and planning what we would talk about.",
    "Staying calm when someone is upset.",
    "Keeping things private, and knowing when a worry has to go to a member of staff.",
    "Confidence talking to younger pupils and to teachers.",
    "Organising my time: meeting at break and still getting to lessons on time.",
]
ADVICE = [
    "Turn up when you say you will: it matters more than anything you say.",
    "Let them talk. The first few meetings are quiet, then it gets easier.",
    "Tell the coordinator straight away if something worries you.",
    "Have a game or a question ready for the quiet weeks.",
    "Don't try to fix everything: just be there for them.",
]


@dataclass
class _Writer:
    """Responses and answers to write, with who entered them."""

    school: School
    coordinator: User
    accounts: dict[int, User]  # pupil pk -> their own account
    rng: random.Random
    responses: list[Response]
    answers: list[list[Answer]]

    def add(
        self,
        *,
        questionnaire: Questionnaire,
        pupil_id: int,
        day: dt.date,
        answers: list[Answer],
        pairing: Pairing | None = None,
        mentor: Mentor | None = None,
        moment: str,
    ) -> None:
        own = self.accounts.get(pupil_id)
        self.responses.append(
            Response(
                school=self.school,
                questionnaire=questionnaire,
                pupil_id=pupil_id,
                pairing=pairing,
                mentor=mentor,
                moment=moment,
                answered_on=day,
                recorded_at=timezone.make_aware(
                    dt.datetime.combine(day, dt.time(15, self.rng.randint(30, 59)))
                ),
                entered_by=own or self.coordinator,
                is_paper=own is None,
            )
        )
        self.answers.append(answers)

    def save(self) -> None:
        made = Response.objects.bulk_create(self.responses)
        for response, answers in zip(made, self.answers, strict=True):
            for answer in answers:
                answer.response = response
        Answer.objects.bulk_create(a for answers in self.answers for a in answers)


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _school_day(day: dt.date, latest: dt.date) -> dt.date:
    """The day, or the Friday before if a weekend, never after `latest`."""
    day = min(day, latest)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _check_in_answers(
    rng: random.Random, questions: list[Question], baseline: dict[int, int], progress: float
) -> list[Answer]:
    """Scores `progress` of the way (0 start, 1 end) from the pupil's baseline to their lift."""
    answers = []
    for question in questions:
        lift = LIFT.get(question.text, 1.0) * rng.choice([0, 0.5, 1, 1, 1.5, -0.5])
        noise = rng.choice([0, 0, 0, 0.5, -0.5])
        score = _clamp(baseline[question.pk] + progress * lift + noise * progress)
        answers.append(Answer(question=question, score=score))
    return answers


def _pairing_check_ins(
    writer: _Writer,
    questionnaire: Questionnaire,
    pairings: list[Pairing],
    today: dt.date,
    *,
    leave: set[int],
    share: dict[str, float] | None,
) -> None:
    """Each pairing's check-ins whose time has come, answered on a school day in their window."""
    rng = writer.rng
    questions = list(questionnaire.questions.current())
    progress = {Moment.START: 0.0, Moment.MID: 0.6, Moment.END: 1.0}
    facts = {
        p.pk: p
        for p in outcomes_due.with_check_in_facts(
            Pairing.objects.filter(pk__in=[p.pk for p in pairings])
        )
    }
    for pairing in pairings:
        dates = outcomes_due.dates_of(facts[pairing.pk])
        if dates is None or pairing.mentee_id in leave:
            continue
        baseline = {
            q.pk: rng.choices([1, 2, 3, 4, 5], weights=[12, 33, 37, 14, 4])[0] for q in questions
        }
        for moment in Response.CHECK_IN_MOMENTS:
            if not dates.opened(moment, today):
                continue
            chance = share[moment] if share else THIS_YEAR_ANSWERED
            if rng.random() > chance:
                continue
            opens = {Moment.START: dates.start_from, Moment.MID: dates.mid_from}
            first = opens.get(moment, dates.end_from)
            day = _school_day(first + dt.timedelta(days=rng.randint(0, 9)), today)
            if day < pairing.started_on:
                day = pairing.started_on
            writer.add(
                questionnaire=questionnaire,
                pupil_id=pairing.mentee_id,
                pairing=pairing,
                moment=moment,
                day=day,
                answers=_check_in_answers(rng, questions, baseline, progress[moment]),
            )


def _reflections(writer: _Writer, year: AcademicYear, today: dt.date) -> None:
    rng = writer.rng
    summer = Term.objects.filter(academic_year=year, name=Term.Name.SUMMER).first()
    if summer is None or not outcomes_due.reflection_opens(summer) <= today:
        return
    questionnaire = questionnaire_for(writer.school, Questionnaire.Kind.MENTOR_REFLECTION)
    questions = list(questionnaire.questions.current())
    opens = outcomes_due.reflection_opens(summer)
    for mentor in Mentor.objects.for_school(writer.school).for_year(year).order_by("pk"):
        if mentor.status == Mentor.Status.STEPPED_DOWN or rng.random() > REFLECTED:
            continue
        answers = []
        for question in questions:
            if question.is_scale:
                answers.append(Answer(question=question, score=rng.choice([3, 4, 4, 5, 5])))
            elif "next year" in question.text:
                answers.append(Answer(question=question, text=rng.choice(ADVICE)))
            else:
                answers.append(Answer(question=question, text=rng.choice(SKILLS)))
        day = _school_day(opens + dt.timedelta(days=rng.randint(0, 25)), min(summer.ends_on, today))
        writer.add(
            questionnaire=questionnaire,
            pupil_id=mentor.pupil_id,
            mentor=mentor,
            moment=Moment.END_OF_YEAR,
            day=day,
            answers=answers,
        )


def load_outcomes_demo(school: School) -> None:
    """The default questionnaires, last year's check-ins and reflections, and this year's so far."""
    rng = random.Random(2016)  # the year the school's evaluation quoted 527 meetings
    today = timezone.localdate()
    members = Membership.objects.filter(school=school)
    coordinator = members.get(role=Role.COORDINATOR).user
    accounts = {
        m.pupil_id: m.user
        for m in members.filter(pupil__isnull=False).select_related("user")
        if m.pupil_id is not None
    }
    # The demo's mentees with accounts keep a check-in to answer: their home page shows it.
    waiting = {m.pupil_id for m in members.filter(role=Role.MENTEE) if m.pupil_id is not None}
    questionnaire = questionnaire_for(school, Questionnaire.Kind.MENTEE_CHECK_IN)
    writer = _Writer(school, coordinator, accounts, rng, [], [])
    years = list(AcademicYear.objects.for_school(school).filter(starts_on__lte=today)[:2])
    for year in reversed(years):
        is_this_year = year.ends_on >= today
        pairings = list(
            Pairing.objects.for_school(school)
            .filter(started_on__gte=year.starts_on, started_on__lte=year.ends_on)
            .order_by("pk")
        )
        _pairing_check_ins(
            writer,
            questionnaire,
            pairings,
            today,
            leave=waiting if is_this_year else set(),
            share=None if is_this_year else ANSWERED,
        )
        _reflections(writer, year, today)
    writer.save()
