"""After a visit: how it went, and its follow-ups.

`record_visit` keeps the Year 6 pupils met, their questions and how it went (once the
visit's day has come); `add_follow_up` what is left to do; `offer_as_referral` makes a
Year 6 pupil who would like a mentor a referral for September from their primary, once
(`referrals.services.refer_child_met_on_visit`); `mark_follow_up_done` ticks the rest off.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.outreach.models import NOTES_MAX, YEAR6_MAX, PrimaryVisit, VisitFollowUp
from peermentoring.outreach.visit_services import IS_CANCELLED, audit, check_text, claim
from peermentoring.outreach.visit_words import day_words, today
from peermentoring.referrals import services as referral_services
from peermentoring.referrals.models import Referral

FOLLOW_UP_NOTE_MAX = 1000

NOT_YET = "This visit is on {day}: record how it went once it has happened."
FOLLOW_UP_NOT_YET = "This visit is on {day}: add what is left to do once it has happened."
YEAR6_RANGE = "Give a number from 0 to {most}."
NEEDS_NAMES = "Give the child's first and last name."
NEEDS_NOTE = "Say what is left to do."
NEEDS_KIND = "Choose what kind of follow-up this is."
NOT_WANTS_MENTOR = "Only a Year 6 pupil who would like a mentor can be offered as a referral."
ALREADY_FORM = "This form was already sent. Open the visit again to add another."


@transaction.atomic
def record_visit(
    *,
    visit: PrimaryVisit,
    version: int | None,
    year6_met: int,
    questions: str = "",
    notes: str = "",
    by: User,
) -> PrimaryVisit:
    """How the visit went: the Year 6 pupils met, their questions, how it went. Once its day
    has come; recording again changes what was recorded."""
    visit = claim(visit, version)
    if visit.status == PrimaryVisit.Status.CANCELLED:
        raise ValidationError(IS_CANCELLED)
    if visit.visit_on > today():
        raise ValidationError(NOT_YET.format(day=day_words(visit.visit_on)))
    errors: dict[str, list[str]] = {}
    if not 0 <= year6_met <= YEAR6_MAX:
        errors["year6_met"] = [YEAR6_RANGE.format(most=YEAR6_MAX)]
    check_text(errors, "questions", questions, NOTES_MAX)
    check_text(errors, "notes", notes, NOTES_MAX)
    if errors:
        raise ValidationError(errors)
    first_time = visit.status != PrimaryVisit.Status.DONE
    visit.year6_met = year6_met
    visit.questions, visit.notes = questions.strip(), notes.strip()
    visit.status = PrimaryVisit.Status.DONE
    visit.recorded_at, visit.recorded_by = timezone.now(), by
    visit.full_clean()
    visit.save(
        update_fields=["year6_met", "questions", "notes", "status", "recorded_at", "recorded_by"]
    )
    audit(
        visit, "visit_recorded" if first_time else "visit_record_changed", by, year6_met=year6_met
    )
    return visit


@transaction.atomic
def add_follow_up(
    *,
    visit: PrimaryVisit,
    kind: str,
    child_given_name: str = "",
    child_family_name: str = "",
    note: str = "",
    submission_key: uuid.UUID | None = None,
    by: User,
) -> VisitFollowUp:
    """Something to do after a visit: a Year 6 pupil who would like a mentor (their name), or
    anything else (what). The same form sent twice adds one."""
    if submission_key is not None:
        earlier = VisitFollowUp.objects.filter(
            school=visit.school_id, submission_key=submission_key
        ).first()
        if earlier is not None:
            if earlier.visit_id != visit.pk:
                raise ValidationError(ALREADY_FORM)
            return earlier
    if visit.status == PrimaryVisit.Status.CANCELLED:
        raise ValidationError(IS_CANCELLED)
    if visit.visit_on > today():
        raise ValidationError(FOLLOW_UP_NOT_YET.format(day=day_words(visit.visit_on)))
    given, family, note = child_given_name.strip(), child_family_name.strip(), note.strip()
    errors: dict[str, list[str]] = {}
    if kind == VisitFollowUp.Kind.WANTS_MENTOR:
        if not (given and family):
            errors["child_given_name" if not given else "child_family_name"] = [NEEDS_NAMES]
    elif kind == VisitFollowUp.Kind.OTHER:
        given = family = ""
        if not note:
            errors["note"] = [NEEDS_NOTE]
    else:
        errors["kind"] = [NEEDS_KIND]
    check_text(errors, "note", note, FOLLOW_UP_NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    follow_up = VisitFollowUp(
        school_id=visit.school_id,
        visit=visit,
        kind=kind,
        child_given_name=given,
        child_family_name=family,
        note=note,
        submission_key=submission_key,
    )
    follow_up.full_clean()
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:
        earlier = VisitFollowUp.objects.filter(
            school=visit.school_id, submission_key=submission_key
        ).first()
        if earlier is None:
            raise
        return earlier
    record(
        action="outreach.visit_follow_up_added",
        target=visit,
        by=by,
        school=visit.school,
        changes={"kind": kind},
    )
    return follow_up


@transaction.atomic
def offer_as_referral(*, follow_up: VisitFollowUp, by: User) -> Referral:
    """Make a Year 6 pupil who would like a mentor a referral for September from their
    primary, once: a second press (or two at once) gives back the same referral."""
    follow_up = (
        VisitFollowUp.objects.select_for_update()
        .select_related("visit__primary", "visit__school")
        .get(pk=follow_up.pk)
    )
    if follow_up.referral_id is not None:
        existing = Referral.objects.filter(pk=follow_up.referral_id).first()
        if existing is not None:
            return existing
    if follow_up.kind != VisitFollowUp.Kind.WANTS_MENTOR:
        raise ValidationError(NOT_WANTS_MENTOR)
    visit = follow_up.visit
    referral = referral_services.refer_child_met_on_visit(
        school=visit.school,
        primary=visit.primary,
        given_name=follow_up.child_given_name,
        family_name=follow_up.child_family_name,
        note=follow_up.note,
        by=by,
    )
    follow_up.referral = referral
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["referral", "done_at"])
    record(
        action="outreach.visit_follow_up_referred",
        target=visit,
        by=by,
        school=visit.school,
        changes={"referral": referral.pk},
    )
    return referral


@transaction.atomic
def mark_follow_up_done(*, follow_up: VisitFollowUp, done: bool, by: User) -> VisitFollowUp:
    """Tick a follow-up off (or back on); one already offered as a referral stays done."""
    follow_up = (
        VisitFollowUp.objects.select_for_update()
        .select_related("visit__school")
        .get(pk=follow_up.pk)
    )
    if follow_up.referral_id is not None or (follow_up.done_at is not None) == done:
        return follow_up
    follow_up.done_at = timezone.now() if done else None
    follow_up.save(update_fields=["done_at"])
    record(
        action="outreach.visit_follow_up_done" if done else "outreach.visit_follow_up_undone",
        target=follow_up.visit,
        by=by,
        school=follow_up.visit.school,
    )
    return follow_up
