"""Recording who came to the drop-in room: each refusal in words, two mentors at once, a
form sent twice, duties marked done, and the counting (apart from meetings)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peermentoring.core.models import AuditEntry
from peermentoring.core.roles import Role
from peermentoring.dropin import visit_services
from peermentoring.dropin.counting import visit_totals, visitors
from peermentoring.dropin.models import Duty, Room, RoomOpening, Visit
from peermentoring.dropin.tests.visits_support import (
    HALF_TERM,
    SATURDAY,
    SUMMER,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    duty,
    mentor_member,
    room_of,
    rota,
    window,
)
from peermentoring.dropin.visit_services import VisitConflict, VisitCounts, record_visit
from peermentoring.meetings import counting as meeting_counting
from peermentoring.meetings.services import log_meeting, topics_for
from peermentoring.schools.models import Term
from tests.support.factories import pupil_member
from tests.support.meetings import at, pairing_in

THREE_AND_ONE = VisitCounts(3, 1, 0)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return at(monkeypatch)  # Wednesday 19 November 2025, 13:00


@pytest.fixture
def room(school):
    return room_of(school)


def record(room, day, kind="lunch", *, by, counts=THREE_AND_ONE, **more):
    return record_visit(
        room=room,
        window=window(room.school, day, kind),
        held_on=day,
        counts=counts,
        by=by,
        **more,
    )


def refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- What is recorded --------------------------------------------------------------------


def test_the_coordinator_records_an_opening_with_counts_topics_and_names(school, room, coordinator):
    topic = topics_for(school)[1]

    visit = record(room, WEDNESDAY, by=coordinator, names="  Ava 7C  ", topics=[topic], version=0)

    assert (visit.year7, visit.year8, visit.older, visit.total) == (3, 1, 0, 4)
    assert visit.names == "Ava 7C"
    assert list(visit.topics.all()) == [topic]
    assert visit.version == 1
    assert visit.recorded_by == coordinator
    entry = AuditEntry.objects.get(action="dropin.visit_recorded")
    assert entry.changes["counts"] == [3, 1, 0]
    assert "Ava" not in str(entry.changes)  # pupils' names stay out of the audit trail


def test_nobody_coming_is_recorded_too(school, room, coordinator):
    visit = record(room, WEDNESDAY, by=coordinator, counts=VisitCounts())

    assert visit.total == 0
    assert visit_totals(school, WEDNESDAY, WEDNESDAY).openings_recorded == 1


# --- Each refusal ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind", "words"),
    [
        (THURSDAY, "lunch", "Thursday 20 November 2025 has not happened yet"),
        (SATURDAY, "lunch", "is a weekend"),
        (HALF_TERM, "lunch", "is in the autumn half-term"),
        (SUMMER, "lunch", "is in the school holidays"),
    ],
)
def test_only_a_teaching_day_that_has_happened_can_be_recorded(
    school, room, coordinator, day, kind, words
):
    with pytest.raises(ValidationError) as error:
        record_visit(
            room=room,
            window=window(school, day if day.weekday() < 5 else WEDNESDAY, kind),
            held_on=day,
            counts=VisitCounts(1),
            by=coordinator,
        )

    assert words in refusal(error.value)
    assert not Visit.objects.exists()


def test_a_time_not_started_yet_today_is_refused(school, room, coordinator, monkeypatch):
    at(monkeypatch, dt.datetime(2025, 11, 19, 11, 30))  # after break, before lunch

    with pytest.raises(ValidationError) as error:
        record(room, WEDNESDAY, "lunch", by=coordinator)
    record(room, WEDNESDAY, "break", by=coordinator)

    assert refusal(error.value) == ("Lunch has not started yet today: record visitors once it has.")
    assert Visit.objects.get().window.kind == "break"


def test_a_window_of_another_weekday_is_refused(school, room, coordinator):
    with pytest.raises(ValidationError) as error:
        record_visit(
            room=room,
            window=window(school, TUESDAY, "lunch"),
            held_on=WEDNESDAY,
            counts=VisitCounts(1),
            by=coordinator,
        )

    assert refusal(error.value) == (
        "Wednesday 19 November 2025 is a Wednesday, but Tuesday lunch is on a Tuesday."
    )


def test_a_time_the_room_is_not_open_is_refused(school, room, coordinator):
    with pytest.raises(ValidationError) as error:
        record(room, WEDNESDAY, "am_registration", by=coordinator)

    assert (
        refusal(error.value) == "Peer Mentoring room is not open on Wednesday at AM registration."
    )


def test_a_closed_room_is_not_open_at_any_time(school, room, coordinator):
    Room.objects.filter(pk=room.pk).update(is_active=False)
    room.refresh_from_db()

    with pytest.raises(ValidationError, match="is not open on Wednesday at lunch"):
        record(room, WEDNESDAY, by=coordinator)


def test_a_time_taken_off_the_rooms_times_is_refused(school, room, coordinator):
    RoomOpening.objects.filter(room=room, window=window(school, WEDNESDAY, "lunch")).delete()

    with pytest.raises(ValidationError, match="is not open on Wednesday at lunch"):
        record(room, WEDNESDAY, by=coordinator)


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        (VisitCounts(201, 0, 0), "year7"),
        (VisitCounts(0, -1, 0), "year8"),
        (VisitCounts(0, 0, 10**30), "older"),
        (VisitCounts(True, 0, 0), "year7"),
    ],
)
def test_counts_outside_0_to_200_are_refused(school, room, coordinator, counts, field):
    with pytest.raises(ValidationError) as error:
        record(room, WEDNESDAY, by=coordinator, counts=counts)

    group = visit_services.GROUPS[field]
    assert error.value.message_dict == {field: [f"Give a number from 0 to 200 for {group}."]}
    assert not Visit.objects.exists()


def test_names_longer_than_500_characters_are_refused(school, room, coordinator):
    with pytest.raises(ValidationError) as error:
        record(room, WEDNESDAY, by=coordinator, names="A" * 501)
    record(room, WEDNESDAY, by=coordinator, names="A" * 500)

    assert error.value.message_dict == {
        "names": ["Keep the names to 500 characters (they have 501)."]
    }


def test_another_schools_topic_is_refused(school, other_school, room, coordinator):
    with pytest.raises(ValidationError) as error:
        record(room, WEDNESDAY, by=coordinator, topics=[topics_for(other_school)[0]])

    assert error.value.message_dict == {"topics": ["Choose topics from your school's list."]}


def test_another_schools_window_is_refused(school, other_school, room, coordinator):
    theirs = window(other_school, WEDNESDAY, "lunch")

    with pytest.raises(ValidationError, match="Choose from your school's"):
        record_visit(room=room, window=theirs, held_on=WEDNESDAY, counts=VisitCounts(), by=None)


# --- Who may record ------------------------------------------------------------------------


def test_a_mentor_on_duty_records_their_duty_and_it_is_marked_done(school, room):
    membership, mentor = mentor_member(school)
    _, other = mentor_member(school, "Sara")
    the_rota = rota(school)
    mine = duty(school, mentor, TUESDAY, rota=the_rota)
    theirs = duty(school, other, TUESDAY, rota=the_rota)

    record(room, TUESDAY, by=membership.user)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.attendance == Duty.Attendance.DONE
    assert theirs.attendance == Duty.Attendance.EXPECTED  # Sara's own record says if she came


def test_staff_recording_marks_no_ones_duty(school, room, coordinator):
    _, mentor = mentor_member(school)
    on_duty = duty(school, mentor, TUESDAY)

    record(room, TUESDAY, by=coordinator)

    on_duty.refresh_from_db()
    assert on_duty.attendance == Duty.Attendance.EXPECTED


def test_a_mentor_not_on_duty_under_a_published_rota_is_refused(school, room):
    membership, _ = mentor_member(school)
    _, other = mentor_member(school, "Sara")
    duty(school, other, WEDNESDAY)

    with pytest.raises(ValidationError) as error:
        record(room, WEDNESDAY, by=membership.user)

    assert refusal(error.value) == (
        "You are not on duty in Peer Mentoring room on Wednesday 19 November 2025 at lunch: "
        "you can record only the times you are on duty."
    )
    assert not Visit.objects.exists()


def test_a_mentor_on_duty_at_break_may_not_record_lunch(school, room):
    membership, mentor = mentor_member(school)
    duty(school, mentor, WEDNESDAY, "break")

    with pytest.raises(ValidationError, match="You are not on duty"):
        record(room, WEDNESDAY, "lunch", by=membership.user)
    record(room, WEDNESDAY, "break", by=membership.user)


def test_a_draft_rotas_duty_does_not_count(school, room):
    membership, mentor = mentor_member(school)
    duty(school, mentor, TUESDAY, rota=rota(school, published=False))

    with pytest.raises(ValidationError) as error:
        record(room, TUESDAY, by=membership.user)

    assert refusal(error.value) == (
        "There is no published rota for Tuesday 18 November 2025, so mentors can record "
        "only today's visitors."
    )


def test_with_no_published_rota_a_trained_mentor_records_any_opening_of_today(school, room):
    membership, _ = mentor_member(school)

    visit = record(room, WEDNESDAY, by=membership.user)

    assert visit.recorded_by == membership.user


def test_with_no_published_rota_a_mentor_in_training_is_refused(school, room):
    membership, _ = mentor_member(school, status="in_training")

    with pytest.raises(ValidationError) as error:
        record(room, WEDNESDAY, by=membership.user)

    assert (
        refusal(error.value)
        == "Only a trained peer mentor can record visitors in the drop-in room."
    )


def test_a_mentee_cannot_record_visitors(school, room):
    mentee = pupil_member(school, Role.MENTEE)

    with pytest.raises(ValidationError, match="Only a peer mentor on duty or the coordinator"):
        record(room, WEDNESDAY, by=mentee.user)


def test_someone_of_another_school_cannot_record(school, room, other_school_coordinator):
    with pytest.raises(ValidationError, match="Only a peer mentor on duty or the coordinator"):
        record(room, WEDNESDAY, by=other_school_coordinator)


def test_staff_record_any_past_opening_even_under_a_published_rota(school, room, coordinator):
    _, mentor = mentor_member(school)
    duty(school, mentor, TUESDAY)

    visit = record(room, dt.date(2025, 11, 4), "break", by=coordinator)

    assert visit.window.kind == "break"


# --- Two mentors at once, and a form sent twice ----------------------------------------


def test_the_second_of_two_mentors_editing_at_once_is_told_and_nothing_is_lost(school, room):
    kwame, first = mentor_member(school)
    sara, second = mentor_member(school, "Sara")
    the_rota = rota(school)
    duty(school, first, WEDNESDAY, rota=the_rota)
    duty(school, second, WEDNESDAY, rota=the_rota)

    # Both opened the empty form (version 0); Kwame saves first.
    record(room, WEDNESDAY, by=kwame.user, counts=VisitCounts(3, 0, 0), version=0)
    with pytest.raises(VisitConflict) as conflict:
        record(room, WEDNESDAY, by=sara.user, counts=VisitCounts(2, 1, 0), version=0)

    assert "Kwame saved this while you were typing" in refusal(conflict.value)
    saved = conflict.value.visit
    assert (saved.year7, saved.year8, saved.version) == (3, 0, 1)
    assert Visit.objects.get().year7 == 3  # Kwame's numbers stand

    # Sara adds hers to the numbers she is now shown, with their version.
    merged = record(room, WEDNESDAY, by=sara.user, counts=VisitCounts(5, 1, 0), version=1)

    assert (merged.year7, merged.year8, merged.version) == (5, 1, 2)
    assert Visit.objects.count() == 1


def test_an_old_version_is_refused_even_for_the_same_person(school, room, coordinator):
    record(room, WEDNESDAY, by=coordinator, counts=VisitCounts(1), version=0)
    record(room, WEDNESDAY, by=coordinator, counts=VisitCounts(2), version=1)

    with pytest.raises(VisitConflict):
        record(room, WEDNESDAY, by=coordinator, counts=VisitCounts(9), version=1)

    assert Visit.objects.get().year7 == 2


def test_the_same_form_sent_twice_makes_one_visit(school, room, coordinator):
    topic = topics_for(school)[0]
    first = record(room, WEDNESDAY, by=coordinator, topics=[topic], version=0)

    again = record(room, WEDNESDAY, by=coordinator, topics=[topic], version=0)

    assert again.pk == first.pk
    assert Visit.objects.count() == 1
    assert Visit.objects.get().version == 1
    assert AuditEntry.objects.filter(action__startswith="dropin.visit").count() == 1


# --- Counting, apart from meetings ---------------------------------------------------------


def test_visitors_are_counted_by_year_group_week_and_room_and_never_as_meetings(
    school, room, coordinator
):
    second = Room.objects.create(school=school, name="Library corner", order=1)
    RoomOpening.objects.create(room=second, window=window(school, TUESDAY, "break"))
    record(room, WEDNESDAY, by=coordinator, counts=VisitCounts(3, 1, 0))
    record(room, dt.date(2025, 11, 11), "break", by=coordinator, counts=VisitCounts(2, 0, 2))
    record(second, TUESDAY, "break", by=coordinator, counts=VisitCounts(4, 0, 0))
    pairing = pairing_in(school)
    log_meeting(pairing=pairing, held_on=TUESDAY, window=window(school, TUESDAY, "lunch"), by=None)
    term = Term.objects.for_school(school).get(name="autumn", starts_on__year=2025)

    totals = visit_totals(school, term.starts_on, WEDNESDAY)

    assert totals.total == 12
    assert totals.by_year == {"year7": 9, "year8": 1, "older": 2}
    assert totals.by_week[dt.date(2025, 11, 10)] == 4
    assert totals.by_week[dt.date(2025, 11, 17)] == 8
    assert totals.by_week[dt.date(2025, 9, 1)] == 0  # a school week with none
    assert dt.date(2025, 10, 27) not in totals.by_week  # half-term is no school week
    assert totals.by_room == {room.pk: 8, second.pk: 4}
    assert totals.openings_recorded == 3
    assert visitors(school, term.starts_on, WEDNESDAY) == 12
    # The meeting counts as a meeting only, and no visitor counts as a meeting.
    assert meeting_counting.total(school, term.starts_on, WEDNESDAY) == 1


# --- A property over counts and dates ------------------------------------------------------

COUNTS = st.integers(min_value=-5, max_value=205)
DAYS = st.dates(min_value=dt.date(2025, 10, 20), max_value=dt.date(2025, 12, 31))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(year7=COUNTS, year8=COUNTS, older=COUNTS, day=DAYS)
def test_a_visit_is_stored_only_with_counts_in_range_on_a_past_teaching_day(
    school, room, coordinator, year7, year8, older, day
):
    # Written again from the calendar, not taken from the service.
    term = Term.objects.for_school(school).get(name="autumn", starts_on__year=2025)
    teaching = (
        day.weekday() < 5
        and term.starts_on <= day <= term.ends_on
        and not (term.half_term_starts_on <= day <= term.half_term_ends_on)
        and day <= WEDNESDAY
    )
    in_range = all(0 <= n <= 200 for n in (year7, year8, older))
    before = Visit.objects.count()
    try:
        visit = record_visit(
            room=room,
            window=window(school, day if day.weekday() < 5 else TUESDAY, "lunch"),
            held_on=day,
            counts=VisitCounts(year7, year8, older),
            by=coordinator,
            version=Visit.objects.filter(held_on=day).values_list("version", flat=True).first()
            or 0,
        )
    except ValidationError:
        assert not (teaching and in_range)
        assert Visit.objects.count() == before
    else:
        assert teaching and in_range
        assert visit.total == year7 + year8 + older


# --- Holes a hostile review found (each test failed before its fix) -------------------------


def test_a_mentor_cannot_turn_a_missed_duty_into_done_by_recording_it(school, room, coordinator):
    membership, mentor = mentor_member(school)
    missed = duty(school, mentor, TUESDAY, attendance=Duty.Attendance.MISSED)

    record(room, TUESDAY, by=membership.user)

    missed.refresh_from_db()
    assert missed.attendance == Duty.Attendance.MISSED  # the coordinator's word stands


def test_a_mentor_marked_absent_may_not_record_that_opening(school, room):
    membership, mentor = mentor_member(school)
    duty(school, mentor, TUESDAY, attendance=Duty.Attendance.ABSENT)

    with pytest.raises(ValidationError):
        record(room, TUESDAY, by=membership.user)
    assert not Visit.objects.exists()


def test_a_mentor_may_not_record_a_duty_of_more_than_two_weeks_ago(school, room):
    membership, mentor = mentor_member(school)
    long_ago = dt.date(2025, 11, 4)  # a Tuesday, fifteen days before the clock's Wednesday
    duty(school, mentor, long_ago)

    with pytest.raises(ValidationError) as refused:
        record(room, long_ago, by=membership.user)
    assert "ask your coordinator" in refusal(refused.value)


def test_a_paused_mentor_records_nothing(school, room):
    membership, mentor = mentor_member(school, status="paused")
    duty(school, mentor, TUESDAY)

    with pytest.raises(ValidationError):
        record(room, TUESDAY, by=membership.user)


def test_pupils_are_not_told_an_absent_or_paused_mentor_is_on_duty(school, room):
    _, absent = mentor_member(school, "Amara")
    _, paused = mentor_member(school, "Piotr", status="paused")
    _, here = mentor_member(school, "Hana")
    the_rota = rota(school)
    duty(school, absent, WEDNESDAY, rota=the_rota, attendance=Duty.Attendance.ABSENT)
    duty(school, paused, WEDNESDAY, rota=the_rota)
    duty(school, here, WEDNESDAY, rota=the_rota)

    live = {d.mentor.pupil.given_name for d in Duty.objects.for_school(school).live()}

    assert live == {"Hana"}


def test_the_teaching_days_of_the_last_days_of_the_calendar_are_counted_without_error(school):
    from peermentoring.dropin.schedule import teaching_days

    assert teaching_days(school, dt.date(9999, 12, 27), dt.date(9999, 12, 31)) == []
