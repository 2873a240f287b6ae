"""Referral pages: the queue, referring or highlighting a pupil, review, categories and primary links."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.forms import add_validation_error
from peermentoring.core.models import ReadEntry
from peermentoring.core.page_cache import render_cached
from peermentoring.core.privacy import pupil_text
from peermentoring.core.reads import record_read
from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES
from peermentoring.core.row_urls import RowUrls
from peermentoring.referrals import services
from peermentoring.referrals.forms import (
    CategoryForm,
    LinkForm,
    ReferralDetailsForm,
    ReviewForm,
    StaffReferralForm,
)
from peermentoring.referrals.models import PrimaryReferralLink, Referral, ReferralCategory
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import Pupil, School

PER_PAGE = 50
REVIEW_STATUSES = (Referral.Status.NEW, Referral.Status.MORE_INFO)  # as waiting_for_review()
LINK_MADE = "Link made for {primary}. Copy it now and send it to them: it is shown only once."
# The referral list's three views of the queue: (title, filter), the first shown by default.
REFERRAL_LISTS = {
    "review": "Waiting for review",
    "queue": "Matching queue",
    "done": "Matched, declined or closed",
}
REVIEWED = {
    "accept": "{name} is in the matching queue.",
    "more_info": "{name}: more information asked for.",
    "decline": "{name}: referral declined.",
}


@require_GET
@school_role_required(*STAFF_ROLES)
def referral_list(request: SchoolRequest) -> HttpResponse:
    """One of the three lists (waiting, queue, done), 50 a page; the read log gets one entry.

    `?priority=urgent` (or soon, routine) narrows the list to that urgency.
    """
    show = request.GET.get("show", "review")
    show = show if show in REFERRAL_LISTS else "review"
    priority = request.GET.get("priority", "")
    priority = priority if priority in Referral.Priority.values else ""
    record_read(request=request, school=request.school, kind=ReadEntry.Kind.REFERRAL_LIST)

    def referral_page() -> dict[str, Any]:
        referrals = Referral.objects.for_school(request.school)
        if show == "review":
            chosen = referrals.waiting_for_review().by_urgency()
        elif show == "queue":
            chosen = referrals.in_queue().by_urgency()
        else:
            chosen = referrals.exclude(status__in=[*REVIEW_STATUSES, Referral.Status.ACCEPTED])
        chosen = chosen.select_related("pupil", "feeder_primary")
        if priority:
            chosen = chosen.filter(priority=priority)
        page = Paginator(chosen, PER_PAGE).get_page(request.GET.get("page"))
        detail = RowUrls(
            "referrals:referral-detail", "referral_pk", school_slug=request.school.slug
        )
        for referral in page:
            referral.detail_url = detail.of(referral.pk)  # type: ignore[attr-defined]
        # The three tabs' counts from one count a status.
        by_status = dict(
            Referral.objects.filter(school=request.school)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        review = sum(by_status.get(status, 0) for status in REVIEW_STATUSES)
        queue = by_status.get(Referral.Status.ACCEPTED, 0)
        counts = {
            "review": review,
            "queue": queue,
            "done": sum(by_status.values()) - review - queue,
        }
        return {
            "tabs": [(key, title, counts[key]) for key, title in REFERRAL_LISTS.items()],
            "show": show,
            "priority": Referral.Priority(priority).label.lower() if priority else "",
            "page": page,
            "query": f"show={show}" + (f"&priority={priority}" if priority else ""),
            "can_review": request.membership.role in SETUP_ROLES,
        }

    # Cached for this person and role, today, until anything in the school changes.
    return render_cached(
        request,
        "referrals/referral_list.html",
        referral_page,
        name="referral-list",
        role=request.membership.role,
        schools=[request.school.pk],
        context={"title": REFERRAL_LISTS[show]},
    )


@require_http_methods(["GET", "POST"])
@school_role_required(*STAFF_ROLES)
@pupil_text
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
            return redirect("referrals:referral-detail", request.school.slug, referral.pk)
    return render(request, "referrals/referral_form.html", {"form": form, "pupil": pupil})


@require_GET
@school_role_required(*STAFF_ROLES)
def referral_detail(request: SchoolRequest, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.for_school(request.school).select_related(
            "pupil", "feeder_primary", "referred_by", "reviewed_by"
        ),
        pk=referral_pk,
    )
    record_read(
        request=request, school=request.school, kind=ReadEntry.Kind.REFERRAL, target=referral
    )
    context = {
        "referral": referral,
        "review_form": ReviewForm(),
        "can_review": request.membership.role in SETUP_ROLES,
        "pairings": referral.pairings.select_related("mentor__pupil"),
    }
    return render(request, "referrals/referral_detail.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
@pupil_text
def referral_edit(request: SchoolRequest, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.for_school(request.school), pk=referral_pk)
    form = ReferralDetailsForm(
        request.POST or None,
        school=request.school,
        initial=ReferralDetailsForm.initial_for(referral),
    )
    if request.method == "GET":
        record_read(
            request=request, school=request.school, kind=ReadEntry.Kind.REFERRAL, target=referral
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
            return redirect("referrals:referral-detail", request.school.slug, referral.pk)
    return render(request, "referrals/referral_form.html", {"form": form, "referral": referral})


@require_POST
@school_role_required(*SETUP_ROLES)
@pupil_text
def referral_review(request: SchoolRequest, referral_pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.for_school(request.school), pk=referral_pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept, ask for more information or decline.")
        return redirect("referrals:referral-detail", request.school.slug, referral.pk)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "accept":
            services.accept_referral(referral=referral, by=request.user)
        elif decision == "decline":
            services.decline_referral(referral=referral, reason=note, by=request.user)
        else:
            asked = services.ask_for_more_information(referral=referral, note=note, by=request.user)
            _say_who_was_asked(request, asked)
            return redirect("referrals:referral-list", request.school.slug)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:referral-detail", request.school.slug, referral.pk)
    messages.success(request, REVIEWED[decision].format(name=referral.child_name))
    return redirect("referrals:referral-list", request.school.slug)


MORE_INFO_EMAILED = (
    "{name}: more information asked for. {primary} was e-mailed your question at {address}, "
    "and asked to reply to you."
)
MORE_INFO_NO_ADDRESS = (
    "{name}: more information asked for, but nobody was e-mailed: {primary} has no contact "
    "e-mail. Ask them yourself, and add their address on the feeder primaries page."
)
MORE_INFO_ALREADY_ASKED = "{name}: you had already asked this. Nothing new was sent."


def _say_who_was_asked(request: SchoolRequest, asked: services.MoreInformationAsked) -> None:
    """Tell the staff member whether the primary was e-mailed, and plainly when it could not be."""
    referral = asked.referral
    name = referral.child_name
    primary = referral.feeder_primary or "The primary school"
    if asked.already_asked:
        messages.info(request, MORE_INFO_ALREADY_ASKED.format(name=name))
    elif asked.primary_has_no_address:
        messages.warning(request, MORE_INFO_NO_ADDRESS.format(name=name, primary=primary))
    elif asked.emailed_to:
        text = MORE_INFO_EMAILED.format(name=name, primary=primary, address=asked.emailed_to)
        messages.success(request, text)
    else:
        messages.success(request, REVIEWED["more_info"].format(name=name))


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def category_list(request: SchoolRequest) -> HttpResponse:
    categories = services.categories_for(request.school)
    form = CategoryForm(request.POST or None, initial={"order": len(categories)})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_category(
                school=request.school,
                name=form.cleaned_data["name"],
                is_higher_need=form.cleaned_data["is_higher_need"],
                is_active=form.cleaned_data["is_active"],
                order=form.cleaned_data["order"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Category {form.cleaned_data['name']} added.")
            return redirect("referrals:category-list", request.school.slug)
    return render(request, "referrals/category_list.html", {"form": form, "categories": categories})


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
                school=request.school,
                category=category,
                name=form.cleaned_data["name"],
                is_higher_need=form.cleaned_data["is_higher_need"],
                is_active=form.cleaned_data["is_active"],
                order=form.cleaned_data["order"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "Category saved.")
            return redirect("referrals:category-list", request.school.slug)
    return render(request, "referrals/category_form.html", {"form": form, "category": category})


LINK_REVOKED = "The link for {primary} no longer works."
LINK_ALREADY_OFF = "The link for {primary} is already switched off."


def _link_form(school: School, data: QueryDict | None = None) -> LinkForm:
    """The form to make a link, carrying a fresh one-time value against sending it twice."""
    return LinkForm(data, school=school, initial={"nonce": secrets.token_urlsafe(16)})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def link_list(request: SchoolRequest) -> HttpResponse:
    """Links made, 50 a page; a new link is shown once, in the answer to the form that made it.

    The new link is never put in the session: it is in this one response and nowhere
    else, and sending the same form again (a refresh) is refused instead of making another.
    """
    form = _link_form(request.school, request.POST or None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        try:
            link, token = services.create_referral_link(
                school=request.school,
                primary=form.cleaned_data["primary"],
                days=form.cleaned_data["days"],
                max_children=form.cleaned_data["max_children"],
                nonce=form.cleaned_data["nonce"],
                by=request.user,
            )
        except ValidationError as error:
            if services.LINK_ALREADY_MADE not in error.messages:
                add_validation_error(form, error)
            else:
                messages.error(request, services.LINK_ALREADY_MADE)
                form = _link_form(request.school)
        else:
            new_url = f"{settings.SITE_URL}{reverse('refer:form', args=[token])}"
            messages.success(request, LINK_MADE.format(primary=link.primary))
            form = _link_form(request.school)
    links = (
        PrimaryReferralLink.objects.for_school(request.school)
        .select_related("primary")
        .annotate(referral_count=Count("referrals"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(links, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "new_url": new_url}
    return render(request, "referrals/link_list.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def link_revoke(request: SchoolRequest, link_pk: int) -> HttpResponse:
    """GET asks (saying what stops working); POST switches the link off."""
    link = get_object_or_404(
        PrimaryReferralLink.objects.for_school(request.school).select_related("primary"),
        pk=link_pk,
    )
    back = reverse("referrals:link-list", args=[request.school.slug])
    if link.revoked_at is not None:
        messages.info(request, LINK_ALREADY_OFF.format(primary=link.primary))
        return redirect(back)
    if request.method == "POST":
        services.revoke_referral_link(link=link, by=request.user)
        messages.success(request, LINK_REVOKED.format(primary=link.primary))
        return redirect(back)
    sent = link.referrals.count()
    context = {
        "title": f"Switch off the link for {link.primary}?",
        "message": f"{link.primary} will no longer be able to refer children through this link.",
        "consequences": [
            "Anyone opening the link is told it no longer works and to ask you for a new one.",
            f"The {sent} referral{'s' if sent != 1 else ''} already sent stay in the queue.",
            "This cannot be undone: make a new link if they need one again.",
        ],
        "button": "Switch off the link",
        "cancel_url": back,
        "danger": True,
    }
    return render(request, "core/confirm.html", context)
