"""The demo's one-to-one meetings: last year's, to the figures the school quotes, and this year's.

Called by `demo.builder.load_demo` once the pairings exist. Last year's autumn term
comes to exactly 527 meetings and its spring term to 180 (the school's own words:
"527 meetings from September to December, 180 from January to March"), counted as
`meetings.counting.total` counts them: a few pairing-weeks are only a "met N times"
count, in weeks with nothing itemised for that pair, so the count adds to the total.
Meetings that did not happen (mentee absent, mentor absent, cancelled) count apart.

Every meeting is on a teaching day, in a window of that weekday, after the mentor
finished training, while the pair were paired: `meetings.rules.check_meeting_time`
accepts each (the demo's tests run every one through it). Pairs meet mostly in their
usual windows; a mentor never has two mentees in one window. This year runs to the
last school day before today; two pairs have gone quiet, so the coordinator's list of
pairings with no meeting for two school weeks is not empty.

Thousands of rows: written with `bulk_create` in the demo's one transaction, not one
`log_meeting` each (which checks the same rules row by row).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.matching.models import Pairing
from peermentoring.meetings.counting import monday, quiet_threshold
from peermentoring.meetings.models import Meeting, Topic, WeekCount
from peermentoring.meetings.services import set_usual_windows, topics_for
from peermentoring.meetings.windows import usual_windows
from peermentoring.mentors.readiness import ready_since
from peermentoring.schools.models import AcademicYear, Membership, School, SchoolDayWindow, Term

# Last year's totals, as the school reports them.
TERM_TOTALS: dict[str, int] = {Term.Name.AUTUMN: 527, Term.Name.SPRING: 180, Term.Name.SUMMER: 120}
# Pairing-weeks reported only as "met N times" in supervision, per term of last year.
COUNTED_WEEKS: dict[str, int] = {Term.Name.AUTUMN: 4, Term.Name.SPRING: 3, Term.Name.SUMMER: 2}
AWAY_FROM_USUAL = 0.08  # a meeting moved to another window now and then
DID_NOT_HAPPEN = 0.06  # of the meetings that happened, this many more did not
THIS_YEAR_RATE = 0.75  # of a pair's usual windows this year, the share they met in
QUIET_PAIRS = 2
NOT_HELD = [
    (Meeting.Status.MENTEE_ABSENT, 6),
    (Meeting.Status.MENTOR_ABSENT, 3),
    (Meeting.Status.CANCELLED, 2),
]
NOTES = [
    "Talked about joining the chess club; going together on Thursday.",
    "Worried about the maths test; we made a revision list.",
    "Had a falling-out with a friend at break; much calmer by the end.",
    "Forgot PE kit again: we made a checklist for the planner.",
    "Happier this week. Has started sitting with two girls from her form.",
    "Quiet today. Said home is busy with the new baby.",
    "Asked about the Year 8 options evening for his sister.",
    "Showed me the drawing she entered in the art competition.",
]
MINUTES = {
    SchoolDayWindow.Kind.AM_REGISTRATION: [5, 10, 10, 15],
    SchoolDayWindow.Kind.BREAK: [10, 10, 15, 15, 20],
    SchoolDayWindow.Kind.LUNCH: [15, 20, 20, 30],
}


@dataclass(frozen=True)
class Slot:
    pairing: Pairing
    day: dt.date
    window: SchoolDayWindow


@dataclass
class _Book:
    """The rows to write, and who is busy when, so no mentor has two mentees in one window."""

    school: School
    topics: list[Topic]
    loggers: dict[int, User]  # mentor id -> who logged their meetings
    meetings: list[Meeting] = field(default_factory=list)
    topic_links: list[tuple[int, list[Topic]]] = field(default_factory=list)
    counts: list[WeekCount] = field(default_factory=list)
    busy: set[tuple[int, dt.date, int]] = field(default_factory=set)
    taken: set[tuple[int, dt.date]] = field(default_factory=set)

    def free(self, slot: Slot) -> bool:
        p = slot.pairing
        return (p.mentor_id, slot.day, slot.window.pk) not in self.busy and (
            p.pk,
            slot.day,
        ) not in self.taken

    def add(self, slot: Slot, rng: random.Random, status: str = Meeting.Status.HAPPENED) -> None:
        p, window = slot.pairing, slot.window
        self.busy.add((p.mentor_id, slot.day, window.pk))
        self.taken.add((p.pk, slot.day))
        end = dt.datetime.combine(slot.day, window.end_time) + dt.timedelta(
            minutes=rng.randint(2, 240)
        )
        meeting = Meeting(
            school=self.school,
            pairing=p,
            held_on=slot.day,
            window=window,
            status=status,
            logged_by=self.loggers.get(p.mentor_id),
            logged_at=timezone.make_aware(end),
        )
        chosen: list[Topic] = []
        if status == Meeting.Status.HAPPENED:
            weeks_in = (slot.day - p.started_on).days / 7
            meeting.minutes = rng.choice(MINUTES[SchoolDayWindow.Kind(window.kind)])
            lift = min(weeks_in / 30, 1.0)  # mentees seem happier as the year goes on
            meeting.mood = max(1, min(5, round(rng.gauss(3.2 + 1.1 * lift, 0.8))))
            if rng.random() < 0.05:
                meeting.note = rng.choice(NOTES)
            chosen = self._topics(weeks_in, rng)
        self.meetings.append(meeting)
        self.topic_links.append((len(self.meetings) - 1, chosen))

    def _topics(self, weeks_in: float, rng: random.Random) -> list[Topic]:
        if not self.topics:
            return []
        weights = [
            (6.0 if weeks_in < 6 else 1.5) if t.order == 0 else (0.6 if t.name == "Other" else 2.0)
            for t in self.topics
        ]
        picked = set(rng.choices(self.topics, weights=weights, k=rng.choice([1, 1, 2, 2, 3])))
        return sorted(picked, key=lambda t: t.order)


def _teaching_days(terms: Sequence[Term], first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if any(t.is_teaching_day(day) for t in terms):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _slots(
    pairings: Sequence[Pairing],
    days: Sequence[dt.date],
    usual: dict[int, list[SchoolDayWindow]],
    by_weekday: dict[int, list[SchoolDayWindow]],
    ready: dict[int, dt.date],
    rng: random.Random,
) -> tuple[list[Slot], list[Slot]]:
    """Each pair's possible meetings, one a day: in a usual window when that day has one."""
    in_usual, elsewhere = [], []
    for p in pairings:
        first = max(p.started_on, ready[p.mentor_id])
        for day in days:
            if day < first or (p.ended_on and day > p.ended_on):
                continue
            theirs = [w for w in usual[p.pk] if w.weekday == day.weekday()]
            if theirs:
                in_usual.append(Slot(p, day, rng.choice(theirs)))
            elif by_weekday[day.weekday()]:
                elsewhere.append(Slot(p, day, rng.choice(by_weekday[day.weekday()])))
    return in_usual, elsewhere


