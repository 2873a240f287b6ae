"""What the notice board shows: who is in the room when, and when the room is open.

The board is made from the published rota(s) covering today (in a holiday, the next one
published): each mentor with a duty from today to the rota's end, with their photo (only
if their photo consent is recorded and a photo uploaded; otherwise their initial), first
name (their preferred name if they have one), form group, and the days and windows they
are in the room; and each room's opening times. It names no mentee and nothing else of
the mentor: the same board is printed for the wall and shown on a corridor screen
without signing in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from peermentoring.dropin.models import Duty, MentorPhoto, Room, RoomOpening, Rota
from peermentoring.dropin.schedule import weekly_openings
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import School, SchoolDayWindow

AVATAR_COLOURS = 6
DAY_NAMES = [label for _, label in SchoolDayWindow.Weekday.choices]


def today() -> dt.date:
    """The school's date (Europe/London); tests set it."""
    return timezone.localdate()


def time_words(moment: dt.time) -> str:
    """ "12:50": the 24-hour clock schools print on timetables."""
    return f"{moment:%H:%M}"


def kind_words(window: SchoolDayWindow) -> str:
    """ "break", "lunch", "AM registration": as in the middle of a sentence."""
    kind = window.get_kind_display()
    return kind if window.kind == SchoolDayWindow.Kind.AM_REGISTRATION else kind.lower()


@dataclass(frozen=True)
class OpeningTimes:
    """Some weekdays with the same opening times: "Monday to Friday", ["break 10:40 to 11:00"]."""

    days: str
    times: list[str]


@dataclass
class BoardRoom:
    name: str
    where: str
    opening_times: list[OpeningTimes]
    # Today's duties, window by window: ("Lunch, 12:50 to 13:35", ["Kwame", "Lily"]).
    today: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class BoardMentor:
    mentor_id: int
    first_name: str
    form_group: str
    shows_photo: bool
    photo_version: str  # changes with each upload, so a screen never shows a replaced photo
    slots: list[str]  # "Monday lunch", or "Monday lunch (Library)" with several rooms

    @property
    def initial(self) -> str:
        return self.first_name[:1].upper() or "?"

    @property
    def avatar(self) -> int:
        """Which of the avatar colours: the same for a mentor every time."""
        return self.mentor_id % AVATAR_COLOURS


@dataclass
class Board:
    rooms: list[BoardRoom]
    mentors: list[BoardMentor]
    first: dt.date | None  # the period the mentors' days are taken from
    last: dt.date | None

    @property
    def has_rota(self) -> bool:
        return self.first is not None


def rotas_shown(school: School, on: dt.date) -> list[Rota]:
    """The published rotas covering `on`; with none, the next one published (a holiday)."""
    ahead = list(Rota.objects.for_school(school).published().filter(ends_on__gte=on))
    covering = [r for r in ahead if r.starts_on <= on]
    if covering:
        return covering
    upcoming = sorted(ahead, key=lambda r: r.starts_on)
    return upcoming[:1]


def _duties(school: School, rotas: list[Rota], first: dt.date, last: dt.date) -> list[Duty]:
    return list(
        Duty.objects.for_school(school)
        .filter(rota__in=rotas, held_on__gte=first, held_on__lte=last)
        .filter(mentor__status=Mentor.Status.TRAINED)
        .exclude(attendance=Duty.Attendance.ABSENT)
        .select_related("mentor__pupil", "window", "room")
        .order_by("held_on", "window__start_time", "room__order")
    )


def board_mentor_ids(school: School, on: dt.date) -> set[int]:
    """The mentors the board shows today (the screen link shows only their photos)."""
    rotas = rotas_shown(school, on)
    if not rotas:
        return set()
    first = max(on, min(r.starts_on for r in rotas))
    last = max(r.ends_on for r in rotas)
    return set(
        Duty.objects.for_school(school)
        .filter(rota__in=rotas, held_on__gte=first, held_on__lte=last)
        .filter(mentor__status=Mentor.Status.TRAINED)
        .exclude(attendance=Duty.Attendance.ABSENT)
        .values_list("mentor_id", flat=True)
    )


