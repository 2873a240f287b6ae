"""Domain functions for referrals and matching; each runs in one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.forms import MAX_ID
from peermentoring.core.models import User
from peermentoring.core.notifications import notify
from peermentoring.matching.models import (
    LINK_DEFAULT_CHILDREN,
    LINK_MAX_CHILDREN,
    DoNotPair,
    MatchingSettings,
    MatchRun,
    MentorFreeWindow,
    Pairing,
    PrimaryReferralLink,
    Referral,
    ReferralCategory,
)
from peermentoring.matching.run import build_proposal, weights_for
from peermentoring.matching.scoring import MenteeFacts, MentorFacts, Problem, exclusion
from peermentoring.recruitment.models import Mentor
from peermentoring.schools.models import FeederPrimary, Pupil, School, SchoolDayWindow

DEFAULT_CATEGORIES = [
    ("Transition worries", False),
    ("Friendships", False),
    ("Confidence", False),
    ("Organisation", False),
    ("Bullying", True),
    ("Attendance", True),
    ("Other", False),
]
LINK_SALT = "peermentoring.matching.primary-referral"
LINK_DAYS = 28
LINK_MAX_DAYS = 90

LINK_INVALID = "This referral link is not valid. Ask the secondary school for a new one."
LINK_EXPIRED = "This referral link has expired. Ask the secondary school for a new one."
LINK_DAYS_RANGE = "A link lasts between 1 and {max} days."
LINK_CHILDREN_RANGE = "A link can refer between 1 and {max} children."
LINK_ALREADY_MADE = (
    "This link was already made when the form was first sent, and shown then. If nobody "
    "copied it, switch it off below and make another."
)
LINK_FULL = (
    "This link has already sent as many referrals as it can take ({max}). If there are more "
    "children to refer, ask {school} for a new link."
)
LINK_ROOM = (
    "This link has room for {left} more {child} and you listed {count}. Send {left} now, "
    "or ask {school} for a new link for the others."
)
BIRTHDAY_OUT_OF_RANGE = (
    "A child starting Year 7 in September {year} was born between 1 September {first} and "
    "31 August {last}. We accept one year either side, for a child outside their year group "
    "(1 September {wide_first} to 31 August {wide_last}). Check the date of birth."
)
PAIR_NOT_IN_SCHOOL = "Choose a mentee and a mentor from this proposal."
NO_CHILDREN = "List at least one child."
DECLINE_NEEDS_REASON = "Give the reason for declining; the file keeps it."
MORE_INFO_NEEDS_NOTE = "Say what more information is needed."
ALREADY_REVIEWED = "This referral has already been {status}."
ALREADY_QUEUED = "{pupil} already has an open referral."
ALREADY_CONFIRMED = "This proposal has already been confirmed."
PROPOSAL_OUT_OF_DATE = "This proposal is out of date: {detail} Run matching again."
MENTEE_TAKEN = "{mentee} already has an active mentor."
MENTEE_NOT_QUEUED = "{mentee} is no longer in the matching queue."
MENTOR_FULL = "{mentor} would have more mentees than their capacity of {capacity}."
PAIR_EXCLUDED = "{mentee} and {mentor} must not be paired ({rule})."
MENTEE_NO_CONSENT = "{mentee} has no parental consent yet."
NOTHING_TO_CONFIRM = "The proposal has no pairs to confirm."
PAIRING_ALREADY_ENDED = "This pairing has already ended."
CAPACITY_BELOW_MENTEES = "{mentor} already has {count} mentees; capacity cannot be lower."
DO_NOT_PAIR_EXISTS = "These two are already on the do-not-pair list."
LOCK_EXCLUDED = "That pair cannot be locked: a rule excludes it, or the mentor has no place left."
RUN_SUPERSEDED = "A newer proposal has replaced this one: open the latest from the matching page."
MENTEE_NOTICE_TITLE = "You have a new mentee"
MENTEE_NOTICE_BODY = (
    "Your mentee is {first_name}{form}. Your coordinator will tell you when you first meet."
)


# --- Categories ------------------------------------------------------------------


def categories_for(school: School) -> list[ReferralCategory]:
    """The school's categories; the defaults are created the first time anyone needs them."""
    existing = list(ReferralCategory.objects.for_school(school))
    if existing:
        return existing
    with transaction.atomic():
        ReferralCategory.objects.bulk_create(
            [
                ReferralCategory(school=school, name=name, is_higher_need=higher, order=index)
                for index, (name, higher) in enumerate(DEFAULT_CATEGORIES)
            ],
            ignore_conflicts=True,
        )
        record(
            action="referral_category.defaults_added",
            target=school,
            by=None,
            changes={"categories": [name for name, _ in DEFAULT_CATEGORIES]},
        )
    return list(ReferralCategory.objects.for_school(school))


