"""Each mentor's drop-in duties since the group's last session, for the session page.

A duty is shown once: from the day after the group's previous session (or, for its first,
from the Monday of the week before) to the day of this one, on the published rota only
(a draft was never the mentors' to do).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from peermentoring.dropin.models import Duty
from peermentoring.dropin.rota_plan import window_words
from peermentoring.supervision.models import Session

WORDS: dict[str, str] = {
    Duty.Attendance.DONE: "done",
    Duty.Attendance.MISSED: "missed",
    Duty.Attendance.ABSENT: "absent (told us)",
    Duty.Attendance.EXPECTED: "not recorded",
}


@dataclass(frozen=True)
class DutyLine:
    """One duty as the session card says it: "Tue 18 Nov, lunch: missed"."""

    held_on: dt.date
    window: str
    state: str
    is_missed: bool


def since_last_session(session: Session) -> tuple[dt.date, dt.date]:
    """The days this session looks back over: after the last session, up to this one."""
    previous = (
        Session.objects.filter(group=session.group_id, week_of__lt=session.week_of)
        .order_by("-week_of")
        .values_list("held_on", flat=True)
        .first()
    )
    first = previous + dt.timedelta(days=1) if previous else session.week_of - dt.timedelta(days=7)
    return first, session.held_on


def duties_since_last_session(
    session: Session, mentor_ids: Sequence[int]
) -> dict[int, list[DutyLine]]:
    """Mentor id -> their duties on the published rota since the group's last session."""
    first, last = since_last_session(session)
    lines: dict[int, list[DutyLine]] = defaultdict(list)
    for duty in (
        Duty.objects.for_school(session.school_id)
        .published()
        .filter(mentor__in=mentor_ids, held_on__gte=first, held_on__lte=last)
        .select_related("window")
        .order_by("held_on", "window__start_time")
    ):
        lines[duty.mentor_id].append(
            DutyLine(
                held_on=duty.held_on,
                window=window_words(duty.window),
                state=WORDS.get(duty.attendance, duty.attendance),
                is_missed=duty.attendance == Duty.Attendance.MISSED,
            )
        )
    return dict(lines)
