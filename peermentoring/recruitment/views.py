"""Recruitment pages for the coordinator: rounds, the applications list, reading, deciding, offers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.forms import add_validation_error
from peermentoring.core.models import ReadEntry, User
from peermentoring.core.privacy import pupil_text
from peermentoring.core.reads import record_read
from peermentoring.core.roles import SETUP_ROLES
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import services
from peermentoring.recruitment.forms import (
    ApplicationFilterForm,
    ConsentForm,
    DeclineForm,
    HoodieSizeForm,
    InterviewForm,
    PaperApplicationForm,
    RankForm,
    ReferenceRequestForm,
    RoundForm,
    pupil_choice_label,
)
from peermentoring.recruitment.models import Application, InterviewScore, RecruitmentRound
from peermentoring.recruitment.scores import score_table
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear, Membership, SchoolDayWindow

SHORTLISTED = "{pupil} is shortlisted."
DECLINED = "{pupil}'s application is declined; the reason is kept."
REFERENCE_SENT = "A reference request is on its way to {tutor}."
INTERVIEW_BOOKED = "Interview booked for {pupil}."
RANKS_SAVED = "Ranks saved."
RANK_OUT_OF_RANGE = "{pupil}'s rank must be a whole number from 1 to 999; no ranks were saved."
NOT_DECLINABLE = "This application has already been decided, so it cannot be declined."
APPLICATIONS_PER_PAGE = 50
OFFERS_MADE = "{offered} offer(s) made; {waiting} on the waiting list."
CONSENT_SAVED = "Parental consent recorded for {pupil}."
PAPER_SAVED = (
    "{pupil}'s paper application is saved as received on {day:%-d %B %Y}. "
    "Type in the next form below, or go back to the round."
)
HOODIE_SAVED = "{pupil}'s hoodie size is saved."


def refuse(request: SchoolRequest, error: ValidationError) -> None:
    """Show a domain function's refusal as a message on the next page."""
    for message in error.messages:
        messages.error(request, message)


def _round(request: SchoolRequest, round_pk: int) -> RecruitmentRound:
    return get_object_or_404(
        RecruitmentRound.objects.for_school(request.school).select_related("academic_year"),
        pk=round_pk,
    )


def _application(request: SchoolRequest, application_pk: int) -> Application:
    return get_object_or_404(
        # A draft is the pupil's own until they submit it.
        Application.objects.for_school(request.school)
        .submitted()
        .select_related("pupil", "round__school", "round__academic_year", "mentor"),
        pk=application_pk,
    )


