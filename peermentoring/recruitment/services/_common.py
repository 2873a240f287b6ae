"""Helpers the recruitment services share: moving an application on, telling the applicant."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.core.notifications import notify
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application
from peermentoring.schools.models import Membership


def _set_status(
    application: Application,
    status: Application.Status,
    *,
    by: User | None,
    reason: str = "",
    submitted_at: dt.datetime | None = None,
    offered_at: dt.datetime | None = None,
    responded_at: dt.datetime | None = None,
    mentor: Mentor | None = None,
    changes: dict[str, object] | None = None,
) -> None:
    """Move an application to a status and write the audit entry that says so.

    The moment and the mentor, when given, are the ones that status brings: submitted,
    offered, answered (accepted or declined), and the mentor an acceptance makes.
    `changes` adds to what the entry records (say, the day a paper form was received).
    """
    before = application.status
    application.status = status
    if reason:
        application.decision_reason = reason
    if submitted_at is not None:
        application.submitted_at = submitted_at
    if offered_at is not None:
        application.offered_at = offered_at
    if responded_at is not None:
        application.responded_at = responded_at
    if mentor is not None:
        application.mentor = mentor
    application.full_clean()
    application.save()
    recorded: dict[str, object] = {"status": [before, status], **(changes or {})}
    if reason:
        recorded["reason"] = reason
    record(action=f"application.{status}", target=application, by=by, changes=recorded)


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
        kind="applications",
    )
