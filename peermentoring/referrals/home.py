"""Referrals on the home pages: registered in ReferralsConfig.ready(), shown by schools.

The staff's to-do items (referrals waiting for review by urgency and age, the matching
queue), the figures on a school's home page, and the trust's figures per school.
Counts only: nothing here names a pupil.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.referrals.models import Referral

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership, School

# A referral not marked urgent is flagged once it has waited longer than this for review,
# and the matching queue once a pupil in it has waited longer than this for a mentor.
REVIEW_WITHIN_DAYS = 14
MATCH_WITHIN_DAYS = 28
# The trust's figures group the referrals waiting for review by how long they have waited.
RECENT_DAYS, LONG_DAYS = 14, 42

REVIEW_STATUSES = (Referral.Status.NEW, Referral.Status.MORE_INFO)
REVIEW = Q(status__in=REVIEW_STATUSES)
QUEUE = Q(status=Referral.Status.ACCEPTED)
# When a referral joined the matching queue.
ACCEPTED_AT = Coalesce("reviewed_at", "referred_at")


def referrals_waiting_for_review(membership: Membership) -> int:
    """Referrals the coordinator has not yet accepted or declined."""
    counts = _waiting(membership)
    return int(counts["review_urgent"] + counts["review_other"])


def mentees_waiting(membership: Membership) -> int:
    """Accepted referrals still waiting for a mentor (the matching queue)."""
    return int(_waiting(membership)["queue"])


def how_long(since: dt.datetime | None, now: dt.datetime) -> str:
    """ "for 3 days", "for 6 weeks": how long something has waited, in a teacher's words."""
    if since is None:
        return ""
    days = (now - since).days
    if days < 1:
        return "since today"
    if days < 14:
        return f"for {days} day{'s' if days != 1 else ''}"
    return f"for {days // 7} weeks"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _waiting(membership: Membership) -> dict[str, Any]:
    """Counts and the oldest dates of the referrals waiting, in one query a request.

    The figures and the to-do items all read these: the answer is kept on the
    membership, which lives for one request.
    """
    counts: dict[str, Any] | None = getattr(membership, "_referrals_waiting", None)
    if counts is None:
        counts = _count_waiting(membership.school)
        membership._referrals_waiting = counts  # type: ignore[attr-defined]
    return counts


def _count_waiting(school: School) -> dict[str, Any]:
    """The counts and oldest dates by status and priority, added up here: a grouped query
    costs a page far less to build than eight conditional aggregates."""
    waiting = [*REVIEW_STATUSES, Referral.Status.ACCEPTED]
    rows = (
        Referral.objects.filter(school=school, status__in=waiting)
        .values_list("status", "priority")
        .annotate(n=Count("pk"), referred=Min("referred_at"), accepted=Min(ACCEPTED_AT))
        .order_by()
    )
    counts: dict[str, Any] = {
        "review_urgent": 0,
        "review_urgent_since": None,
        "review_other": 0,
        "review_other_since": None,
        "queue": 0,
        "queue_since": None,
        "queue_urgent": 0,
        "queue_urgent_since": None,
    }

    def add(key: str, n: int, since: dt.datetime) -> None:
        counts[key] += n
        earliest = counts[f"{key}_since"]
        counts[f"{key}_since"] = since if earliest is None else min(earliest, since)

    for status, priority, n, referred, accepted in rows:
        urgent = priority == Referral.Priority.URGENT
        if status in REVIEW_STATUSES:
            add("review_urgent" if urgent else "review_other", n, referred)
        else:
            add("queue", n, accepted)
            if urgent:
                add("queue_urgent", n, accepted)
    return counts


def _urgent_for_review(
    membership: Membership, counts: dict[str, Any], now: dt.datetime
) -> TodoItem:
    count = counts["review_urgent"]
    oldest = how_long(counts["review_urgent_since"], now)
    label = (
        f"{_plural(count, 'urgent referral')} waiting for review, the oldest {oldest}"
        if count > 1
        else f"1 urgent referral waiting for review {oldest}"
    )
    url = school_url(membership, "referrals:referral-list", "show=review&priority=urgent")
    return TodoItem(label=label, url=url, urgent=True)


