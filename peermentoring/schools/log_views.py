"""A school's messages, audit trail, read log and e-mail outbox (the rows live in core)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from peermentoring.core import notifications
from peermentoring.core.models import AuditEntry, Notification, OutboundEmail, ReadEntry
from peermentoring.core.roles import Role
from peermentoring.schools.access import SchoolRequest, school_role_required


@require_GET
@school_role_required()
def notification_list(request: SchoolRequest) -> HttpResponse:
    items = Notification.objects.for_school(request.school).filter(recipient=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "schools/notification_list.html", {"page": page})


@require_POST
@school_role_required()
def notification_open(request: SchoolRequest, notification_pk: int) -> HttpResponse:
    notification = get_object_or_404(
        Notification.objects.for_school(request.school).filter(recipient=request.user),
        pk=notification_pk,
    )
    notifications.mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("schools:notification-list", school_slug=request.school.slug)


@require_POST
@school_role_required()
def notification_read_all(request: SchoolRequest) -> HttpResponse:
    count = notifications.mark_all_read(recipient=request.user, school=request.school)
    messages.success(request, f"{count} message{'s' if count != 1 else ''} marked as read.")
    return redirect("schools:notification-list", school_slug=request.school.slug)


@require_GET
@school_role_required(Role.COORDINATOR, Role.SCHOOL_ADMIN)
def audit_list(request: SchoolRequest) -> HttpResponse:
    entries = AuditEntry.objects.for_school(request.school).select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "schools/audit_list.html", {"page": page, "action": action})


@require_GET
@school_role_required(Role.SCHOOL_ADMIN)
def read_list(request: SchoolRequest) -> HttpResponse:
    """Who opened pupils' records and referrals: for the school admin to review."""
    entries = ReadEntry.objects.for_school(request.school).select_related("reader")
    kind = request.GET.get("kind", "")
    if kind in ReadEntry.Kind.values:
        entries = entries.filter(kind=kind)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/read_list.html",
        {"page": page, "kind": kind, "kinds": ReadEntry.Kind.choices},
    )


# The list's filter offers the statuses that need the admin first.
EMAIL_FILTER_ORDER = [
    OutboundEmail.Status.FAILED,
    OutboundEmail.Status.RETRYING,
    OutboundEmail.Status.QUEUED,
    OutboundEmail.Status.SENT,
]


@require_GET
@school_role_required(Role.SCHOOL_ADMIN)
def email_list(request: SchoolRequest) -> HttpResponse:
    emails = OutboundEmail.objects.for_school(request.school)
    counts = emails.aggregate(
        failed=Count("pk", filter=Q(status=OutboundEmail.Status.FAILED)),
        waiting=Count(
            "pk", filter=Q(status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.RETRYING])
        ),
    )
    if request.GET.get("status") in OutboundEmail.Status.values:
        emails = emails.filter(status=request.GET["status"])
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "schools/email_list.html",
        {
            "page": page,
            "counts": counts,
            "status": request.GET.get("status", ""),
            "status_choices": [(s.value, s.label) for s in EMAIL_FILTER_ORDER],
        },
    )


@require_POST
@school_role_required(Role.SCHOOL_ADMIN)
def email_retry(request: SchoolRequest, email_pk: int) -> HttpResponse:
    message = get_object_or_404(
        OutboundEmail.objects.for_school(request.school).failed(), pk=email_pk
    )
    notifications.retry_email(message=message, by=request.user)
    messages.success(request, f"The e-mail to {message.to_address} will be tried again.")
    return redirect("schools:email-list", school_slug=request.school.slug)
