"""The duty rota: built by the solver, changed by hand, published; every change here.

`build_rota` turns the school's openings, trained mentors, their availability and their
pairings' usual meeting windows into a `rota.Problem` (`rota_plan.plan_for`), solves it
outside any transaction (it may take seconds) and stores the answer: the unlocked duties
still to come are replaced; locked duties, and any already done, missed or marked absent,
are kept. Days before today are never solved again.

The coordinator's changes by hand: `place_duty` (locked; refused, in words, for a mentor not
trained, already on duty that day, meeting their mentee then, or an opening already full;
a mentor not usually free then is placed with a warning, as the coordinator may know
better), `remove_duty`, `swap_duties`, `lock_duty`, `mark_absence` (with
`who_else_is_free`), `set_attendance`; and `publish_rota`, which tells each mentor on the
rota once. Once published, any change tells only the mentors it moves.

Each change may name the `Rota.version` its page was read at: the version moves on with
`UPDATE ... WHERE version = n`, so of two coordinators changing one rota at once the
second is told (`StaleRota`) and nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import AuditEntry, User
from peermentoring.core.notifications import notify
from peermentoring.dropin import rota as solver
from peermentoring.dropin.models import Duty, RoomOpening, Rota
from peermentoring.dropin.rota_plan import (
    Plan,
    PoolMentor,
    day_words,
    duty_key,
    duty_words,
    mentor_pool,
    opening_words,
    plan_for,
    today,
    window_words,
)
from peermentoring.dropin.rota_plan import problem_json as problem_json  # the JSON shape, here too
from peermentoring.dropin.schedule import DatedOpening, teaching_days
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import Membership, School

# A half-term or a term, with room to spare (the longest term is about fifteen weeks).
MOST_DAYS = 120

BUSY = (
    "A rota for the school is being built at this moment (in another tab, or by a "
    "colleague). Wait half a minute, then open the rotas again to see it."
)
# How long a build holds the school's place: longer than the solver may run.
BUILDING_SECONDS = 120
BACKWARDS = "The last day must be on or after the first day."
TOO_LONG = "A rota covers a half-term or a term: choose dates at most {days} days apart."
OVERLAPS = (
    "These dates overlap the rota from {first} to {last}. Open that rota to change it, "
    "or choose dates that do not overlap it."
)
NO_TEACHING_DAYS = (
    "There are no school days from {first} to {last}: they fall in the holidays, a "
    "half-term or a weekend. Check the dates, and the school's term dates."
)
ALL_PAST = "Every school day from {first} to {last} has passed: a rota is built for days to come."
ROOM_CLOSED = (
    "The drop-in room is not open on any school day from {first} to {last}: "
    "set when it is open first."
)
STALE = (
    "{who} changed this rota at {time} while you had it open. It is shown below as it is "
    "now: make your change again if it is still needed."
)
NOT_IN_ROTA = "{day} is not in this rota's dates ({first} to {last})."
NOT_TRAINED = "{mentor} is not a trained mentor able to mentor now, so cannot be on duty."
ALREADY_ON_DUTY = "{mentor} is already on duty that day ({duty}): one duty a day at most."
MEETS = (
    "{mentor} usually meets their mentee at {window}: choose someone else, or change when "
    "the pair meet first."
)
FULL = "{opening} already has {n} on duty, the most it takes: remove someone first."
NOT_USUALLY_FREE = "{mentor} is not usually free at {window}: check with them."
ABSENT_THEN = "{mentor} is marked absent then: put them back on that duty instead."
RECORDED = (
    "That duty is recorded as {attendance}: it stays as a record. Change its attendance first."
)
SAME_MENTOR = "Choose a duty of another mentor to swap with."
SAME_OPENING = "Those two mentors are on duty at the same time already: nothing to swap."
NOT_STILL_TO_DO = "Only duties still to do can be swapped: {duty} is marked {attendance}."
NOT_SAME_ROTA = "Choose two duties of the same rota."
NOT_YET = "That duty is on {day}: say whether it was done once it has happened."
NOT_ATTENDANCE = "Choose done, missed or not recorded."
ABSENT_BACK = "{mentor} is marked absent: to put them back on this duty, put them on duty again."

CHANGED_TITLE = "Your drop-in duties have changed"
PUBLISHED_TITLE = "You are on the drop-in rota"


class StaleRota(ValidationError):
    """Someone else changed the rota after the page making this change was read."""

    def __init__(self, current: Rota) -> None:
        entry = (
            AuditEntry.objects.filter(target_type=Rota._meta.label, target_id=str(current.pk))
            .select_related("actor")
            .order_by("-created_at", "-pk")
            .first()
        )
        who = "Someone"
        when = timezone.localtime()
        if entry is not None:
            when = timezone.localtime(entry.created_at)
            if entry.actor is not None:
                who = entry.actor.first_name or entry.actor.display_name
        super().__init__(STALE.format(who=who, time=f"{when:%H:%M}"), code="stale")
        self.current = current


def _claim(rota: Rota, version: int | None) -> Rota:
    """Move the rota's version on, if it is still the one the change was read at (any, when
    `version` is None); the rota as it is now. Call inside the change's transaction."""
    rows = Rota.objects.filter(pk=rota.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise StaleRota(Rota.objects.get(pk=rota.pk))
    return Rota.objects.select_related("school").get(pk=rota.pk)


def _audit(rota: Rota, action: str, by: User | None, **changes: object) -> None:
    """Every change is recorded against the rota, so the last one says who changed it."""
    record(action=f"dropin.{action}", target=rota, by=by, school=rota.school, changes=changes)


# --- Telling the mentors ---------------------------------------------------------------

# Mentor id -> (duties they are now on, duties they are no longer on), in words.
Changes = dict[int, tuple[list[str], list[str]]]


def _accounts(school: School, mentor_ids: set[int]) -> dict[int, User]:
    """Mentor id -> the account of their pupil in the school, for those who have one."""
    by_pupil = dict(Mentor.objects.filter(pk__in=mentor_ids).values_list("pupil_id", "pk"))
    members = (
        Membership.objects.for_school(school)
        .active()
        .filter(pupil__in=list(by_pupil))
        .select_related("user")
    )
    return {by_pupil[m.pupil_id]: m.user for m in members if m.pupil_id is not None}


def _my_duties_url(school: School) -> str:
    return reverse("dropin:my-duties", kwargs={"school_slug": school.slug})


def _tell(rota: Rota, changes: Changes) -> None:
    """Once the rota is published, tell each mentor a change moves what it moves, once."""
    changes = {m: (a, r) for m, (a, r) in changes.items() if a or r}
    if not rota.is_published or not changes:
        return
    url = _my_duties_url(rota.school)
    for mentor_id, user in _accounts(rota.school, set(changes)).items():
        added, removed = changes[mentor_id]
        lines = [f"You are now on duty: {words}." for words in added]
        lines += [f"You are no longer on duty: {words}." for words in removed]
        notify(
            recipient=user,
            school=rota.school,
            title=CHANGED_TITLE,
            body="\n".join(lines),
            url=url,
        )


def _on_duty(rota: Rota, since: dt.date) -> dict[int, dict[str, str]]:
    """Mentor id -> {opening key: the duty in words} of the rota's duties from `since` that
    are not marked absent."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for duty in (
        Duty.objects.filter(rota=rota, held_on__gte=since)
        .exclude(attendance=Duty.Attendance.ABSENT)
        .select_related("room", "window")
    ):
        found[duty.mentor_id][duty_key(duty)] = duty_words(duty)
    return found


def _day_of(key: str) -> str:
    """The date in an opening's key ("12-40-2026-11-30"): one duty a day, so it orders them."""
    return key.split("-", 2)[2]


def _differences(before: dict[int, dict[str, str]], after: dict[int, dict[str, str]]) -> Changes:
    changes: Changes = {}
    for mentor_id in set(before) | set(after):
        was, now = before.get(mentor_id, {}), after.get(mentor_id, {})
        added = [now[k] for k in sorted(set(now) - set(was), key=_day_of)]
        removed = [was[k] for k in sorted(set(was) - set(now), key=_day_of)]
        if added or removed:
            changes[mentor_id] = (added, removed)
    return changes


# --- Building --------------------------------------------------------------------------


@dataclass
class Built:
    """A period's problem and the solver's answer; the rota they were stored in, if any."""

    rota: Rota | None
    plan: Plan
    answer: solver.Answer


def _dates(first: dt.date, last: dt.date) -> tuple[str, str]:
    return day_words(first), day_words(last)


def check_period(first: dt.date, last: dt.date) -> None:
    """A rota's dates: the last on or after the first, a term at most."""
    if last < first:
        raise ValidationError(BACKWARDS)
    if (last - first).days + 1 > MOST_DAYS:
        raise ValidationError(TOO_LONG.format(days=MOST_DAYS))


def rota_of(school: School, first: dt.date, last: dt.date) -> Rota | None:
    """The school's rota of exactly these dates, or None; a rota overlapping them is refused."""
    rotas = list(Rota.objects.for_school(school).filter(starts_on__lte=last, ends_on__gte=first))
    exact = next((r for r in rotas if (r.starts_on, r.ends_on) == (first, last)), None)
    for other in rotas:
        if other is not exact:
            a, b = _dates(other.starts_on, other.ends_on)
            raise ValidationError(OVERLAPS.format(first=a, last=b))
    return exact


def _why_nothing(school: School, plan: Plan, first: dt.date, last: dt.date) -> ValidationError:
    a, b = _dates(first, last)
    if not teaching_days(school, first, last):
        return ValidationError(NO_TEACHING_DAYS.format(first=a, last=b))
    if plan.since > last or not teaching_days(school, plan.since, last):
        return ValidationError(ALL_PAST.format(first=a, last=b))
    return ValidationError(ROOM_CLOSED.format(first=a, last=b))


def solve_period(
    *,
    school: School,
    first: dt.date,
    last: dt.date,
    since: dt.date | None = None,
    version: int | None = None,
    time_limit_s: float | None = None,
) -> Built:
    """Work out the rota of a period from `since` (default today) on, saving nothing: the
    rota of exactly those dates, if there is one, keeps its locked and recorded duties."""
    check_period(first, last)
    rota = rota_of(school, first, last)
    if rota is not None and version is not None and rota.version != version:
        raise StaleRota(rota)
    plan = plan_for(school, first, last, rota=rota, since=since, time_limit_s=time_limit_s)
    if not plan.openings:
        raise _why_nothing(school, plan, first, last)
    return Built(rota=rota, plan=plan, answer=solver.solve(plan.problem))


def build_rota(
    *,
    school: School,
    first: dt.date,
    last: dt.date,
    by: User | None,
    version: int | None = None,
    since: dt.date | None = None,
) -> Rota:
    """Create the draft rota of a period, or solve an existing one again around its locks."""
    built = build_rota_and_answer(
        school=school, first=first, last=last, by=by, version=version, since=since
    )
    assert built.rota is not None
    return built.rota


def build_rota_and_answer(
    *,
    school: School,
    first: dt.date,
    last: dt.date,
    by: User | None,
    version: int | None = None,
    since: dt.date | None = None,
    time_limit_s: float | None = None,
) -> Built:
    """`build_rota`, handing back the problem and the answer too (for `build_rota --json`).

    Solved outside the transaction; stored only if nobody changed (or made) the rota
    meanwhile, else `StaleRota`. One build of a school at a time: the solver uses the
    server's processors for up to its time limit, so a second build (a double click, a
    colleague) is refused in words rather than run beside it.
    """
    place = f"dropin:building:{school.pk}"
    held = BUILDING_SECONDS + int(time_limit_s or 0)
    if not cache.add(place, by.pk if by is not None else 0, timeout=held):
        raise ValidationError(BUSY, code="busy")
    try:
        return _build(
            school=school,
            first=first,
            last=last,
            by=by,
            version=version,
            since=since,
            time_limit_s=time_limit_s,
        )
    finally:
        cache.delete(place)


def _build(
    *,
    school: School,
    first: dt.date,
    last: dt.date,
    by: User | None,
    version: int | None,
    since: dt.date | None,
    time_limit_s: float | None,
) -> Built:
    built = solve_period(
        school=school,
        first=first,
        last=last,
        since=since,
        version=version,
        time_limit_s=time_limit_s,
    )
    read_at = built.rota.version if built.rota is not None else None
    with transaction.atomic():
        # One build of a school's rotas at a time: two coordinators building the same
        # period at once make one rota, and the second is told.
        list(School.objects.select_for_update().filter(pk=school.pk))
        if built.rota is None:
            meanwhile = rota_of(school, first, last)
            if meanwhile is not None:
                raise StaleRota(meanwhile)
            rota = Rota(school=school, starts_on=first, ends_on=last, built_by=by)
            rota.full_clean()
            rota.save()
            rota = Rota.objects.select_related("school").get(pk=rota.pk)
        else:
            rota = _claim(built.rota, read_at)
        before = _on_duty(rota, built.plan.since) if rota.is_published else {}
        _store(rota, built.plan, built.answer, by)
        _audit(
            rota,
            "rota_built",
            by,
            first=first.isoformat(),
            last=last.isoformat(),
            since=built.plan.since.isoformat(),
            status=built.answer.status,
            duties=len(built.answer.duties),
            unstaffable=len(rota.unstaffable),
        )
        if rota.is_published:
            _tell(rota, _differences(before, _on_duty(rota, built.plan.since)))
    built.rota = rota
    return built


def _store(rota: Rota, plan: Plan, answer: solver.Answer, by: User | None) -> None:
    """Replace the rota's unlocked duties still to come with the answer's; keep the rest
    (those of today's openings already begun among them).

    An answer with no rota at all ("infeasible": the locked duties themselves break a
    rule) changes no duty; its reasons are kept for the page.
    """
    gave_none = answer.status in ("infeasible", "unknown") and not answer.duties
    if not gave_none:
        ours = Duty.objects.filter(rota=rota, held_on__gte=plan.since)
        replaced = [
            d.pk
            for d in ours.filter(is_locked=False, attendance=Duty.Attendance.EXPECTED)
            if duty_key(d) not in plan.begun
        ]
        Duty.objects.filter(pk__in=replaced).delete()
        have = {(duty_key(d), d.mentor_id) for d in ours}
        now = timezone.now()
        new = []
        for duty in answer.duties:
            opening = plan.openings.get(duty.opening)
            member = plan.pool.get(duty.mentor)
            if opening is None or member is None or (duty.opening, duty.mentor) in have:
                continue
            have.add((duty.opening, duty.mentor))
            new.append(
                Duty(
                    school_id=rota.school_id,
                    rota=rota,
                    room=opening.room,
                    window=opening.window,
                    held_on=opening.day,
                    mentor=member.mentor,
                    changed_at=now,
                )
            )
        Duty.objects.bulk_create(new)
    rota.solver_status = answer.status[:20]
    rota.unstaffable = {k: v for k, v in answer.unstaffable.items() if k in plan.openings}
    rota.built_at, rota.built_by = timezone.now(), by
    # A save (not an update) so that every cached page of the school is renewed.
    rota.save(update_fields=["solver_status", "unstaffable", "built_at", "built_by"])


# --- Publishing ------------------------------------------------------------------------


@transaction.atomic
def publish_rota(*, rota: Rota, by: User | None, version: int | None = None) -> Rota:
    """Publish a draft: each mentor on it is told once, with a link to their duties.

    Publishing it again (the same form sent twice) changes nothing and tells nobody.
    """
    current = Rota.objects.select_for_update().select_related("school").get(pk=rota.pk)
    if current.is_published:
        return current
    rota = _claim(current, version)
    rota.published_at, rota.published_by = timezone.now(), by
    rota.save(update_fields=["published_at", "published_by"])
    # Told of the duties still to come (a rota built part-way through a half-term may
    # hold some gone by).
    since = max(rota.starts_on, today())
    duties = _on_duty(rota, since)
    _audit(rota, "rota_published", by, mentors=len(duties))
    url = _my_duties_url(rota.school)
    first, last = _dates(since, rota.ends_on)
    for mentor_id, user in _accounts(rota.school, set(duties)).items():
        theirs = duties[mentor_id]
        n = len(theirs)
        body = (
            f"From {first} to {last} you are on duty in the drop-in room "
            f"{n} time{'s' if n != 1 else ''}. The first: {theirs[min(theirs, key=_day_of)]}. "
            "See them all on My duties; tell your coordinator if you cannot do one."
        )
        notify(recipient=user, school=rota.school, title=PUBLISHED_TITLE, body=body, url=url)
    return rota


# --- Changes by hand -------------------------------------------------------------------


def _clashes(
    school_id: int,
    mentor: Mentor,
    opening: DatedOpening,
    member: PoolMentor | None,
    *,
    leaving: Duty | None = None,
) -> PoolMentor:
    """Refuse, in words, a duty the rules forbid for this mentor at this opening: not
    trained, meeting their mentee then, already on duty that day, or marked absent then.
    Returns the mentor's pool entry, found."""
    if member is None:
        raise ValidationError(NOT_TRAINED.format(mentor=mentor))
    if member.is_meeting(opening.window):
        raise ValidationError(MEETS.format(mentor=mentor, window=opening.window.label))
    same_day = Duty.objects.for_school(school_id).filter(held_on=opening.day, mentor=mentor)
    if leaving is not None:
        same_day = same_day.exclude(pk=leaving.pk)
    for other in same_day.select_related("room", "window"):
        if other.attendance != Duty.Attendance.ABSENT:
            raise ValidationError(
                ALREADY_ON_DUTY.format(mentor=mentor, duty=window_words(other.window))
            )
        if (other.room_id, other.window_id) == (opening.room.pk, opening.window.pk):
            raise ValidationError(ABSENT_THEN.format(mentor=mentor))
    return member


def _free_warning(mentor: Mentor, opening: DatedOpening, member: PoolMentor) -> list[str]:
    if member.is_free(opening.window):
        return []
    return [NOT_USUALLY_FREE.format(mentor=mentor, window=opening.window.label)]


def _opening_of(duty: Duty) -> DatedOpening:
    opening = RoomOpening(room=duty.room, window=duty.window)
    return DatedOpening(opening=opening, day=duty.held_on)


@transaction.atomic
def place_duty(
    *,
    rota: Rota,
    opening: DatedOpening,
    mentor: Mentor,
    by: User | None,
    version: int | None = None,
) -> tuple[Duty, list[str]]:
    """Put a mentor on duty at an opening by hand (locked, so building again keeps it).

    Refused for a mentor not trained, already on duty that day or meeting their mentee
    then, and for an opening already full; a mentor not usually free then is placed, with
    a warning to hand back. A mentor marked absent there is put back instead.
    """
    rota = _claim(rota, version)
    if not rota.starts_on <= opening.day <= rota.ends_on:
        first, last = _dates(rota.starts_on, rota.ends_on)
        raise ValidationError(
            NOT_IN_ROTA.format(day=day_words(opening.day), first=first, last=last)
        )
    member = mentor_pool(rota.school, opening.day, opening.day, only=[mentor.pk]).get(mentor.pk)
    at_opening = Duty.objects.filter(
        rota=rota, room=opening.room, window=opening.window, held_on=opening.day
    )
    absent_here = at_opening.filter(mentor=mentor, attendance=Duty.Attendance.ABSENT).first()
    member = _clashes(rota.school_id, mentor, opening, member, leaving=absent_here)
    on_duty = at_opening.exclude(attendance=Duty.Attendance.ABSENT).count()
    if on_duty >= opening.opening.max_on_duty:
        words = opening_words(opening.day, opening.window)
        raise ValidationError(FULL.format(opening=words, n=on_duty))
    if absent_here is not None:
        duty = absent_here
        duty.attendance, duty.is_locked, duty.changed_at = (
            Duty.Attendance.EXPECTED,
            True,
            timezone.now(),
        )
        duty.save(update_fields=["attendance", "is_locked", "changed_at"])
    else:
        duty = Duty.objects.create(
            school_id=rota.school_id,
            rota=rota,
            room=opening.room,
            window=opening.window,
            held_on=opening.day,
            mentor=mentor,
            is_locked=True,
        )
    _audit(rota, "duty_placed", by, duty=duty.pk, mentor=mentor.pk, opening=opening.key)
    if opening.day >= today():
        _tell(rota, {mentor.pk: ([duty_words(duty)], [])})
    return duty, _free_warning(mentor, opening, member)


def _fresh(duty: Duty) -> Duty:
    return (
        Duty.objects.select_for_update()
        .select_related("room", "window", "mentor__pupil")
        .get(pk=duty.pk)
    )


@transaction.atomic
def remove_duty(*, duty: Duty, by: User | None, version: int | None = None) -> None:
    """Take a duty off the rota (one already done or missed stays, as a record)."""
    rota = _claim(duty.rota, version)
    duty = _fresh(duty)
    if duty.attendance in (Duty.Attendance.DONE, Duty.Attendance.MISSED):
        raise ValidationError(RECORDED.format(attendance=duty.get_attendance_display().lower()))
    words, was_on = duty_words(duty), duty.attendance == Duty.Attendance.EXPECTED
    _audit(rota, "duty_removed", by, duty=duty.pk, mentor=duty.mentor_id, opening=duty_key(duty))
    duty.delete()
    if was_on and duty.held_on >= today():
        _tell(rota, {duty.mentor_id: ([], [words])})


@transaction.atomic
def swap_duties(
    *, first: Duty, second: Duty, by: User | None, version: int | None = None
) -> list[str]:
    """Two mentors swap duties; both are locked. Refused where either could not do the
    other's (the same rules as placing a duty by hand); warnings where one is not usually
    free then."""
    if first.rota_id != second.rota_id:
        raise ValidationError(NOT_SAME_ROTA)
    rota = _claim(first.rota, version)
    a, b = sorted([_fresh(first), _fresh(second)], key=lambda d: d.pk)
    if a.pk == b.pk or a.mentor_id == b.mentor_id:
        raise ValidationError(SAME_MENTOR)
    if (a.room_id, a.window_id, a.held_on) == (b.room_id, b.window_id, b.held_on):
        raise ValidationError(SAME_OPENING)
    for duty in (a, b):
        if duty.attendance != Duty.Attendance.EXPECTED:
            raise ValidationError(
                NOT_STILL_TO_DO.format(
                    duty=duty_words(duty), attendance=duty.get_attendance_display().lower()
                )
            )
    days = sorted([a.held_on, b.held_on])
    pool = mentor_pool(rota.school, days[0], days[1], only=[a.mentor_id, b.mentor_id])
    warnings: list[str] = []
    for leaving, into in ((a, b), (b, a)):
        opening = _opening_of(into)
        member = _clashes(
            rota.school_id, leaving.mentor, opening, pool.get(leaving.mentor_id), leaving=leaving
        )
        warnings += _free_warning(leaving.mentor, opening, member)
    words_a, words_b = duty_words(a), duty_words(b)
    mentor_a, mentor_b = a.mentor, b.mentor
    now = timezone.now()
    a.mentor, b.mentor = mentor_b, mentor_a
    for duty in (a, b):
        duty.is_locked, duty.changed_at = True, now
        duty.save(update_fields=["mentor", "is_locked", "changed_at"])
    _audit(rota, "duties_swapped", by, duties=[a.pk, b.pk], mentors=[mentor_a.pk, mentor_b.pk])
    changes: Changes = {mentor_a.pk: ([], []), mentor_b.pk: ([], [])}
    if b.held_on >= today():
        changes[mentor_a.pk][0].append(words_b)
        changes[mentor_b.pk][1].append(words_b)
    if a.held_on >= today():
        changes[mentor_a.pk][1].append(words_a)
        changes[mentor_b.pk][0].append(words_a)
    _tell(rota, changes)
    return warnings


@transaction.atomic
def lock_duty(*, duty: Duty, locked: bool, by: User | None, version: int | None = None) -> Duty:
    """Lock a duty (building again keeps it) or unlock it (building again may move it)."""
    rota = _claim(duty.rota, version)
    duty = _fresh(duty)
    if duty.is_locked != locked:
        duty.is_locked, duty.changed_at = locked, timezone.now()
        duty.save(update_fields=["is_locked", "changed_at"])
        _audit(rota, "duty_locked" if locked else "duty_unlocked", by, duty=duty.pk)
    return duty


@transaction.atomic
def mark_absence(*, duty: Duty, by: User | None, version: int | None = None) -> Duty:
    """The mentor cannot do this duty (they told us): it stays, marked absent, and building
    again never puts them back there. Marking it twice changes nothing."""
    rota = _claim(duty.rota, version)
    duty = _fresh(duty)
    if duty.attendance == Duty.Attendance.ABSENT:
        return duty
    was = duty.attendance
    duty.attendance, duty.changed_at = Duty.Attendance.ABSENT, timezone.now()
    duty.save(update_fields=["attendance", "changed_at"])
    _audit(rota, "duty_absent", by, duty=duty.pk, mentor=duty.mentor_id, was=was)
    if was == Duty.Attendance.EXPECTED and duty.held_on >= today():
        _tell(rota, {duty.mentor_id: ([], [duty_words(duty)])})
    return duty


ATTENDANCE_BY_HAND = (Duty.Attendance.DONE, Duty.Attendance.MISSED, Duty.Attendance.EXPECTED)


@transaction.atomic
def set_attendance(
    *, duty: Duty, attendance: str, by: User | None, version: int | None = None
) -> Duty:
    """Record a duty done or missed once its day has come (or back to not recorded)."""
    if attendance not in ATTENDANCE_BY_HAND:
        raise ValidationError(NOT_ATTENDANCE)
    rota = _claim(duty.rota, version)
    duty = _fresh(duty)
    if attendance != Duty.Attendance.EXPECTED and duty.held_on > today():
        raise ValidationError(NOT_YET.format(day=day_words(duty.held_on)))
    if attendance == Duty.Attendance.EXPECTED and duty.attendance == Duty.Attendance.ABSENT:
        raise ValidationError(ABSENT_BACK.format(mentor=duty.mentor))
    if duty.attendance != attendance:
        was = duty.attendance
        duty.attendance, duty.changed_at = attendance, timezone.now()
        duty.save(update_fields=["attendance", "changed_at"])
        _audit(rota, "duty_attendance", by, duty=duty.pk, attendance=[was, attendance])
    return duty


# --- Who could step in ------------------------------------------------------------------


@dataclass(frozen=True)
class FreeMentor:
    """A mentor who could take a duty: free then, on no duty that day."""

    member: PoolMentor
    duties: int  # their duties on this rota so far (not counting absences)

    @property
    def mentor(self) -> Mentor:
        return self.member.mentor


def who_else_is_free(*, rota: Rota, opening: DatedOpening) -> list[FreeMentor]:
    """The trained mentors usually free at the opening's window, not meeting their mentee
    then and with no duty that day (nor an absence): those with fewest duties first."""
    window = opening.window
    pool = mentor_pool(rota.school, opening.day, opening.day)
    busy = set(
        Duty.objects.for_school(rota.school_id)
        .filter(held_on=opening.day)
        .values_list("mentor_id", flat=True)
    )
    loads = Counter(
        Duty.objects.filter(rota=rota)
        .exclude(attendance=Duty.Attendance.ABSENT)
        .values_list("mentor_id", flat=True)
    )
    free = [
        FreeMentor(member=member, duties=loads[pk])
        for pk, member in pool.items()
        if member.is_free(window) and not member.is_meeting(window) and pk not in busy
    ]
    return sorted(free, key=lambda f: (f.duties, f.member.name))
