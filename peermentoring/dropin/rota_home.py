"""The rota on home pages: the mentor's card (on duty today, the next duty) and the
coordinator's to-dos (a rota not built or not published for the next two weeks, duties
short of mentors this week). A few queries each, whatever the size of the school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.dropin.models import Duty, Rota
from peermentoring.dropin.rota_plan import (
    day_words,
    opening_words,
    today,
    weekdays_of,
    window_words,
)
from peermentoring.dropin.schedule import periods_around, teaching_days, weekly_openings
from peermentoring.meetings import rules

CARD_TEMPLATE = "dropin/rota_card.html"
# How far ahead the coordinator is asked to have a published rota.
AHEAD_DAYS = 13


@dataclass(frozen=True)
class DutyCard:
    today: Duty | None
    next: Duty | None
    next_words: str
    # Today's duty: where to record who came, afterwards.
    record_url: str = ""


def _record_url(membership: Any, duty: Duty) -> str:
    query = urlencode({"room": duty.room_id, "window": duty.window_id, "on": duty.held_on})
    return school_url(membership, "dropin:visit", query)


def my_duty_card(membership: Any) -> list[TodoItem]:
    """ "On duty today: lunch in the Peer Mentoring room", and the next duty after."""
    if membership.pupil_id is None:
        return []
    now = today()
    coming = list(
        Duty.objects.for_school(membership.school)
        .published()
        .filter(mentor__pupil=membership.pupil_id, held_on__gte=now)
        .exclude(attendance=Duty.Attendance.ABSENT)
        .select_related("room", "window")
        .order_by("held_on", "window__start_time")[:2]
    )
    if not coming:
        return []
    on_today = coming[0] if coming[0].held_on == now else None
    following = coming[1] if on_today and len(coming) > 1 else (None if on_today else coming[0])
    if on_today is not None:
        label = f"On duty today: {window_words(on_today.window)} in the {on_today.room}"
    else:
        label = "Your next drop-in duty"
    words = opening_words(following.held_on, following.window) if following else ""
    return [
        TodoItem(
            label=label,
            url=school_url(membership, "dropin:my-duties"),
            template=CARD_TEMPLATE,
            detail=DutyCard(
                today=on_today,
                next=following,
                next_words=words,
                record_url=_record_url(membership, on_today) if on_today else "",
            ),
        )
    ]


def _period_words(school: Any, rota_first: dt.date, rota_last: dt.date | None = None) -> str:
    """The half-term or term a day (or a rota's dates) make: "Autumn 2, 2025"; else dates."""
    periods = periods_around(school, rota_first)
    if rota_last is not None:
        dates = weekdays_of(rota_first, rota_last)
        exact = [p for p in periods if weekdays_of(p.first, p.last) == dates]
        if exact:
            return exact[0].label
        return f"{day_words(rota_first)} to {day_words(rota_last)}"
    holding = [p for p in periods if p.first <= rota_first <= p.last]
    if holding:
        return min(holding, key=lambda p: p.last - p.first).label
    return f"the days from {day_words(rota_first)}"


def rota_items(membership: Any) -> list[TodoItem]:
    """The rota for the next two weeks of school days: not built, not published, or with
    duties still to fill this week."""
    school = membership.school
    now = today()
    days = teaching_days(school, now, now + dt.timedelta(days=AHEAD_DAYS))
    if not days:
        return []
    rotas = list(
        Rota.objects.for_school(school).filter(starts_on__lte=days[-1], ends_on__gte=days[0])
    )
    items = []
    uncovered = [d for d in days if not any(r.starts_on <= d <= r.ends_on for r in rotas)]
    if uncovered:
        items.append(
            TodoItem(
                label=f"Drop-in rota for {_period_words(school, uncovered[0])} not built",
                url=school_url(membership, "dropin:rotas"),
            )
        )
    for rota in rotas:
        if not rota.is_published:
            items.append(
                TodoItem(
                    label="Drop-in rota for "
                    f"{_period_words(school, rota.starts_on, rota.ends_on)} not published",
                    url=school_url(membership, "dropin:rota", rota_pk=rota.pk),
                )
            )
    friday = now + dt.timedelta(days=4 - now.weekday()) if now.weekday() < 5 else now
    this_week = [d for d in days if d <= friday]
    published = [r for r in rotas if r.is_published]
    if this_week and published:
        short = _short_this_week(school, this_week, published)
        if short:
            rota = next(r for r in published if r.starts_on <= this_week[-1])
            items.append(
                TodoItem(
                    label=f"{short} drop-in dut{'ies' if short != 1 else 'y'} unstaffed this week",
                    url=school_url(membership, "dropin:rota", rota_pk=rota.pk),
                )
            )
    return items


def _short_this_week(school: Any, days: list[dt.date], rotas: list[Rota]) -> int:
    """Places on duty still to fill on these days: each opening's fewest less those on duty.
    Today's openings whose window has begun are past filling, so not counted."""
    moment = rules.now()
    on = {
        (row["room"], row["window"], row["held_on"]): row["n"]
        for row in Duty.objects.filter(rota__in=rotas, held_on__in=days)
        .exclude(attendance=Duty.Attendance.ABSENT)
        .values("room", "window", "held_on")
        .annotate(n=Count("pk"))
    }
    covered = [d for d in days if any(r.starts_on <= d <= r.ends_on for r in rotas)]
    return sum(
        max(0, opening.min_on_duty - on.get((opening.room_id, opening.window_id, day), 0))
        for opening in weekly_openings(school)
        for day in covered
        if opening.window.weekday == day.weekday()
        and not (day == moment.date() and opening.window.start_time <= moment.time())
    )
