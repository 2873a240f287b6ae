"""What the rota solver is asked: the school's openings, mentors and windows as a `rota.Problem`.

Read-only: nothing here writes. `plan_for` gathers, in a few queries whatever the number of
mentors, the openings of a period from a day on, the trained mentors who may be on duty
then, whether each is experienced, when each can do duties (`availability.availability_for`)
and when each usually meets a mentee (`meetings.windows.usual_windows`, the windows the pair
or the coordinator chose: a pair who have not chosen keep no mentor off duty), and a rota's
locked and excluded duties. `problem_json` writes a problem and its answer as the one JSON
object `manage.py build_rota --json` prints, for anyone to check a rota independently.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from peermentoring.core.forms import MAX_ID
from peermentoring.dropin import rota as solver
from peermentoring.dropin.availability import availability_for
from peermentoring.dropin.models import Duty, RoomOpening, Rota
from peermentoring.dropin.schedule import DatedOpening, openings_between, teaching_days
from peermentoring.matching.models import Pairing
from peermentoring.meetings import rules
from peermentoring.meetings.windows import usual_windows
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.schools.models import School, SchoolDayWindow

# An opening's key is "room-window-YYYY-MM-DD": anything longer names none.
KEY_MAX = 40


def today() -> dt.date:
    """The school's clock (Europe/London), as the meetings rules read it (tests set it)."""
    return rules.now().date()


# --- Words --------------------------------------------------------------------------


def window_words(window: SchoolDayWindow) -> str:
    """ "lunch", "break", "AM registration": the school's words, mid-sentence."""
    kind = window.get_kind_display()
    return kind if window.kind == SchoolDayWindow.Kind.AM_REGISTRATION else kind.lower()


def day_words(day: dt.date) -> str:
    """ "Thursday 4 December", with the year when it is not this year's."""
    words = f"{day:%A} {day.day} {day:%B}"
    return words if day.year == today().year else f"{words} {day.year}"


def opening_words(day: dt.date, window: SchoolDayWindow, room: Any = None) -> str:
    """ "Thursday 4 December, lunch" (", in the Library" when the room is named)."""
    words = f"{day_words(day)}, {window_words(window)}"
    return f"{words}, in the {room}" if room is not None else words