def _take(book: _Book, slots: list[Slot], n: int, rng: random.Random) -> list[Slot]:
    """Up to `n` of these slots still free, at random, booked as they are taken."""
    taken: list[Slot] = []
    for slot in rng.sample(slots, len(slots)):
        if len(taken) == n:
            break
        if book.free(slot):
            book.add(slot, rng)
            taken.append(slot)
    return taken


def _not_held(book: _Book, slots: list[Slot], n: int, rng: random.Random) -> None:
    statuses, weights = zip(*NOT_HELD, strict=True)
    for slot in rng.sample(slots, len(slots))[: n * 3]:
        if n <= 0:
            break
        if book.free(slot):
            book.add(slot, rng, status=rng.choices(statuses, weights=weights)[0])
            n -= 1


def _last_year_term(
    book: _Book,
    term: Term,
    pairings: Sequence[Pairing],
    usual: dict[int, list[SchoolDayWindow]],
    by_weekday: dict[int, list[SchoolDayWindow]],
    ready: dict[int, dt.date],
    coordinator: User,
    rng: random.Random,
) -> None:
    """One term of last year, to its exact total (itemised meetings plus counted weeks)."""
    days = _teaching_days([term], term.starts_on, term.ends_on)
    in_usual, elsewhere = _slots(pairings, days, usual, by_weekday, ready, rng)
    # A few pairing-weeks the mentor reported only as "met N times" in supervision.
    weeks = sorted({(s.pairing.pk, monday(s.day)) for s in in_usual})
    counted = dict.fromkeys(rng.sample(weeks, COUNTED_WEEKS[term.name]), 0)
    by_pk = {p.pk: p for p in pairings}
    for key in counted:
        counted[key] = rng.randint(1, 3)
        pairing_id, week_of = key
        book.counts.append(
            WeekCount(
                school=book.school,
                pairing=by_pk[pairing_id],
                week_of=week_of,
                count=counted[key],
                recorded_by=coordinator,
                recorded_at=timezone.make_aware(
                    dt.datetime.combine(week_of + dt.timedelta(days=7), dt.time(13, 5))
                ),
            )
        )
    in_usual = [s for s in in_usual if (s.pairing.pk, monday(s.day)) not in counted]
    elsewhere = [s for s in elsewhere if (s.pairing.pk, monday(s.day)) not in counted]
    itemised = TERM_TOTALS[term.name] - sum(counted.values())
    moved = round(itemised * AWAY_FROM_USUAL)
    held = _take(book, elsewhere, moved, rng)
    held += _take(book, in_usual, itemised - len(held), rng)
    if len(held) < itemised:  # not enough usual times: meet elsewhere too
        held += _take(book, elsewhere, itemised - len(held), rng)
    assert len(held) == itemised, (term, len(held), itemised)
    _not_held(book, in_usual + elsewhere, round(itemised * DID_NOT_HAPPEN), rng)


