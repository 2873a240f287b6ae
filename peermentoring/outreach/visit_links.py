"""The signed link a feeder primary's contact answers a visit's plan through, with no account.

The token signs the visit, its school, the visit's `link_nonce` and the last day the link
works: 21 days after it was sent, and never after the visit's date. A new nonce is made
when the link is answered, sent again, when the visit's date or time changes, and when it
is cancelled: a link whose nonce is no longer the visit's cannot be used again, and says
why. The token sits in the address's path, under /visit-plan/, which the access logs write
as "[token]" (core/privacy.py).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from peermentoring.outreach.models import PrimaryVisit
from peermentoring.schools.models import School

LINK_SALT = "peermentoring.outreach.visit-plan"
LINK_DAYS = 21

LINK_INVALID = (
    "This link is not valid. Check it was copied whole from the e-mail, or ask the "
    "secondary school to send the plan again."
)
LINK_EXPIRED = (
    "This link has expired. If you still need to answer, ask the secondary school to send "
    "the plan again."
)
LINK_USED = (
    "This link has already been used: {school} has your answer. If something has changed, "
    "reply to their e-mail or ask them to send the plan again."
)
LINK_REPLACED = (
    "This link has been replaced by a newer one: please use the link in the latest e-mail "
    "from {school}."
)
LINK_CANCELLED = "{school} has cancelled this visit, so there is nothing to answer."


def new_nonce() -> str:
    """A fresh one-time value for a visit's link (any earlier link stops working)."""
    return secrets.token_urlsafe(16)[:32]


def link_expires_on(visit: PrimaryVisit, today: dt.date) -> dt.date:
    """The last day a link sent today works: 21 days on, and never after the visit's date."""
    return min(today + dt.timedelta(days=LINK_DAYS), visit.visit_on)


def visit_token(visit: PrimaryVisit, expires_on: dt.date) -> str:
    """The signed, timestamped token naming the visit, its school, its nonce and last day."""
    payload = {
        "v": visit.pk,
        "s": visit.school_id,
        "n": visit.link_nonce,
        "e": expires_on.isoformat(),
    }
    return signing.dumps(payload, salt=LINK_SALT, compress=True)


def visit_url(visit: PrimaryVisit, school: School, token: str) -> str:
    """The link's whole address, for the e-mail."""
    path = reverse("outreach:visit-plan", kwargs={"school_slug": school.slug, "token": token})
    return f"{settings.SITE_URL}{path}"


def _payload(token: str) -> dict[str, object]:
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=dt.timedelta(days=LINK_DAYS + 1))
    except signing.SignatureExpired as error:
        raise ValidationError(LINK_EXPIRED, code="expired") from error
    except signing.BadSignature as error:
        raise ValidationError(LINK_INVALID, code="invalid") from error
    if not isinstance(data, dict):
        raise ValidationError(LINK_INVALID, code="invalid")
    return data


def link_rate_key(token: str) -> str:
    """The visit a token names, for rate limits: every token of one visit shares a count."""
    try:
        data = _payload(token)
    except ValidationError:
        return "not-a-link"
    return f"visit-{data.get('v')}"


def open_visit_link(token: str, *, school: School, today: dt.date) -> PrimaryVisit:
    """The visit a token names, in the school of the address, if the link may still answer it.

    Refused in words: an altered token, or one of another school or visit (invalid); past
    its last day (expired); already answered (used); sent again since (replaced); or the
    visit cancelled.
    """
    data = _payload(token)
    visit_pk, school_pk, nonce = data.get("v"), data.get("s"), data.get("n")
    if not (isinstance(visit_pk, int) and isinstance(school_pk, int) and isinstance(nonce, str)):
        raise ValidationError(LINK_INVALID, code="invalid")
    if school_pk != school.pk:
        raise ValidationError(LINK_INVALID, code="invalid")
    try:
        expires_on = dt.date.fromisoformat(str(data.get("e")))
    except ValueError as error:
        raise ValidationError(LINK_INVALID, code="invalid") from error
    visit = (
        PrimaryVisit.objects.for_school(school)
        .select_related("primary", "school")
        .filter(pk=visit_pk)
        .first()
    )
    if visit is None or visit.primary.school_id != school.pk or not nonce:
        raise ValidationError(LINK_INVALID, code="invalid")
    if today > expires_on:
        raise ValidationError(LINK_EXPIRED, code="expired")
    if visit.status == PrimaryVisit.Status.CANCELLED:
        raise ValidationError(LINK_CANCELLED.format(school=school.name), code="cancelled")
    if not secrets.compare_digest(nonce, visit.link_nonce):
        if visit.answered_at is not None:
            raise ValidationError(LINK_USED.format(school=school.name), code="used")
        raise ValidationError(LINK_REPLACED.format(school=school.name), code="replaced")
    if visit.status == PrimaryVisit.Status.DONE or today > visit.visit_on:
        raise ValidationError(LINK_EXPIRED, code="expired")
    return visit