def weekdays_of(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """A period's dates without the weekend at either end: the second half of a term
    begins on the Saturday after half-term, its rota on the Monday."""
    while first.weekday() >= 5:
        first += dt.timedelta(days=1)
    while last.weekday() >= 5:
        last -= dt.timedelta(days=1)
    return first, last


def duty_words(duty: Duty) -> str:
    """A duty as a sentence names it: "Thursday 4 December, lunch, in the Peer Mentoring room"."""
    return opening_words(duty.held_on, duty.window, duty.room)


# --- Openings by key -----------------------------------------------------------------


def duty_key(duty: Duty) -> str:
    """The key of the opening a duty is at: the same as `DatedOpening.key`."""
    return f"{duty.room_id}-{duty.window_id}-{duty.held_on.isoformat()}"


def _row_id(text: str) -> int | None:
    if not text.isdecimal() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def dated_opening(school: School, key: str) -> DatedOpening | None:
    """The school's opening a key names ("12-40-2026-11-30"), or None if it names none:
    another school's room, a window the room is not open at, a day that is no teaching day."""
    if len(key) > KEY_MAX:
        return None
    parts = key.split("-")
    if len(parts) != 5:
        return None
    room_id, window_id = _row_id(parts[0]), _row_id(parts[1])
    try:
        day = dt.date.fromisoformat("-".join(parts[2:]))
    except ValueError:
        return None
    if room_id is None or window_id is None:
        return None
    opening = (
        RoomOpening.objects.for_school(school)
        .filter(room=room_id, window=window_id, room__is_active=True, window__is_active=True)
        .select_related("room", "window")
        .first()
    )
    if opening is None or opening.window.weekday != day.weekday():
        return None
    if not teaching_days(school, day, day):
        return None
    return DatedOpening(opening=opening, day=day)


# --- The mentors who may be on duty ----------------------------------------------------


@dataclass(frozen=True)
class PoolMentor:
    """A trained mentor who may be on duty, with when they can and when they meet a mentee."""

    mentor: Mentor
    experienced: bool
    available: frozenset[tuple[int, str]]  # (weekday, window kind)
    meets: frozenset[tuple[int, str]]

    @property
    def name(self) -> str:
        return self.mentor.pupil.full_name

    def is_free(self, window: SchoolDayWindow) -> bool:
        return (window.weekday, window.kind) in self.available

    def is_meeting(self, window: SchoolDayWindow) -> bool:
        return (window.weekday, window.kind) in self.meets


def mentor_pool(
    school: School,
    first: dt.date,
    last: dt.date,
    windows: Sequence[SchoolDayWindow] | None = None,
    only: Sequence[int] | None = None,
) -> dict[int, PoolMentor]:
    """Mentor id -> the school's trained mentors serving from `first` to `last` whom
    `Mentor.can_mentor()` accepts (of `only`, when given), by name."""
    mentors = Mentor.objects.for_school(school).trained()
    mentors = mentors.filter(academic_year__starts_on__lte=last, academic_year__ends_on__gte=first)
    if only is not None:
        mentors = mentors.filter(pk__in=only)
    found = list(mentors.select_related("pupil", "academic_year"))
    able = able_to_mentor_ids(found) if found else set()
    found = [m for m in found if m.pk in able]
    if not found:
        return {}
    if windows is None:
        windows = list(SchoolDayWindow.objects.for_school(school))
    by_id = {w.pk: w for w in windows}
    experienced: dict[dt.date, set[int]] = {}
    for start in {m.academic_year.starts_on for m in found}:
        experienced[start] = set(
            Mentor.objects.for_school(school)
            .experienced_for(start)
            .filter(pupil__in=[m.pupil_id for m in found])
            .values_list("pupil_id", flat=True)
        )
    free = availability_for(found, windows)
    meets: dict[int, set[tuple[int, str]]] = defaultdict(set)
    pairings = list(Pairing.objects.for_school(school).active().filter(mentor__in=found))
    usual = usual_windows(pairings, windows) if pairings else {}
    for pairing in pairings:
        chosen_windows, chosen = usual[pairing.pk]
        if chosen:
            meets[pairing.mentor_id] |= {(w.weekday, w.kind) for w in chosen_windows}
    pool = {}
    for mentor in sorted(found, key=lambda m: (m.pupil.family_name, m.pupil.given_name, m.pk)):
        window_ids, _ = free.get(mentor.pk, (set(), False))
        pool[mentor.pk] = PoolMentor(
            mentor=mentor,
            experienced=mentor.is_experienced
            or mentor.pupil_id in experienced[mentor.academic_year.starts_on],
            available=frozenset(
                (by_id[i].weekday, by_id[i].kind) for i in window_ids if i in by_id
            ),
            meets=frozenset(meets.get(mentor.pk, set())),
        )
    return pool


# --- The problem ------------------------------------------------------------------------


@dataclass
class Plan:
    """A period's problem for the solver, and the rows behind its ids."""

    problem: solver.Problem
    openings: dict[str, DatedOpening]
    pool: dict[int, PoolMentor]
    since: dt.date
    # Today's openings whose window has begun: their duties stay as they are.
    begun: frozenset[str] = frozenset()


def plan_for(
    school: School,
    first: dt.date,
    last: dt.date,
    *,
    rota: Rota | None = None,
    since: dt.date | None = None,
    time_limit_s: float | None = None,
) -> Plan:
    """The problem of the openings from `since` (default today, never before `first`) to
    `last`: the days before are kept as they are. A rota's locked duties, and those done or
    missed, are fixed; its duties marked absent are excluded. So are the duties of today's
    openings whose window has begun (building again at one o'clock leaves the morning's
    break as it was): the solver neither moves them nor adds anyone to them."""
    since = max(first, since or today())
    windows = list(SchoolDayWindow.objects.for_school(school))
    dated = openings_between(school, since, last) if since <= last else []
    moment = rules.now()
    begun = frozenset(
        d.key for d in dated if d.day == moment.date() and d.window.start_time <= moment.time()
    )
    several = len({d.opening.room_id for d in dated}) > 1
    openings = {d.key: d for d in dated}
    pool = mentor_pool(school, first, last, windows)
    locked: set[tuple[str, int]] = set()
    excluded: set[tuple[str, int]] = set()
    if rota is not None:
        for duty in Duty.objects.filter(rota=rota, held_on__gte=since):
            pair = (duty_key(duty), duty.mentor_id)
            if pair[0] not in openings or duty.mentor_id not in pool:
                continue
            if duty.attendance == Duty.Attendance.ABSENT:
                excluded.add(pair)
            elif duty.is_locked or duty.attendance != Duty.Attendance.EXPECTED or pair[0] in begun:
                locked.add(pair)
    on_begun = Counter(key for key, _ in locked if key in begun)
    problem = solver.Problem(
        openings=tuple(
            solver.Opening(
                id=d.key,
                day=d.day,
                window=d.window.kind,
                room=d.room.name,
                min=on_begun[d.key] if d.key in begun else d.opening.min_on_duty,
                max=on_begun[d.key] if d.key in begun else d.opening.max_on_duty,
                label=opening_words(d.day, d.window, d.room if several else None),
            )
            for d in dated
        ),
        mentors=tuple(
            solver.MentorIn(
                id=p.mentor.pk,
                name=p.name,
                experienced=p.experienced,
                available=p.available,
                meets=p.meets,
            )
            for p in pool.values()
        ),
        locked=frozenset(locked),
        excluded=frozenset(excluded),
    )
    if time_limit_s is not None:
        problem = replace(problem, time_limit_s=time_limit_s)
    return Plan(problem=problem, openings=openings, pool=pool, since=since, begun=begun)


def problem_json(problem: solver.Problem, answer: solver.Answer) -> dict[str, Any]:
    """The problem and its answer as one JSON object (issue 14's shape, and a few more keys:
    each mentor's `meets`, the `locked` and `excluded` pairs, the solver's status and gap)."""

    def pairs(windows: frozenset[tuple[int, str]]) -> list[dict[str, Any]]:
        return [{"weekday": day, "window": kind} for day, kind in sorted(windows)]

    return {
        "openings": [
            {
                "id": o.id,
                "date": o.day.isoformat(),
                "window": o.window,
                "room": o.room,
                "min": o.min,
                "max": o.max,
                "unstaffable": answer.unstaffable.get(o.id),
                "label": o.label,
            }
            for o in problem.openings
        ],
        "mentors": [
            {
                "id": m.id,
                "name": m.name,
                "experienced": m.experienced,
                "available": pairs(m.available),
                "meets": pairs(m.meets),
            }
            for m in problem.mentors
        ],
        "duties": [{"opening": d.opening, "mentor": d.mentor} for d in answer.duties],
        "locked": [{"opening": o, "mentor": m} for o, m in sorted(problem.locked)],
        "excluded": [{"opening": o, "mentor": m} for o, m in sorted(problem.excluded)],
        "status": answer.status,
        "objective": answer.objective,
        "bound": answer.bound,
        "gap": answer.gap,
        "seconds": answer.seconds,
    }
