"""Closing the academic year: a plan listing every change (the dry run), then the change.

At the end of the summer term the coordinator closes the year (`close_year`):

- the year's pairings that are still running end, "completed at the end of the year",
  on the last day of the summer term (or today, if the term has not ended yet), and
  their referrals close; the coordinator may keep some running into next year;
- the year's mentors become next year's experienced mentors: their record for this
  year already makes them so (`MentorQuerySet.experienced_for`: interview panels,
  training), and a record of theirs for next year is flagged experienced;
- the Year 11 leavers leave the scheme: their pupil record comes off roll, their
  pupil account at the school is switched off and a record as next year's mentor is
  stepped down. Their rows stay; their records of this year are history and are kept
  as they were. Leavers are only known while the year lasts: once it has ended, the
  pupil import may already have moved everyone up a year, so nobody is taken off roll;
- next year's recruits (accepted in the spring) whose training is complete become
  trained;
- next year is set up, if it is not yet, with this year's terms moved on 52 weeks (53
  if 52 would start before the new year), so each term starts on the same weekday;
- the annual report is frozen: the year's figures, as `evaluation.figures` computes
  them, are kept on the `ClosedYear` row.

Nothing is deleted. A year is closed once, from the last four weeks of its summer term.
`plan_close` changes nothing: it is what the page and `manage.py close_year --dry-run`
show, and what `close_year` then applies, computed again inside its transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.evaluation.figures import Span, report
from peermentoring.evaluation.models import ClosedYear
from peermentoring.evaluation.outcomes_figures import outcome_summary
from peermentoring.evaluation.year_plan import (
    ALREADY_CLOSED,
    CANNOT_CONTINUE,
    LEAVERS_AFTER_THE_YEAR,
    MENTEE_LEAVING,
    MENTOR_LEAVING,
    MENTOR_NOT_SERVING,
    NEXT_NAME_TAKEN,
    NOT_THIS_SCHOOLS_YEAR,
    NOT_THIS_YEARS_PAIRING,
    TERMS_DO_NOT_FIT,
    TOO_EARLY,
    WEEKS_BEFORE_THE_END,
    ClosePlan,
    LeaverLine,
    MentorLine,
    NextYear,
    PairingLine,
    closable_from,
    plan_close,
    year_to_close,
)
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import AcademicYear, Membership, Pupil, School

__all__ = [
    "ALREADY_CLOSED",
    "CANNOT_CONTINUE",
    "LEAVERS_AFTER_THE_YEAR",
    "MENTEE_LEAVING",
    "MENTOR_LEAVING",
    "MENTOR_NOT_SERVING",
    "NEXT_NAME_TAKEN",
    "NOT_THIS_SCHOOLS_YEAR",
    "NOT_THIS_YEARS_PAIRING",
    "PLAN_CHANGED",
    "TERMS_DO_NOT_FIT",
    "TOO_EARLY",
    "WEEKS_BEFORE_THE_END",
    "ClosePlan",
    "LeaverLine",
    "MentorLine",
    "NextYear",
    "PairingLine",
    "annual_figures",
    "closable_from",
    "close_year",
    "closed_years",
    "plan_close",
    "year_to_close",
]

PLAN_CHANGED = (
    "Something changed since the list was shown (a pairing, a mentor or a pupil). "
    "Nothing was changed: check the list again, then close the year."
)


# --- Closing --------------------------------------------------------------------------


def annual_figures(school: School, year: AcademicYear) -> dict[str, Any]:
    """The year's annual report, as plain JSON: the one definition of every figure, and the
    mentees' outcomes (counts, and averages of five pupils or more; never a name)."""
    span = Span.for_year(year)
    figures: dict[str, Any] = report(school, span).as_dict()
    figures["outcomes"] = outcome_summary(school, span.first, span.last).as_dict()
    return figures


def _set_up(plan: ClosePlan, by: User | None) -> AcademicYear:
    from peermentoring.schools.services import set_up_academic_year

    following = plan.next_year
    assert following is not None  # a plan without one has a refusal
    if following.pk is not None:
        return AcademicYear.objects.get(pk=following.pk)
    return set_up_academic_year(
        school=plan.school,
        name=following.name,
        starts_on=following.starts_on,
        ends_on=following.ends_on,
        terms=following.terms,
        by=by,
    )


def _end_pairings(plan: ClosePlan, next_year: AcademicYear, by: User | None) -> None:
    ending = [p.pk for p in plan.pairings_to_end]
    for pairing in (
        Pairing.objects.select_for_update().filter(pk__in=ending).select_related("referral")
    ):
        if not pairing.is_active:
            raise ValidationError(PLAN_CHANGED)
        pairing.status = Pairing.Status.ENDED
        pairing.ended_on = max(plan.pairings_end_on, pairing.started_on)
        pairing.end_reason = Pairing.EndReason.COMPLETED
        pairing.full_clean()
        pairing.save(update_fields=["status", "ended_on", "end_reason"])
        referral = pairing.referral
        if referral.status != Referral.Status.CLOSED:
            referral.status = Referral.Status.CLOSED
            referral.save(update_fields=["status"])
        record(
            action="pairing.ended",
            target=pairing,
            by=by,
            changes={
                "reason": Pairing.EndReason.COMPLETED,
                "requeued": False,
                "year_closed": plan.year.name,
            },
        )
    for line in plan.pairings_continuing:
        pairing = Pairing.objects.get(pk=line.pk)
        record(action="pairing.continued", target=pairing, by=by, changes={"into": next_year.name})


