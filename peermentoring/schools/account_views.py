"""Accounts: a school admin gives staff and pupils their log-ins and resets passwords.

A school manages only its own roles. The password and sign-in history of an
account belong to the school that made it; another school that adds the same
person sends an invitation they accept by signing in. A temporary password is
shown once, in the response to the POST that made it, and is never stored.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peermentoring.core import audit, sessions
from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import Role
from peermentoring.schools import services
from peermentoring.schools.access import AuthenticatedRequest, SchoolRequest, school_role_required
from peermentoring.schools.forms import PupilAccountForm, RoleForm, StaffAccountForm
from peermentoring.schools.models import Membership, Pupil


def _memberships(request: SchoolRequest) -> Any:
    return (
        Membership.objects.for_school(request.school).manageable().select_related("user", "pupil")
    )


def _detail(
    request: SchoolRequest,
    membership: Membership,
    form: RoleForm | None = None,
    password: str | None = None,
) -> HttpResponse:
    form = form or RoleForm(is_pupil=membership.is_pupil, initial={"role": membership.role})
    return render(
        request,
        "schools/membership_detail.html",
        {"m": membership, "form": form, "password": password},
    )


@require_GET
@school_role_required(Role.SCHOOL_ADMIN)
def people(request: SchoolRequest) -> HttpResponse:
    role = request.GET.get("role", "")
    memberships = _memberships(request)
    if role in Role.values:
        memberships = memberships.filter(role=role)
    memberships = memberships.order_by("role", "user__last_name", "user__first_name")
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    return render(
        request, "schools/people.html", {"page": page, "roles": Role.choices, "role": role}
    )


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
@pupil_text
def staff_account_create(request: SchoolRequest) -> HttpResponse:
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.create_staff_account(
                school=request.school,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if membership.is_invitation:
                messages.success(
                    request,
                    f"{membership.user.email} already has an account, so we have sent them an "
                    "invitation. They become "
                    f"{membership.get_role_display().lower()} here when they accept it.",
                )
            else:
                messages.success(
                    request,
                    f"{membership.user.display_name} can now sign in as "
                    f"{membership.get_role_display().lower()}. "
                    "We have e-mailed them a link to choose a password.",
                )
            return redirect("schools:people", school_slug=request.school.slug)
    return render(request, "schools/staff_account_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
@pupil_text
def pupil_account_create(request: SchoolRequest, pupil_pk: int) -> HttpResponse:
    pupil = get_object_or_404(Pupil.objects.for_school(request.school), pk=pupil_pk)
    form = PupilAccountForm(
        request.POST or None, initial={"username": services.suggest_username(pupil)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.create_pupil_account(
                school=request.school,
                pupil=pupil,
                role=form.cleaned_data["role"],
                username=form.cleaned_data["username"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            # Shown in this response only: never in the session or a later page.
            return _detail(request, membership, password=password)
    return render(request, "schools/pupil_account_form.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def membership_detail(request: SchoolRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(_memberships(request), pk=membership_pk)
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
    return _detail(request, membership, form=form)


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def password_reset(request: SchoolRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(_memberships(request), pk=membership_pk)
    detail_url = reverse("schools:membership-detail", args=[request.school.slug, membership.pk])
    if not membership.may_manage_account or membership.is_invitation:
        messages.error(request, services.NOT_OWNER)
        return redirect(detail_url)
    if request.method == "GET":
        pupil = membership.is_pupil or not membership.user.email
        return render(
            request,
            "core/confirm.html",
            {
                "title": f"Reset {membership.user.display_name}'s password?",
                "message": (
                    "Their current password stops working at once."
                    + (
                        " You will see a new temporary password to give them; they choose "
                        "their own when they next sign in."
                        if pupil
                        else f" We e-mail {membership.user.email} a link to choose a new one."
                    )
                ),
                "button": "Reset password",
                "cancel_url": detail_url,
                "danger": True,
            },
        )
    password = services.reset_password(membership=membership, by=request.user)
    if password:
        return _detail(request, membership, password=password)
    messages.success(
        request, f"A link to choose a new password has been e-mailed to {membership.user.email}."
    )
    return redirect(detail_url)


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def second_factor_reset(request: SchoolRequest, membership_pk: int) -> HttpResponse:
    """A colleague lost their phone: take away their second factor so they set up a new one."""
    membership = get_object_or_404(_memberships(request), pk=membership_pk)
    detail_url = reverse("schools:membership-detail", args=[request.school.slug, membership.pk])
    name = membership.user.display_name
    if request.method == "GET":
        return render(
            request,
            "core/confirm.html",
            {
                "title": f"Reset {name}'s second factor?",
                "message": (
                    f"Their authenticator app, passkeys and recovery codes stop working at once "
                    f"and they are signed out everywhere. Next time they sign in with their "
                    f"password they set up a new one. Do this only when you are sure it is "
                    f"{membership.user.first_name} asking (in person or by phone): we e-mail "
                    f"{membership.user.email or 'them'} to say it was done."
                ),
                "button": "Reset second factor",
                "cancel_url": detail_url,
                "danger": True,
            },
        )
    try:
        removed = services.reset_second_factor(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not removed:
            messages.info(request, f"{name} has no second factor set up: nothing to reset.")
            return redirect(detail_url)
        messages.success(
            request, f"{name}'s second factor is reset: they set up a new one when they sign in."
        )
    return redirect(detail_url)


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def membership_toggle(request: SchoolRequest, membership_pk: int) -> HttpResponse:
    membership = get_object_or_404(_memberships(request), pk=membership_pk)
    detail_url = reverse("schools:membership-detail", args=[request.school.slug, membership.pk])
    if request.method == "GET":
        name = membership.user.display_name
        if membership.is_active:
            title, button = f"Switch off {name}'s access?", "Switch off access"
            message = (
                f"{name} will no longer be able to open {request.school.name}'s pages. "
                "Their records stay, and you can switch access back on at any time."
            )
        else:
            title, button = f"Switch {name}'s access back on?", "Switch access back on"
            message = f"{name} will be able to sign in to {request.school.name}'s pages again."
        return render(
            request,
            "core/confirm.html",
            {
                "title": title,
                "message": message,
                "button": button,
                "cancel_url": detail_url,
                "danger": membership.is_active,
                # The wanted state, not "flip it": a double-submit or a stale page
                # must never switch back on someone another admin just switched off.
                "hidden": {"to": "off" if membership.is_active else "on"},
            },
        )
    wanted = {"on": True, "off": False}.get(request.POST.get("to", ""))
    if wanted is None:
        messages.error(request, "Use the button on the confirmation page to change access.")
        return redirect(detail_url)
    if wanted == membership.is_active:
        state = "on" if wanted else "switched off"
        messages.info(request, f"{membership.user.display_name}'s access is already {state}.")
        return redirect(detail_url)
    try:
        services.set_membership_active(membership=membership, is_active=wanted, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        state = "switched back on" if membership.is_active else "switched off"
        messages.success(request, f"{membership.user.display_name}'s access is {state}.")
    return redirect(detail_url)


@require_POST
def invitation_answer(
    request: AuthenticatedRequest, membership_pk: int, answer: str
) -> HttpResponse:
    """The invited person accepts or declines a school's invitation, from their home page."""
    if not request.user.is_authenticated:
        return redirect("login")
    membership = get_object_or_404(
        Membership.objects.invitations().filter(user=request.user).select_related("school"),
        pk=membership_pk,
    )
    if answer == "accept":
        services.accept_invitation(membership=membership, by=request.user)
        messages.success(
            request,
            f"You are now {membership.get_role_display().lower()} at {membership.school.name}.",
        )
    else:
        services.decline_invitation(membership=membership, by=request.user)
        messages.success(request, f"You declined {membership.school.name}'s invitation.")
    return redirect("home")


@require_http_methods(["GET", "POST"])
@school_role_required(*Role)
def account(request: SchoolRequest) -> HttpResponse:
    """The person's own account: how long they stay signed in, and "Sign out everywhere".

    The button ends every session of theirs, on this device and any other (a phone
    left signed in, a classroom computer), and is written in this school's audit trail.
    """
    if request.method == "POST":
        user = request.user
        with transaction.atomic():
            audit.record(
                action="account.signed_out_everywhere",
                target=user,
                by=user,
                school=request.school,
            )
            sessions.sign_out_everywhere(request)
        messages.success(request, sessions.SIGNED_OUT_EVERYWHERE)
        # Signed out, the school's home asks them to sign in and then opens it.
        return redirect("schools:home", school_slug=request.school.slug)
    return render(
        request,
        "schools/account.html",
        {
            "idle_minutes": sessions.idle_limit(request.user) // 60,
            "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
        },
    )
