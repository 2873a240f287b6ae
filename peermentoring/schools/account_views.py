"""Accounts: a school admin gives staff and pupils their log-ins and resets passwords."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core.access import SchoolRequest, school_role_required
from peermentoring.core.forms import add_validation_error
from peermentoring.core.roles import Role
from peermentoring.schools import services
from peermentoring.schools.forms import PupilAccountForm, RoleForm, StaffAccountForm
from peermentoring.schools.models import Membership, Pupil

# A temporary password is shown once, on the page after it is made, then forgotten.
SHOWN_PASSWORD_KEY = "shown_password"  # noqa: S105 - a session key, not a password


def _show_password_once(request: SchoolRequest, membership: Membership, password: str) -> None:
    request.session[SHOWN_PASSWORD_KEY] = {"membership": membership.pk, "password": password}


@require_GET
@school_role_required(Role.SCHOOL_ADMIN)
def people(request: SchoolRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    memberships = Membership.objects.for_school(request.school).select_related("user", "pupil")
    if role in Role.values:
        memberships = memberships.filter(role=role)
    memberships = memberships.order_by("role", "user__last_name", "user__first_name")
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    return render(
        request, "schools/people.html", {"page": page, "roles": Role.choices, "role": role}
    )


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def staff_account_create(request: SchoolRequest) -> HttpResponse:
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.create_staff_account(
                school=request.school, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                f"{membership.user.display_name} can now sign in as {membership.get_role_display().lower()}. "
                "New accounts get an e-mail with a link to choose a password.",
            )
            return redirect("schools:people", school_slug=request.school.slug)
    return render(request, "schools/staff_account_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def pupil_account_create(request: SchoolRequest, pupil_pk: int) -> HttpResponse:
    pupil = get_object_or_404(Pupil.objects.for_school(request.school), pk=pupil_pk)
    form = PupilAccountForm(
        request.POST or None, initial={"username": services.suggest_username(pupil)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.create_pupil_account(
                school=request.school, pupil=pupil, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            _show_password_once(request, membership, password)
            return redirect(
                "schools:membership-detail",
                school_slug=request.school.slug,
                membership_pk=membership.pk,
            )
    return render(request, "schools/pupil_account_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def membership_detail(request: SchoolRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.for_school(request.school).select_related("user", "pupil"),
        pk=membership_pk,
    )
    form = RoleForm(
        request.POST or None, is_pupil=membership.is_pupil, initial={"role": membership.role}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request,
                f"{membership.user.display_name} is now {membership.get_role_display().lower()}.",
            )
            return redirect(
                "schools:membership-detail",
                school_slug=request.school.slug,
                membership_pk=membership.pk,
            )
    shown = request.session.pop(SHOWN_PASSWORD_KEY, None)
    password = shown["password"] if shown and shown["membership"] == membership.pk else None
    return render(
        request,
        "schools/membership_detail.html",
        {"m": membership, "form": form, "password": password},
    )


@require_POST
@school_role_required(Role.SCHOOL_ADMIN)
def password_reset(request: SchoolRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.for_school(request.school).select_related("user"), pk=membership_pk
    )
    password = services.reset_password(membership=membership, by=request.user)
    if password:
        _show_password_once(request, membership, password)
    else:
        messages.success(
            request,
            f"A link to choose a new password has been e-mailed to {membership.user.email}.",
        )
    return redirect(
        "schools:membership-detail", school_slug=request.school.slug, membership_pk=membership.pk
    )


@require_POST
@school_role_required(Role.SCHOOL_ADMIN)
def membership_toggle(request: SchoolRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.for_school(request.school).select_related("user"), pk=membership_pk
    )
    try:
        services.set_membership_active(
            membership=membership, is_active=not membership.is_active, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        state = "switched back on" if membership.is_active else "switched off"
        messages.success(request, f"{membership.user.display_name}'s access is {state}.")
    return redirect(
        "schools:membership-detail", school_slug=request.school.slug, membership_pk=membership.pk
    )
