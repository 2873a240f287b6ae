"""Pages every school shares: the front door, messages, audit trail, e-mail delivery, trusts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, _unicode_ci_compare
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetView
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from peermentoring.core import notifications
from peermentoring.core.auth import normalise_username
from peermentoring.core.forms import LoginForm
from peermentoring.core.models import AuditEntry, Notification, OutboundEmail, ReadEntry
from peermentoring.core.notifications import queue_email
from peermentoring.core.roles import Role
from peermentoring.core.throttle import per_address_rate
from peermentoring.schools.access import AuthenticatedRequest, SchoolRequest, school_role_required


def _per_address(group: str, request: HttpRequest) -> str:
    """Password-reset requests count against the address asked about, in any case."""
    return normalise_username(request.POST.get("email", ""))


def _reset_rate(group: str, request: HttpRequest) -> str:
    return settings.PASSWORD_RESET_RATE


class QueuedPasswordResetForm(PasswordResetForm):
    """Password-reset e-mails go through the outbox and the task queue, with retries."""

    def get_users(self, email: str) -> Any:
        """Active accounts with this address, including those still without a password.

        Django's own form skips an unusable password, but that is exactly the state of
        a new member of staff whose set-up link expired, or of someone their school has
        just reset: they must be able to ask for a fresh link themselves. Only people
        with access to a school: an account switched off everywhere gets nothing.
        """
        members = (
            get_user_model()
            ._default_manager.filter(
                email__iexact=email,
                is_active=True,
                memberships__is_active=True,
                memberships__accepted_at__isnull=False,
            )
            .distinct()
        )
        # Django's own check that the address matches once Unicode is folded, too.
        return (user for user in members if _unicode_ci_compare(email, user.email))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        # The outbox belongs to a school: the one that owns the account, else any.
        membership = (
            user.memberships.order_by("-owns_account", "created_at")
            .select_related("school")
            .first()
        )
        if membership is None:
            # Site administrators reset theirs with `manage.py changepassword`.
            return
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        with transaction.atomic():
            queue_email(
                school=membership.school,
                to_address=to_email,
                subject=subject,
                body=body,
                holds_secret=True,
            )


@method_decorator(
    ratelimit(group="password-reset", key="ip", rate=per_address_rate, method="POST"), name="post"
)
@method_decorator(
    ratelimit(group="password-reset", key=_per_address, rate=_reset_rate, method="POST"),
    name="post",
)
class ResetPasswordView(PasswordResetView):
    """Ask for a reset link: throttled per address and per e-mail asked about."""

    form_class = QueuedPasswordResetForm
    extra_email_context = {"site_url": settings.SITE_URL}


class SignInView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class ChoosePasswordView(PasswordChangeView):
    """Change password; also clears the temporary-password flag."""

    success_url = reverse_lazy("home")

    def form_valid(self, form: BaseForm) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        if user.must_change_password:  # type: ignore[union-attr]
            user.must_change_password = False  # type: ignore[union-attr]
            user.save(update_fields=["must_change_password"])  # type: ignore[union-attr]
            update_session_auth_hash(self.request, user)  # type: ignore[arg-type]
        messages.success(self.request, "Your password has been changed.")
        return response


@require_GET
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    from peermentoring.schools.models import Membership

    memberships = list(
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("school", "school__trust")
    )
    invitations = list(
        Membership.objects.invitations().filter(user=request.user).select_related("school")
    )
    if len(memberships) == 1 and memberships[0].role != Role.TRUST_LEAD and not invitations:
        return redirect("schools:home", school_slug=memberships[0].school.slug)
    trusts = {m.school.trust for m in memberships if m.role == Role.TRUST_LEAD and m.school.trust}
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "trusts": sorted(trusts, key=str),
            "invitations": invitations,
        },
    )


@require_GET
@school_role_required()
def notification_list(request: SchoolRequest) -> HttpResponse:
    items = Notification.objects.for_school(request.school).filter(recipient=request.user)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


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
    return redirect("core:notification-list", school_slug=request.school.slug)


@require_POST
@school_role_required()
def notification_read_all(request: SchoolRequest) -> HttpResponse:
    count = notifications.mark_all_read(recipient=request.user, school=request.school)
    messages.success(request, f"{count} message{'s' if count != 1 else ''} marked as read.")
    return redirect("core:notification-list", school_slug=request.school.slug)


@require_GET
@school_role_required(Role.COORDINATOR, Role.SCHOOL_ADMIN)
def audit_list(request: SchoolRequest) -> HttpResponse:
    entries = AuditEntry.objects.for_school(request.school).select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"page": page, "action": action})


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
        "core/read_list.html",
        {"page": page, "kind": kind, "kinds": ReadEntry.Kind.choices},
    )


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
        "core/email_list.html",
        {"page": page, "counts": counts, "status": request.GET.get("status", "")},
    )


@require_POST
@school_role_required(Role.SCHOOL_ADMIN)
def email_retry(request: SchoolRequest, email_pk: int) -> HttpResponse:
    message = get_object_or_404(
        OutboundEmail.objects.for_school(request.school).failed(), pk=email_pk
    )
    notifications.retry_email(message=message, by=request.user)
    messages.success(request, f"The e-mail to {message.to_address} will be tried again.")
    return redirect("core:email-list", school_slug=request.school.slug)


@require_GET
@login_required
def trust_dashboard(request: HttpRequest, trust_slug: str) -> HttpResponse:
    from peermentoring.schools.models import Membership, School, Trust

    trust = get_object_or_404(Trust, slug=trust_slug)
    is_lead = (
        Membership.objects.active()
        .filter(user=request.user, role=Role.TRUST_LEAD, school__trust=trust)
        .exists()
    )
    if not is_lead:
        raise Http404("No such trust")
    schools = School.objects.filter(trust=trust).annotate(
        pupil_count=Count("pupils", filter=Q(pupils__is_on_roll=True), distinct=True),
        year7_count=Count(
            "pupils", filter=Q(pupils__is_on_roll=True, pupils__year_group=7), distinct=True
        ),
        primary_count=Count("feeder_primaries", distinct=True),
    )
    return render(request, "core/trust_dashboard.html", {"trust": trust, "schools": schools})


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many tries from one place or on one link: say so plainly, with status 429."""
    return render(request, "core/rate_limited.html", status=429)
