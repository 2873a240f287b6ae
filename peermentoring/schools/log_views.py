"""A school's messages, audit trail, read log and e-mail outbox (the rows live in core)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from peermentoring.core import notifications
from peermentoring.core.models import AuditEntry, Notification, OutboundEmail, ReadEntry
from peermentoring.core.roles import Role
from peermentoring.schools.access import SchoolRequest, school_role_required

# The messages page shows each kind's newest few; "show all" opens one kind, 30 a page.
MESSAGES_PER_GROUP = 8
MESSAGES_PER_PAGE = 30
MARKED_READ = "{count} message{s} marked as read."
NOTHING_TO_MARK = "There were no unread messages to mark."


@dataclass
class MessageGroup:
    """One kind of message on the messages page: its newest messages and its counts."""

    kind: str
    label: str
    messages: list[tuple[Notification, str]]  # each message with its date as shown
    total: int
    unread: int

    @property
    def has_more(self) -> bool:
        return self.total > len(self.messages)


def _shown_at(moment: dt.datetime, today: dt.date) -> str:
    """ "3 Mar, 13:19", with the year when it is not this year."""
    local = timezone.localtime(moment)
    return f"{local:%-d %b}{f' {local.year}' if local.year != today.year else ''}, {local:%H:%M}"


def _newest_of_each_kind(mine: QuerySet[Notification]) -> list[Notification]:
    """The newest few messages of every kind, in one query."""
    rank = Window(
        RowNumber(), partition_by=F("kind"), order_by=[F("created_at").desc(), F("pk").desc()]
    )
    return list(
        mine.annotate(rank=rank).filter(rank__lte=MESSAGES_PER_GROUP).order_by("-created_at", "-pk")
    )


def _group(shown: list[Notification], counts: dict[str, dict[str, int]]) -> list[MessageGroup]:
    """Messages under their kinds' headings: kinds with unread messages first, then the newest."""
    today, labels = timezone.localdate(), dict(Notification.Kind.choices)
    groups: dict[str, MessageGroup] = {}
    for message in shown:
        if message.kind not in groups:
            count = counts[message.kind]
            label = labels.get(message.kind, message.kind)
            groups[message.kind] = MessageGroup(
                message.kind, label, [], count["total"], count["unread"]
            )
        groups[message.kind].messages.append((message, _shown_at(message.created_at, today)))
    # Messages come newest first, so the groups are in order of their newest already.
    return sorted(groups.values(), key=lambda group: group.unread == 0)


@require_GET
@school_role_required()
def notification_list(request: SchoolRequest) -> HttpResponse:
    """The person's own messages here, grouped by kind; `?kind=` lists all of one kind."""
    mine = Notification.objects.for_school(request.school).filter(recipient=request.user)
    counts = {
        row["kind"]: row
        for row in mine.values("kind").annotate(
            total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
        )
    }
    kind = request.GET.get("kind", "")
    page = None
    if kind in counts:
        paginator = Paginator(mine.filter(kind=kind), MESSAGES_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        shown = list(page.object_list)
    else:
        kind, shown = "", _newest_of_each_kind(mine)
    context = {
        "groups": _group(shown, counts),
        "kind": kind,
        "page": page,
        "query": f"kind={kind}" if kind else "",
    }
    return render(request, "schools/notification_list.html", context)


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
    """Mark the person's own unread messages here read: all of them, or one kind's (`kind`)."""
    kind = request.POST.get("kind", "")
    back = reverse("schools:notification-list", kwargs={"school_slug": request.school.slug})
    if kind and kind not in Notification.Kind.values:
        messages.error(request, "Those messages were not found: nothing was marked as read.")
        return redirect(back)
    count = notifications.mark_all_read(recipient=request.user, school=request.school, kind=kind)
    if count:
        messages.success(request, MARKED_READ.format(count=count, s="s" if count != 1 else ""))
    else:
        messages.info(request, NOTHING_TO_MARK)
    return redirect(f"{back}?kind={kind}" if kind and request.POST.get("back") == "kind" else back)


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
