"""Asking for more information on a feeder primary's referral e-mails the primary the question."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from peermentoring.core.models import OutboundEmail
from peermentoring.referrals import services
from peermentoring.referrals.models import Referral
from tests.support.builders import year_6_birthday
from tests.support.factories import FeederPrimaryFactory, PupilFactory

pytestmark = pytest.mark.django_db

QUESTION = "Which lessons does the worry about moving up come up in?"
INTERNAL_NOTE = "Older brother known to the DSL."


@pytest.fixture
def meadowside(school):
    return FeederPrimaryFactory(
        school=school, name="Meadowside Primary", contact_email="year6@meadowside.example.org"
    )


def primary_referral(school, primary) -> Referral:
    """Noor, referred by Mrs Patel through Meadowside's link, as the public form does it."""
    _, token = services.create_referral_link(school=school, primary=primary, by=None)
    child = services.ChildDetails(
        given_name="Noor",
        family_name="Haddad",
        date_of_birth=year_6_birthday(),
        needs="Anxious about the move.",
    )
    (referral,) = services.refer_from_primary(
        token=token, referrer_name="Mrs Patel, Year 6 teacher", children=[child]
    )
    # Something the school wrote for itself, which must never reach the primary.
    Referral.objects.filter(pk=referral.pk).update(interests=INTERNAL_NOTE)
    return referral


def ask(client, school, referral, note=QUESTION):
    return client.post(
        reverse("referrals:referral-review", args=[school.slug, referral.pk]),
        {"decision": "more_info", "note": note},
        follow=True,
    )


def test_the_primary_is_emailed_the_question_once(
    client_for, school, coordinator, meadowside, django_capture_on_commit_callbacks
):
    referral = primary_referral(school, meadowside)

    with django_capture_on_commit_callbacks(execute=True):
        page = ask(client_for(coordinator), school, referral)

    assert [m.to for m in mail.outbox] == [["year6@meadowside.example.org"]]
    sent = mail.outbox[0]
    assert "Noor Haddad" in sent.subject
    assert QUESTION in sent.body
    assert "Referred by Mrs Patel, Year 6 teacher (Meadowside Primary), on " in sent.body
    assert f"Helen {coordinator.last_name} at {coordinator.email}" in sent.body
    assert INTERNAL_NOTE not in sent.body and "Anxious" not in sent.body
    # Through the outbox, so it shows on the school's E-mails page and is retried.
    assert OutboundEmail.objects.for_school(school).get().status == OutboundEmail.Status.SENT
    assert "Meadowside Primary was e-mailed your question" in page.text
    referral.refresh_from_db()
    assert (referral.status, referral.review_note) == (Referral.Status.MORE_INFO, QUESTION)


def test_the_form_sent_twice_sends_one_email(
    client_for, school, coordinator, meadowside, django_capture_on_commit_callbacks
):
    referral = primary_referral(school, meadowside)
    client = client_for(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, school, referral)
        again = ask(client, school, referral)

    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.count() == 1
    assert "you had already asked this" in again.text


def test_a_new_question_is_emailed_too(
    client_for, school, coordinator, meadowside, django_capture_on_commit_callbacks
):
    referral = primary_referral(school, meadowside)
    client = client_for(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        ask(client, school, referral)
        ask(client, school, referral, note="Does Noor have a brother or sister with us?")

    assert len(mail.outbox) == 2
    assert "brother or sister" in mail.outbox[1].body


def test_a_staff_referral_emails_nobody(
    client_for, school, coordinator, meadowside, django_capture_on_commit_callbacks
):
    pupil = PupilFactory(school=school, feeder_primary=meadowside)
    referral = Referral.objects.create(school=school, pupil=pupil, source="staff")

    with django_capture_on_commit_callbacks(execute=True):
        page = ask(client_for(coordinator), school, referral)

    assert mail.outbox == [] and not OutboundEmail.objects.exists()
    assert "more information asked for." in page.text
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.MORE_INFO


def test_staff_are_told_plainly_when_the_primary_has_no_address(
    client_for, school, coordinator, django_capture_on_commit_callbacks
):
    hollybush = FeederPrimaryFactory(school=school, name="Hollybush Primary", contact_email="")
    referral = primary_referral(school, hollybush)

    with django_capture_on_commit_callbacks(execute=True):
        page = ask(client_for(coordinator), school, referral)

    assert mail.outbox == [] and not OutboundEmail.objects.exists()
    assert "nobody was e-mailed: Hollybush Primary has no contact e-mail" in page.text
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.MORE_INFO


def test_another_schools_referral_is_not_found_and_nobody_is_emailed(
    client_for,
    school,
    meadowside,
    other_school_coordinator,
    django_capture_on_commit_callbacks,
):
    referral = primary_referral(school, meadowside)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(other_school_coordinator).post(
            reverse("referrals:referral-review", args=["elmstead", referral.pk]),
            {"decision": "more_info", "note": QUESTION},
        )

    assert response.status_code == 404
    assert mail.outbox == [] and not OutboundEmail.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.NEW


def test_the_review_form_says_who_will_be_emailed(client_for, school, coordinator, meadowside):
    referral = primary_referral(school, meadowside)

    page = client_for(coordinator).get(
        reverse("referrals:referral-detail", args=[school.slug, referral.pk])
    )

    assert "e-mails your question to Meadowside Primary (year6@meadowside.example.org)" in (
        page.text
    )