@transaction.atomic
def save_category(
    *,
    school: School,
    category: ReferralCategory | None = None,
    name: str,
    is_higher_need: bool,
    is_active: bool,
    order: int,
    by: User,
) -> ReferralCategory:
    """Add a referral category or change one; old referrals keep theirs."""
    fields = ("name", "is_higher_need", "is_active", "order")
    category = category or ReferralCategory(school=school)
    before = snapshot(category, fields) if category.pk else {}
    category.name, category.is_higher_need = name, is_higher_need
    category.is_active, category.order = is_active, order
    category.full_clean()
    category.save()
    record(
        action="referral_category.saved",
        target=category,
        by=by,
        changes=diff(before, snapshot(category, fields)),
    )
    return category


# --- Referrals ---------------------------------------------------------------------


@dataclass
class ChildDetails:
    """What a referrer tells us about one child."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: dt.date | None = None
    upn: str = ""
    categories: Sequence[ReferralCategory] = ()
    needs: str = ""
    priority: str = Referral.Priority.ROUTINE
    consent: str = Referral.Consent.NOT_ASKED
    interests: str = ""
    languages: str = ""
    gender_preference: str = ""


def september_starting_year_7(today: dt.date | None = None) -> int:
    """The September in which a child now in Year 6 starts Year 7 (August counts as summer)."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


def check_year_7_birthday(born: dt.date | None, *, september: int) -> None:
    """A child starting Year 7 in September Y was born 1 Sep Y-12 to 31 Aug Y-11, give a year."""
    if born is None:
        return
    first, last = september - 12, september - 11
    if not dt.date(first - 1, 9, 1) <= born <= dt.date(last + 1, 8, 31):
        raise ValidationError(
            BIRTHDAY_OUT_OF_RANGE.format(
                year=september, first=first, last=last, wide_first=first - 1, wide_last=last + 1
            )
        )


def _reconcile_one(referral: Referral) -> Pupil | None:
    """The Year 7 pupil on roll this child now is, if exactly one fits."""
    pupils = Pupil.objects.for_school(referral.school_id).on_roll().in_year(7)
    if referral.child_upn:
        found = list(pupils.filter(upn__iexact=referral.child_upn)[:2])
        if len(found) == 1:
            return found[0]
    candidates = pupils.filter(
        Q(given_name__iexact=referral.child_given_name)
        | Q(preferred_name__iexact=referral.child_given_name),
        family_name__iexact=referral.child_family_name,
    )
    if referral.child_date_of_birth:
        candidates = candidates.filter(date_of_birth=referral.child_date_of_birth)
    elif referral.feeder_primary_id:
        candidates = candidates.filter(feeder_primary_id=referral.feeder_primary_id)
    found = list(candidates[:2])
    return found[0] if len(found) == 1 else None


def _create_referral(
    *,
    school: School,
    child: ChildDetails,
    pupil: Pupil | None,
    source: str,
    referred_by: User | None,
    referrer_name: str,
    feeder_primary: FeederPrimary | None = None,
    link: PrimaryReferralLink | None = None,
) -> Referral:
    referral = Referral(
        school=school,
        pupil=pupil,
        child_given_name=child.given_name.strip(),
        child_family_name=child.family_name.strip(),
        child_date_of_birth=child.date_of_birth,
        child_upn=child.upn.strip().upper(),
        feeder_primary=feeder_primary,
        source=source,
        referred_by=referred_by,
        referrer_name=referrer_name.strip(),
        link=link,
        needs=child.needs.strip(),
        priority=child.priority,
        consent=child.consent,
        interests=child.interests.strip(),
        languages=child.languages.strip(),
        gender_preference=child.gender_preference,
    )
    if referral.pupil is None:
        referral.pupil = _reconcile_one(referral)
    referral.full_clean()
    referral.save()
    referral.categories.set([c for c in child.categories if c.school_id == school.pk])
    return referral


