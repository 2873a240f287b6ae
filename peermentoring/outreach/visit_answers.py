"""The primary's side of a visit: the plan e-mailed with a signed link, and their answer.

`send_plan` e-mails the plan to the primary's contact (`visit_services.send_to_primary`);
`answer_visit` takes their answer through the link (`visit_links`): they can have the
visit, or would like another date (with a note). The link is then used up, and the
school's coordinators are told in the app.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.notifications import notify
from peermentoring.core.roles import Role
from peermentoring.outreach import visit_links
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.outreach.visit_services import (
    audit,
    check_text,
    claim,
    send_to_primary,
)
from peermentoring.outreach.visit_words import day_words, has_happened, today
from peermentoring.schools.models import Membership, School

ANSWER_NOTE_MAX = 1000

NO_CONTACT = (
    "There is no e-mail address for {primary}'s contact: add one to the visit, then send the plan."
)
PASSED = (
    "This visit's date has passed, so there is nothing for {primary} to confirm. Record "
    "how it went instead."
)
NOT_SENDABLE = "A visit that is done or cancelled has no plan to send."
CHOOSE_ANSWER = "Choose whether you can have the visit, or would like another date."
GIVE_A_DATE = "Give the date you would like instead."
DATE_NOT_AHEAD = "Give a date after today and within a year: between {first} and {last}."

ANSWER_TITLE = {
    PrimaryVisit.Status.CONFIRMED: "{primary} confirmed the visit on {day}",
    PrimaryVisit.Status.OTHER_DATE: "{primary} asked for another date for the visit on {day}",
}


class Answer:
    CONFIRM = "confirm"
    OTHER_DATE = "other_date"


@transaction.atomic
def send_plan(*, visit: PrimaryVisit, version: int | None, by: User) -> PrimaryVisit:
    """E-mail the plan to the primary's contact with a signed link to answer it; sending it
    again makes the earlier link useless and asks them to answer again."""
    visit = claim(visit, version)
    if visit.status in (PrimaryVisit.Status.CANCELLED, PrimaryVisit.Status.DONE):
        raise ValidationError(NOT_SENDABLE)
    if has_happened(visit):
        raise ValidationError(PASSED.format(primary=visit.primary.name))
    if not visit.contact_email:
        raise ValidationError(NO_CONTACT.format(primary=visit.primary.name))
    send_to_primary(visit, by)
    return visit


def _coordinators(school: School, visit: PrimaryVisit) -> list[User]:
    """Who hears the primary's answer: the school's coordinators, else whoever planned it."""
    users = [
        m.user
        for m in Membership.objects.for_school(school)
        .active()
        .with_role(Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
    ]
    if not users and visit.created_by is not None:
        users = [visit.created_by]
    return users


@transaction.atomic
def answer_visit(
    *,
    token: str,
    school: School,
    answer: str,
    suggested_date: dt.date | None = None,
    note: str = "",
) -> PrimaryVisit:
    """The primary's answer through their link: they can have the visit, or would like
    another date (with a note). The link is used up; the coordinators are told."""
    on = today()
    visit = visit_links.open_visit_link(token, school=school, today=on)
    # Lock the visit and look again: of two answers sent at once, the second finds the link used.
    PrimaryVisit.objects.select_for_update().filter(pk=visit.pk).first()
    visit = visit_links.open_visit_link(token, school=school, today=on)
    errors: dict[str, list[str]] = {}
    if answer not in (Answer.CONFIRM, Answer.OTHER_DATE):
        errors["answer"] = [CHOOSE_ANSWER]
    if answer == Answer.OTHER_DATE:
        last = on + dt.timedelta(days=366)
        if suggested_date is None:
            errors["suggested_date"] = [GIVE_A_DATE]
        elif not on < suggested_date <= last:
            errors["suggested_date"] = [
                DATE_NOT_AHEAD.format(
                    first=day_words(on + dt.timedelta(days=1), on), last=day_words(last, on)
                )
            ]
    check_text(errors, "note", note, ANSWER_NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    visit.status = (
        PrimaryVisit.Status.CONFIRMED
        if answer == Answer.CONFIRM
        else PrimaryVisit.Status.OTHER_DATE
    )
    visit.answered_at = timezone.now()
    visit.suggested_date = suggested_date if answer == Answer.OTHER_DATE else None
    visit.answer_note = note.strip()
    visit.link_nonce = visit_links.new_nonce()
    visit.save(
        update_fields=["status", "answered_at", "suggested_date", "answer_note", "link_nonce"]
    )
    # A coordinator with the visit open is told it changed, rather than saving over the answer.
    PrimaryVisit.objects.filter(pk=visit.pk).update(version=F("version") + 1)
    audit(
        visit,
        "visit_answered",
        None,
        answer=visit.status,
        suggested=visit.suggested_date,
    )
    title = ANSWER_TITLE[PrimaryVisit.Status(visit.status)].format(
        primary=visit.primary.name, day=day_words(visit.visit_on, on)
    )
    body = []
    if visit.suggested_date is not None:
        body.append(f"They suggest {day_words(visit.suggested_date, on)}.")
    if visit.answer_note:
        body.append(f"Their note: {visit.answer_note}")
    url = reverse("outreach:visit", kwargs={"school_slug": school.slug, "visit_pk": visit.pk})
    for user in _coordinators(school, visit):
        notify(recipient=user, school=school, title=title, body="\n".join(body), url=url)
    return visit
