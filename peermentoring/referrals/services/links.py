"""The feeder primaries' signed referral links: made, opened, switched off and used to refer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.referrals.models import (
    LINK_DEFAULT_CHILDREN,
    LINK_MAX_CHILDREN,
    PrimaryReferralLink,
    Referral,
)
from peermentoring.referrals.services.referrals import (
    ChildDetails,
    _create_referral,
    check_year_7_birthday,
    september_starting_year_7,
)
from peermentoring.schools.models import FeederPrimary, School

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
NO_CHILDREN = "List at least one child."


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