@transaction.atomic
def refer_pupil(
    *,
    school: School,
    pupil: Pupil,
    child: ChildDetails,
    source: str = Referral.Source.STAFF,
    windows: Iterable[SchoolDayWindow] = (),
    by: User,
) -> Referral:
    """Refer (or "highlight") a pupil on roll; one open referral per pupil."""
    open_statuses = [Referral.Status.NEW, Referral.Status.MORE_INFO, Referral.Status.ACCEPTED]
    if Referral.objects.filter(pupil=pupil, status__in=open_statuses).exists():
        raise ValidationError(ALREADY_QUEUED.format(pupil=pupil))
    referral = _create_referral(
        school=school,
        child=child,
        pupil=pupil,
        source=source,
        referred_by=by,
        referrer_name=by.get_full_name(),
        feeder_primary=pupil.feeder_primary,
    )
    referral.free_windows.set([w for w in windows if w.school_id == school.pk])
    record(
        action="referral.created",
        target=referral,
        by=by,
        changes={"source": source, "priority": referral.priority},
    )
    return referral


@transaction.atomic
def update_referral(
    *,
    referral: Referral,
    child: ChildDetails,
    windows: Iterable[SchoolDayWindow],
    by: User,
) -> Referral:
    """Change a referral's details: priority, consent, needs, interests, windows."""
    fields = ("needs", "priority", "consent", "interests", "languages", "gender_preference")
    before = snapshot(referral, fields)
    referral.needs, referral.priority, referral.consent = child.needs, child.priority, child.consent
    referral.interests, referral.languages = child.interests, child.languages
    referral.gender_preference = child.gender_preference
    referral.full_clean()
    referral.save(update_fields=list(fields))
    referral.categories.set([c for c in child.categories if c.school_id == referral.school_id])
    referral.free_windows.set([w for w in windows if w.school_id == referral.school_id])
    record(
        action="referral.updated",
        target=referral,
        by=by,
        changes=diff(before, snapshot(referral, fields)),
    )
    return referral


@transaction.atomic
def reconcile_referrals(*, school: School, by: User | None) -> int:
    """Link Year 6 referrals to the Year 7 pupils they became; returns how many were linked."""
    linked = 0
    for referral in Referral.objects.for_school(school).filter(pupil__isnull=True):
        pupil = _reconcile_one(referral)
        if pupil is None:
            continue
        referral.pupil = pupil
        referral.save(update_fields=["pupil"])
        record(action="referral.reconciled", target=referral, by=by, changes={"pupil": str(pupil)})
        linked += 1
    return linked


def _review(referral: Referral, status: str, note: str, by: User, action: str) -> Referral:
    if not referral.is_reviewable:
        raise ValidationError(ALREADY_REVIEWED.format(status=referral.get_status_display().lower()))
    referral.status, referral.review_note = status, note.strip()
    referral.reviewed_by, referral.reviewed_at = by, timezone.now()
    referral.full_clean()
    referral.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    record(
        action=action,
        target=referral,
        by=by,
        changes={"status": status, "note": referral.review_note},
    )
    return referral


@transaction.atomic
def accept_referral(*, referral: Referral, by: User) -> Referral:
    """Put a referral into the matching queue."""
    return _review(referral, Referral.Status.ACCEPTED, "", by, "referral.accepted")


@transaction.atomic
def decline_referral(*, referral: Referral, reason: str, by: User) -> Referral:
    """Decline a referral; the reason is kept on the file."""
    if not reason.strip():
        raise ValidationError({"note": DECLINE_NEEDS_REASON})
    return _review(referral, Referral.Status.DECLINED, reason, by, "referral.declined")


@transaction.atomic
def ask_for_more_information(*, referral: Referral, note: str, by: User) -> Referral:
    """Hold a referral until the referrer says more."""
    if not note.strip():
        raise ValidationError({"note": MORE_INFO_NEEDS_NOTE})
    return _review(referral, Referral.Status.MORE_INFO, note, by, "referral.more_info_asked")


# --- The primary schools' link -------------------------------------------------------