@require_GET
@school_role_required(*SETUP_ROLES)
def round_list(request: SchoolRequest) -> HttpResponse:
    rounds = (
        RecruitmentRound.objects.for_school(request.school)
        .select_related("academic_year")
        .annotate(applied=Count("applications"))
    )
    return render(request, "recruitment/round_list.html", {"rounds": rounds})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def round_edit(request: SchoolRequest, round_pk: int | None = None) -> HttpResponse:
    round_ = _round(request, round_pk) if round_pk else None
    year = AcademicYear.objects.for_school(request.school).first()
    instance = RecruitmentRound.objects.get(pk=round_.pk) if round_ else None
    initial: dict[str, Any] = {"academic_year": year} if year and not round_ else {}
    if year and not round_:
        initial["opens_on"], initial["closes_on"] = services.default_round_dates(year)
    form = RoundForm(
        request.POST or None, instance=instance, initial=initial, school=request.school
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if round_ is None:
                round_ = services.open_round(
                    school=request.school,
                    academic_year=data["academic_year"],
                    by=request.user,
                    title=data["title"],
                    advert=data["advert"],
                    year_group=data["year_group"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    places=data["places"],
                    questions=form.questions(),
                    asks_tutor_reference=data["asks_tutor_reference"],
                    reference_question=data["reference_question"],
                    criteria=form.criteria(),
                )
            else:
                services.update_round(
                    round=round_,
                    by=request.user,
                    title=data["title"],
                    advert=data["advert"],
                    year_group=data["year_group"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    places=data["places"],
                    questions=form.questions(),
                    asks_tutor_reference=data["asks_tutor_reference"],
                    reference_question=data["reference_question"],
                    criteria=form.criteria(),
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{round_.title} saved.")
            return redirect("recruitment:round-detail", request.school.slug, round_.pk)
    return render(request, "recruitment/round_form.html", {"form": form, "round": round_})


@require_GET
@school_role_required(*SETUP_ROLES)
def round_detail(request: SchoolRequest, round_pk: int) -> HttpResponse:
    round_ = _round(request, round_pk)
    everyone = Application.objects.filter(round=round_).submitted()
    counts = dict(everyone.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    form = ApplicationFilterForm(request.GET or None)
    applications = everyone.select_related("pupil", "reference", "interview")
    if form.is_valid():
        if form.cleaned_data["form_group"]:
            applications = applications.filter(
                pupil__form_group__iexact=form.cleaned_data["form_group"]
            )
        if form.cleaned_data["status"]:
            applications = applications.filter(status=form.cleaned_data["status"])
        applications = applications.order_by(*form.ORDERINGS[form.cleaned_data["sort"] or "name"])
    statuses = [(s, counts.get(s.value, 0)) for s in Application.Status if s != "draft"]
    page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "recruitment/round_detail.html" + ("#application-rows" if partial else "")
    context = {
        "round": round_,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "statuses": statuses,
    }
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _received_on_initial(request: SchoolRequest) -> dict[str, dt.date]:
    """The date received of the form typed in last, carried to the next one."""
    try:
        return {"received_on": dt.date.fromisoformat(request.GET.get("received", ""))}
    except ValueError:
        return {}


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def paper_application(request: SchoolRequest, round_pk: int) -> HttpResponse:
    round_ = _round(request, round_pk)
    applicants = services.paper_applicants(round_).order_by("family_name", "given_name")
    form = PaperApplicationForm(
        request.POST or None,
        round=round_,
        applicants=applicants,
        initial=_received_on_initial(request),
    )
    existing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pupil = data["pupil"]
        try:
            application = services.enter_paper_application(
                round=round_,
                pupil=pupil,
                answers=form.answers(),
                availability=data["availability"],
                interests=data["interests"],
                languages=data["languages"],
                received_on=data["received_on"],
                parent_signed=data["parent_signed"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
            existing = Application.objects.filter(round=round_, pupil=pupil).submitted()
        else:
            day = application.paper_received_on
            assert day is not None  # a paper application always has it
            messages.success(request, PAPER_SAVED.format(pupil=application.pupil, day=day))
            # The next form in the pile was most likely handed in the same day.
            again = reverse("recruitment:paper-application", args=[request.school.slug, round_.pk])
            return redirect(f"{again}?received={day.isoformat()}")
    context = {
        "round": round_,
        "form": form,
        "choices": [pupil_choice_label(p) for p in applicants],
        "existing": existing.first() if existing is not None else None,
    }
    return render(request, "recruitment/paper_application.html", context)


@require_GET
@school_role_required(*SETUP_ROLES)
def application_detail(request: SchoolRequest, application_pk: int) -> HttpResponse:
    application = _application(request, application_pk)
    interview = getattr(application, "interview", None)
    context = {
        "application": application,
        "reference": getattr(application, "reference", None),
        "interview": interview,
        "scores": interview.scores.select_related("scorer") if interview else [],
        "reference_form": ReferenceRequestForm(),
        "consent_form": ConsentForm(),
        "history": application.history(),
    }
    record_read(
        request=request, school=request.school, kind=ReadEntry.Kind.APPLICATION, target=application
    )
    return render(request, "recruitment/application_detail.html", context)


@require_POST
@school_role_required(*SETUP_ROLES)
def application_shortlist(request: SchoolRequest, application_pk: int) -> HttpResponse:
    application = _application(request, application_pk)
    try:
        services.shortlist(application=application, by=request.user)
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, SHORTLISTED.format(pupil=application.pupil))
    return redirect("recruitment:application-detail", request.school.slug, application.pk)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def application_decline(request: SchoolRequest, application_pk: int) -> HttpResponse:
    application = _application(request, application_pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_application(
                application=application, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, DECLINED.format(pupil=application.pupil))
            return redirect("recruitment:application-detail", request.school.slug, application.pk)
    context = {"application": application, "form": form, "problem": None}
    if not application.can_be_declined:
        context["problem"] = NOT_DECLINABLE
    return render(request, "recruitment/application_decline.html", context)


@require_POST
@school_role_required(*SETUP_ROLES)
@pupil_text
def reference_request(request: SchoolRequest, application_pk: int) -> HttpResponse:
    application = _application(request, application_pk)
    form = ReferenceRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the tutor's name and a valid e-mail address.")
    else:
        try:
            services.request_reference(
                application=application,
                tutor_name=form.cleaned_data["tutor_name"],
                tutor_email=form.cleaned_data["tutor_email"],
                by=request.user,
            )
        except ValidationError as error:
            refuse(request, error)
        else:
            messages.success(request, REFERENCE_SENT.format(tutor=form.cleaned_data["tutor_name"]))
    return redirect("recruitment:application-detail", request.school.slug, application.pk)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def interview_book(request: SchoolRequest, application_pk: int) -> HttpResponse:
    application = _application(request, application_pk)
    staff = User.objects.filter(memberships__in=Membership.objects.staff_of(request.school))
    experienced = services.experienced_pupils(application.round)
    form = InterviewForm(request.POST or None, staff=staff, experienced=experienced)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            services.book_interview(
                application=application,
                starts_at=starts_at,
                ends_at=ends_at,
                staff_member=form.cleaned_data["staff_member"],
                panel_pupils=list(form.cleaned_data["panel_pupils"]),
                location=form.cleaned_data["location"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, INTERVIEW_BOOKED.format(pupil=application.pupil))
            return redirect("recruitment:application-detail", request.school.slug, application.pk)
    context = {
        "form": form,
        "application": application,
        "windows": SchoolDayWindow.objects.for_school(request.school).active(),
    }
    return render(request, "recruitment/interview_form.html", context)


@require_GET
@school_role_required(*SETUP_ROLES)
def round_scores(request: SchoolRequest, round_pk: int) -> HttpResponse:
    round_ = _round(request, round_pk)
    applications = (
        Application.objects.filter(round=round_, interview__isnull=False)
        .select_related("pupil", "interview")
        .prefetch_related(
            Prefetch("interview__scores", queryset=InterviewScore.objects.select_related("scorer"))
        )
    )
    context = {
        "round": round_,
        "rows": score_table(round_, applications),
        "taken": services.places_taken(round_),
    }
    return render(request, "recruitment/round_scores.html", context)


@require_POST
@school_role_required(*SETUP_ROLES)
def round_rank(request: SchoolRequest, round_pk: int) -> HttpResponse:
    round_ = _round(request, round_pk)
    rankable = Application.objects.filter(round=round_, status__in=Application.RANKABLE)
    form = RankForm(
        request.POST, applications=rankable.select_related("pupil"), message=RANK_OUT_OF_RANGE
    )
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.rank_applicants(round=round_, ranks=form.ranks(), by=request.user)
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, RANKS_SAVED)
    return redirect("recruitment:round-scores", request.school.slug, round_.pk)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def round_offer(request: SchoolRequest, round_pk: int) -> HttpResponse:
    round_ = _round(request, round_pk)
    if request.method == "POST":
        offered, waiting = services.make_offers(round=round_, by=request.user)
        messages.success(request, OFFERS_MADE.format(offered=offered, waiting=waiting))
        return redirect("recruitment:round-scores", request.school.slug, round_.pk)
    offered, waiting = services.plan_offers(round_)
    scores_url = reverse("recruitment:round-scores", args=[request.school.slug, round_.pk])
    if offered + waiting == 0:
        message = "Nobody is ranked yet, so no offers would be made. Rank the applicants first."
    else:
        message = f"Offer places to the top {offered} in rank order?"
    context = {
        "title": "Offer places in rank order",
        "message": message,
        "consequences": [
            f"{offered} ranked applicant(s) will be offered a place, highest rank first.",
            f"The other {waiting} ranked applicant(s) go on the waiting list.",
            "Every one of them is told straight away; offers cannot be taken back here.",
            "Pupils on interview panels stop seeing the applications of this round.",
        ],
        "button": "Make the offers",
        "cancel_url": scores_url,
        "danger": False,
    }
    return render(request, "core/confirm.html", context)


@require_POST
@school_role_required(*SETUP_ROLES)
def consent_record(request: SchoolRequest, application_pk: int) -> HttpResponse:
    application = _application(request, application_pk)
    form = ConsentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Give the date the consent form came back.")
        services.record_parental_consent(
            application=application, on=form.cleaned_data["on"], by=request.user
        )
    except ValidationError as error:
        refuse(request, error)
    else:
        messages.success(request, CONSENT_SAVED.format(pupil=application.pupil))
    return redirect("recruitment:application-detail", request.school.slug, application.pk)


def _back_to(request: SchoolRequest, default: str) -> str:
    """The page a form was opened from (this school's pages only), else the default."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    is_ours = back.startswith(f"/s/{request.school.slug}/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    )
    return back if is_ours else default


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def hoodie_size(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    mentor = get_object_or_404(
        Mentor.objects.for_school(request.school).select_related("pupil", "academic_year"),
        pk=mentor_pk,
    )
    badges = reverse("training:badge-list", args=[request.school.slug])
    back = _back_to(request, f"{badges}?year={mentor.academic_year_id}")
    form = HoodieSizeForm(request.POST or None, initial={"hoodie_size": mentor.hoodie_size})
    if request.method == "POST" and form.is_valid():
        services.record_hoodie_size(
            mentor=mentor, hoodie_size=form.cleaned_data["hoodie_size"], by=request.user
        )
        messages.success(request, HOODIE_SAVED.format(pupil=mentor.pupil))
        return redirect(back)
    return render(
        request, "recruitment/hoodie_form.html", {"mentor": mentor, "form": form, "back": back}
    )
