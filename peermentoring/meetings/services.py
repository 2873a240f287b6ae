"""Logging meetings, correcting them, weekly counts and usual windows: every change here.

Views, the coordinator's pages, supervision, the demo and management commands all call
these functions, so every path goes through the same rules (`rules.py`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.matching.models import Pairing
from peermentoring.meetings import rules
from peermentoring.meetings.counting import monday, school_weeks
from peermentoring.meetings.models import NOTE_MAX, Meeting, Topic, UsualWindow, WeekCount
from peermentoring.schools.models import School, SchoolDayWindow

DEFAULT_TOPICS = (
    "Settling in",
    "Friendships",
    "Homework and organisation",
    "Worries about bullying",
    "Clubs",
    "Home",
    "Other",
)
ALREADY_LOGGED = "A meeting for {pairing} at {window} on {day} is already logged."


def topics_for(school: School) -> list[Topic]:
    """The school's topics, in order; the default list the first time it is asked for."""
    topics = list(Topic.objects.for_school(school))
    if not topics:
        with transaction.atomic():
            Topic.objects.bulk_create(
                [Topic(school=school, name=name, order=n) for n, name in enumerate(DEFAULT_TOPICS)],
                ignore_conflicts=True,
            )
        topics = list(Topic.objects.for_school(school))
    return topics


def _clean_details(
    *,
    school_id: int,
    status: str,
    minutes: int | None,
    mood: int | None,
    note: str,
    topics: Sequence[Topic],
) -> tuple[int | None, int | None, str]:
    if status not in Meeting.Status.values:
        raise ValidationError("Say whether the meeting happened.")
    if any(topic.school_id != school_id for topic in topics):
        raise ValidationError("Choose topics from your school's list.")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(f"Keep the note to {NOTE_MAX} characters (it has {len(note)}).")
    if status != Meeting.Status.HAPPENED:
        return None, None, note
    if minutes is not None and minutes not in Meeting.Length.values:
        raise ValidationError("Choose roughly how long you met.")
    if mood is not None and mood not in Meeting.Mood.values:
        raise ValidationError("Choose how your mentee seemed, from 1 to 5.")
    return minutes, mood, note