@transaction.atomic
def create_referral_link(
    *,
    school: School,
    primary: FeederPrimary,
    days: int = LINK_DAYS,
    max_children: int = LINK_DEFAULT_CHILDREN,
    nonce: str = "",
    by: User,
) -> tuple[PrimaryReferralLink, str]:
    """A signed link for one feeder primary to refer up to `max_children` children until it expires.

    `nonce` is the one-time value of the form that asked: the same form sent twice makes
    one link, and the second answer is a refusal (the link was shown once already).
    """
    if primary.school_id != school.pk:
        raise ValidationError(LINK_INVALID)
    if not 1 <= days <= LINK_MAX_DAYS:
        raise ValidationError({"days": LINK_DAYS_RANGE.format(max=LINK_MAX_DAYS)})
    if not 1 <= max_children <= LINK_MAX_CHILDREN:
        raise ValidationError({"max_children": LINK_CHILDREN_RANGE.format(max=LINK_MAX_CHILDREN)})
    nonce = nonce[:32]
    if nonce and PrimaryReferralLink.objects.filter(school=school, form_nonce=nonce).exists():
        raise ValidationError(LINK_ALREADY_MADE)
    now = timezone.now()
    link = PrimaryReferralLink(
        school=school,
        primary=primary,
        created_by=by,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        max_children=max_children,
        form_nonce=nonce,
    )
    link.full_clean()
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as error:  # the same form sent twice at the same moment
        raise ValidationError(LINK_ALREADY_MADE) from error
    record(
        action="referral_link.created",
        target=link,
        by=by,
        changes={"days": days, "max_children": max_children},
    )
    return link, link_token(link)


def link_token(link: PrimaryReferralLink) -> str:
    """The signed, timestamped token naming the link, its school and its primary."""
    return signing.dumps(
        {"l": link.pk, "s": link.school_id, "p": link.primary_id}, salt=LINK_SALT, compress=True
    )


def link_rate_key(token: str) -> str:
    """The link a token names, for rate limits: every token made for one link shares its count."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return "not-a-link"
    return f"link-{data.get('l')}" if isinstance(data, dict) else "not-a-link"


def open_referral_link(token: str, *, now: dt.datetime | None = None) -> PrimaryReferralLink:
    """The link a token names, if the signature holds, it is not revoked and not expired."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=dt.timedelta(days=LINK_MAX_DAYS))
    except signing.SignatureExpired as error:
        raise ValidationError(LINK_EXPIRED) from error
    except signing.BadSignature as error:
        raise ValidationError(LINK_INVALID) from error
    link = (
        PrimaryReferralLink.objects.select_related("school", "primary")
        .filter(pk=data.get("l"), school_id=data.get("s"), primary_id=data.get("p"))
        .first()
    )
    if link is None or link.primary.school_id != link.school_id or link.revoked_at is not None:
        raise ValidationError(LINK_INVALID)
    if not link.is_open(now):
        raise ValidationError(LINK_EXPIRED)
    return link


@transaction.atomic
def revoke_referral_link(*, link: PrimaryReferralLink, by: User) -> PrimaryReferralLink:
    """Stop a link working before it expires."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record(action="referral_link.revoked", target=link, by=by)
    return link


@transaction.atomic
def refer_from_primary(
    *, token: str, referrer_name: str, children: Sequence[ChildDetails]
) -> list[Referral]:
    """A primary teacher's referrals through their link, within its cap; nothing is shown back."""
    link = open_referral_link(token)
    if not children:
        raise ValidationError(NO_CHILDREN)
    # Lock the link so two posts at once cannot both fit in its last places.
    PrimaryReferralLink.objects.select_for_update().filter(pk=link.pk).first()
    left = link.places_left()
    if left == 0:
        raise ValidationError(LINK_FULL.format(max=link.max_children, school=link.school.name))
    if len(children) > left:
        raise ValidationError(
            LINK_ROOM.format(
                left=left,
                child="child" if left == 1 else "children",
                count=len(children),
                school=link.school.name,
            )
        )
    september = september_starting_year_7()
    for child in children:
        check_year_7_birthday(child.date_of_birth, september=september)
    signed = f"{referrer_name.strip()} ({link.primary.name})"
    made = []
    for child in children:
        referral = _create_referral(
            school=link.school,
            child=child,
            pupil=None,
            source=Referral.Source.PRIMARY,
            referred_by=None,
            referrer_name=signed[: Referral._meta.get_field("referrer_name").max_length],
            feeder_primary=link.primary,
            link=link,
        )
        record(
            action="referral.created",
            target=referral,
            by=None,
            changes={"source": Referral.Source.PRIMARY, "primary": link.primary.name},
        )
        made.append(referral)
    return made


# --- Settings, mentors and the do-not-pair list ----------------------------------------

