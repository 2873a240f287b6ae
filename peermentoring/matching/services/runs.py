"""A matching proposal: run for the whole queue, adjusted by the coordinator, then confirmed whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.forms import MAX_ID
from peermentoring.core.models import User
from peermentoring.core.notifications import notify
from peermentoring.matching.models import DoNotPair, MatchRun, Pairing
from peermentoring.matching.run import build_proposal, weights_for
from peermentoring.matching.scoring import MenteeFacts, MentorFacts, Problem, exclusion
from peermentoring.mentors.models import Mentor
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import Pupil, School

PAIR_NOT_IN_SCHOOL = "Choose a mentee and a mentor from this proposal."
ALREADY_CONFIRMED = "This proposal has already been confirmed."
PROPOSAL_OUT_OF_DATE = "This proposal is out of date: {detail} Run matching again."
MENTEE_TAKEN = "{mentee} already has an active mentor."
MENTEE_NOT_QUEUED = "{mentee} is no longer in the matching queue."
MENTOR_FULL = "{mentor} would have more mentees than their capacity of {capacity}."
PAIR_EXCLUDED = "{mentee} and {mentor} must not be paired ({rule})."
MENTEE_NO_CONSENT = "{mentee} has no parental consent yet."
NOTHING_TO_CONFIRM = "The proposal has no pairs to confirm."
LOCK_EXCLUDED = "That pair cannot be locked: a rule excludes it, or the mentor has no place left."
RUN_SUPERSEDED = "A newer proposal has replaced this one: open the latest from the matching page."
MENTEE_NOTICE_TITLE = "You have a new mentee"
MENTEE_NOTICE_BODY = (
    "Your mentee is {first_name}{form}. Your coordinator will tell you when you first meet."
)
# The mentee's own message: kind words for an eleven-year-old, the mentor's first name and form.
MENTEE_PAIRED_TITLE = "You have a peer mentor!"
MENTEE_PAIRED_BODY = (
    "Your peer mentor is {first_name}{form}. {first_name} is in Year {year_group} and is there "
    "to listen and to help you settle in. Look on your home page to see when you can meet."
)
PAIRING_STARTS_IN_FUTURE = "A pairing cannot start after today."


def _pair_set(pairs: Iterable[Sequence[int]]) -> set[tuple[int, int]]:
    """Stored pairs as tuples, dropping any id no database row can have."""
    return {(int(a), int(b)) for a, b in pairs if 0 < int(a) <= MAX_ID and 0 < int(b) <= MAX_ID}


@transaction.atomic
def run_matching(*, school: School, by: User | None) -> MatchRun:
    """Compute a proposal for the whole queue; nothing is paired until it is confirmed.

    Any proposal still open is superseded, each with its own audit entry naming the new one.
    """
    replaced = list(
        MatchRun.objects.for_school(school)
        .select_for_update()
        .filter(status=MatchRun.Status.PROPOSED)
        .order_by("pk")
    )
    MatchRun.objects.filter(pk__in=[r.pk for r in replaced]).update(
        status=MatchRun.Status.SUPERSEDED
    )
    run = MatchRun(school=school, created_by=by, proposal=build_proposal(school))
    run.full_clean()
    run.save()
    record(
        action="match_run.proposed",
        target=run,
        by=by,
        changes={"pairs": len(run.proposal["pairs"]), "unmatched": len(run.proposal["unmatched"])},
    )
    for old in replaced:
        record(
            action="match_run.superseded",
            target=old,
            by=by,
            changes={
                "status": [MatchRun.Status.PROPOSED, MatchRun.Status.SUPERSEDED],
                "by": run.pk,
            },
        )
    return run


@transaction.atomic
def adjust_run(
    *, run: MatchRun, action: str, referral_pk: int, mentor_pk: int, by: User
) -> MatchRun:
    """Lock or forbid one pair (or undo that) and solve again around the coordinator's choices."""
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _check_still_proposed(run)
    if not (
        1 <= referral_pk <= MAX_ID
        and 1 <= mentor_pk <= MAX_ID
        and Referral.objects.for_school(run.school_id).filter(pk=referral_pk).exists()
        and Mentor.objects.for_school(run.school_id).filter(pk=mentor_pk).exists()
    ):
        raise ValidationError(PAIR_NOT_IN_SCHOOL)
    locked, forbidden = _pair_set(run.locked), _pair_set(run.forbidden)
    pair = (referral_pk, mentor_pk)
    if action == "lock":
        locked.add(pair)
        forbidden.discard(pair)
    elif action == "forbid":
        forbidden.add(pair)
        locked.discard(pair)
    elif action == "unlock":
        locked.discard(pair)
    elif action == "allow":
        forbidden.discard(pair)
    else:
        raise ValidationError("Choose lock, forbid, unlock or allow.")
    proposal = build_proposal(run.school, locked=locked, forbidden=forbidden)
    if action == "lock" and [*pair] in proposal["dropped_locks"]:
        raise ValidationError(LOCK_EXCLUDED)
    run.locked = [list(p) for p in sorted(locked)]
    run.forbidden = [list(p) for p in sorted(forbidden)]
    run.proposal = proposal
    run.save(update_fields=["locked", "forbidden", "proposal"])
    record(action=f"match_run.{action}", target=run, by=by, changes={"pair": list(pair)})
    return run


def _check_still_proposed(run: MatchRun) -> None:
    if run.status == MatchRun.Status.SUPERSEDED:
        raise ValidationError(RUN_SUPERSEDED)
    if run.status != MatchRun.Status.PROPOSED:
        raise ValidationError(ALREADY_CONFIRMED)