def board_for(school: School, on: dt.date, *, with_today: bool = False) -> Board:
    """The notice board on `on`: rooms with their times, mentors with their days.

    `with_today` adds who is on duty today in each room (the corridor screen).
    A handful of queries whatever the number of mentors.
    """
    openings = weekly_openings(school)
    rooms = _rooms(openings)
    rotas = rotas_shown(school, on)
    if not rotas:
        return Board(rooms=list(rooms.values()), mentors=[], first=None, last=None)
    first = max(on, min(r.starts_on for r in rotas))
    last = max(r.ends_on for r in rotas)
    duties = _duties(school, rotas, first, last)
    several_rooms = len({d.room_id for d in duties} | set(rooms)) > 1
    slots: dict[int, set[tuple[int, dt.time, int, str]]] = defaultdict(set)
    mentors: dict[int, Mentor] = {}
    today_names: dict[int, dict[SchoolDayWindow, list[str]]] = defaultdict(dict)
    for duty in duties:
        mentors[duty.mentor_id] = duty.mentor
        room = f" ({duty.room.name})" if several_rooms else ""
        slots[duty.mentor_id].add(
            (duty.window.weekday, duty.window.start_time, duty.room.order, duty.window.label + room)
        )
        if with_today and duty.held_on == on:
            names = today_names[duty.room_id].setdefault(duty.window, [])
            names.append(duty.mentor.pupil.first_name)
    photos = _photos(list(mentors))
    board_mentors = [
        BoardMentor(
            mentor_id=mentor.pk,
            first_name=mentor.pupil.first_name,
            form_group=mentor.pupil.form_group,
            shows_photo=photos.get(mentor.pk, (False, ""))[0],
            photo_version=photos.get(mentor.pk, (False, ""))[1],
            slots=[label for *_, label in sorted(slots[mentor.pk])],
        )
        for mentor in mentors.values()
    ]
    board_mentors.sort(key=lambda m: (m.first_name.lower(), m.form_group, m.mentor_id))
    if with_today:
        for room_id, by_window in today_names.items():
            if room_id in rooms:
                rooms[room_id].today = [
                    (
                        f"{w.get_kind_display()}, "
                        f"{time_words(w.start_time)} to {time_words(w.end_time)}",
                        sorted(names, key=str.lower),
                    )
                    for w, names in sorted(by_window.items(), key=lambda item: item[0].start_time)
                ]
    return Board(rooms=list(rooms.values()), mentors=board_mentors, first=first, last=last)


def _photos(mentor_ids: list[int]) -> dict[int, tuple[bool, str]]:
    """Mentor id -> (whether the board shows their photo, its version), without the bytes."""
    rows = (
        MentorPhoto.objects.filter(mentor__in=mentor_ids)
        .annotate(has_image=ExpressionWrapper(Q(image__isnull=False), output_field=BooleanField()))
        .values_list("mentor_id", "consent_recorded_at", "has_image", "uploaded_at")
    )
    return {
        mentor_id: (
            consent is not None and bool(has_image),
            f"{uploaded_at:%Y%m%d%H%M%S}" if uploaded_at else "",
        )
        for mentor_id, consent, has_image, uploaded_at in rows
    }


def _rooms(openings: list[RoomOpening]) -> dict[int, BoardRoom]:
    """Each open room with its opening times, days with the same times together."""
    by_room: dict[int, tuple[Room, dict[int, list[SchoolDayWindow]]]] = {}
    for opening in openings:
        room, days = by_room.setdefault(opening.room_id, (opening.room, defaultdict(list)))
        days[opening.window.weekday].append(opening.window)
    rooms: dict[int, BoardRoom] = {}
    for room_id, (room, days) in sorted(
        by_room.items(), key=lambda item: (item[1][0].order, item[1][0].name)
    ):
        groups: dict[tuple[str, ...], list[int]] = {}
        for weekday in sorted(days):
            times = tuple(
                f"{kind_words(w)} {time_words(w.start_time)} to {time_words(w.end_time)}"
                for w in sorted(days[weekday], key=lambda w: w.start_time)
            )
            groups.setdefault(times, []).append(weekday)
        rooms[room_id] = BoardRoom(
            name=room.name,
            where=room.where,
            opening_times=[
                OpeningTimes(days=days_words(weekdays), times=list(times))
                for times, weekdays in groups.items()
            ],
        )
    return rooms


def days_words(weekdays: list[int]) -> str:
    """ "Monday to Friday", "Monday and Wednesday", "Monday, Tuesday and Thursday"."""
    names = [DAY_NAMES[d] for d in weekdays]
    if len(weekdays) >= 3 and weekdays == list(range(weekdays[0], weekdays[-1] + 1)):
        return f"{names[0]} to {names[-1]}"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"
