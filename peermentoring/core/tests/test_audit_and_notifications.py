"""The audit trail and notifications every later app builds on.

The audit of a real change (a school's details) is tested in
`schools/tests/test_audit_of_school_changes.py`.
"""

from __future__ import annotations

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings

from peermentoring.core.audit import record
from peermentoring.core.models import AuditEntry, Notification, OutboundEmail
from peermentoring.core.notifications import notify, retry_email
from peermentoring.core.tasks import deliver_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction(school, coordinator):
    with pytest.raises(RuntimeError):
        record(action="school.poked", target=school, by=coordinator)
    assert not AuditEntry.objects.exists()


def test_nothing_is_sent_while_the_transaction_is_open(school, coordinator):
    with transaction.atomic():
        notify(recipient=coordinator, school=school, title="A new referral", body="Lily, 7C")
    # The test's own transaction never commits, so the e-mail stays queued.
    assert mail.outbox == []
    assert Notification.objects.get().title == "A new referral"
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.QUEUED


def test_the_email_is_sent_once_the_transaction_commits(
    school, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=coordinator, school=school, title="A new referral", body="Lily, 7C")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    message = OutboundEmail.objects.get()
    assert message.status == OutboundEmail.Status.SENT and message.attempts == 1


def test_a_pupil_without_an_address_gets_only_the_in_app_message(
    school, mentor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=mentor, school=school, title="Your new mentee")
    assert Notification.objects.filter(recipient=mentor).count() == 1
    assert mail.outbox == [] and not OutboundEmail.objects.exists()


# The worker closes its database connection when done, so this test commits for real.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_with_the_database_queue_the_worker_sends_it_not_the_request(school, coordinator):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        notify(recipient=coordinator, school=school, title="Supervision moved", body="Thursday")
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)
    assert [m.subject for m in mail.outbox] == ["Supervision moved"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


@override_settings(TASKS=DATABASE_TASKS, EMAIL_MAX_ATTEMPTS=3)
def test_a_failing_mail_server_is_retried_later_then_left_for_the_school_admin(school, coordinator):
    from django_tasks_db.models import DBTaskResult

    message = OutboundEmail.objects.create(
        school=school, to_address=coordinator.email, subject="Hello", body="Hi"
    )
    refused = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch("peermentoring.core.tasks.send_mail", side_effect=refused):
        deliver_email.call(message.pk)
        message.refresh_from_db()
        assert message.status == OutboundEmail.Status.RETRYING and message.attempts == 1
        retry = DBTaskResult.objects.get()
        assert retry.run_after is not None  # tried again later, not at once
        deliver_email.call(message.pk)
        deliver_email.call(message.pk)
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.FAILED and message.attempts == 3
    assert "Connection unexpectedly closed" in message.last_error
    assert list(OutboundEmail.objects.for_school(school).failed()) == [message]


def test_the_school_admin_can_send_a_failed_email_again(
    school, school_admin, django_capture_on_commit_callbacks
):
    message = OutboundEmail.objects.create(
        school=school,
        to_address="helen@example.org",
        subject="Hello",
        body="Hi",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
    )
    with django_capture_on_commit_callbacks(execute=True):
        retry_email(message=message, by=school_admin)
    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT and message.attempts == 1
    assert AuditEntry.objects.filter(action="email.retried", actor=school_admin).exists()