def _check_pair(referral: Referral, mentor: Mentor, rules: Problem) -> None:
    """Refuse a pair the proposal may no longer hold; the hard rules are scoring's own."""
    pupil = referral.pupil
    if referral.status != Referral.Status.ACCEPTED or pupil is None or not pupil.is_on_roll:
        raise ValidationError(MENTEE_NOT_QUEUED.format(mentee=referral.child_name))
    if Pairing.objects.active().filter(mentee=pupil).exists():
        raise ValidationError(MENTEE_TAKEN.format(mentee=pupil))
    if rules.weights.requires_consent and referral.consent != Referral.Consent.GIVEN:
        raise ValidationError(MENTEE_NO_CONSENT.format(mentee=pupil))
    mentor.check_can_mentor()
    rule = exclusion(
        MenteeFacts(
            key=referral.pk,
            name=referral.child_name,
            pupil_id=pupil.pk,
            family_key=pupil.family_key,
        ),
        MentorFacts(
            key=mentor.pk,
            name=str(mentor),
            pupil_id=mentor.pupil_id,
            family_key=mentor.pupil.family_key,
        ),
        rules,
    )
    if rule:
        raise ValidationError(PAIR_EXCLUDED.format(mentee=pupil, mentor=mentor, rule=rule))


@transaction.atomic
def confirm_run(*, run: MatchRun, by: User, started_on: dt.date | None = None) -> list[Pairing]:
    """Create every proposed pairing or none, and tell each mentor and mentee who the other is.

    `started_on`: the day the pairs began, when they are recorded afterwards (the demo's
    history); they were told at the time, so no message is left for a pairing begun before today.
    """
    today = timezone.localdate()
    started_on = started_on or today
    if started_on > today:
        raise ValidationError(PAIRING_STARTS_IN_FUTURE)
    run = MatchRun.objects.select_for_update().select_related("school").get(pk=run.pk)
    _check_still_proposed(run)
    pairs = run.proposal.get("pairs", [])
    if not pairs:
        raise ValidationError(NOTHING_TO_CONFIRM)
    school = run.school
    # Lock the rows in a fixed order so two confirmations queue rather than deadlock.
    mentors = {
        m.pk: m
        for m in Mentor.objects.select_for_update()
        .filter(school=school, pk__in={p["mentor_id"] for p in pairs})
        .select_related("pupil", "school")
        .order_by("pk")
    }
    referrals = {
        r.pk: r
        for r in Referral.objects.select_for_update(of=("self",))
        .filter(school=school, pk__in={p["referral"] for p in pairs})
        .select_related("pupil")
        .order_by("pk")
    }
    list(
        Pupil.objects.select_for_update()
        .filter(pk__in=[r.pupil_id for r in referrals.values() if r.pupil_id])
        .order_by("pk")
    )
    # The pairs forbidden on this run were solved around when the proposal was made.
    rules = Problem(
        mentees=[],
        mentors=[],
        weights=weights_for(school),
        do_not_pair={
            frozenset(p)
            for p in DoNotPair.objects.for_school(school).values_list("pupil_id", "other_id")
        },
    )
    made: list[Pairing] = []
    for item in pairs:
        mentor, referral = mentors.get(item["mentor_id"]), referrals.get(item["referral"])
        if mentor is None or referral is None:
            raise ValidationError(PROPOSAL_OUT_OF_DATE.format(detail="a pupil has left the list."))
        _check_pair(referral, mentor, rules)
        active = Pairing.objects.active().filter(mentor=mentor).count()
        if active + 1 > mentor.capacity:
            raise ValidationError(MENTOR_FULL.format(mentor=mentor, capacity=mentor.capacity))
        pairing = Pairing(
            school=school,
            mentor=mentor,
            mentee=referral.pupil,
            referral=referral,
            match_run=run,
            score=item["score"],
            reasons=item["reasons"],
            started_on=started_on,
            created_by=by,
        )
        pairing.full_clean()
        pairing.save()
        referral.status = Referral.Status.MATCHED
        referral.save(update_fields=["status"])
        record(action="pairing.created", target=pairing, by=by, changes={"score": item["score"]})
        made.append(pairing)
    run.status, run.confirmed_by, run.confirmed_at = MatchRun.Status.CONFIRMED, by, timezone.now()
    run.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    record(action="match_run.confirmed", target=run, by=by, changes={"pairs": len(made)})
    if started_on == today:
        for pairing in made:
            _tell_mentor(pairing)
            _tell_mentee(pairing)
    return made


def _tell_mentor(pairing: Pairing) -> None:
    """First name and form only: referral reasons and needs never leave the staff pages."""
    membership = getattr(pairing.mentor.pupil, "membership", None)
    if membership is None or not membership.is_active:
        return
    mentee = pairing.mentee
    form = f" in form {mentee.form_group}" if mentee.form_group else ""
    notify(
        recipient=membership.user,
        school=pairing.school,
        title=MENTEE_NOTICE_TITLE,
        body=MENTEE_NOTICE_BODY.format(first_name=mentee.first_name, form=form),
        url=reverse("matching:my-mentee", kwargs={"school_slug": pairing.school.slug}),
        kind="pairings",
    )


def _tell_mentee(pairing: Pairing) -> None:
    """The mentor's first name, form and year: their own account's details, nothing more."""
    membership = getattr(pairing.mentee, "membership", None)
    if membership is None or not membership.is_active:
        return
    mentor = pairing.mentor.pupil
    form = f", in form {mentor.form_group}" if mentor.form_group else ""
    notify(
        recipient=membership.user,
        school=pairing.school,
        title=MENTEE_PAIRED_TITLE,
        body=MENTEE_PAIRED_BODY.format(
            first_name=mentor.first_name, form=form, year_group=mentor.year_group
        ),
        url=reverse("schools:home", kwargs={"school_slug": pairing.school.slug}),
        kind="pairings",
    )
