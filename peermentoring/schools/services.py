"""Domain functions for schools: set-up, calendar, windows, feeder primaries and accounts.

Each runs in one transaction and writes its audit entry; views, commands and
the demo loader all call these.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from xkcdpass import xkcd_password

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import AuditEntry, User
from peermentoring.core.notifications import queue_email
from peermentoring.core.roles import PUPIL_ROLES, STAFF_ROLES, Role
from peermentoring.schools.calendar import DEFAULT_WINDOWS, TermDates
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    PupilImport,
    School,
    SchoolDayWindow,
    Term,
    Trust,
)
from peermentoring.schools.pupil_files import (
    ParsedFile,
    Problem,
    PupilFileError,
    PupilRow,
    parse_pupil_file,
)
from peermentoring.schools.signals import pupils_imported, school_created

TERMS_OUT_OF_ORDER = "Terms must run Autumn, Spring, Summer without overlapping."
TERM_OUTSIDE_YEAR = "Every term must fall inside the academic year."
HALF_TERM_OUTSIDE = "The {term} half-term must start after the term starts and end before it ends."
YEAR_OVERLAPS = "This academic year overlaps {name}."
STAFF_ROLE_REQUIRED = (
    "Staff accounts take a staff role: coordinator, safeguarding lead or school admin."
)
PUPIL_ROLE_REQUIRED = "Pupil accounts take a pupil role: pupil, peer mentor or mentee."
PUPIL_HAS_ACCOUNT = "{pupil} already has an account."
USERNAME_TAKEN = "The username {username} is already taken."
ALREADY_A_MEMBER = "{email} already has an account at this school."
USERNAME_INVALID = "Use letters, numbers, full stops, hyphens or underscores only."
WINDOW_SWITCHED_OFF_AFFECTS = (
    "Switching off {window} affects {people} free times. "
    "Their choices are kept and come back if you switch it on again."
)
WINDOW_MOVED_AFFECTS = (
    "Moving {window} to {span} affects {people} free times. Their choices move with it."
)
SITE_ADMIN_ADDRESS = (
    "That address belongs to a site administrator and cannot be given a school role."
)
NOT_OWNER = (
    "This account was made by another school, so only that school can reset its password. "
    "The person can also use “Forgotten your password?” on the sign-in page."
)
TRUST_LEAD_NOT_BY_SCHOOL = (
    "Trust leads work across the trust, so only the site administrator can add or change them."
)
NOT_YOUR_INVITATION = "This invitation is not waiting for you."

SCHOOL_FIELDS = ("name", "urn")
TERM_FIELDS = ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on")
WINDOW_FIELDS = ("start_time", "end_time")
PRIMARY_FIELDS = ("name", "urn", "contact_email")

# Temporary pupil passwords: three words from the EFF long word list (7,776 words
# chosen to be easy to spell) and a four-digit number: about 52 bits, typed
# by an 11-year-old on a phone in under a minute.
PASSWORD_WORD_COUNT = 3
PASSWORD_NUMBER_RANGE = (1000, 9999)


@functools.cache
def password_words() -> tuple[str, ...]:
    """The EFF long word list, as shipped by xkcdpass."""
    path = xkcd_password.locate_wordfile("eff-long")
    with open(path, encoding="utf-8") as words:
        return tuple(w.strip() for w in words if w.strip().isalpha())


def temporary_password_bits() -> float:
    """How many bits of randomness a temporary password carries."""
    low, high = PASSWORD_NUMBER_RANGE
    return PASSWORD_WORD_COUNT * math.log2(len(password_words())) + math.log2(high - low + 1)


@transaction.atomic
def create_trust(*, name: str, slug: str, by: User | None) -> Trust:
    """Create a group of schools."""
    trust = Trust(name=name, slug=slug)
    trust.full_clean()
    trust.save()
    return trust


@transaction.atomic
def create_school(
    *, name: str, slug: str, urn: str = "", trust: Trust | None = None, by: User | None
) -> School:
    """Create a school with the usual free windows of the school day."""
    school = School(name=name, slug=slug, urn=urn, trust=trust)
    school.full_clean()
    school.save()
    for weekday in SchoolDayWindow.Weekday.values:
        for kind, (start, end) in DEFAULT_WINDOWS.items():
            SchoolDayWindow.objects.create(
                school=school, weekday=weekday, kind=kind, start_time=start, end_time=end
            )
    record(action="school.created", target=school, by=by, changes=snapshot(school, SCHOOL_FIELDS))
    school_created.send(sender=School, school=school, by=by)
    return school


@transaction.atomic
def update_school(*, school: School, name: str, urn: str, by: User) -> School:
    """Change a school's name and URN."""
    before = snapshot(school, SCHOOL_FIELDS)
    school.name, school.urn = name, urn
    school.full_clean()
    school.save(update_fields=list(SCHOOL_FIELDS))
    changes = diff(before, snapshot(school, SCHOOL_FIELDS))
    if changes:
        record(action="school.updated", target=school, by=by, changes=changes)
    return school


