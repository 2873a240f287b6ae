"""The outcomes pages.

Pupils: a mentee's check-in (`my-check-in/`) and a mentor's reflection (`my-reflection/`),
on their own accounts. Neither page shows any answer, the pupil's own included, and no page
a pupil may open shows the other party's: a mentor never sees their mentee's check-ins, a
mentee never sees their mentor's reflection.

Staff who see outcomes (OUTCOME_ROLES: the coordinator, the school admin, the safeguarding
lead and deputies, who act on a pupil saying they are unhappy or do not know whom to go
to) see the change, who has not answered, and each pupil's answers. The coordinator and
the school admin (SETUP_ROLES) type in paper forms and edit the questions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES
from peermentoring.core.spreadsheets import table_response
from peermentoring.evaluation import outcomes_due, outcomes_figures
from peermentoring.evaluation import outcomes_services as services
from peermentoring.evaluation.models import Question, Questionnaire, Response
from peermentoring.evaluation.outcomes_forms import AnswersForm, QuestionForm
from peermentoring.evaluation.outcomes_home import CHECK_IN_ROLES, REFLECTION_ROLES
from peermentoring.evaluation.outcomes_services import AlreadyAnswered, QuestionFields
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear

OUTCOME_ROLES = STAFF_ROLES
ID_DIGITS = 18
Kind = Questionnaire.Kind


def _posted(request: SchoolRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _posted_id(request: SchoolRequest, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdecimal() and len(value) <= ID_DIGITS else None


def _this_year(request: SchoolRequest) -> AcademicYear | None:
    found: AcademicYear | None = (
        AcademicYear.objects.for_school(request.school).containing(timezone.localdate()).first()
    )
    return found


# --- The pupils' pages -------------------------------------------------------------------


def _answers_form(
    request: SchoolRequest, questionnaire: Questionnaire, *, paper: bool = False
) -> AnswersForm:
    questions = list(questionnaire.questions.current())
    return AnswersForm(
        _posted(request),
        questions=questions,
        paper=paper,
        initial={"version": questionnaire.version},
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*CHECK_IN_ROLES)
@pupil_text
def my_check_in(request: SchoolRequest) -> HttpResponse:
    """The mentee's check-in due now, if any: the faces, one question at a time down the page."""
    school = request.school
    mine = Pairing.objects.for_school(school).filter(mentee=request.membership.pupil_id)
    if request.method == "POST":
        pairing_pk, moment = _posted_id(request, "pairing"), request.POST.get("moment", "")
        pairing = get_object_or_404(mine, pk=pairing_pk or 0)
        if moment not in Response.CHECK_IN_MOMENTS:
            raise Http404("No such check-in")
    else:
        due = outcomes_due.due_check_ins(mine, timezone.localdate())
        if not due:
            return render(request, "evaluation/outcomes/my_check_in.html", {"due": None})
        pairing, moment = due[0].pairing, due[0].moment
    questionnaire = services.questionnaire_for(school, Kind.MENTEE_CHECK_IN)
    form = _answers_form(request, questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_check_in(
                pairing=pairing,
                moment=moment,
                answers=form.answers(),
                by=request.user,
                version=form.cleaned_data["version"],
            )
        except AlreadyAnswered:
            return render(request, "evaluation/outcomes/thanks.html", {"again": True})
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return render(request, "evaluation/outcomes/thanks.html", {"again": False})
    context = {"due": True, "form": form, "pairing": pairing, "moment": moment}
    return render(
        request,
        "evaluation/outcomes/my_check_in.html",
        context,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*REFLECTION_ROLES)
@pupil_text
def my_reflection(request: SchoolRequest) -> HttpResponse:
    """The mentor's end-of-year reflection, in the second half of the summer term."""
    school = request.school
    year = _this_year(request)
    mentor = (
        Mentor.objects.for_school(school)
        .filter(pupil=request.membership.pupil_id, academic_year=year)
        .exclude(status=Mentor.Status.STEPPED_DOWN)  # as the home card: no longer a mentor
        .select_related("academic_year")
        .first()
        if year is not None
        else None
    )
    due = (
        mentor is not None
        and year is not None
        and outcomes_due.reflection_due_on(outcomes_due.summer_of(year), year, timezone.localdate())
    )
    if mentor is None or not due:
        return render(request, "evaluation/outcomes/my_reflection.html", {"due": False})
    if Response.objects.filter(mentor=mentor).exists() and request.method == "GET":
        return render(request, "evaluation/outcomes/thanks.html", {"again": True})
    questionnaire = services.questionnaire_for(school, Kind.MENTOR_REFLECTION)
    form = _answers_form(request, questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_reflection(
                mentor=mentor,
                answers=form.answers(),
                by=request.user,
                version=form.cleaned_data["version"],
            )
        except AlreadyAnswered:
            return render(request, "evaluation/outcomes/thanks.html", {"again": True})
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            return render(request, "evaluation/outcomes/thanks.html", {"again": False})
    return render(
        request,
        "evaluation/outcomes/my_reflection.html",
        {"due": True, "form": form},
        status=400 if form.errors else 200,
    )


# --- The staff's pages ----------------------------------------------------------------------


@require_GET
@school_role_required(*OUTCOME_ROLES)
def outcomes(request: SchoolRequest) -> HttpResponse:
    """The mentees' change this academic year and last, with how many answered."""
    today = timezone.localdate()
    years = list(
        AcademicYear.objects.for_school(request.school)
        .filter(starts_on__lte=today)
        .order_by("-starts_on")[:2]
    )
    summaries = [
        (
            year,
            outcomes_figures.outcome_summary(
                request.school, year.starts_on, min(today, year.ends_on)
            ),
        )
        for year in years
    ]
    return render(request, "evaluation/outcomes/summary.html", {"summaries": summaries})


@require_GET
@school_role_required(*OUTCOME_ROLES)
def outcomes_download(request: SchoolRequest) -> HttpResponse:
    """One academic year's change (`?year=`, else this one) as CSV or Excel: figures, no names."""
    asked = request.GET.get("year", "")
    today = timezone.localdate()
    year: AcademicYear | None
    if asked:
        if not asked.isdecimal() or len(asked) > ID_DIGITS:
            raise Http404("No such year")
        year = get_object_or_404(AcademicYear.objects.for_school(request.school), pk=int(asked))
    else:
        year = _this_year(request)
    # With no academic year set up, today alone: the table's heading and noughts.
    first, last = (year.starts_on, min(today, year.ends_on)) if year else (today, today)
    summary = outcomes_figures.outcome_summary(request.school, first, last)
    return table_response(
        summary.rows(),
        request.GET.get("format", ""),
        filename=f"outcomes-{first.year}",
        sheet="Outcomes",
    )


@require_GET
@school_role_required(*OUTCOME_ROLES)
def check_ins(request: SchoolRequest) -> HttpResponse:
    """Who has not answered a check-in or reflection due now, with "Record a paper answer"."""
    school = request.school
    today = timezone.localdate()
    year = _this_year(request)
    due: list[outcomes_due.DueCheckIn] = []
    reflections: list[Mentor] = []
    reflections_open = False
    if year is not None:
        pairings = (
            Pairing.objects.for_school(school)
            .filter(started_on__gte=year.starts_on, started_on__lte=year.ends_on)
            .select_related("mentor__pupil", "mentee")
            .order_by("mentee__family_name", "mentee__given_name", "pk")
        )
        due = outcomes_due.due_check_ins(pairings, today)
        reflections_open = outcomes_due.reflection_due_on(outcomes_due.summer_of(year), year, today)
        if reflections_open:
            reflections = list(
                outcomes_due.mentors_to_reflect(
                    Mentor.objects.for_school(school).for_year(year)
                ).select_related("pupil")
            )
    context = {
        "year": year,
        "due": due,
        "reflections": reflections,
        "reflections_open": reflections_open,
        "can_record": request.membership.role in SETUP_ROLES,
    }
    return render(request, "evaluation/outcomes/check_ins.html", context)


def _moment(moment: str) -> str:
    if moment not in Response.CHECK_IN_MOMENTS:
        raise Http404("No such check-in")
    return moment


def _paper_answers(
    request: SchoolRequest,
    kind: Questionnaire.Kind,
    *,
    save: Callable[..., Response],
    noun: str,
    who: str,
    what: str,
) -> HttpResponse:
    """The paper form of one questionnaire, shared by the check-in and the reflection so
    both are typed in alike: marked as paper, dated the day on the form, saved once (a
    second save changes nothing), then back to who has not answered."""
    school = request.school
    check_ins = reverse("evaluation:check-ins", args=[school.slug])
    form = _answers_form(request, services.questionnaire_for(school, kind), paper=True)
    if request.method == "POST" and form.is_valid():
        try:
            save(
                answers=form.answers(),
                by=request.user,
                is_paper=True,
                answered_on=form.answered_on(),
                version=form.cleaned_data["version"],
            )
        except AlreadyAnswered:
            messages.info(request, f"That {noun} had been recorded already: nothing changed.")
            return redirect(check_ins)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Paper {noun} recorded for {who}.")
            return redirect(check_ins)
    context = {"form": form, "who": who, "what": what, "cancel_url": check_ins}
    return render(
        request, "evaluation/outcomes/paper_form.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def check_in_paper(request: SchoolRequest, pairing_pk: int, moment: str) -> HttpResponse:
    """Type in a mentee's paper check-in; it is marked as paper, dated the day on the form."""
    school = request.school
    pairing = get_object_or_404(
        Pairing.objects.for_school(school).select_related("mentee", "mentor__pupil", "school"),
        pk=pairing_pk,
    )
    moment = _moment(moment)
    return _paper_answers(
        request,
        Kind.MENTEE_CHECK_IN,
        save=functools.partial(services.answer_check_in, pairing=pairing, moment=moment),
        noun="check-in",
        who=pairing.mentee.full_name,
        what=f"{Response.Moment(moment).label} check-in",
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def reflection_paper(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    """Type in a mentor's paper reflection."""
    school = request.school
    mentor = get_object_or_404(
        Mentor.objects.for_school(school).select_related("pupil", "school"), pk=mentor_pk
    )
    return _paper_answers(
        request,
        Kind.MENTOR_REFLECTION,
        save=functools.partial(services.answer_reflection, mentor=mentor),
        noun="reflection",
        who=mentor.pupil.full_name,
        what="End-of-year reflection",
    )


def _responses(**filters: Any) -> list[Response]:
    return list(
        Response.objects.filter(**filters)
        .select_related("entered_by")
        .prefetch_related("answers__question")
        .order_by("answered_on", "pk")
    )


@dataclass(frozen=True)
class MenteeChange:
    """One mentee's 1-5 answers at their first and latest check-in of a pairing."""

    first: Response
    latest: Response
    rows: list[tuple[str, int, int]]  # question, first score, latest score
    first_mean: float | None
    latest_mean: float | None


def _mean(scores: list[int]) -> float | None:
    return round(sum(scores) / len(scores), 1) if scores else None


def mentee_change(responses: list[Response]) -> MenteeChange | None:
    """First to latest, on the questions answered both times (a pairing has three at most)."""
    if len(responses) < 2:
        return None
    first, latest = responses[0], responses[-1]
    before = {a.question_id: a.score for a in first.answers.all() if a.score}
    after = {a.question_id: a.score for a in latest.answers.all() if a.score}
    texts = {a.question_id: a.question.text for a in latest.answers.all()}
    rows = [(texts[pk], before[pk], after[pk]) for pk in after if pk in before]
    return MenteeChange(
        first=first,
        latest=latest,
        rows=rows,
        first_mean=_mean(list(before.values())),
        latest_mean=_mean(list(after.values())),
    )


@require_GET
@school_role_required(*OUTCOME_ROLES)
def pairing_answers(request: SchoolRequest, pairing_pk: int) -> HttpResponse:
    """A mentee's check-ins about one pairing, each answer beside its question as asked."""
    pairing = get_object_or_404(
        Pairing.objects.for_school(request.school).select_related("mentee", "mentor__pupil"),
        pk=pairing_pk,
    )
    responses = _responses(pairing=pairing)
    context = {
        "title": f"{pairing.mentee.full_name}'s check-ins",
        "about": f"Paired with {pairing.mentor.pupil.full_name} from {pairing.started_on:%-d %B %Y}.",
        "responses": responses,
        "change": mentee_change(responses),
    }
    return render(request, "evaluation/outcomes/answers.html", context)


@require_GET
@school_role_required(*OUTCOME_ROLES)
def mentor_answers(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    """A mentor's end-of-year reflection."""
    mentor = get_object_or_404(
        Mentor.objects.for_school(request.school).select_related("pupil", "academic_year"),
        pk=mentor_pk,
    )
    context = {
        "title": f"{mentor.pupil.full_name}'s reflection",
        "about": f"Peer mentor in {mentor.academic_year.name}.",
        "responses": _responses(mentor=mentor),
    }
    return render(request, "evaluation/outcomes/answers.html", context)


# --- The questions -----------------------------------------------------------------------


@require_GET
@school_role_required(*OUTCOME_ROLES)
def questionnaires(request: SchoolRequest) -> HttpResponse:
    """Both questionnaires and their questions (made with the default ones on first use)."""
    found = [services.questionnaire_for(request.school, kind) for kind in Kind]
    context = {
        "questionnaires": [(q, list(q.questions.current())) for q in found],
        "can_edit": request.membership.role in SETUP_ROLES,
    }
    return render(request, "evaluation/outcomes/questionnaires.html", context)


def _question_fields(form: QuestionForm) -> QuestionFields:
    data = form.cleaned_data
    return QuestionFields(text=data["text"], answer_type=data["answer_type"], order=data["order"])


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def question_add(request: SchoolRequest, questionnaire_pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(
        Questionnaire.objects.for_school(request.school).select_related("school"),
        pk=questionnaire_pk,
    )
    next_place = questionnaire.questions.current().count() + 1
    form = QuestionForm(
        _posted(request), initial={"answer_type": Question.AnswerType.SCALE, "order": next_place}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(
                questionnaire=questionnaire, fields=_question_fields(form), by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Question added.")
            return redirect("evaluation:questionnaires", school_slug=request.school.slug)
    context = {"form": form, "questionnaire": questionnaire, "question": None}
    return render(
        request,
        "evaluation/outcomes/question_form.html",
        context,
        status=400 if form.errors else 200,
    )


def _question(request: SchoolRequest, question_pk: int) -> Question:
    question: Question = get_object_or_404(
        Question.objects.for_school(request.school)
        .filter(retired_at__isnull=True)
        .select_related("questionnaire__school"),
        pk=question_pk,
    )
    return question


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def question_edit(request: SchoolRequest, question_pk: int) -> HttpResponse:
    """Change a question; one already answered is kept for its answers and a new one asked."""
    question = _question(request, question_pk)
    initial = {"text": question.text, "answer_type": question.answer_type, "order": question.order}
    form = QuestionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_question(
                question=question, fields=_question_fields(form), by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Question saved.")
            return redirect("evaluation:questionnaires", school_slug=request.school.slug)
    context = {
        "form": form,
        "questionnaire": question.questionnaire,
        "question": question,
        "has_answers": question.answers.exists(),
    }
    return render(
        request,
        "evaluation/outcomes/question_form.html",
        context,
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def question_remove(request: SchoolRequest, question_pk: int) -> HttpResponse:
    """Ask once, then stop asking the question (answers already given keep it)."""
    question = _question(request, question_pk)
    slug = request.school.slug
    if request.method == "POST":
        try:
            services.remove_question(question=question, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Question removed.")
        return redirect("evaluation:questionnaires", school_slug=slug)
    return render(
        request,
        "core/confirm.html",
        {
            "title": f"Stop asking “{question.text}”?",
            "message": "Pupils are no longer asked it. Answers already given are kept, "
            "with the question as they read it.",
            "button": "Stop asking it",
            "hidden": {},
            "cancel_url": reverse("evaluation:questionnaires", args=[slug]),
            "danger": True,
        },
    )