def _this_year(
    book: _Book,
    year: AcademicYear,
    pairings: Sequence[Pairing],
    usual: dict[int, list[SchoolDayWindow]],
    by_weekday: dict[int, list[SchoolDayWindow]],
    ready: dict[int, dt.date],
    quiet: set[int],
    since: dt.date | None,
    rng: random.Random,
) -> None:
    """Each active pair from their first day to the last school day before today."""
    today = timezone.localdate()
    days = _teaching_days(list(year.terms.all()), year.starts_on, today - dt.timedelta(days=1))
    for p in pairings:
        in_usual, elsewhere = _slots([p], days, usual, by_weekday, ready, rng)
        if not in_usual + elsewhere:
            continue
        if quiet and p.pk in quiet and since is not None:
            # Gone quiet: the mentee was away twice, then nothing logged.
            late = [s for s in in_usual + elsewhere if s.day >= since]
            in_usual = [s for s in in_usual if s.day < since]
            elsewhere = [s for s in elsewhere if s.day < since]
            _not_held_as(book, sorted(late, key=lambda s: s.day)[:2], rng)
        # Their first meeting on their first day together: saying hello, at lunch if free.
        first = min(in_usual + elsewhere, key=lambda s: s.day)
        lunch = [w for w in by_weekday[first.day.weekday()] if w.kind == "lunch"]
        opening = Slot(p, first.day, first.window if first in in_usual else lunch[0])
        if book.free(opening):
            book.add(opening, rng)
        _take(book, in_usual, round(len(in_usual) * THIS_YEAR_RATE), rng)
        _take(book, elsewhere, round(len(in_usual) * THIS_YEAR_RATE * AWAY_FROM_USUAL), rng)
        _not_held(book, in_usual + elsewhere, round(len(in_usual) * 0.04), rng)


def _not_held_as(book: _Book, slots: list[Slot], rng: random.Random) -> None:
    for slot in slots:
        if book.free(slot):
            book.add(slot, rng, status=Meeting.Status.MENTEE_ABSENT)


def _usual_this_year(
    pairings: Sequence[Pairing], every: list[SchoolDayWindow], coordinator: User, rng: random.Random
) -> dict[int, list[SchoolDayWindow]]:
    """The windows both are free at; where that leaves fewer than two, the pair chose two."""
    found = usual_windows(pairings, every)
    result: dict[int, list[SchoolDayWindow]] = {}
    for p in pairings:
        windows, _ = found[p.pk]
        if len(windows) < 2:
            mentor_free = [f.window for f in p.mentor.free_windows.select_related("window")]
            options = mentor_free or [w for w in every if w.is_active]
            windows = set_usual_windows(
                pairing=p, windows=rng.sample(options, k=min(2, len(options))), by=coordinator
            )
        result[p.pk] = list(windows)
    return result


def load_meetings_demo(*, school: School, last_year: Sequence[Pairing]) -> None:
    """Last year's meetings to the school's figures, and this year's to the last school day."""
    rng = random.Random(527)
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    this_year, year_before = AcademicYear.objects.for_school(school)[:2]
    every = list(SchoolDayWindow.objects.for_school(school))
    by_weekday: dict[int, list[SchoolDayWindow]] = defaultdict(list)
    for w in every:
        if w.is_active:
            by_weekday[w.weekday].append(w)
    active = list(
        Pairing.objects.for_school(school)
        .active()
        .select_related("mentor", "mentee")
        .order_by("started_on", "pk")
    )
    pairings = list(last_year) + active
    mentors = {p.mentor_id: p.mentor for p in pairings}
    ready = {}
    for mentor_id, mentor in mentors.items():
        day = ready_since(mentor)
        assert day is not None, mentor  # every demo mentor finished training
        ready[mentor_id] = day
    accounts = dict(
        Membership.objects.for_school(school)
        .filter(pupil__in=[m.pupil_id for m in mentors.values()])
        .values_list("pupil_id", "user")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=accounts.values())}
    loggers = {
        m.pk: users[accounts[m.pupil_id]] if m.pupil_id in accounts else coordinator
        for m in mentors.values()
    }
    book = _Book(school=school, topics=topics_for(school), loggers=loggers)

    last = usual_windows(list(last_year), every)
    usual = {pk: windows for pk, (windows, _) in last.items()}
    for term in year_before.terms.order_by("starts_on"):
        _last_year_term(book, term, last_year, usual, by_weekday, ready, coordinator, rng)

    usual.update(_usual_this_year(active, every, coordinator, rng))
    since = quiet_threshold(school, timezone.localdate())
    without_accounts = [
        p
        for p in active
        if not accounts.get(p.mentor.pupil_id) and since is not None and p.started_on < since
    ]
    quiet = {p.pk for p in rng.sample(without_accounts, min(QUIET_PAIRS, len(without_accounts)))}
    _this_year(book, this_year, active, usual, by_weekday, ready, quiet, since, rng)

    Meeting.objects.bulk_create(book.meetings, batch_size=500)
    Meeting.topics.through.objects.bulk_create(
        [
            Meeting.topics.through(meeting_id=book.meetings[index].pk, topic_id=topic.pk)
            for index, chosen in book.topic_links
            for topic in chosen
        ],
        batch_size=1000,
    )
    WeekCount.objects.bulk_create(book.counts)
