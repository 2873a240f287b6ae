"""The plan of closing a year: every change `year_services.close_year` makes, worked out
without changing anything (the page's list and `manage.py close_year --dry-run`).

What each change is and why is said in `year_services`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from peermentoring.core.roles import PUPIL_ROLES
from peermentoring.evaluation.models import ClosedYear
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor, able_to_mentor_ids
from peermentoring.mentors.readiness import readiness_checks
from peermentoring.schools.calendar import (
    TermDates,
    academic_year_name,
    academic_year_start,
    default_term_dates,
)
from peermentoring.schools.models import AcademicYear, Membership, Pupil, School, Term

LEAVING_YEAR_GROUP = 11
WEEKS_BEFORE_THE_END = 4

ALREADY_CLOSED = "{year} was closed on {day:%-d %B %Y}. A year is closed once: its annual report is kept as it was then."
TOO_EARLY = (
    "{year} can be closed from {day:%A %-d %B %Y}: in the last four weeks of its summer "
    "term, or any time after."
)
NOT_THIS_SCHOOLS_YEAR = "That academic year is not this school's."
NOT_THIS_YEARS_PAIRING = "That pairing is not one of {year}'s running pairings."
CANNOT_CONTINUE = "{pairing} cannot continue into next year: {why}."
TERMS_DO_NOT_FIT = (
    "{year}'s terms, moved on a year, do not fit in {next}. Set up {next} and its terms "
    "on the calendar page first, then close the year."
)
NEXT_NAME_TAKEN = (
    "The school already has a year called {name} that does not follow {year}. Set up the "
    "year after {year} on the calendar page first, then close the year."
)
LEAVERS_AFTER_THE_YEAR = (
    "{year} has ended, so today's Year 11 are next year's and nobody is taken off roll. "
    "Pupils who have left come off roll through the pupil import."
)

# Why a running pairing cannot be kept going into next year.
MENTOR_LEAVING = "the mentor is in Year 11 and leaves"
MENTEE_LEAVING = "the mentee is in Year 11 and leaves"
MENTOR_NOT_SERVING = "the mentor is {status}"


@dataclass(frozen=True)
class PairingLine:
    """A running pairing of the year: it ends, unless kept going into next year."""

    pk: int
    mentor: str
    mentee: str
    started_on: dt.date
    why_not_continue: str = ""  # empty when it may be kept going

    @property
    def may_continue(self) -> bool:
        return not self.why_not_continue

    @property
    def label(self) -> str:
        return f"{self.mentor} with {self.mentee}"


@dataclass(frozen=True)
class MentorLine:
    pk: int
    name: str
    year_group: int
    note: str = ""


@dataclass(frozen=True)
class LeaverLine:
    """A Year 11 pupil leaving; `part` says what they were in the scheme ("" for nothing)."""

    pk: int
    name: str
    form_group: str
    part: str = ""


@dataclass(frozen=True)
class NextYear:
    """The year after: set up already (`pk`), or to be set up with these dates."""

    name: str
    starts_on: dt.date
    ends_on: dt.date
    terms: tuple[TermDates, ...]
    pk: int | None = None
    weeks_moved: int | None = None  # how far this year's terms were moved (new years only)

    @property
    def exists(self) -> bool:
        return self.pk is not None


@dataclass
class ClosePlan:
    """Every change closing the year makes; computing it changes nothing."""

    school: School
    year: AcademicYear
    today: dt.date
    closable_from: dt.date
    closed: ClosedYear | None
    pairings_end_on: dt.date
    pairings: list[PairingLine]
    continuing: frozenset[int]
    experienced: list[MentorLine]
    flag_experienced: list[int]  # next year's mentor records to flag experienced
    leavers: list[LeaverLine]
    leavers_known: bool
    leaver_accounts: list[int]  # memberships switched off
    leaver_mentors: list[int]  # next year's mentor records stepped down
    becoming_trained: list[MentorLine]
    still_training: list[MentorLine]
    next_year: NextYear | None
    problem: str = ""  # why next year cannot be set up
    leavers_note: str = field(default="")

    @property
    def pairings_to_end(self) -> list[PairingLine]:
        return [p for p in self.pairings if p.pk not in self.continuing]

    @property
    def pairings_continuing(self) -> list[PairingLine]:
        return [p for p in self.pairings if p.pk in self.continuing]

    @property
    def pairings_may_continue(self) -> list[PairingLine]:
        return [p for p in self.pairings if p.may_continue]

    @property
    def leavers_in_scheme(self) -> list[LeaverLine]:
        return [p for p in self.leavers if p.part]

    @property
    def is_closed(self) -> bool:
        return self.closed is not None

    @property
    def refusal(self) -> str:
        """Why the year cannot be closed now; empty when it can."""
        if self.closed is not None:
            return ALREADY_CLOSED.format(
                year=self.year.name, day=timezone.localtime(self.closed.closed_at)
            )
        if self.today < self.closable_from:
            return TOO_EARLY.format(year=self.year.name, day=self.closable_from)
        return self.problem

    @property
    def digest(self) -> str:
        """A fingerprint of what the plan changes, the coordinator's choices aside: the page
        sends it back, so a close applies the list that was shown or nothing."""
        parts: list[Iterable[object]] = [
            [p.pk for p in self.pairings],
            [p.pk for p in self.pairings_may_continue],
            [m.pk for m in self.experienced],
            self.flag_experienced,
            [p.pk for p in self.leavers],
            self.leaver_accounts,
            self.leaver_mentors,
            [m.pk for m in self.becoming_trained],
            [self.next_year.name if self.next_year else "", self.pairings_end_on],
        ]
        text = "|".join(",".join(str(x) for x in part) for part in parts)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def counts(self) -> dict[str, int]:
        return {
            "pairings_ended": len(self.pairings_to_end),
            "pairings_continued": len(self.pairings_continuing),
            "mentors_experienced": len(self.experienced),
            "leavers": len(self.leavers),
            "leavers_in_scheme": len(self.leavers_in_scheme),
            "accounts_switched_off": len(self.leaver_accounts),
            "mentors_stepped_down": len(self.leaver_mentors),
            "recruits_trained": len(self.becoming_trained),
            "recruits_still_training": len(self.still_training),
            "years_set_up": int(self.next_year is not None and not self.next_year.exists),
        }

    def lines(self) -> list[str]:
        """The plan in words, one change a line: what `manage.py close_year` prints."""
        out = [f"Closing {self.year.name} at {self.school.name}."]
        if self.refusal:
            out.append(f"Cannot close: {self.refusal}")
        end = f"{self.pairings_end_on:%-d %B %Y}"
        out.append(
            f"Pairings ending on {end}, completed at the end of the year: {len(self.pairings_to_end)}"
        )
        out += [
            f"  end: {p.label} (pairing {p.pk}, since {p.started_on:%-d %B %Y})"
            for p in self.pairings_to_end
        ]
        out.append(f"Pairings kept going into next year: {len(self.pairings_continuing)}")
        out += [f"  continue: {p.label} (pairing {p.pk})" for p in self.pairings_continuing]
        following = self.next_year.name if self.next_year else "next year"
        out.append(f"Experienced mentors in {following}: {len(self.experienced)}")
        out += [f"  experienced: {m.name}{_note(m.note)}" for m in self.experienced]
        out.append(f"Year 11 leavers coming off roll: {len(self.leavers)}")
        if self.leavers_note:
            out.append(f"  {self.leavers_note}")
        out += [f"  leaves: {p.name} ({p.form_group}){_note(p.part)}" for p in self.leavers]
        out.append(f"Pupil accounts switched off: {len(self.leaver_accounts)}")
        out.append(f"Next year's mentor records stepped down (leavers): {len(self.leaver_mentors)}")
        out.append(f"Recruits for {following} becoming trained: {len(self.becoming_trained)}")
        out += [f"  trained: {m.name}" for m in self.becoming_trained]
        out.append(f"Recruits still in training: {len(self.still_training)}")
        out += [f"  in training: {m.name}{_note(m.note)}" for m in self.still_training]
        if self.next_year is None:
            out.append("Next year: cannot be set up.")
        elif self.next_year.exists:
            out.append(f"Next year: {self.next_year.name} is set up already; unchanged.")
        else:
            out.append(
                f"Next year: {self.next_year.name} is set up, {self.next_year.starts_on:%-d %B %Y}"
                f" to {self.next_year.ends_on:%-d %B %Y}, this year's terms moved on "
                f"{self.next_year.weeks_moved} weeks:"
            )
        if self.next_year is not None:
            out += [f"  {_term_words(t)}" for t in self.next_year.terms]
        out.append("The annual report is frozen.")
        return out


def _note(text: str) -> str:
    return f" — {text}" if text else ""


def _term_words(term: TermDates) -> str:
    words = f"{Term.Name(term.name).label} term {term.starts_on:%a %-d %b %Y} to {term.ends_on:%a %-d %b %Y}"
    if term.half_term_starts_on and term.half_term_ends_on:
        words += f", half-term {term.half_term_starts_on:%-d %b} to {term.half_term_ends_on:%-d %b}"
    return words


# --- Working out the plan ------------------------------------------------------------


def closable_from(year: AcademicYear) -> dt.date:
    """The first day the year may be closed: four weeks before its summer term ends."""
    terms = list(year.terms.all())
    summer = next((t for t in terms if t.name == Term.Name.SUMMER), None)
    last = summer.ends_on if summer else max((t.ends_on for t in terms), default=year.ends_on)
    return last - dt.timedelta(weeks=WEEKS_BEFORE_THE_END) + dt.timedelta(days=1)


def year_to_close(school: School, today: dt.date | None = None) -> AcademicYear | None:
    """This academic year (the one holding today), else the latest that has started."""
    today = today or timezone.localdate()
    years = AcademicYear.objects.for_school(school)
    return years.containing(today).first() or years.filter(starts_on__lte=today).first()


def _last_teaching_day(year: AcademicYear) -> dt.date:
    return max((t.ends_on for t in year.terms.all()), default=year.ends_on)


def _pairings(year: AcademicYear) -> list[Pairing]:
    """The running pairings of the year's mentors (or of an earlier year's, kept going)."""
    return list(
        Pairing.objects.for_school(year.school_id)
        .active()
        .filter(mentor__academic_year__starts_on__lte=year.starts_on)
        .select_related("mentor", "mentor__pupil", "mentee")
        .order_by("mentor__pupil__family_name", "mentor__pupil__given_name", "pk")
    )


def _why_not(pairing: Pairing, leaving: set[int]) -> str:
    mentor = pairing.mentor
    if mentor.pupil_id in leaving:
        return MENTOR_LEAVING
    if pairing.mentee_id in leaving:
        return MENTEE_LEAVING
    if not mentor.is_serving:
        return MENTOR_NOT_SERVING.format(status=mentor.get_status_display().lower())
    return ""


def _leavers(school: School, year: AcademicYear, today: dt.date) -> list[Pupil]:
    if today > year.ends_on:
        return []
    return list(
        Pupil.objects.for_school(school)
        .on_roll()
        .in_year(LEAVING_YEAR_GROUP)
        .order_by("family_name", "given_name", "pk")
    )


def _parts(school: School, pupils: list[Pupil], year: AcademicYear) -> dict[int, str]:
    """What each leaver was in the scheme: peer mentor, mentee, a pupil account."""
    ids = [p.pk for p in pupils]
    parts: dict[int, list[str]] = {pk: [] for pk in ids}
    mentors = Mentor.objects.for_school(school).filter(
        pupil__in=ids, academic_year__starts_on__lte=year.starts_on
    )
    for pk in set(mentors.values_list("pupil_id", flat=True)):
        parts[pk].append("peer mentor")
    mentees = Pairing.objects.for_school(school).filter(mentee__in=ids)
    for pk in set(mentees.values_list("mentee_id", flat=True)):
        parts[pk].append("mentee")
    accounts = Membership.objects.for_school(school).filter(pupil__in=ids, is_active=True)
    for pk in set(accounts.values_list("pupil_id", flat=True)):
        parts[pk].append("account switched off")
    return {pk: ", ".join(words) for pk, words in parts.items()}


def _same_day_a_year_on(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _moved(term: Term, weeks: int) -> TermDates:
    step = dt.timedelta(weeks=weeks)
    return TermDates(
        name=term.name,
        starts_on=term.starts_on + step,
        ends_on=term.ends_on + step,
        half_term_starts_on=term.half_term_starts_on + step if term.half_term_starts_on else None,
        half_term_ends_on=term.half_term_ends_on + step if term.half_term_ends_on else None,
    )


def _next_year(year: AcademicYear) -> NextYear:
    """The year after `year`: the school's own if set up, else this year's dates moved on."""
    existing = (
        AcademicYear.objects.for_school(year.school_id)
        .filter(starts_on__gt=year.starts_on)
        .order_by("starts_on")
        .first()
    )
    if existing is not None:
        kept = tuple(
            TermDates(t.name, t.starts_on, t.ends_on, t.half_term_starts_on, t.half_term_ends_on)
            for t in existing.terms.order_by("starts_on")
        )
        return NextYear(existing.name, existing.starts_on, existing.ends_on, kept, existing.pk)
    starts_on = year.ends_on + dt.timedelta(days=1)
    ends_on = _same_day_a_year_on(year.ends_on)
    name = academic_year_name(academic_year_start(starts_on))
    if AcademicYear.objects.for_school(year.school_id).filter(name=name).exists():
        raise ValidationError(NEXT_NAME_TAKEN.format(name=name, year=year.name))
    order = list(Term.Name.values)
    terms = sorted(year.terms.all(), key=lambda t: order.index(t.name))
    if [t.name for t in terms] != order:
        # Not the usual three terms: the usual English dates for the new year.
        usual = tuple(default_term_dates(academic_year_start(starts_on)))
        if all(starts_on <= t.starts_on and t.ends_on <= ends_on for t in usual):
            return NextYear(name, starts_on, ends_on, usual)
        raise ValidationError(TERMS_DO_NOT_FIT.format(year=year.name, next=name))
    for weeks in (52, 53):
        moved = tuple(_moved(t, weeks) for t in terms)
        if all(starts_on <= t.starts_on and t.ends_on <= ends_on for t in moved):
            return NextYear(name, starts_on, ends_on, moved, weeks_moved=weeks)
    raise ValidationError(TERMS_DO_NOT_FIT.format(year=year.name, next=name))


def _mentor_line(mentor: Mentor, note: str = "") -> MentorLine:
    return MentorLine(mentor.pk, mentor.pupil.full_name, mentor.pupil.year_group, note)


def plan_close(
    school: School,
    year: AcademicYear,
    *,
    continue_ids: Collection[int] = (),
    today: dt.date | None = None,
) -> ClosePlan:
    """What closing the year would change now, keeping the given pairings going; changes nothing.

    A continue id that is not one of the year's running pairings, or whose pairing
    cannot go on (a Year 11 leaver in it, a mentor no longer serving), is a ValidationError.
    """
    if year.school_id != school.pk:
        raise ValidationError(NOT_THIS_SCHOOLS_YEAR)
    today = today or timezone.localdate()
    closed = ClosedYear.objects.filter(academic_year=year).first()
    problem = ""
    try:
        following: NextYear | None = _next_year(year)
    except ValidationError as error:
        following, problem = None, error.messages[0]

    leavers = _leavers(school, year, today)
    leaving = {p.pk for p in leavers}
    parts = _parts(school, leavers, year) if leavers else {}

    pairings = _pairings(year)
    lines = [
        PairingLine(
            pk=p.pk,
            mentor=p.mentor.pupil.full_name,
            mentee=p.mentee.full_name,
            started_on=p.started_on,
            why_not_continue=_why_not(p, leaving),
        )
        for p in pairings
    ]
    by_pk = {line.pk: line for line in lines}
    chosen = frozenset(int(pk) for pk in continue_ids)
    for pk in sorted(chosen):
        line = by_pk.get(pk)
        if line is None:
            raise ValidationError(NOT_THIS_YEARS_PAIRING.format(year=year.name))
        if not line.may_continue:
            raise ValidationError(
                CANNOT_CONTINUE.format(pairing=line.label, why=line.why_not_continue)
            )

    next_pk = following.pk if following is not None else None
    staying = list(
        Mentor.objects.for_school(school)
        .for_year(year)
        .exclude(status=Mentor.Status.STEPPED_DOWN)
        .exclude(pupil__in=leaving)
        .filter(pupil__is_on_roll=True)
        .select_related("pupil")
    )
    next_mentors = (
        list(
            Mentor.objects.for_school(school)
            .for_year(next_pk)
            .select_related("pupil", "school")
            .order_by("pupil__family_name", "pupil__given_name")
        )
        if next_pk is not None
        else []
    )
    next_by_pupil = {m.pupil_id: m for m in next_mentors}
    flag = [
        next_by_pupil[m.pupil_id].pk
        for m in staying
        if m.pupil_id in next_by_pupil and not next_by_pupil[m.pupil_id].is_experienced
    ]
    experienced = [
        _mentor_line(
            m,
            "on next year's team too: marked experienced" if m.pupil_id in next_by_pupil else "",
        )
        for m in staying
    ]

    leaver_mentors = [
        m.pk
        for m in next_mentors
        if m.pupil_id in leaving and m.status != Mentor.Status.STEPPED_DOWN
    ]
    recruits = [
        m
        for m in next_mentors
        if m.status == Mentor.Status.IN_TRAINING and m.pupil_id not in leaving
    ]
    ready = able_to_mentor_ids(recruits)
    becoming = [_mentor_line(m) for m in recruits if m.pk in ready]
    still = [
        _mentor_line(m, "; ".join(w for c in readiness_checks() for w in c.missing(m)) or "")
        for m in recruits
        if m.pk not in ready
    ]
    accounts = list(
        Membership.objects.for_school(school)
        .filter(pupil__in=leaving, is_active=True, role__in=PUPIL_ROLES)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    return ClosePlan(
        school=school,
        year=year,
        today=today,
        closable_from=closable_from(year),
        closed=closed,
        pairings_end_on=min(today, _last_teaching_day(year)),
        pairings=lines,
        continuing=chosen,
        experienced=experienced,
        flag_experienced=flag,
        leavers=[LeaverLine(p.pk, p.full_name, p.form_group, parts.get(p.pk, "")) for p in leavers],
        leavers_known=today <= year.ends_on,
        leaver_accounts=accounts,
        leaver_mentors=leaver_mentors,
        becoming_trained=becoming,
        still_training=still,
        next_year=following,
        problem=problem,
        leavers_note="" if today <= year.ends_on else LEAVERS_AFTER_THE_YEAR.format(year=year.name),
    )
