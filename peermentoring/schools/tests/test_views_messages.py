"""Messages pages used the way people use them: notifications, the audit trail and e-mails."""

from __future__ import annotations

import re

import pytest

from peermentoring.core.models import AuditEntry, Notification, OutboundEmail
from peermentoring.core.notifications import notify
from peermentoring.schools import services
from peermentoring.schools.tests.views_support import text, url

# --- Notifications --------------------------------------------------------------------------------


def bell(response) -> str | None:
    """The unread count on the bell, or None when it shows none."""
    found = re.search(
        r'class="bell"[^>]*>.*?(?:<span class="badge">(\d+)</span>)?\s*</a>', text(response), re.S
    )
    assert found is not None, "no bell on the page"
    return found.group(1)


def test_a_new_notification_shows_in_the_bell_count_on_the_home_page(
    client_for, school, coordinator
):
    notify(recipient=coordinator, school=school, title="A referral is waiting for you")

    home = client_for(coordinator).get("/", follow=True)

    assert home.redirect_chain[-1][0] == url("schools:home", school)
    assert bell(home) == "1"
    assert 'aria-label="Messages, 1 unread"' in text(home)


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client_for, school, coordinator):
    notification = notify(
        recipient=coordinator,
        school=school,
        title="A referral is waiting for you",
        url=url("schools:pupil-list", school),
    )
    client = client_for(coordinator)

    response = client.post(url("schools:notification-open", school, notification.pk))

    assert response.status_code == 302
    assert response["Location"] == url("schools:pupil-list", school)
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert bell(client.get(url("schools:home", school))) is None


def test_mark_all_as_read_clears_this_schools_unread_messages_only(
    client_for, school, other_school, coordinator
):
    for title in ("First message", "Second message"):
        notify(recipient=coordinator, school=school, title=title)
    elsewhere = Notification.objects.create(
        school=other_school, recipient=coordinator, title="From another school"
    )
    client = client_for(coordinator)
    assert "Mark all as read" in text(client.get(url("schools:notification-list", school)))

    response = client.post(url("schools:notification-read-all", school), follow=True)

    assert "2 messages marked as read." in text(response)
    assert not Notification.objects.filter(school=school).unread().exists()
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None
    assert bell(response) is None


# --- Audit trail ----------------------------------------------------------------------------------


def test_the_audit_trail_lists_this_schools_entries_and_not_another_schools(
    client_for, school, other_school, coordinator, school_admin
):
    services.add_feeder_primary(school=school, name="Oakfield Primary", by=school_admin)
    services.add_feeder_primary(school=other_school, name="Elmfield Primary", by=None)

    response = client_for(coordinator).get(url("schools:audit-list", school))

    page = text(response)
    assert "feeder_primary.added" in page
    assert "Oakfield Primary" in page
    assert school_admin.display_name in page
    assert "Elmfield Primary" not in page
    assert {entry.school for entry in response.context["page"]} == {school}


# --- E-mails --------------------------------------------------------------------------------------


@pytest.fixture
def failed_email(school):
    return OutboundEmail.objects.create(
        school=school,
        to_address="year6@meadowsdie.example.org",
        subject="Referral received",
        body="Thank you for the referral.",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: unknown domain",
    )


def test_the_email_page_lists_a_failed_email_with_a_retry_button(
    client_for, school, school_admin, failed_email
):
    page = text(client_for(school_admin).get(url("schools:email-list", school)))

    assert "year6@meadowsdie.example.org" in page
    assert "SMTPRecipientsRefused: unknown domain" in page
    assert "1 e-mail could not be sent after every attempt." in page
    assert url("schools:email-retry", school, failed_email.pk) in page


def test_retrying_a_failed_email_queues_it_again_for_delivery(
    client_for, school, school_admin, failed_email, django_capture_on_commit_callbacks
):
    client = client_for(school_admin)

    with django_capture_on_commit_callbacks() as delivery:
        response = client.post(url("schools:email-retry", school, failed_email.pk))

    assert response["Location"] == url("schools:email-list", school)
    failed_email.refresh_from_db()
    assert failed_email.status == OutboundEmail.Status.QUEUED
    assert failed_email.attempts == 0
    assert len(delivery) == 1
    assert AuditEntry.objects.filter(action="email.retried", school=school).count() == 1
    page = text(client.get(response["Location"]))
    assert "The e-mail to year6@meadowsdie.example.org will be tried again." in page
    assert "1 e-mail waiting to be sent." in page


def test_an_email_that_has_not_failed_cannot_be_retried(client_for, school, school_admin):
    sent = OutboundEmail.objects.create(
        school=school, to_address="a@example.org", subject="Hi", body="Hi", status="sent"
    )

    response = client_for(school_admin).post(url("schools:email-retry", school, sent.pk))

    assert response.status_code == 404
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SENT
