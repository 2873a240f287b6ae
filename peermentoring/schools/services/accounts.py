"""Accounts: staff and pupil log-ins, invitations, resets and access, owned by one school."""

from __future__ import annotations

import functools
import math
import re
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from xkcdpass import xkcd_password

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.core.notifications import queue_email
from peermentoring.core.roles import PUPIL_ROLES, STAFF_ROLES, Role
from peermentoring.schools.models import (
    STAFF_ACCOUNT_IS_PUPIL,
    Membership,
    Pupil,
    School,
    Trust,
)
from peermentoring.schools.services.messages import (
    ALREADY_A_MEMBER,
    NOT_OWNER,
    NOT_YOUR_INVITATION,
    PUPIL_HAS_ACCOUNT,
    PUPIL_ROLE_REQUIRED,
    SITE_ADMIN_ADDRESS,
    STAFF_ROLE_REQUIRED,
    TRUST_LEAD_NOT_BY_SCHOOL,
    USERNAME_INVALID,
    USERNAME_TAKEN,
)

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


def _account_for(email: str) -> User | None:
    """The account this address already signs in with, if any (e-mail or username)."""
    return (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=email).first()
    )


def _new_staff_user(*, email: str, first_name: str, last_name: str, password: str | None) -> User:
    """A new staff account signing in with its e-mail; no password until they choose one."""
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


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
    user = _account_for(email)
    if user is None:
        user = _new_staff_user(
            email=email, first_name=first_name, last_name=last_name, password=password
        )
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
    user = _account_for(email)
    is_new = user is None
    if user is None:
        user = _new_staff_user(
            email=email, first_name=first_name, last_name=last_name, password=password
        )
    if Membership.objects.filter(user=user, role__in=PUPIL_ROLES).exists():
        raise ValidationError(STAFF_ACCOUNT_IS_PUPIL)
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


SECOND_FACTOR_NOT_STAFF = "Pupils sign in without a second factor: there is nothing to reset."
SECOND_FACTOR_NOT_YOURS = (
    "You cannot reset your own second factor here: use “Your second factor” on your "
    "account page, or ask another school admin."
)


@transaction.atomic
def reset_second_factor(*, membership: Membership, by: User) -> int:
    """Take away a colleague's authenticator app, passkeys and recovery codes (they lost
    their phone): every session of theirs ends, and at their next sign-in they set up a
    new one. Only the school that owns the account may; every school they belong to sees
    it in its audit trail, and they are told by e-mail. Returns how many were removed."""
    from allauth.mfa.models import Authenticator

    if not membership.may_manage_account or membership.is_invitation:
        raise ValidationError(NOT_OWNER)
    if membership.is_pupil:
        raise ValidationError(SECOND_FACTOR_NOT_STAFF)
    user = membership.user
    if user.pk == by.pk:
        raise ValidationError(SECOND_FACTOR_NOT_YOURS)
    removed, _ = Authenticator.objects.filter(user=user).delete()
    if not removed:
        # Nothing set up (or a second click): nothing to tell anyone about.
        return 0
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    for each in Membership.objects.filter(user=user, accepted_at__isnull=False).select_related(
        "school"
    ):
        record(
            action="second_factor.reset",
            target=each,
            by=by,
            changes={"by_school": membership.school.name} if each.pk != membership.pk else {},
        )
    if user.email:
        school = membership.school
        queue_email(
            school=school,
            to_address=user.email,
            subject=f"{school.name} peer mentoring: your second factor was reset",
            body=(
                f"Hello {user.first_name},\n\n{by.display_name}, a school admin at "
                f"{school.name}, has reset the second factor on your peer mentoring account "
                f"(your authenticator app, passkeys and recovery codes). You have been signed "
                f"out everywhere.\n\nNext time you sign in you will set up a new one:\n"
                f"{settings.SITE_URL}{reverse('login')}\n\n"
                f"If you did not ask for this, tell {school.name}'s office at once."
            ),
        )
    return int(removed)


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
