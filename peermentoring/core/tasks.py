"""Background work for the core app."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django_tasks import task, task_backends

from peermentoring.core.models import LINK_REMOVED, OutboundEmail

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait longer after each failure: 1, 4, 9, 16… minutes."""
    return dt.timedelta(minutes=attempts * attempts)


@task()
def deliver_email(message_id: int) -> str:
    """Send one queued e-mail; on failure try again later, then give up visibly."""
    message = OutboundEmail.objects.filter(pk=message_id).first()
    if message is None or message.status == OutboundEmail.Status.SENT:
        return "nothing to send"
    message.attempts += 1
    try:
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.to_address],
            fail_silently=False,
        )
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        can_defer = task_backends[deliver_email.backend].supports_defer
        if message.attempts < settings.EMAIL_MAX_ATTEMPTS and can_defer:
            message.status = OutboundEmail.Status.RETRYING
            message.save(update_fields=["attempts", "last_error", "status"])
            run_after = timezone.now() + retry_delay(message.attempts)
            deliver_email.using(run_after=run_after).enqueue(message.pk)
            return "retrying"
        message.status = OutboundEmail.Status.FAILED
        message.save(update_fields=["attempts", "last_error", "status"])
        logger.warning("E-mail %s failed for good: %s", message.pk, message.last_error)
        return "failed"
    message.status = OutboundEmail.Status.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    if message.holds_secret:
        # A working password or reference link must not sit in the database or its backups.
        message.body = LINK_REMOVED
    message.save(update_fields=["attempts", "status", "sent_at", "last_error", "body"])
    return "sent"
