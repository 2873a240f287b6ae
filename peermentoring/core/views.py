"""Sign-in, password change and reset, and the "too many tries" page.

A school's own pages (home, messages, audit trail, read log, e-mails) and the trust
dashboard are in `schools/home_views.py` and `schools/log_views.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.forms import (  # type: ignore[attr-defined]  # private, not in the stubs
    PasswordResetForm,
    _unicode_ci_compare,
)
from django.contrib.auth.views import PasswordChangeView, PasswordResetView
from django.db import transaction
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from peermentoring.core.auth import normalise_username
from peermentoring.core.models import User
from peermentoring.core.notifications import queue_email
from peermentoring.core.throttle import per_address_rate


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


class ChoosePasswordView(PasswordChangeView):
    """Change password; also clears the temporary-password flag."""

    success_url = reverse_lazy("home")

    def form_valid(self, form: BaseForm) -> HttpResponse:
        response = super().form_valid(form)
        user = self.request.user
        if isinstance(user, User) and user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
            update_session_auth_hash(self.request, user)
        messages.success(self.request, "Your password has been changed.")
        return response


def rate_limited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Too many tries from one place or on one link: say so plainly, with status 429."""
    return render(request, "core/rate_limited.html", status=429)


def no_signup(request: HttpRequest) -> HttpResponse:
    """Accounts are made by schools; there is no page to sign up."""
    raise Http404("Accounts are made by your school.")
