"""The coordinator's pages for visits to the feeder primaries.

Staff (the coordinator, the school admin, the safeguarding lead and deputies) may read the
Visits page and each visit; planning, changing, sending, cancelling, recording and the
follow-ups are for the coordinator and the school admin (SETUP_ROLES). Every row comes
through the school's own querysets: another school's visit, primary or mentor is a 404,
or an invalid choice on a form.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.outreach import visit_after, visit_answers, visit_home, visit_services
from peermentoring.outreach.models import PrimaryVisit, VisitFollowUp
from peermentoring.outreach.visit_forms import (
    ChangeVisitForm,
    FollowUpForm,
    NewVisitForm,
    RecordForm,
    VisitForm,
)
from peermentoring.outreach.visit_words import answer_words, day_words, has_happened, today
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear, FeederPrimary, School

PLAN_FIELDS = (
    "primary",
    "visit_on",
    "starts_at",
    "ends_at",
    "mentors",
    "staff_name",
    "plan",
    "contact_email",
    "released_from_lessons",
)


def _version(request: SchoolRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def _visit(request: SchoolRequest, visit_pk: int) -> PrimaryVisit:
    return get_object_or_404(
        PrimaryVisit.objects.for_school(request.school).select_related(
            "school", "primary", "recorded_by", "created_by"
        ),
        pk=visit_pk,
    )


def _follow_up(request: SchoolRequest, follow_up_pk: int) -> VisitFollowUp:
    return get_object_or_404(
        VisitFollowUp.objects.for_school(request.school).select_related("visit"),
        pk=follow_up_pk,
    )


def _back_to(visit: PrimaryVisit) -> HttpResponse:
    return redirect("outreach:visit", visit.school.slug, visit.pk)


def _refused(request: SchoolRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- The Visits page -------------------------------------------------------------------


@require_GET
@school_role_required(*STAFF_ROLES)
def visit_list(request: SchoolRequest) -> HttpResponse:
    """A school year's visits: to come (with the primary's answer), to record, done, and the
    feeder primaries not yet visited."""
    school = request.school
    year = visit_home.chosen_year(school, request.GET.get("year", ""), today())
    context = {
        "visits": visit_home.year_of_visits(school, year),
        "years": AcademicYear.objects.for_school(school),
        "can_change": request.membership.role in SETUP_ROLES,
    }
    return render(request, "outreach/visit_list.html", context)


# --- Planning and changing a visit -----------------------------------------------------


def _asked_date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def _mentor_choices(school: School, on: dt.date, chosen: set[int]) -> list[tuple[int, str, bool]]:
    """The trained mentors able to mentor on the date, and any already chosen: (pk, "Kwame
    Mensah, 10B", chosen), by first name."""
    serving = list(
        Mentor.objects.for_school(school)
        .trained()
        .filter(academic_year__starts_on__lte=on, academic_year__ends_on__gte=on)
        .select_related("pupil")
    )
    able = able_to_mentor_ids(serving) if serving else set()
    listed = [m for m in serving if m.pk in able]
    seen = {m.pk for m in listed}
    listed += list(
        Mentor.objects.for_school(school).filter(pk__in=chosen - seen).select_related("pupil")
    )
    listed.sort(key=lambda m: (m.pupil.first_name, m.pupil.family_name))
    return [
        (
            m.pk,
            f"{m.pupil.full_name}, {m.pupil.form_group or f'Year {m.pupil.year_group}'}",
            m.pk in chosen,
        )
        for m in listed
    ]


def _form_rows(school: School) -> dict[str, Any]:
    return {
        "primaries": FeederPrimary.objects.for_school(school),
        "mentors": Mentor.objects.for_school(school).select_related("pupil"),
    }


def _chosen(form: VisitForm) -> set[int]:
    if form.is_bound:
        values = form.data.getlist("mentors") if hasattr(form.data, "getlist") else []
        return {int(v) for v in values if str(v).isdecimal() and len(str(v)) <= 18}
    return {int(pk) for pk in form.initial.get("mentors", [])}


def _form_page(
    request: SchoolRequest, form: VisitForm, visit: PrimaryVisit | None, on: dt.date
) -> HttpResponse:
    context = {
        "form": form,
        "visit": visit,
        "mentor_choices": _mentor_choices(request.school, on, _chosen(form)),
        "on": on,
    }
    return render(request, "outreach/visit_form.html", context)


def _plan(form: VisitForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {name: data[name] for name in PLAN_FIELDS}


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def visit_new(request: SchoolRequest) -> HttpResponse:
    """Plan a visit; the plan is e-mailed to the primary's contact if asked."""
    school = request.school
    initial: dict[str, Any] = {"submission_key": uuid.uuid4()}
    asked = request.GET.get("primary", "")
    if asked.isdecimal() and len(asked) <= 18:
        initial["primary"] = int(asked)
    post = request.POST if request.method == "POST" else None
    form = NewVisitForm(post, initial=initial, **_form_rows(school))
    on = _asked_date(request.POST.get("visit_on", "")) if post else None
    if post is not None and form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_services.plan_visit(
                school=school,
                send=data["send"],
                submission_key=data["submission_key"],
                by=request.user,
                **_plan(form),
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _planned_words(visit, sent_asked=data["send"]))
            return _back_to(visit)
    return _form_page(request, form, None, on or today())


def _planned_words(visit: PrimaryVisit, *, sent_asked: bool) -> str:
    words = f"Visit to {visit.primary.name} on {day_words(visit.visit_on)} saved."
    if visit.link_sent_at is not None:
        return f"{words} The plan was e-mailed to {visit.contact_email}."
    if sent_asked and has_happened(visit):
        return f"{words} Nothing was sent, as it has already happened: record how it went."
    if sent_asked and not visit.contact_email:
        return (
            f"{words} Nothing was sent: there is no e-mail address for the primary's contact. "
            "Add one, then send the plan."
        )
    return words


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def visit_edit(request: SchoolRequest, visit_pk: int) -> HttpResponse:
    """Change a visit's plan; of two people saving at once the second is told."""
    visit = _visit(request, visit_pk)
    if visit.status == PrimaryVisit.Status.CANCELLED:
        messages.error(request, visit_services.IS_CANCELLED)
        return _back_to(visit)
    initial = {
        "primary": visit.primary_id,
        "visit_on": visit.visit_on,
        "starts_at": visit.starts_at,
        "ends_at": visit.ends_at,
        "mentors": list(visit.mentors.values_list("pk", flat=True)),
        "staff_name": visit.staff_name,
        "plan": visit.plan,
        "contact_email": visit.contact_email,
        "released_from_lessons": visit.released_from_lessons,
        "version": visit.version,
    }
    post = request.POST if request.method == "POST" else None
    form = ChangeVisitForm(post, initial=initial, **_form_rows(request.school))
    on = (_asked_date(request.POST.get("visit_on", "")) if post else None) or visit.visit_on
    if post is not None and form.is_valid():
        try:
            visit = visit_services.change_visit(
                visit=visit,
                version=form.cleaned_data["version"],
                by=request.user,
                **_plan(form),
            )
        except visit_services.StaleVisit as stale:
            form = _after_stale(form, stale.current)
            add_validation_error(form, stale)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            words = f"Visit to {visit.primary.name} saved."
            if visit.link_sent_at is None and not has_happened(visit):
                words += " Send the plan to the primary when it is ready."
            messages.success(request, words)
            return _back_to(visit)
    return _form_page(request, form, visit, on)


def _after_stale(form: Any, current: PrimaryVisit) -> Any:
    """The form as typed, now reading the visit's current version: saving again is a choice
    made knowing someone else changed it."""
    typed = form.data.copy()
    typed["version"] = str(current.version)
    fresh = type(form)(
        typed,
        initial=form.initial,
        primaries=form.fields["primary"].queryset,
        mentors=form.fields["mentors"].queryset,
    )
    fresh.is_valid()
    return fresh


# --- One visit --------------------------------------------------------------------------


def _detail(
    request: SchoolRequest, visit: PrimaryVisit, follow_up_form: FollowUpForm | None = None
) -> HttpResponse:
    can_change = request.membership.role in SETUP_ROLES
    happened = visit.visit_on <= today()
    if follow_up_form is None and can_change:
        follow_up_form = FollowUpForm(initial={"submission_key": uuid.uuid4()})
    follow_ups = list(visit.follow_ups.select_related("referral"))
    context = {
        "visit": visit,
        "status": answer_words(visit),
        "mentors": list(visit.mentors.select_related("pupil").order_by("pupil__given_name")),
        "follow_ups": follow_ups,
        "follow_up_form": follow_up_form,
        "can_change": can_change,
        "happened": happened,
        "is_open": visit.status not in (PrimaryVisit.Status.DONE, PrimaryVisit.Status.CANCELLED),
        "may_send": (
            can_change
            and visit.status not in (PrimaryVisit.Status.DONE, PrimaryVisit.Status.CANCELLED)
            and not has_happened(visit)
        ),
        "lesson_time": visit_services.lesson_time(
            visit.school_id, visit.visit_on, visit.starts_at, visit.ends_at
        ),
    }
    return render(request, "outreach/visit_detail.html", context)


@require_GET
@school_role_required(*STAFF_ROLES)
def visit_detail(request: SchoolRequest, visit_pk: int) -> HttpResponse:
    """A visit: the plan, the primary's answer, how it went and its follow-ups."""
    return _detail(request, _visit(request, visit_pk))


@require_POST
@school_role_required(*SETUP_ROLES)
def visit_send(request: SchoolRequest, visit_pk: int) -> HttpResponse:
    """E-mail the plan to the primary's contact (again: the earlier link stops working)."""
    visit = _visit(request, visit_pk)
    try:
        visit = visit_answers.send_plan(visit=visit, version=_version(request), by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"The plan was e-mailed to {visit.contact_email}.")
    return _back_to(visit)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def visit_cancel(request: SchoolRequest, visit_pk: int) -> HttpResponse:
    """Cancel a visit, once asked; a primary that had the plan is told."""
    visit = _visit(request, visit_pk)
    if request.method == "POST":
        try:
            visit = visit_services.cancel_visit(
                visit=visit, version=_version(request), by=request.user
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, f"The visit to {visit.primary.name} is cancelled.")
        return _back_to(visit)
    consequences = ["It stays on the Visits page, marked cancelled."]
    if visit.link_sent_at is not None and not has_happened(visit):
        consequences.append(
            f"{visit.primary.name} had the plan: {visit.contact_email} is e-mailed that the "
            "visit is cancelled, and their link stops working."
        )
    return render(
        request,
        "core/confirm.html",
        {
            "title": f"Cancel the visit to {visit.primary.name}?",
            "message": f"The visit on {day_words(visit.visit_on)}, "
            f"{visit.starts_at:%H:%M} to {visit.ends_at:%H:%M}, is cancelled.",
            "consequences": consequences,
            "button": "Yes, cancel the visit",
            "danger": True,
            "hidden": {"version": visit.version},
            "cancel_url": reverse("outreach:visit", args=[request.school.slug, visit.pk]),
        },
    )


# --- After the visit --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def visit_record(request: SchoolRequest, visit_pk: int) -> HttpResponse:
    """How the visit went: the Year 6 pupils met, their questions, how it went."""
    visit = _visit(request, visit_pk)
    initial = {
        "year6_met": visit.year6_met,
        "questions": visit.questions,
        "notes": visit.notes,
        "version": visit.version,
    }
    post = request.POST if request.method == "POST" else None
    form = RecordForm(post, initial=initial)
    refusal = ""
    if visit.status == PrimaryVisit.Status.CANCELLED:
        refusal = visit_services.IS_CANCELLED
    elif visit.visit_on > today():
        refusal = visit_after.NOT_YET.format(day=day_words(visit.visit_on))
    if post is not None and not refusal and form.is_valid():
        data = form.cleaned_data
        try:
            visit = visit_after.record_visit(
                visit=visit,
                version=data["version"],
                year6_met=data["year6_met"],
                questions=data["questions"],
                notes=data["notes"],
                by=request.user,
            )
        except visit_services.StaleVisit as stale:
            typed = request.POST.copy()
            typed["version"] = str(stale.current.version)
            form = RecordForm(typed, initial=initial)
            form.is_valid()
            add_validation_error(form, stale)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"The visit to {visit.primary.name} is recorded.")
            return _back_to(visit)
    context = {"visit": visit, "form": form, "refusal": refusal}
    return render(request, "outreach/visit_record.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def follow_up_add(request: SchoolRequest, visit_pk: int) -> HttpResponse:
    """Add something to do after the visit: a Year 6 pupil who would like a mentor, or else."""
    visit = _visit(request, visit_pk)
    if request.method == "GET":
        return _detail(request, visit)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit_after.add_follow_up(
                visit=visit,
                kind=data["kind"],
                child_given_name=data["child_given_name"],
                child_family_name=data["child_family_name"],
                note=data["note"],
                submission_key=data["submission_key"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Follow-up added.")
            return _back_to(visit)
    return _detail(request, visit, form)


@require_POST
@school_role_required(*SETUP_ROLES)
def follow_up_refer(request: SchoolRequest, follow_up_pk: int) -> HttpResponse:
    """Offer a Year 6 pupil who would like a mentor as a referral for September (once)."""
    follow_up = _follow_up(request, follow_up_pk)
    try:
        referral = visit_after.offer_as_referral(follow_up=follow_up, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"{referral.child_name} is a referral for September, waiting for review with the "
            "other referrals.",
        )
    return redirect("outreach:visit", request.school.slug, follow_up.visit_id)


@require_POST
@school_role_required(*SETUP_ROLES)
def follow_up_done(request: SchoolRequest, follow_up_pk: int) -> HttpResponse:
    """Tick a follow-up off, or back on."""
    follow_up = _follow_up(request, follow_up_pk)
    visit_after.mark_follow_up_done(
        follow_up=follow_up, done=request.POST.get("done") == "1", by=request.user
    )
    return redirect("outreach:visit", request.school.slug, follow_up.visit_id)
