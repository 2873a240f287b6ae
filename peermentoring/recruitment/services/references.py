"""Tutor references: a signed, expiring link e-mailed to the tutor, answered once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.notifications import queue_email
from peermentoring.recruitment.models import Application, TutorReference

REFERENCE_NOT_ASKED = "This round does not ask tutors for references."
REFERENCE_LINK_EXPIRED = "This link has expired. Please ask the coordinator for a new one."
REFERENCE_LINK_INVALID = "This link is not valid."
REFERENCE_ALREADY_GIVEN = "Thank you: this reference has already been given."
REFERENCE_EMPTY = "Please write the reference before sending it."
REFERENCE_SALT = "recruitment.tutor-reference"
REFERENCE_MAX_AGE = dt.timedelta(days=14)


def reference_link(reference: TutorReference) -> str:
    """The signed, expiring link a tutor follows to write the reference."""
    # The request time is signed too, so asking again makes every earlier link useless.
    value = f"{reference.pk}:{reference.requested_at.timestamp()}"
    token = signing.TimestampSigner(salt=REFERENCE_SALT).sign(value)
    return f"{settings.SITE_URL}{reverse('tutor-reference', kwargs={'token': token})}"


def reference_from_token(token: str) -> TutorReference:
    """The one reference a link reaches; refuses expired or altered links."""
    signer = signing.TimestampSigner(salt=REFERENCE_SALT)
    try:
        pk, _, requested = signer.unsign(token, max_age=REFERENCE_MAX_AGE).partition(":")
    except signing.SignatureExpired as error:
        raise ValidationError(REFERENCE_LINK_EXPIRED) from error
    except signing.BadSignature as error:
        raise ValidationError(REFERENCE_LINK_INVALID) from error
    reference = (
        TutorReference.objects.select_related("application__pupil", "application__round__school")
        .filter(pk=pk)
        .first()
    )
    if reference is None or requested != str(reference.requested_at.timestamp()):
        raise ValidationError(REFERENCE_LINK_INVALID)
    return reference


@transaction.atomic
def request_reference(
    *, application: Application, tutor_name: str, tutor_email: str, by: User
) -> TutorReference:
    """E-mail a tutor a link to write a reference; no account needed, the link expires."""
    if not application.round.asks_tutor_reference:
        raise ValidationError(REFERENCE_NOT_ASKED)
    existing = TutorReference.objects.filter(application=application).first()
    if existing is not None and existing.answered_at is not None:
        raise ValidationError(REFERENCE_ALREADY_GIVEN)
    reference, _ = TutorReference.objects.update_or_create(
        application=application,
        defaults={
            "tutor_name": tutor_name,
            "tutor_email": tutor_email,
            "requested_at": timezone.now(),
        },
    )
    reference.full_clean()
    school = application.round.school
    days = REFERENCE_MAX_AGE.days
    queue_email(
        school=school,
        to_address=tutor_email,
        subject=f"{school.name}: a reference for {application.pupil.full_name}",
        body=(
            f"Dear {tutor_name},\n\n{application.pupil.full_name} ({application.pupil.form_group}) "
            f"has applied to be a peer mentor. {application.round.reference_question}\n\n"
            f"Please write a few lines here (no account needed; the link works for {days} days "
            f"and reaches only this reference):\n{reference_link(reference)}\n\nThank you."
        ),
        holds_secret=True,
    )
    record(
        action="reference.requested",
        target=application,
        by=by,
        changes={"tutor": tutor_name, "email": tutor_email},
    )
    return reference


@transaction.atomic
def give_reference(*, reference: TutorReference, text: str) -> TutorReference:
    """Keep the tutor's reference; a link answers once."""
    reference = TutorReference.objects.select_for_update().get(pk=reference.pk)
    if reference.answered_at is not None:
        raise ValidationError(REFERENCE_ALREADY_GIVEN)
    if not text.strip():
        raise ValidationError({"text": REFERENCE_EMPTY})
    reference.text, reference.answered_at = text.strip(), timezone.now()
    reference.full_clean()
    reference.save(update_fields=["text", "answered_at"])
    record(
        action="reference.given",
        target=reference.application,
        by=None,
        changes={"tutor": reference.tutor_name},
    )
    return reference
