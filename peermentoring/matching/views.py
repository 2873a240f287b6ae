"""Referral pages: the queue, referring or highlighting a pupil, review, categories and primary links."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.access import SchoolRequest, school_role_required
from peermentoring.core.forms import add_validation_error
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.matching import services
from peermentoring.matching.forms import (
    CategoryForm,
    LinkForm,
    ReferralDetailsForm,
    ReviewForm,
    StaffReferralForm,
)
from peermentoring.matching.models import PrimaryReferralLink, Referral, ReferralCategory
from peermentoring.schools.models import Pupil

SETUP_ROLES = (Role.COORDINATOR, Role.SCHOOL_ADMIN)
LINK_MADE = "Link made for {primary}. Copy it now and send it to them: it is shown only once."
REVIEWED = {
    "accept": "{name} is in the matching queue.",
    "more_info": "{name}: more information asked for.",
    "decline": "{name}: referral declined.",
}


@require_GET
@school_role_required(*STAFF_ROLES)
def referral_list(request: SchoolRequest) -> HttpResponse:
    referrals = Referral.objects.for_school(request.school).select_related(
        "pupil", "feeder_primary"
    )
    context = {
        "review": referrals.waiting_for_review().by_urgency(),
        "queue": referrals.in_queue().by_urgency(),
        "recent": referrals.exclude(
            status__in=[Referral.Status.NEW, Referral.Status.MORE_INFO, Referral.Status.ACCEPTED]
        )[:30],
        "can_review": request.membership.role in SETUP_ROLES,
    }
    return render(request, "matching/referral_list.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*STAFF_ROLES)
def referral_create(request: SchoolRequest, pupil_pk: int) -> HttpResponse:
    """Refer or "highlight" a pupil on roll from their page."""
    pupil = get_object_or_404(Pupil.objects.for_school(request.school).on_roll(), pk=pupil_pk)
    services.categories_for(request.school)
    form = StaffReferralForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.refer_pupil(
                school=request.school,
                pupil=pupil,
                child=form.child(),
                source=form.cleaned_data["source"],
                windows=form.cleaned_data["free_windows"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{pupil} is referred for a peer mentor.")
            return redirect("matching:referral-detail", request.school.slug, referral.pk)
    return render(request, "matching/referral_form.html", {"form": form, "pupil": pupil})


@require_GET
@school_role_required(*STAFF_ROLES)
def referral_detail(request: SchoolRequest, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.for_school(request.school).select_related(
            "pupil", "feeder_primary", "referred_by", "reviewed_by"
        ),
        pk=referral_pk,
    )
    context = {
        "referral": referral,
        "review_form": ReviewForm(),
        "can_review": request.membership.role in SETUP_ROLES,
        "pairings": referral.pairings.select_related("mentor__pupil"),
    }
    return render(request, "matching/referral_detail.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def referral_edit(request: SchoolRequest, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.for_school(request.school), pk=referral_pk)
    form = ReferralDetailsForm(
        request.POST or None,
        school=request.school,
        initial=ReferralDetailsForm.initial_for(referral),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_referral(
                referral=referral,
                child=form.child(),
                windows=form.cleaned_data["free_windows"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Referral saved.")
            return redirect("matching:referral-detail", request.school.slug, referral.pk)
    return render(request, "matching/referral_form.html", {"form": form, "referral": referral})


@require_POST
@school_role_required(*SETUP_ROLES)
def referral_review(request: SchoolRequest, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.for_school(request.school), pk=referral_pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept, ask for more information or decline.")
        return redirect("matching:referral-detail", request.school.slug, referral.pk)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "accept":
            services.accept_referral(referral=referral, by=request.user)
        elif decision == "decline":
            services.decline_referral(referral=referral, reason=note, by=request.user)
        else:
            services.ask_for_more_information(referral=referral, note=note, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("matching:referral-detail", request.school.slug, referral.pk)
    messages.success(request, REVIEWED[decision].format(name=referral.child_name))
    return redirect("matching:referral-list", request.school.slug)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def category_list(request: SchoolRequest) -> HttpResponse:
    categories = services.categories_for(request.school)
    form = CategoryForm(request.POST or None, initial={"order": len(categories)})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(school=request.school, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Category {form.cleaned_data['name']} added.")
            return redirect("matching:category-list", request.school.slug)
    return render(request, "matching/category_list.html", {"form": form, "categories": categories})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def category_edit(request: SchoolRequest, category_pk: int) -> HttpResponse:
    category = get_object_or_404(
        ReferralCategory.objects.for_school(request.school), pk=category_pk
    )
    form = CategoryForm(request.POST or None, instance=ReferralCategory.objects.get(pk=category.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(
                school=request.school, category=category, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Category saved.")
            return redirect("matching:category-list", request.school.slug)
    return render(request, "matching/category_form.html", {"form": form, "category": category})


NEW_LINK_KEY = "new_referral_link"


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def link_list(request: SchoolRequest) -> HttpResponse:
    form = LinkForm(request.POST or None, school=request.school)
    links = (
        PrimaryReferralLink.objects.for_school(request.school)
        .select_related("primary")
        .annotate(referral_count=Count("referrals"))[:50]
    )
    if request.method == "POST" and form.is_valid():
        try:
            link, token = services.create_referral_link(
                school=request.school, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            # Shown once, on the page after the redirect, so a refresh never makes a second link.
            path = reverse("refer:form", args=[token])
            request.session[NEW_LINK_KEY] = f"{settings.SITE_URL}{path}"
            messages.success(request, LINK_MADE.format(primary=link.primary))
            return redirect("matching:link-list", request.school.slug)
    new_url = request.session.pop(NEW_LINK_KEY, None) if request.method == "GET" else None
    context = {"form": form, "links": links, "new_url": new_url}
    return render(request, "matching/link_list.html", context)


@require_POST
@school_role_required(*SETUP_ROLES)
def link_revoke(request: SchoolRequest, link_pk: int) -> HttpResponse:
    link = get_object_or_404(PrimaryReferralLink.objects.for_school(request.school), pk=link_pk)
    services.revoke_referral_link(link=link, by=request.user)
    messages.success(request, f"The link for {link.primary} no longer works.")
    return redirect("matching:link-list", request.school.slug)