def _check_terms(starts_on: dt.date, ends_on: dt.date, terms: Sequence[TermDates]) -> None:
    names = [t.name for t in terms]
    if names != [Term.Name.AUTUMN, Term.Name.SPRING, Term.Name.SUMMER]:
        raise ValidationError(TERMS_OUT_OF_ORDER)
    for earlier, later in zip(terms, terms[1:], strict=False):
        if later.starts_on <= earlier.ends_on:
            raise ValidationError(TERMS_OUT_OF_ORDER)
    if terms[0].starts_on < starts_on or terms[-1].ends_on > ends_on:
        raise ValidationError(TERM_OUTSIDE_YEAR)
    for term in terms:
        start, end = term.half_term_starts_on, term.half_term_ends_on
        if (start or end) and not (start and end and term.starts_on < start <= end < term.ends_on):
            raise ValidationError(HALF_TERM_OUTSIDE.format(term=Term.Name(term.name).label))


@transaction.atomic
def set_up_academic_year(
    *,
    school: School,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    terms: Sequence[TermDates],
    by: User | None,
) -> AcademicYear:
    """Create an academic year and its three terms, checked for order and overlaps."""
    _check_terms(starts_on, ends_on, terms)
    clash = (
        AcademicYear.objects.for_school(school)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if clash is not None:
        raise ValidationError(YEAR_OVERLAPS.format(name=clash.name))
    year = AcademicYear(school=school, name=name, starts_on=starts_on, ends_on=ends_on)
    year.full_clean()
    year.save()
    for dates in terms:
        term = Term(
            academic_year=year,
            name=dates.name,
            starts_on=dates.starts_on,
            ends_on=dates.ends_on,
            half_term_starts_on=dates.half_term_starts_on,
            half_term_ends_on=dates.half_term_ends_on,
        )
        term.full_clean()
        term.save()
    record(
        action="academic_year.created",
        target=year,
        by=by,
        changes={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    return year


@transaction.atomic
def update_term(
    *,
    term: Term,
    starts_on: dt.date,
    ends_on: dt.date,
    half_term_starts_on: dt.date | None,
    half_term_ends_on: dt.date | None,
    by: User,
) -> Term:
    """Change a term's dates; its neighbours and the academic year still bound it."""
    before = snapshot(term, TERM_FIELDS)
    term.starts_on, term.ends_on = starts_on, ends_on
    term.half_term_starts_on, term.half_term_ends_on = half_term_starts_on, half_term_ends_on
    year = term.academic_year
    terms = [term if t.pk == term.pk else t for t in year.terms.order_by("starts_on")]
    terms.sort(key=lambda t: [Term.Name.AUTUMN, Term.Name.SPRING, Term.Name.SUMMER].index(t.name))
    _check_terms(
        year.starts_on,
        year.ends_on,
        [
            TermDates(t.name, t.starts_on, t.ends_on, t.half_term_starts_on, t.half_term_ends_on)
            for t in terms
        ],
    )
    term.full_clean()
    term.save(update_fields=list(TERM_FIELDS))
    changes = diff(before, snapshot(term, TERM_FIELDS))
    if changes:
        record(action="term.updated", target=term, by=by, changes=changes)
    return term


def window_choices(windows: Iterable[SchoolDayWindow]) -> dict[int, list[tuple[str, int]]]:
    """How many people chose each window as a free time: {window id: [("mentors", 5), ...]}.

    Later apps record choices in tables pointing at a window (a many-to-many's
    through table or a model of their own); each is found through the window's
    reverse relations, so this app need not know them. People are named by the
    table's other foreign key (mentor, referral), counted once each.
    """
    pks = [w.pk for w in windows]
    found: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for relation in SchoolDayWindow._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.one_to_many):
            continue
        model, to_window = relation.related_model, relation.field.name
        others = [
            f
            for f in model._meta.concrete_fields
            if f.many_to_one and f is not relation.field and f.related_model is not School
        ]
        who = others[0] if len(others) == 1 else None
        named = who.related_model._meta if who else model._meta
        counts = (
            model._default_manager.filter(**{f"{to_window}__in": pks})
            .values_list(to_window)
            .annotate(people=Count(who.attname if who else "pk", distinct=True))
        )
        for pk, people in counts:
            name = named.verbose_name if people == 1 else named.verbose_name_plural
            found[pk].append((str(name), people))
    return {pk: sorted(counts) for pk, counts in found.items()}


def _people(counts: list[tuple[str, int]]) -> str:
    """ "5 mentors' and 7 referrals'": who a change to a window touches."""
    parts = [f"{people} {name}'" + ("" if name.endswith("s") else "s") for name, people in counts]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def window_changes_to_confirm(
    *, school: School, chosen: dict[tuple[int, str], tuple[dt.time, dt.time] | None]
) -> list[str]:
    """What a new school week does to windows people chose, in words; empty when it touches none.

    Switching a chosen window off, or moving its times, changes when those people
    are free, so the school admin confirms it first.
    """
    current = {(w.weekday, w.kind): w for w in SchoolDayWindow.objects.for_school(school).active()}
    touched = {}
    for key, times in chosen.items():
        window = current.get(key)
        if window is not None and times != (window.start_time, window.end_time):
            touched[window.pk] = (window, times)
    counts = window_choices(w for w, _ in touched.values())
    lines = []
    for pk, (window, times) in touched.items():
        if pk not in counts:
            continue
        people = _people(counts[pk])
        if times is None:
            lines.append(WINDOW_SWITCHED_OFF_AFFECTS.format(window=window.label, people=people))
        else:
            span = f"{times[0]:%H:%M}–{times[1]:%H:%M}"
            lines.append(WINDOW_MOVED_AFFECTS.format(window=window.label, span=span, people=people))
    return lines


@transaction.atomic
def set_window(
    *,
    school: School,
    weekday: int,
    kind: str,
    start_time: dt.time,
    end_time: dt.time,
    by: User | None,
) -> SchoolDayWindow:
    """Set when pupils are free for one kind of window on one weekday, switching it on if off.

    A window switched off earlier comes back as the same row, so everyone's choice
    of it comes back too.
    """
    window = SchoolDayWindow.objects.for_school(school).filter(weekday=weekday, kind=kind).first()
    if window is None:
        window = SchoolDayWindow(school=school, weekday=weekday, kind=kind)
    before = snapshot(window, WINDOW_FIELDS) if window.pk else {}
    was_off = window.pk is not None and not window.is_active
    window.start_time, window.end_time, window.is_active = start_time, end_time, True
    window.full_clean()
    window.save()
    changes = diff(before, snapshot(window, WINDOW_FIELDS))
    if was_off:
        record(action="window.switched_on", target=window, by=by, changes=changes)
    elif changes:
        record(action="window.set", target=window, by=by, changes=changes)
    return window


@transaction.atomic
def set_windows(
    *,
    school: School,
    chosen: dict[tuple[int, str], tuple[dt.time, dt.time] | None],
    by: User,
) -> None:
    """Set the whole school week at once; an empty cell switches that window off (never deletes)."""
    existing = {(w.weekday, w.kind): w for w in SchoolDayWindow.objects.for_school(school)}
    for (weekday, kind), times in chosen.items():
        if times is None:
            window = existing.get((weekday, kind))
            if window is not None and window.is_active:
                switch_off_window(window=window, by=by)
            continue
        set_window(
            school=school, weekday=weekday, kind=kind, start_time=times[0], end_time=times[1], by=by
        )


@transaction.atomic
def switch_off_window(*, window: SchoolDayWindow, by: User) -> SchoolDayWindow:
    """Stop a window being free time (a day with no break, say), keeping it and everyone's choice."""
    if not window.is_active:
        return window
    window.is_active = False
    window.save(update_fields=["is_active"])
    changes = {"is_active": [True, False], **snapshot(window, WINDOW_FIELDS)}
    record(action="window.switched_off", target=window, by=by, changes=changes)
    return window


@transaction.atomic
def add_feeder_primary(
    *, school: School, name: str, urn: str = "", contact_email: str = "", by: User | None
) -> FeederPrimary:
    """Add a feeder primary school to a school's list."""
    primary = FeederPrimary(school=school, name=name, urn=urn, contact_email=contact_email)
    primary.full_clean()
    primary.save()
    record(
        action="feeder_primary.added",
        target=primary,
        by=by,
        changes=snapshot(primary, PRIMARY_FIELDS),
    )
    return primary


@transaction.atomic
def update_feeder_primary(
    *, primary: FeederPrimary, name: str, urn: str, contact_email: str, by: User
) -> FeederPrimary:
    """Change a feeder primary's details."""
    before = snapshot(primary, PRIMARY_FIELDS)
    primary.name, primary.urn, primary.contact_email = name, urn, contact_email
    primary.full_clean()
    primary.save(update_fields=list(PRIMARY_FIELDS))
    changes = diff(before, snapshot(primary, PRIMARY_FIELDS))
    if changes:
        record(action="feeder_primary.updated", target=primary, by=by, changes=changes)
    return primary


# --- Accounts -----------------------------------------------------------------


def temporary_password() -> str:
    """Three words and a four-digit number: easy to read out, about 52 bits to guess."""
    words = [secrets.choice(password_words()) for _ in range(PASSWORD_WORD_COUNT)]
    low, high = PASSWORD_NUMBER_RANGE
    return "-".join(words) + f"-{low + secrets.randbelow(high - low + 1)}"


def suggest_username(pupil: Pupil) -> str:
    """firstname.familyname in plain letters, numbered if already taken."""

    def plain(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]", "", ascii_text.lower())

    base = f"{plain(pupil.first_name)}.{plain(pupil.family_name)}".strip(".") or "pupil"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def password_setup_link(user: User) -> str:
    """A one-use link to choose a password (Django's password-reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def _send_setup_email(*, school: School, user: User, first_time: bool) -> None:
    opening = (
        f"An account has been created for you on {school.name}'s peer mentoring site."
        if first_time
        else f"A school admin at {school.name} has reset your peer mentoring password."
    )
    queue_email(
        school=school,
        to_address=user.email,
        subject=f"{school.name} peer mentoring: set your password",
        body=(
            f"Hello {user.first_name},\n\n{opening}\n\n"
            f"Choose your password here (the link works once and expires in a few days):\n"
            f"{password_setup_link(user)}\n\nYou sign in with this e-mail address."
        ),
        holds_secret=True,
    )


def _invite_email(*, membership: Membership) -> None:
    school, user = membership.school, membership.user
    queue_email(
        school=school,
        to_address=user.email,
        subject=f"{school.name} invites you to its peer mentoring scheme",
        body=(
            f"Hello {user.first_name},\n\n{school.name} would like to add you to its peer "
            f"mentoring site as {membership.get_role_display().lower()}.\n\n"
            f"Nothing changes until you accept. Sign in with your usual account to accept "
            f"or decline:\n{settings.SITE_URL}{reverse('home')}\n\n"
            "If you do not know this school, decline, or ignore this e-mail."
        ),
    )


@transaction.atomic
def create_staff_account(
    *,
    school: School,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    by: User | None,
    password: str | None = None,
) -> Membership:
    """Give a member of staff a role at the school.

    A new account belongs to this school and gets a set-password e-mail. Someone who
    already has an account (made by another school) is invited instead: their account
    is not changed and the role starts only when they accept by signing in.
    """
    if role not in STAFF_ROLES:
        raise ValidationError(STAFF_ROLE_REQUIRED)
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first() or (
        User.objects.filter(username__iexact=email).first()
    )
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        membership = Membership(user=user, school=school, role=role, owns_account=True)
        membership.full_clean()
        membership.save()
        record(
            action="membership.created",
            target=membership,
            by=by,
            changes={"role": role, "email": email},
        )
        if not password:
            _send_setup_email(school=school, user=user, first_time=True)
        return membership
    if user.is_superuser or user.is_staff:
        raise ValidationError(SITE_ADMIN_ADDRESS)
    if Membership.objects.filter(user=user, school=school).exists():
        raise ValidationError(ALREADY_A_MEMBER.format(email=email))
    membership = Membership(user=user, school=school, role=role, accepted_at=None)
    membership.full_clean()
    membership.save()
    record(
        action="membership.invited",
        target=membership,
        by=by,
        changes={"role": role, "email": email},
    )
    _invite_email(membership=membership)
    return membership


@transaction.atomic
def add_trust_lead(
    *,
    trust: Trust,
    email: str,
    first_name: str,
    last_name: str,
    by: User | None,
    password: str | None = None,
) -> list[Membership]:
    """Make someone trust lead of every school in the trust (site administrators only).

    A school admin cannot hand out this trust-wide role; the Django admin and the demo can.
    """
    if by is not None and not by.is_superuser:
        raise ValidationError(TRUST_LEAD_NOT_BY_SCHOOL)
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
    made = []
    # Whatever school made the account no longer manages it: it is trust-wide now.
    for owned in Membership.objects.filter(user=user, owns_account=True).select_related("school"):
        owned.owns_account = False
        owned.save(update_fields=["owns_account"])
        record(
            action="membership.ownership_ended", target=owned, by=by, changes={"trust": trust.name}
        )
    for school in trust.schools.order_by("pk"):
        membership, created = Membership.objects.get_or_create(
            user=user,
            school=school,
            # A trust-wide account is no single school's: only the site admin manages it.
            defaults={"role": Role.TRUST_LEAD, "owns_account": False},
        )
        if created:
            record(
                action="membership.trust_lead_added",
                target=membership,
                by=by,
                changes={"email": email},
            )
            made.append(membership)
    if is_new and not password and made:
        _send_setup_email(school=made[0].school, user=user, first_time=True)
    return made


@transaction.atomic
def accept_invitation(*, membership: Membership, by: User) -> Membership:
    """The invited person takes up the role; only they can."""
    if membership.user_id != by.pk or not membership.is_invitation:
        raise ValidationError(NOT_YOUR_INVITATION)
    membership.accepted_at = timezone.now()
    membership.save(update_fields=["accepted_at"])
    record(action="membership.invitation_accepted", target=membership, by=by)
    return membership


@transaction.atomic
def decline_invitation(*, membership: Membership, by: User) -> None:
    """The invited person says no: the offered role goes, their account is untouched."""
    if membership.user_id != by.pk or not membership.is_invitation:
        raise ValidationError(NOT_YOUR_INVITATION)
    record(
        action="membership.invitation_declined",
        target=membership,
        by=by,
        changes={"role": membership.role},
    )
    membership.delete()


@transaction.atomic
def create_pupil_account(
    *,
    school: School,
    pupil: Pupil,
    role: str,
    username: str = "",
    by: User | None,
    password: str | None = None,
) -> tuple[Membership, str]:
    """Give a pupil an account with a school username and a temporary password.

    Returns the membership and the password to hand to the pupil; they choose
    their own at first sign-in.
    """
    if role not in PUPIL_ROLES:
        raise ValidationError(PUPIL_ROLE_REQUIRED)
    if pupil.school_id != school.pk:
        raise ValidationError("That pupil is not at this school.")
    if Membership.objects.filter(pupil=pupil).exists():
        raise ValidationError(PUPIL_HAS_ACCOUNT.format(pupil=pupil))
    username = (username or suggest_username(pupil)).strip().lower()
    if not re.fullmatch(r"[a-z0-9._-]{3,60}", username):
        raise ValidationError(USERNAME_INVALID)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(USERNAME_TAKEN.format(username=username))
    given = password or temporary_password()
    user = User(
        username=username,
        first_name=pupil.first_name,
        last_name=pupil.family_name,
        must_change_password=password is None,
    )
    user.set_password(given)
    user.full_clean()
    user.save()
    membership = Membership(user=user, school=school, role=role, pupil=pupil, owns_account=True)
    membership.full_clean()
    membership.save()
    record(
        action="membership.created",
        target=membership,
        by=by,
        changes={"role": role, "username": username},
    )
    return membership, given


@transaction.atomic
def reset_password(*, membership: Membership, by: User) -> str | None:
    """Reset someone's password: pupils get a temporary one to hand over, staff a link by e-mail.

    Only the school that owns the account may; every school the person belongs to
    sees the reset in its own audit trail.
    """
    if not membership.may_manage_account or membership.is_invitation:
        raise ValidationError(NOT_OWNER)
    user = membership.user
    for each in Membership.objects.filter(user=user, accepted_at__isnull=False).select_related(
        "school"
    ):
        record(
            action="password.reset",
            target=each,
            by=by,
            changes={"by_school": membership.school.name} if each.pk != membership.pk else {},
        )
    if membership.is_pupil or not user.email:
        given = temporary_password()
        user.set_password(given)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        return given
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _send_setup_email(school=membership.school, user=user, first_time=False)
    return None


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Move someone to another role of the same kind (staff to staff, pupil to pupil).

    A school never gives or takes away the trust-wide trust lead role.
    """
    if membership.role == Role.TRUST_LEAD or role == Role.TRUST_LEAD:
        raise ValidationError(TRUST_LEAD_NOT_BY_SCHOOL)
    allowed = PUPIL_ROLES if membership.is_pupil else STAFF_ROLES
    if role not in allowed:
        raise ValidationError(PUPIL_ROLE_REQUIRED if membership.is_pupil else STAFF_ROLE_REQUIRED)
    before = snapshot(membership, ["role"])
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    changes = diff(before, snapshot(membership, ["role"]))
    if changes:
        record(action="membership.role_changed", target=membership, by=by, changes=changes)
    return membership


@transaction.atomic
def set_membership_active(*, membership: Membership, is_active: bool, by: User) -> Membership:
    """Switch someone's access to this school off or back on; their account and records stay."""
    if by is not None and membership.user_id == by.pk and not is_active:
        raise ValidationError("You cannot switch off your own access.")
    if membership.is_active != is_active:
        membership.is_active = is_active
        membership.save(update_fields=["is_active"])
        record(
            action="membership.activated" if is_active else "membership.deactivated",
            target=membership,
            by=by,
            changes={"is_active": [not is_active, is_active]},
        )
    return membership


# --- Pupil import -------------------------------------------------------------

PUPIL_IMPORT_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "year_group",
    "form_group",
    "house",
    "gender",
    "date_of_birth",
    "upn",
    "admission_number",
    "source_id",
    "family_key",
)
IDENTIFIER_CLASH = "{label} {value} already belongs to {pupil}, a different pupil at this school."
# The report lists the first problems by line; the rest are counted.
MAX_PROBLEMS_LISTED = 500
MORE_PROBLEMS = "…and {count:,} more problems not listed. Fix those above and check again."
MATCHED_TWICE = "This row and line {line} are both {pupil}; a pupil may be on one line only."


class _DryRun(Exception):
    """Raised to roll back a dry run after counting what it would do."""


def _match_existing(
    row: PupilRow,
    by_admission: dict[str, Pupil],
    by_upn: dict[str, Pupil],
    by_source: dict[str, Pupil],
) -> Pupil | None:
    if row.admission_number and row.admission_number.lower() in by_admission:
        return by_admission[row.admission_number.lower()]
    if row.upn and row.upn.lower() in by_upn:
        return by_upn[row.upn.lower()]
    if row.source_id and row.source_id.lower() in by_source:
        return by_source[row.source_id.lower()]
    return None


def _apply_rows(
    *, school: School, parsed: ParsedFile, by: User | None, report: PupilImport
) -> list[Problem]:
    """Create or update a pupil per row; return clashes that forbid the import."""
    pupils = list(Pupil.objects.for_school(school))
    by_admission = {p.admission_number.lower(): p for p in pupils if p.admission_number}
    by_upn = {p.upn.lower(): p for p in pupils if p.upn}
    by_source = {p.source_id.lower(): p for p in pupils if p.source_id}
    primaries = {p.name.lower(): p for p in FeederPrimary.objects.for_school(school)}
    problems: list[Problem] = []
    to_create: list[Pupil] = []
    updates: list[tuple[Pupil, dict[str, list[object]]]] = []
    matched: dict[int, tuple[int, str]] = {}  # pupil pk -> first line matching it, name held
    for row in parsed.rows:
        pupil = _match_existing(row, by_admission, by_upn, by_source)
        if pupil is not None:
            if pupil.pk in matched:
                line, name = matched[pupil.pk]
                problems.append(Problem(row.line, MATCHED_TWICE.format(line=line, pupil=name)))
            else:
                matched[pupil.pk] = (row.line, str(pupil))
        for label, value, index in (
            ("Admission number", row.admission_number, by_admission),
            ("UPN", row.upn, by_upn),
            ("sourcedId", row.source_id, by_source),
        ):
            owner = index.get(value.lower()) if value else None
            if owner is not None and owner is not pupil:
                problems.append(
                    Problem(
                        row.line, IDENTIFIER_CLASH.format(label=label, value=value, pupil=owner)
                    )
                )
        primary = None
        if row.feeder_primary:
            primary = primaries.get(row.feeder_primary.lower())
            if primary is None:
                primary = add_feeder_primary(school=school, name=row.feeder_primary, by=by)
                primaries[primary.name.lower()] = primary
        values = {name: getattr(row, name) for name in PUPIL_IMPORT_FIELDS}
        if pupil is None:
            to_create.append(Pupil(school=school, feeder_primary=primary, **values))
            continue
        before = snapshot(pupil, (*PUPIL_IMPORT_FIELDS, "feeder_primary", "is_on_roll"))
        for name, value in values.items():
            # An empty identifier in the file never wipes one the school already holds.
            if name in {"upn", "admission_number", "source_id"} and not value:
                continue
            # Nor does a column the file lacks wipe what the school holds.
            if name in parsed.absent:
                continue
            setattr(pupil, name, value)
        if primary is not None:
            pupil.feeder_primary = primary
        pupil.is_on_roll = True
        changes = diff(
            before, snapshot(pupil, (*PUPIL_IMPORT_FIELDS, "feeder_primary", "is_on_roll"))
        )
        if changes:
            updates.append((pupil, changes))
        else:
            report.unchanged += 1
    if problems:
        return problems
    Pupil.objects.bulk_create(to_create, batch_size=500)
    Pupil.objects.bulk_update(
        [p for p, _ in updates],
        [*PUPIL_IMPORT_FIELDS, "feeder_primary", "is_on_roll"],
        batch_size=500,
    )
    report.created, report.updated = len(to_create), len(updates)
    entries = [
        AuditEntry(
            school=school,
            actor=by,
            action="pupil.imported",
            target_type=Pupil._meta.label,
            target_id=str(p.pk),
            target_label=str(p),
            changes={"year_group": p.year_group, "form_group": p.form_group},
        )
        for p in to_create
    ] + [
        AuditEntry(
            school=school,
            actor=by,
            action="pupil.updated_by_import",
            target_type=Pupil._meta.label,
            target_id=str(p.pk),
            target_label=str(p),
            changes=changes,
        )
        for p, changes in updates
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return []


def import_pupils(
    *,
    school: School,
    data: bytes,
    filename: str,
    by: User | None,
    dry_run: bool = False,
    extra_files: dict[str, bytes] | None = None,
) -> PupilImport:
    """Create and update pupils from a school file, all or nothing, and keep the report.

    A re-import updates the pupils it matches (by admission number, then UPN,
    then OneRoster sourcedId) and never duplicates them. If any row has a
    problem nothing changes and the report lists every problem by line.
    """
    report = PupilImport(school=school, by=by, filename=filename[:200], created_at=timezone.now())
    try:
        parsed = parse_pupil_file(
            data,
            filename=filename,
            max_bytes=settings.PUPIL_IMPORT_MAX_BYTES,
            max_unzipped_bytes=settings.PUPIL_IMPORT_MAX_UNZIPPED_BYTES,
            school_urn=school.urn,
            extra_files=extra_files,
            today=timezone.localdate(),
        )
    except PupilFileError as error:
        report.file_format = "unreadable"
        report.outcome = PupilImport.Outcome.REFUSED
        report.problems = [{"line": None, "message": str(error)}]
        report.save()
        return report
    report.file_format = parsed.file_format
    report.skipped = len(parsed.skipped)
    problems = list(parsed.problems)
    if not problems:
        try:
            with transaction.atomic():
                problems = _apply_rows(school=school, parsed=parsed, by=by, report=report)
                if problems or dry_run:
                    raise _DryRun
                report.outcome = PupilImport.Outcome.IMPORTED
                report.save()
                record(
                    action="pupils.imported",
                    target=report,
                    by=by,
                    school=school,
                    changes={"created": report.created, "updated": report.updated},
                )
                pupils_imported.send(sender=School, school=school, by=by)
                return report
        except _DryRun:
            pass
    report.pk = None
    report.outcome = PupilImport.Outcome.REFUSED if problems else PupilImport.Outcome.CHECKED
    if problems:
        report.created = report.updated = report.unchanged = 0
    listed = sorted(problems, key=lambda p: p.line)[:MAX_PROBLEMS_LISTED]
    report.problems = [{"line": p.line, "message": p.message} for p in listed]
    if len(problems) > MAX_PROBLEMS_LISTED:
        report.problems.append(
            {"line": None, "message": MORE_PROBLEMS.format(count=len(problems) - len(listed))}
        )
    report.save(force_insert=True)
    return report