def _mentors(plan: ClosePlan, by: User | None) -> None:
    for mentor in Mentor.objects.filter(pk__in=plan.flag_experienced):
        mentor.is_experienced = True
        mentor.save(update_fields=["is_experienced"])
        record(action="mentor.experienced", target=mentor, by=by, changes={"is_experienced": True})
    for mentor in Mentor.objects.filter(pk__in=plan.leaver_mentors):
        before = mentor.status
        mentor.status = Mentor.Status.STEPPED_DOWN
        mentor.save(update_fields=["status"])
        record(
            action="mentor.stepped_down",
            target=mentor,
            by=by,
            changes={"status": [before, mentor.status], "reason": "left school after Year 11"},
        )
    for mentor in Mentor.objects.filter(pk__in=[m.pk for m in plan.becoming_trained]):
        before = mentor.status
        mentor.status = Mentor.Status.TRAINED
        mentor.save(update_fields=["status"])
        record(
            action="mentor.trained",
            target=mentor,
            by=by,
            changes={"status": [before, mentor.status]},
        )


def _leavers_leave(plan: ClosePlan, by: User | None) -> None:
    for pupil in Pupil.objects.filter(pk__in=[p.pk for p in plan.leavers], is_on_roll=True):
        pupil.is_on_roll = False
        pupil.save(update_fields=["is_on_roll"])
        record(
            action="pupil.left",
            target=pupil,
            by=by,
            changes={"is_on_roll": [True, False], "reason": f"Year 11 leaver, {plan.year.name}"},
        )
    for membership in Membership.objects.filter(pk__in=plan.leaver_accounts).select_related("user"):
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        record(
            action="membership.deactivated",
            target=membership,
            by=by,
            changes={"is_active": [True, False], "reason": "left school after Year 11"},
        )


def close_year(
    *,
    school: School,
    year: AcademicYear,
    continue_ids: Collection[int] = (),
    by: User | None,
    digest: str = "",
    today: dt.date | None = None,
) -> ClosedYear:
    """Close the year as `plan_close` lists it, in one transaction, and freeze its report.

    The plan is worked out again under a lock on the year, so what is applied is what
    holds now; with `digest` (the plan's fingerprint the coordinator was shown), a plan
    that has changed since is refused and nothing changes. A second close is refused.
    """
    with transaction.atomic():
        locked = AcademicYear.objects.select_for_update().filter(pk=year.pk, school=school).first()
        if locked is None:
            raise ValidationError(NOT_THIS_SCHOOLS_YEAR)
        plan = plan_close(school, locked, continue_ids=continue_ids, today=today)
        if plan.refusal:
            raise ValidationError(plan.refusal)
        if digest and digest != plan.digest:
            raise ValidationError(PLAN_CHANGED)
        next_year = _set_up(plan, by)
        try:
            with transaction.atomic():
                closed = ClosedYear.objects.create(
                    school=school, academic_year=locked, next_year=next_year, closed_by=by
                )
        except IntegrityError:
            # Closed at the same moment by someone else (SQLite has no row lock).
            raise ValidationError(
                ALREADY_CLOSED.format(year=locked.name, day=timezone.localdate())
            ) from None
        _end_pairings(plan, next_year, by)
        _mentors(plan, by)
        _leavers_leave(plan, by)
        closed.figures = annual_figures(school, locked)
        closed.changes = {
            "counts": plan.counts(),
            "pairings_ended": [p.pk for p in plan.pairings_to_end],
            "pairings_continued": [p.pk for p in plan.pairings_continuing],
            "pairings_ended_on": plan.pairings_end_on.isoformat(),
            "mentors_experienced": [m.pk for m in plan.experienced],
            "mentors_flagged_experienced": plan.flag_experienced,
            "leavers": [p.pk for p in plan.leavers],
            "accounts_switched_off": plan.leaver_accounts,
            "mentors_stepped_down": plan.leaver_mentors,
            "recruits_trained": [m.pk for m in plan.becoming_trained],
            "next_year_set_up": not (plan.next_year and plan.next_year.exists),
        }
        closed.save(update_fields=["figures", "changes"])
        record(
            action="academic_year.closed",
            target=locked,
            by=by,
            changes={"next_year": next_year.name, **plan.counts()},
        )
        return closed


def closed_years(school: School) -> dict[int, ClosedYear]:
    """The school's closed years by academic year pk."""
    return {
        c.academic_year_id: c
        for c in ClosedYear.objects.for_school(school).select_related("closed_by")
    }
