"""Recruitment pages for pupils and panels: applying, answering an offer, scoring interviews,
and the tutor's reference page (a signed link, no account)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.core.throttle import per_address_rate, public_form_rate
from peermentoring.recruitment import services
from peermentoring.recruitment.forms import ApplicationForm, ReferenceForm, RespondForm, ScoreForm
from peermentoring.recruitment.models import Application, Interview, RecruitmentRound
from peermentoring.recruitment.views import refuse
from peermentoring.schools.access import SchoolRequest, school_role_required

ANY_ROLE: tuple[str, ...] = ()
# Staff sit on panels as the staff member; experienced mentors may hold a mentor or pupil role.
PANEL_ROLES = (*STAFF_ROLES, Role.MENTOR, Role.PUPIL)
DRAFT_SAVED = "Your draft is saved. You can come back and finish it before the closing date."
SUBMITTED = "Your application is sent. Good luck!"
ACCEPTED = "You have accepted your place. Welcome to the peer mentoring team!"
DECLINED = "You have turned down your place. Thank you for applying."
SCORES_SAVED = "Your scores are saved. You can now see the rest of the panel's."
SCORES_SAVED_PUPIL = (
    "Your scores are saved. Thank you: the coordinator will read the panel's scores."
)
INTERVIEW_FINISHED = (
    "This interview is finished and the decisions have been made, so the application is no "
    "longer shown here. Thank you for being on the panel: your part really helped."
)
REFERENCE_THANKS = "Thank you: your reference has been sent to the coordinator."


@require_http_methods(["GET", "POST"])
@school_role_required(*ANY_ROLE)
@pupil_text
def apply(request: SchoolRequest, round_pk: int) -> HttpResponse:
    round_ = get_object_or_404(RecruitmentRound.objects.for_school(request.school), pk=round_pk)
    pupil = request.membership.pupil
    application = Application.objects.filter(round=round_, pupil=pupil).first() if pupil else None
    reason = services.why_cannot_apply(round=round_, membership=request.membership)
    form = ApplicationForm(request.POST or None, round=round_, application=application)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_application(
                round=round_,
                membership=request.membership,
                answers=form.answers(),
                submit=submit,
                by=request.user,
                availability=form.cleaned_data["availability"],
                interests=form.cleaned_data["interests"],
                languages=form.cleaned_data["languages"],
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, SUBMITTED if submit else DRAFT_SAVED)
            return redirect("recruitment:apply", request.school.slug, round_.pk)
    context = {
        "round": round_,
        "application": application,
        "reason": reason,
        "form": form,
        "respond_form": RespondForm(),
    }
    return render(request, "recruitment/apply.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*ANY_ROLE)
@pupil_text
def offer_respond(request: SchoolRequest, round_pk: int) -> HttpResponse:
    round_ = get_object_or_404(RecruitmentRound.objects.for_school(request.school), pk=round_pk)
    application = Application.objects.filter(round=round_, pupil=request.membership.pupil).first()
    if request.method == "GET":
        # Turning a place down cannot be undone: the page asks once before it is done.
        is_offered = application is not None and application.is_offered
        context = {"round": round_, "form": RespondForm(), "is_offered": is_offered}
        return render(request, "recruitment/offer_decline.html", context)
    form = RespondForm(request.POST)
    try:
        if application is None:
            raise ValidationError(services.NOT_OFFERED)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        if form.cleaned_data["answer"] == "accept":
            services.accept_offer(
                application=application,
                by=request.user,
                hoodie_size=form.cleaned_data["hoodie_size"],
            )
            messages.success(request, ACCEPTED)
        else:
            reason = form.cleaned_data["reason"]
            services.decline_offer(application=application, reason=reason, by=request.user)
            messages.success(request, DECLINED)
    except ValidationError as error:
        refuse(request, error)
    return redirect("recruitment:apply", request.school.slug, round_.pk)


@require_GET
@school_role_required(*PANEL_ROLES)
def panel_list(request: SchoolRequest) -> HttpResponse:
    interviews = Interview.objects.for_school(request.school).on_panel(request.user)
    if request.membership.role not in STAFF_ROLES:
        # A finished interview, and any declined application, is no longer a pupil's to see.
        interviews = interviews.open_to_pupils()
    interviews = interviews.select_related("application__pupil")
    scored = set(interviews.filter(scores__scorer=request.user).values_list("pk", flat=True))
    return render(
        request, "recruitment/panel_list.html", {"interviews": interviews, "scored": scored}
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*PANEL_ROLES)
@pupil_text
def interview_score(request: SchoolRequest, interview_pk: int) -> HttpResponse:
    # Only the panel can reach an interview: anyone else gets the same 404 as a missing one.
    interview = get_object_or_404(
        Interview.objects.for_school(request.school)
        .on_panel(request.user)
        .select_related("application__pupil", "application__round", "staff_member"),
        pk=interview_pk,
    )
    is_pupil = interview.is_pupil_interviewer(request.user)
    if is_pupil and not interview.answers_visible_to_pupils():
        return render(
            request, "recruitment/interview_finished.html", {"message": INTERVIEW_FINISHED}
        )
    mine = interview.scores.filter(scorer=request.user).first()
    criteria = interview.application.round.criteria
    form = ScoreForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and mine is None and form.is_valid():
        try:
            services.submit_scores(
                interview=interview,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, SCORES_SAVED_PUPIL if is_pupil else SCORES_SAVED)
            return redirect("recruitment:interview-score", request.school.slug, interview.pk)
    # Nobody sees the panel's scores before submitting their own; pupils only ever see theirs.
    others = (
        [] if mine is None else [mine] if is_pupil else interview.scores.select_related("scorer")
    )
    context = {
        "interview": interview,
        "form": form,
        "mine": mine,
        "others": others,
        "is_pupil": is_pupil,
    }
    return render(request, "recruitment/interview_score.html", context)


def reference_token(group: str, request: HttpRequest) -> str:
    """The link itself: each tutor's link gets its own allowance of posts."""
    match = request.resolver_match
    return str(match.kwargs.get("token", "")) if match else ""


@require_http_methods(["GET", "POST"])
@ratelimit(
    group="recruitment.reference.ip", key="ip", rate=per_address_rate, method="POST", block=True
)
@ratelimit(
    group="recruitment.reference.link",
    key=reference_token,
    rate=public_form_rate,
    method="POST",
    block=True,
)
@pupil_text
def tutor_reference(request: HttpRequest, token: str) -> HttpResponse:
    # No account: the signed link is the key, and it reaches only its own reference.
    try:
        reference = services.reference_from_token(token)
    except ValidationError as error:
        return render(
            request, "recruitment/reference_form.html", {"problem": error.messages[0]}, status=404
        )
    form = ReferenceForm(request.POST or None)
    if request.method == "POST" and reference.answered_at is None and form.is_valid():
        try:
            services.give_reference(reference=reference, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, REFERENCE_THANKS)
            return redirect("tutor-reference", token=token)
    return render(
        request, "recruitment/reference_form.html", {"reference": reference, "form": form}
    )