def scheme_referrals(membership: Membership) -> list[TodoItem]:
    """The coordinator's and school admin's referrals: to review (urgent first), and the queue."""
    now = timezone.now()
    counts = _waiting(membership)
    items = []
    if counts["review_urgent"]:
        items.append(_urgent_for_review(membership, counts, now))
    if counts["review_other"]:
        since = counts["review_other_since"]
        count = counts["review_other"]
        other = "other " if counts["review_urgent"] else ""
        label = (
            f"{count} {other}referrals waiting for review, the oldest {how_long(since, now)}"
            if count > 1
            else f"1 {other}referral waiting for review {how_long(since, now)}"
        )
        overdue = now - since > dt.timedelta(days=REVIEW_WITHIN_DAYS)
        url = school_url(membership, "referrals:referral-list", "show=review")
        items.append(TodoItem(label=label, url=url, urgent=overdue))
    if counts["queue"]:
        count, urgent = counts["queue"], counts["queue_urgent"]
        label = (
            f"{_plural(count, 'pupil')} in the matching queue waiting for a mentor"
            + (f", {urgent} of them urgent" if urgent else "")
            + (
                f", the longest {how_long(counts['queue_since'], now)}"
                if count > 1
                else f", {how_long(counts['queue_since'], now)}"
            )
        )
        url = school_url(membership, "referrals:referral-list", "show=queue")
        overdue = now - counts["queue_since"] > dt.timedelta(days=MATCH_WITHIN_DAYS)
        items.append(TodoItem(label=label, url=url, urgent=bool(urgent) or overdue))
    return items


def safeguarding_referrals(membership: Membership) -> list[TodoItem]:
    """The safeguarding lead's referrals: the urgent ones, waiting for review or for a mentor."""
    now = timezone.now()
    counts = _waiting(membership)
    items = []
    if counts["review_urgent"]:
        items.append(_urgent_for_review(membership, counts, now))
    if counts["queue_urgent"]:
        count = counts["queue_urgent"]
        since = how_long(counts["queue_urgent_since"], now)
        label = (
            f"{count} urgent referrals accepted and waiting for a mentor, the longest {since}"
            if count > 1
            else f"1 urgent referral accepted and waiting for a mentor {since}"
        )
        url = school_url(membership, "referrals:referral-list", "show=queue&priority=urgent")
        items.append(TodoItem(label=label, url=url, urgent=True))
    return items


# --- Each school's figures, for the trust lead ----------------------------------------


def _per_school(schools: Sequence[School], condition: Q) -> Mapping[int, int]:
    rows = (
        Referral.objects.filter(condition, school__in=[s.pk for s in schools])
        .values("school")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["school"]: row["n"] for row in rows}


def mentees_waiting_by_school(schools: Sequence[School]) -> Mapping[int, int]:
    """Accepted referrals without a mentor yet, per school."""
    return _per_school(schools, QUEUE)


def _waited(more_than: int | None = None, at_most: int | None = None) -> Q:
    now, condition = timezone.now(), REVIEW
    if more_than is not None:
        condition &= Q(referred_at__lt=now - dt.timedelta(days=more_than))
    if at_most is not None:
        condition &= Q(referred_at__gte=now - dt.timedelta(days=at_most))
    return condition


def review_recent_by_school(schools: Sequence[School]) -> Mapping[int, int]:
    """Referrals waiting for review under two weeks, per school."""
    return _per_school(schools, _waited(at_most=RECENT_DAYS))


def review_weeks_by_school(schools: Sequence[School]) -> Mapping[int, int]:
    """Referrals waiting for review two to six weeks, per school."""
    return _per_school(schools, _waited(more_than=RECENT_DAYS, at_most=LONG_DAYS))


def review_long_by_school(schools: Sequence[School]) -> Mapping[int, int]:
    """Referrals waiting for review over six weeks, per school."""
    return _per_school(schools, _waited(more_than=LONG_DAYS))
