"""Tell someone something: an in-app message and, where they have an address, an e-mail.

E-mails never leave inside the request: `notify()` queues them, and the
`deliver_email` task sends them once the transaction has committed.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from peermentoring.core import page_cache
from peermentoring.core.http import SchoolRef, school_pk
from peermentoring.core.models import Notification, OutboundEmail, User


def notify(
    *,
    recipient: User,
    school: SchoolRef,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = Notification.Kind.GENERAL,
    email: bool = True,
) -> Notification:
    """Leave an in-app message and queue an e-mail copy if the person has an address.

    `kind` is the heading the messages page lists it under (`Notification.Kind`).
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown kind of message: {kind!r}")
    notification = Notification.objects.create(
        school_id=school_pk(school), recipient=recipient, title=title, body=body, url=url, kind=kind
    )
    if email and recipient.email:
        queue_email(school=school, to_address=recipient.email, subject=title, body=body)
    return notification


def queue_email(
    *, school: SchoolRef, to_address: str, subject: str, body: str, holds_secret: bool = False
) -> OutboundEmail:
    """Store an e-mail and hand it to the task queue after the transaction commits.

    `holds_secret`: the body carries a one-time link, blanked from our copy once sent.
    """
    from peermentoring.core.tasks import deliver_email

    message = OutboundEmail.objects.create(
        school_id=school_pk(school),
        to_address=to_address,
        subject=subject,
        body=body,
        holds_secret=holds_secret,
    )
    transaction.on_commit(lambda: deliver_email.enqueue(message.pk))
    return message


@transaction.atomic
def mark_read(*, notification: Notification) -> Notification:
    """Mark one message read; reading it twice keeps the first time."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, recipient: User, school: SchoolRef, kind: str = "") -> int:
    """Mark every unread message of one person in one school read (of one kind, if given).

    Only that person's messages: sending the form twice marks nothing the second time.
    """
    unread = Notification.objects.for_school(school).filter(recipient=recipient).unread()
    if kind:
        unread = unread.filter(kind=kind)
    count = unread.update(read_at=timezone.now())
    # An update sends no signal: every page's unread count is cached (core/page_cache.py).
    page_cache.bump(school_pk(school))
    return count


@transaction.atomic
def retry_email(*, message: OutboundEmail, by: User) -> OutboundEmail:
    """Send a failed e-mail again, from a fresh count of attempts."""
    from peermentoring.core.audit import record

    message.status = OutboundEmail.Status.QUEUED
    message.attempts = 0
    message.save(update_fields=["status", "attempts"])
    record(action="email.retried", target=message, by=by, school=message.school)
    from peermentoring.core.tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.enqueue(message.pk))
    return message
