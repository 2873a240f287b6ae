"""Referral categories and referrals: staff referring a pupil on roll, and the coordinator's review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as date_format

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.core.notifications import queue_email
from peermentoring.referrals.models import PrimaryReferralLink, Referral, ReferralCategory
from peermentoring.referrals.services.reconcile import _reconcile_one
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
BIRTHDAY_OUT_OF_RANGE = (
    "A child starting Year 7 in September {year} was born between 1 September {first} and "
    "31 August {last}. We accept one year either side, for a child outside their year group "
    "(1 September {wide_first} to 31 August {wide_last}). Check the date of birth."
)
DECLINE_NEEDS_REASON = "Give the reason for declining; the file keeps it."
MORE_INFO_NEEDS_NOTE = "Say what more information is needed."
ALREADY_REVIEWED = "This referral has already been {status}."
ALREADY_QUEUED = "{pupil} already has an open referral."


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
def refer_child_met_on_visit(
    *,
    school: School,
    primary: FeederPrimary,
    given_name: str,
    family_name: str,
    note: str,
    by: User,
) -> Referral:
    """A Year 6 child the mentors met on a visit to their primary, who would like a mentor:
    a referral for September from that primary, waiting for review, not yet on roll."""
    if primary.school_id != school.pk:
        raise ValidationError("Choose one of the school's feeder primaries.")
    signed = f"{by.get_full_name()}, on a visit to {primary.name}".strip(", ")
    referral = _create_referral(
        school=school,
        child=ChildDetails(given_name=given_name, family_name=family_name, needs=note),
        pupil=None,
        source=Referral.Source.PRIMARY,
        referred_by=by,
        referrer_name=signed[: Referral._meta.get_field("referrer_name").max_length],
        feeder_primary=primary,
    )
    record(
        action="referral.created",
        target=referral,
        by=by,
        changes={"source": Referral.Source.PRIMARY, "primary": primary.name, "from": "visit"},
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


@dataclass(frozen=True)
class MoreInformationAsked:
    """What asking for more information did: the referral, and who was e-mailed, if anyone."""

    referral: Referral
    # The feeder primary's address the question went to; empty when nobody was e-mailed.
    emailed_to: str = ""
    # A primary's referral whose primary has no contact e-mail: staff must ask them themselves.
    primary_has_no_address: bool = False
    # The same question was already asked (a form sent twice): nothing changed, nothing sent.
    already_asked: bool = False


@transaction.atomic
def ask_for_more_information(*, referral: Referral, note: str, by: User) -> MoreInformationAsked:
    """Hold a referral until the referrer says more; a feeder primary is e-mailed the question.

    Only the question goes out (with the child's name, which the primary gave us): none
    of the school's own notes. The same question asked twice is one question, one e-mail.
    """
    note = note.strip()
    if not note:
        raise ValidationError({"note": MORE_INFO_NEEDS_NOTE})
    # Lock the row: two posts of the same form at once must not send two e-mails.
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("school", "feeder_primary", "link__primary")
        .get(pk=referral.pk)
    )
    if referral.status == Referral.Status.MORE_INFO and referral.review_note == note:
        return MoreInformationAsked(referral=referral, already_asked=True)
    referral = _review(referral, Referral.Status.MORE_INFO, note, by, "referral.more_info_asked")
    if referral.source != Referral.Source.PRIMARY:
        return MoreInformationAsked(referral=referral)
    primary = referral.feeder_primary or (referral.link.primary if referral.link else None)
    address = primary.contact_email if primary else ""
    if not address:
        return MoreInformationAsked(referral=referral, primary_has_no_address=True)
    queue_email(
        school=referral.school,
        to_address=address,
        subject=MORE_INFO_SUBJECT.format(
            school=referral.school.name, child=_child_as_referred(referral)
        ),
        body=_more_info_email(referral, note, by),
    )
    record(action="referral.more_info_emailed", target=referral, by=by, changes={"to": address})
    return MoreInformationAsked(referral=referral, emailed_to=address)


MORE_INFO_SUBJECT = "{school}: a question about your referral of {child}"


def _child_as_referred(referral: Referral) -> str:
    """The child's name as the primary wrote it (not the name on our roll)."""
    written = f"{referral.child_given_name} {referral.child_family_name}".strip()
    return written or referral.child_name


def _more_info_email(referral: Referral, question: str, by: User) -> str:
    school = referral.school.name
    asker = by.get_full_name() or f"the peer mentoring coordinator at {school}"
    reply = f"{asker} at {by.email}" if by.email else f"{asker}, {school}"
    on = date_format(timezone.localtime(referral.referred_at), "j F Y")
    signed = f"by {referral.referrer_name}, " if referral.referrer_name else ""
    return (
        f"Hello,\n\n"
        f"Thank you for referring {_child_as_referred(referral)} to the peer mentoring scheme "
        f"at {school}.\nReferred {signed}on {on}.\n\n"
        f"Before we can go on, we need a little more information:\n\n{question}\n\n"
        f"Please reply to {reply} (this e-mail comes from our mentoring system, so answering "
        f"it directly may not reach them).\n\n{school}"
    )
