"""Helpers the recruitment services share: moving an application on, telling the applicant."""

from __future__ import annotations

from django.urls import reverse

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.notifications import notify
from peermentoring.recruitment.models import Application
from peermentoring.schools.models import Membership


def _set_status(
    application: Application, status: str, *, by: User | None, reason: str = "", **extra: object
) -> None:
    """Move an application to a status and write the audit entry that says so."""
    before = application.status
    application.status = status
    if reason:
        application.decision_reason = reason
    for name, value in extra.items():
        setattr(application, name, value)
    application.full_clean()
    application.save()
    changes: dict[str, object] = {"status": [before, status]}
    if reason:
        changes["reason"] = reason
    record(action=f"application.{status}", target=application, by=by, changes=changes)


def _tell_applicant(application: Application, title: str) -> None:
    membership = Membership.objects.filter(pupil=application.pupil).select_related("user").first()
    if membership is None:
        return
    notify(
        recipient=membership.user,
        school=application.round.school,
        title=title,
        body=application.kind_words,
        url=reverse(
            "recruitment:apply",
            kwargs={"school_slug": application.round.school.slug, "round_pk": application.round_id},
        ),
    )
