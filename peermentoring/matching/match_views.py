"""Matching pages: weights, mentors, the do-not-pair list, proposals, pairings and "My mentee"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.forms import add_validation_error
from peermentoring.core.models import ReadEntry
from peermentoring.core.page_cache import render_cached
from peermentoring.core.privacy import pupil_text
from peermentoring.core.reads import record_read
from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES, Role
from peermentoring.core.row_urls import RowUrls
from peermentoring.matching import services
from peermentoring.matching.forms import (
    AdjustForm,
    DoNotPairForm,
    EndPairingForm,
    MatchingSettingsForm,
    MentorMatchingForm,
)
from peermentoring.matching.models import DoNotPair, MatchingSettings, MatchRun, Pairing
from peermentoring.matching.run import current_year, forbidden_labels
from peermentoring.mentors.models import Mentor, MentorFreeWindow
from peermentoring.referrals.models import Referral
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import SchoolDayWindow

PER_PAGE = 50
PAIRING_LISTS = {"active": "Active", "ended": "Ended"}


@require_GET
@school_role_required(*SETUP_ROLES)
def matching_home(request: SchoolRequest) -> HttpResponse:
    school = request.school

    def matching_page() -> dict[str, Any]:
        return {
            "queue_count": Referral.objects.for_school(school).in_queue().count(),
            "review_count": Referral.objects.for_school(school).waiting_for_review().count(),
            "latest": MatchRun.objects.for_school(school)
            .filter(status=MatchRun.Status.PROPOSED)
            .first(),
            "active_count": Pairing.objects.for_school(school).active().count(),
        }

    # Cached for this person and role, today, until anything in the school changes.
    return render_cached(
        request,
        "matching/matching_home.html",
        matching_page,
        name="matching-home",
        role=request.membership.role,
        schools=[school.pk],
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def matching_settings(request: SchoolRequest) -> HttpResponse:
    form = MatchingSettingsForm(
        request.POST or None, instance=MatchingSettings.for_school(request.school)
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.save_matching_settings(
                school=request.school,
                interests_weight=data["interests_weight"],
                primary_weight=data["primary_weight"],
                language_weight=data["language_weight"],
                gender_weight=data["gender_weight"],
                windows_weight=data["windows_weight"],
                experience_weight=data["experience_weight"],
                form_house_weight=data["form_house_weight"],
                form_house_rule=data["form_house_rule"],
                requires_consent=data["requires_consent"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Matching weights saved.")
            return redirect("matching:settings", request.school.slug)
    return render(request, "matching/settings.html", {"form": form})


@require_GET
@school_role_required(*SETUP_ROLES)
def mentor_list(request: SchoolRequest) -> HttpResponse:
    mentors = (
        Mentor.objects.for_school(request.school)
        .filter(academic_year=current_year(request.school))
        .select_related("pupil")
        .annotate(active_count=Count("pairings", filter=Q(pairings__status=Pairing.Status.ACTIVE)))
        .order_by("pupil__family_name", "pupil__given_name", "pk")
    )
    page = Paginator(mentors, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "matching/mentor_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def mentor_edit(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    mentor = get_object_or_404(
        Mentor.objects.for_school(request.school).select_related("pupil"), pk=mentor_pk
    )
    chosen = SchoolDayWindow.objects.filter(
        pk__in=MentorFreeWindow.objects.filter(mentor=mentor).values("window")
    )
    initial = {"capacity": mentor.capacity, "free_windows": list(chosen)}
    form = MentorMatchingForm(request.POST or None, school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_mentor_matching(
                mentor=mentor,
                capacity=form.cleaned_data["capacity"],
                windows=form.cleaned_data["free_windows"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{mentor} saved.")
            return redirect("matching:mentor-list", request.school.slug)
    return render(request, "matching/mentor_form.html", {"form": form, "mentor": mentor})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def do_not_pair_list(request: SchoolRequest) -> HttpResponse:
    form = DoNotPairForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_do_not_pair(
                school=request.school,
                pupil=form.cleaned_data["pupil"],
                other=form.cleaned_data["other"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Added to the do-not-pair list.")
            return redirect("matching:do-not-pair", request.school.slug)
    entries = DoNotPair.objects.for_school(request.school).select_related("pupil", "other")
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    record_read(request=request, school=request.school, kind=ReadEntry.Kind.DO_NOT_PAIR)
    return render(request, "matching/do_not_pair.html", {"form": form, "page": page})


@require_POST
@school_role_required(*SETUP_ROLES)
def do_not_pair_remove(request: SchoolRequest, entry_pk: int) -> HttpResponse:
    entry = get_object_or_404(DoNotPair.objects.for_school(request.school), pk=entry_pk)
    services.remove_do_not_pair(entry=entry, by=request.user)
    messages.success(request, "Removed from the do-not-pair list.")
    return redirect("matching:do-not-pair", request.school.slug)


@require_POST
@school_role_required(*SETUP_ROLES)
def run_start(request: SchoolRequest) -> HttpResponse:
    run = services.run_matching(school=request.school, by=request.user)
    return redirect("matching:run-detail", request.school.slug, run.pk)


@require_GET
@school_role_required(*SETUP_ROLES)
def run_detail(request: SchoolRequest, run_pk: int) -> HttpResponse:
    run = get_object_or_404(MatchRun.objects.for_school(request.school), pk=run_pk)
    record_read(request=request, school=request.school, kind=ReadEntry.Kind.MATCH_RUN, target=run)

    def run_page() -> dict[str, Any]:
        return {"run": run, "proposal": run.proposal, "forbidden": forbidden_labels(run)}

    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "matching/run_detail.html#proposal", run_page())
    else:
        # Cached for this person and role, today, until anything in the school changes.
        response = render_cached(
            request,
            "matching/run_detail.html",
            run_page,
            name="match-run",
            role=request.membership.role,
            schools=[request.school.pk],
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@school_role_required(*SETUP_ROLES)
def run_adjust(request: SchoolRequest, run_pk: int) -> HttpResponse:
    run = get_object_or_404(MatchRun.objects.for_school(request.school), pk=run_pk)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a pair to lock or forbid.")
        return redirect("matching:run-detail", request.school.slug, run.pk)
    try:
        services.adjust_run(
            run=run,
            action=form.cleaned_data["action"],
            referral_pk=form.cleaned_data["referral"],
            mentor_pk=form.cleaned_data["mentor"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("matching:run-detail", request.school.slug, run.pk)


def _confirm_page(request: SchoolRequest, run: MatchRun) -> HttpResponse:
    """What confirming does, asked once before it is done."""
    count = len(run.proposal.get("pairs", []))
    mentees = f"{count} mentee{'s' if count != 1 else ''}"
    mentors = "mentors; each mentor is" if count != 1 else "a mentor; the mentor is"
    context = {
        "title": f"Confirm {count} pairing{'s' if count != 1 else ''}?",
        "message": f"This pairs {mentees} with {mentors} told their mentee's first name and form.",
        "consequences": [
            "Each mentee leaves the matching queue.",
            "Referral reasons and needs are never shown to mentors.",
            "A pairing can be ended later from the pairings page; it stays in the history.",
        ],
        "button": f"Confirm {count} pairing{'s' if count != 1 else ''}",
        "cancel_url": reverse("matching:run-detail", args=[request.school.slug, run.pk]),
        "danger": False,
    }
    return render(request, "core/confirm.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def run_confirm(request: SchoolRequest, run_pk: int) -> HttpResponse:
    """GET asks, saying how many are paired and what mentors are told; POST confirms."""
    run = get_object_or_404(MatchRun.objects.for_school(request.school), pk=run_pk)
    if request.method == "GET":
        if run.status != MatchRun.Status.PROPOSED or not run.proposal.get("pairs"):
            messages.info(request, "There is nothing to confirm on this proposal.")
            return redirect("matching:run-detail", request.school.slug, run.pk)
        return _confirm_page(request, run)
    try:
        made = services.confirm_run(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("matching:run-detail", request.school.slug, run.pk)
    messages.success(
        request, f"{len(made)} pairing{'s' if len(made) != 1 else ''} confirmed; mentors told."
    )
    return redirect("matching:pairing-list", request.school.slug)


@require_GET
@school_role_required(*STAFF_ROLES)
def pairing_list(request: SchoolRequest) -> HttpResponse:
    # Cached for this person and role, today, until anything in the school changes.
    return render_cached(
        request,
        "matching/pairing_list.html",
        lambda: _pairing_page(request),
        name="pairing-list",
        role=request.membership.role,
        schools=[request.school.pk],
    )


def _pairing_page(request: SchoolRequest) -> dict[str, Any]:
    show = request.GET.get("show", "active")
    show = show if show in PAIRING_LISTS else "active"
    pairings = (
        Pairing.objects.for_school(request.school)
        .filter(status=show)
        .select_related("mentor__pupil", "mentee")
    )
    page = Paginator(pairings, PER_PAGE).get_page(request.GET.get("page"))
    can_end = request.membership.role in SETUP_ROLES
    end = RowUrls("matching:pairing-end", "pairing_pk", school_slug=request.school.slug)
    # Each row's dates and link worked out here: the same few dates recur (a run's pairings
    # start together), so each is formatted once, as the template's date filter would.
    dates: dict[dt.date, str] = {}

    def shown(day: dt.date | None) -> str:
        if day is None:
            return ""
        if day not in dates:
            dates[day] = date_format(day, "j M Y")
        return dates[day]

    for pairing in page:
        pairing.since = shown(pairing.started_on)  # type: ignore[attr-defined]
        pairing.until = shown(pairing.ended_on)  # type: ignore[attr-defined]
        pairing.end_url = end.of(pairing.pk) if can_end else ""  # type: ignore[attr-defined]
    counts = dict(
        Pairing.objects.filter(school=request.school)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "show": show,
        "shows_active": show == Pairing.Status.ACTIVE,
        "tabs": [(key, title, counts.get(key, 0)) for key, title in PAIRING_LISTS.items()],
        "page": page,
        "query": f"show={show}",
        "can_end": can_end,
    }


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def pairing_end(request: SchoolRequest, pairing_pk: int) -> HttpResponse:
    pairing = get_object_or_404(
        Pairing.objects.for_school(request.school)
        .active()
        .select_related("mentor__pupil", "mentee"),
        pk=pairing_pk,
    )
    form = EndPairingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_pairing(
                pairing=pairing,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                still_needs_mentor=form.cleaned_data["still_needs_mentor"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{pairing} ended.")
            return redirect("matching:pairing-list", request.school.slug)
    return render(request, "matching/pairing_end.html", {"form": form, "pairing": pairing})


@require_GET
@school_role_required(Role.MENTOR)
def my_mentee(request: SchoolRequest) -> HttpResponse:
    """The mentor's page moved to the meetings app (with their meetings); this address
    stays for the links in notifications already sent."""
    return redirect("meetings:my-mentee", request.school.slug)