@transaction.atomic
def log_meeting(
    *,
    pairing: Pairing,
    held_on: dt.date,
    window: SchoolDayWindow,
    by: User | None,
    status: str = Meeting.Status.HAPPENED,
    minutes: int | None = None,
    topics: Sequence[Topic] = (),
    mood: int | None = None,
    note: str = "",
    submission_key: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Record one meeting (or one that did not happen) of a pairing.

    The same form sent twice (same `submission_key`) gives back the first meeting.
    """
    if submission_key is not None:
        earlier = Meeting.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.pairing_id != pairing.pk:
                raise ValidationError("This form was already used. Open it again to log another.")
            return earlier
    rules.check_meeting_time(pairing, held_on, window, now)
    minutes, mood, note = _clean_details(
        school_id=pairing.school_id,
        status=status,
        minutes=minutes,
        mood=mood,
        note=note,
        topics=topics,
    )
    if Meeting.objects.filter(pairing=pairing, held_on=held_on, window=window).exists():
        raise ValidationError(
            ALREADY_LOGGED.format(
                pairing=pairing, window=window.label, day=rules.long_date(held_on)
            )
        )
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                school_id=pairing.school_id,
                pairing=pairing,
                held_on=held_on,
                window=window,
                status=status,
                minutes=minutes,
                mood=mood,
                note=note,
                submission_key=submission_key,
                logged_by=by,
            )
    except IntegrityError as error:
        # Two sends at once: the other one won. Hand back its meeting, or say why not.
        if submission_key is not None:
            earlier = Meeting.objects.filter(submission_key=submission_key).first()
            if earlier is not None and earlier.pairing_id == pairing.pk:
                return earlier
        raise ValidationError(
            ALREADY_LOGGED.format(
                pairing=pairing, window=window.label, day=rules.long_date(held_on)
            )
        ) from error
    if topics:
        meeting.topics.set(topics)
    record(
        action="meeting.logged",
        target=meeting,
        by=by,
        school=pairing.school,
        changes={"held_on": held_on.isoformat(), "window": window.pk, "status": status},
    )
    return meeting


@transaction.atomic
def change_meeting(
    *,
    meeting: Meeting,
    by: User | None,
    held_on: dt.date,
    window: SchoolDayWindow,
    status: str,
    minutes: int | None = None,
    topics: Sequence[Topic] = (),
    mood: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Meeting:
    """Correct a meeting (the coordinator, or its author): the same rules as logging it."""
    meeting = Meeting.objects.select_for_update().select_related("pairing").get(pk=meeting.pk)
    pairing = meeting.pairing
    rules.check_meeting_time(pairing, held_on, window, now)
    minutes, mood, note = _clean_details(
        school_id=pairing.school_id,
        status=status,
        minutes=minutes,
        mood=mood,
        note=note,
        topics=topics,
    )
    clash = Meeting.objects.filter(pairing=pairing, held_on=held_on, window=window).exclude(
        pk=meeting.pk
    )
    if clash.exists():
        raise ValidationError(
            ALREADY_LOGGED.format(
                pairing=pairing, window=window.label, day=rules.long_date(held_on)
            )
        )
    before = {
        "held_on": meeting.held_on.isoformat(),
        "window": meeting.window_id,
        "status": meeting.status,
    }
    meeting.held_on, meeting.window, meeting.status = held_on, window, status
    meeting.minutes, meeting.mood, meeting.note = minutes, mood, note
    meeting.changed_by, meeting.changed_at = by, timezone.now()
    meeting.save()
    meeting.topics.set(topics)
    record(
        action="meeting.changed",
        target=meeting,
        by=by,
        school=pairing.school,
        changes={
            "before": before,
            "after": {"held_on": held_on.isoformat(), "window": window.pk, "status": status},
        },
    )
    return meeting


@transaction.atomic
def record_week_count(
    *,
    pairing: Pairing,
    week_of: dt.date,
    count: int,
    by: User | None,
    now: dt.datetime | None = None,
) -> WeekCount:
    """ "Met N times" in one school week: replaces an earlier count for that week.

    The week must be a school week that has begun, with the pair paired in it; the
    count at most 15 (three windows a day, five days).
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 15:
        raise ValidationError("Give a number of meetings from 0 to 15.")
    week_of = monday(week_of)
    today = (timezone.localtime(now) if now else rules.now()).date()
    if week_of > today:
        raise ValidationError("That week has not started yet.")
    friday = week_of + dt.timedelta(days=4)
    if not school_weeks(pairing.school_id, week_of, friday):
        raise ValidationError(
            f"The week of {rules.long_date(week_of)} has no school days: nothing to count."
        )
    if pairing.started_on > friday or (pairing.ended_on and pairing.ended_on < week_of):
        raise ValidationError(
            f"{pairing.mentor} and {pairing.mentee} were not paired in the week of "
            f"{rules.long_date(week_of)}."
        )
    entry, _ = WeekCount.objects.update_or_create(
        pairing=pairing,
        week_of=week_of,
        defaults={
            "school_id": pairing.school_id,
            "count": count,
            "recorded_by": by,
            "recorded_at": timezone.now(),
        },
    )
    record(
        action="meeting.week_counted",
        target=entry,
        by=by,
        school=pairing.school,
        changes={"week_of": week_of.isoformat(), "count": count},
    )
    return entry


@transaction.atomic
def set_usual_windows(
    *, pairing: Pairing, windows: Iterable[SchoolDayWindow], by: User | None
) -> list[SchoolDayWindow]:
    """When a pair usually meet: the school's windows only; none means "not chosen yet"."""
    chosen = list(windows)
    if any(w.school_id != pairing.school_id for w in chosen):
        raise ValidationError("Choose from your school's break, lunch and registration times.")
    UsualWindow.objects.filter(pairing=pairing).delete()
    UsualWindow.objects.bulk_create([UsualWindow(pairing=pairing, window=w) for w in chosen])
    record(
        action="pairing.usual_windows_set",
        target=pairing,
        by=by,
        school=pairing.school,
        changes={"windows": sorted(w.pk for w in chosen)},
    )
    return chosen