SETTINGS_FIELDS = (
    "interests_weight",
    "primary_weight",
    "language_weight",
    "gender_weight",
    "windows_weight",
    "experience_weight",
    "form_house_weight",
    "form_house_rule",
    "requires_consent",
)


@transaction.atomic
def save_matching_settings(*, school: School, values: dict[str, Any], by: User) -> MatchingSettings:
    """Set the weights (0–5) and rules matching uses."""
    current = MatchingSettings.objects.select_for_update().filter(school=school).first()
    current = current or MatchingSettings(school=school)
    before = snapshot(current, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        setattr(current, name, values[name])
    current.updated_at = timezone.now()
    current.full_clean()
    current.save()
    record(
        action="matching_settings.saved",
        target=current,
        by=by,
        changes=diff(before, snapshot(current, SETTINGS_FIELDS)),
    )
    return current


@transaction.atomic
def set_mentor_matching(
    *, mentor: Mentor, capacity: int, windows: Iterable[SchoolDayWindow], by: User
) -> Mentor:
    """Set how many mentees a mentor may take (1–3) and when they are free."""
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    active = Pairing.objects.active().filter(mentor=mentor).count()
    if capacity < active:
        raise ValidationError(
            {"capacity": CAPACITY_BELOW_MENTEES.format(mentor=mentor, count=active)}
        )
    before = snapshot(mentor, ["capacity"])
    mentor.capacity = capacity
    mentor.full_clean()
    mentor.save(update_fields=["capacity"])
    chosen = {w.pk for w in windows if w.school_id == mentor.school_id}
    MentorFreeWindow.objects.filter(mentor=mentor).exclude(window__in=chosen).delete()
    have = set(MentorFreeWindow.objects.filter(mentor=mentor).values_list("window_id", flat=True))
    MentorFreeWindow.objects.bulk_create(
        [MentorFreeWindow(mentor=mentor, window_id=w) for w in chosen - have]
    )
    changes = diff(before, snapshot(mentor, ["capacity"])) | {"free_windows": len(chosen)}
    record(action="mentor.matching_set", target=mentor, by=by, changes=changes)
    return mentor


@transaction.atomic
def add_do_not_pair(
    *, school: School, pupil: Pupil, other: Pupil, kind: str, note: str, by: User
) -> DoNotPair:
    """Never pair these two pupils, whichever is mentor and whichever mentee."""
    if DoNotPair.objects.filter(Q(pupil=pupil, other=other) | Q(pupil=other, other=pupil)).exists():
        raise ValidationError(DO_NOT_PAIR_EXISTS)
    entry = DoNotPair(school=school, pupil=pupil, other=other, kind=kind, note=note, created_by=by)
    entry.full_clean()
    entry.save()
    record(action="do_not_pair.added", target=entry, by=by, changes={"kind": kind})
    return entry


@transaction.atomic
def remove_do_not_pair(*, entry: DoNotPair, by: User) -> None:
    """Take a pair off the do-not-pair list."""
    record(action="do_not_pair.removed", target=entry, by=by, changes={"kind": entry.kind})
    entry.delete()


# --- Running, adjusting and confirming a proposal --------------------------------------


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
def confirm_run(*, run: MatchRun, by: User) -> list[Pairing]:
    """Create every proposed pairing or none, and tell each mentor who their mentee is."""
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
    for pairing in made:
        _tell_mentor(pairing)
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
    )


@transaction.atomic
def end_pairing(
    *, pairing: Pairing, reason: str, note: str = "", still_needs_mentor: bool, by: User
) -> Pairing:
    """Close an active pairing; the mentee goes back to the queue if they still need a mentor."""
    pairing = Pairing.objects.select_for_update().select_related("referral").get(pk=pairing.pk)
    if not pairing.is_active:
        raise ValidationError(PAIRING_ALREADY_ENDED)
    pairing.status = Pairing.Status.ENDED
    pairing.ended_on = timezone.localdate()
    pairing.end_reason, pairing.end_note = reason, note.strip()
    pairing.full_clean()
    pairing.save(update_fields=["status", "ended_on", "end_reason", "end_note"])
    referral = pairing.referral
    referral.status = Referral.Status.ACCEPTED if still_needs_mentor else Referral.Status.CLOSED
    referral.save(update_fields=["status"])
    record(
        action="pairing.ended",
        target=pairing,
        by=by,
        changes={"reason": reason, "requeued": still_needs_mentor},
    )
    return pairing
