"""The rota's rules, through rota_services: who may be on duty, what building again keeps,
changes by hand refused in words, two coordinators at once, and who is told what.

Most tests use the greedy stand-in for the solver (`use_greedy`, tests only) so that they
test this module's rules, not CP-SAT's; those named `..._with_the_real_solver` call the
real `rota.solve`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from peermentoring.core.models import AuditEntry, Notification
from peermentoring.dropin import rota, rota_services
from peermentoring.dropin.models import Duty, Rota
from peermentoring.dropin.rota_plan import dated_opening, duty_key, plan_for, problem_json
from peermentoring.dropin.tests.rota_support import (
    FRIDAY,
    MONDAY,
    NEXT_FRIDAY,
    check_rota,
    greedy_solve,
    in_term,
    trained_mentor,
    use_greedy,
    window,
)
from peermentoring.meetings.services import set_usual_windows
from peermentoring.mentors.models import Mentor
from tests.support.factories import AcademicYearFactory, MentorFactory
from tests.support.meetings import at, pairing_in

NAMES = ["Asha", "Ben", "Cara", "Dev", "Ella", "Finn"]
TODAY = dt.date(2025, 11, 19)


@pytest.fixture
def term(school, monkeypatch):
    in_term(school, monkeypatch)
    use_greedy(monkeypatch)
    return school


@pytest.fixture
def six(term):
    return [trained_mentor(term, name, account=True) for name in NAMES]


def build(school, by, first=MONDAY, last=FRIDAY, **kwargs):
    return rota_services.build_rota(school=school, first=first, last=last, by=by, **kwargs)


def duties_of(mentor):
    return list(Duty.objects.filter(mentor=mentor).select_related("window"))


def key(school, day, kind):
    w = window(school, day.weekday(), kind)
    room = school.rooms.get()
    return f"{room.pk}-{w.pk}-{day.isoformat()}"


# --- Building ----------------------------------------------------------------------------


def test_a_built_rota_is_a_draft_with_every_opening_staffed_by_its_fewest(term, six, coordinator):
    made = build(term, coordinator)

    assert not made.is_published
    assert (made.starts_on, made.ends_on) == (MONDAY, FRIDAY)
    assert made.solver_status == "optimal" and made.unstaffable == {}
    # Break and lunch, five days, two on duty each.
    assert Duty.objects.filter(rota=made).count() == 20
    days = list(Duty.objects.filter(rota=made).values_list("mentor", "held_on"))
    assert len(days) == len(set(days)), "a mentor on duty twice in a day"


def test_a_mentor_is_put_on_duty_only_when_free(term, six, coordinator):
    monday_lunch = trained_mentor(term, "Gus", windows=[(0, "lunch")])

    build(term, coordinator)

    assert {(d.held_on, d.window.kind) for d in duties_of(monday_lunch)} <= {(MONDAY, "lunch")}


def test_a_mentor_is_never_on_duty_when_they_usually_meet_their_mentee(
    term, coordinator, monkeypatch
):
    pairing = pairing_in(term)
    others = [trained_mentor(term, name) for name in NAMES[:3]]
    set_usual_windows(pairing=pairing, windows=[window(term, 0, "lunch")], by=None)

    plan = plan_for(term, MONDAY, FRIDAY)

    mine = next(m for m in plan.problem.mentors if m.id == pairing.mentor_id)
    assert mine.meets == frozenset({(0, "lunch")})
    assert all(not m.meets for m in plan.problem.mentors if m.id != pairing.mentor_id)
    assert len(others) == 3


def test_a_pair_who_have_not_chosen_when_they_meet_keep_the_mentor_off_no_duty(term):
    pairing = pairing_in(term)

    plan = plan_for(term, MONDAY, FRIDAY)

    (mine,) = [m for m in plan.problem.mentors if m.id == pairing.mentor_id]
    assert mine.meets == frozenset()
    assert len(mine.available) == 15  # no availability recorded: every window


def test_only_trained_mentors_able_to_mentor_this_year_are_asked(term):
    trained = trained_mentor(term, "Asha")
    MentorFactory(school=term, status=Mentor.Status.IN_TRAINING)
    paused = trained_mentor(term, "Ben")
    paused.status = Mentor.Status.PAUSED
    paused.save()
    untrained = MentorFactory(school=term, status=Mentor.Status.TRAINED)  # no safeguarding module

    ids = {m.id for m in plan_for(term, MONDAY, FRIDAY).problem.mentors}

    assert ids == {trained.pk}
    assert untrained.pk not in ids


def test_a_mentor_who_mentored_in_an_earlier_year_is_experienced(term):
    new = trained_mentor(term, "Asha")
    second_year = trained_mentor(term, "Ben")
    MentorFactory(
        school=term,
        pupil=second_year.pupil,
        academic_year=AcademicYearFactory(school=term, starts_on=dt.date(2024, 9, 1)),
    )
    flagged = trained_mentor(term, "Cara", experienced=True)

    mentors = {m.id: m for m in plan_for(term, MONDAY, FRIDAY).problem.mentors}

    assert not mentors[new.pk].experienced
    assert mentors[second_year.pk].experienced
    assert mentors[flagged.pk].experienced


def test_openings_that_cannot_be_staffed_are_kept_with_their_reasons(term, coordinator):
    trained_mentor(term, "Asha")
    trained_mentor(term, "Ben", windows=[(3, "lunch")])

    made = build(term, coordinator)

    # One duty a day each: no opening can have two on duty.
    assert made.solver_status == "feasible"
    assert len(made.unstaffable) == 10
    monday_break = key(term, MONDAY, "break")
    assert made.unstaffable[monday_break] == "Monday 24 November, break: only 1 mentor available"


def test_building_the_same_dates_again_solves_the_same_rota(term, six, coordinator):
    first = build(term, coordinator)
    again = build(term, coordinator)

    assert again.pk == first.pk
    assert again.version == first.version + 1
    assert Rota.objects.count() == 1
    assert Duty.objects.count() == 20


def test_building_again_keeps_locked_recorded_and_absent_duties_and_replaces_the_rest(
    term, six, coordinator, monkeypatch
):
    made = build(
        term, coordinator, first=dt.date(2025, 11, 17), last=FRIDAY, since=dt.date(2025, 11, 17)
    )
    past = set(Duty.objects.filter(held_on__lt=TODAY).values_list("pk", flat=True))
    future = Duty.objects.filter(rota=made, held_on__gte=MONDAY).order_by("pk")
    locked, absent, plain = future[0], future[1], future[2]
    rota_services.lock_duty(duty=locked, locked=True, by=coordinator)
    rota_services.mark_absence(duty=absent, by=coordinator)
    # The stand-in solver puts nobody anywhere: only what building must keep is left.
    monkeypatch.setattr(rota, "solve", lambda problem: rota.Answer(duties=[]))

    build(term, coordinator, first=dt.date(2025, 11, 17), last=FRIDAY)

    left = set(Duty.objects.values_list("pk", flat=True))
    assert past and past <= left  # days before today are never solved again
    assert {locked.pk, absent.pk} <= left
    assert plain.pk not in left
    assert Duty.objects.get(pk=absent.pk).attendance == Duty.Attendance.ABSENT


def test_the_solver_is_told_the_locked_and_the_absent_duties(term, six, coordinator, monkeypatch):
    made = build(term, coordinator)
    locked, absent = Duty.objects.filter(rota=made).order_by("pk")[:2]
    rota_services.lock_duty(duty=locked, locked=True, by=coordinator)
    rota_services.mark_absence(duty=absent, by=coordinator)
    asked = []
    monkeypatch.setattr(
        rota, "solve", lambda problem: asked.append(problem) or greedy_solve(problem)
    )

    build(term, coordinator)

    assert asked[0].locked == frozenset({(duty_key(locked), locked.mentor_id)})
    assert asked[0].excluded == frozenset({(duty_key(absent), absent.mentor_id)})
    again = Duty.objects.filter(rota=made, held_on=absent.held_on, window=absent.window)
    assert absent.mentor_id in set(again.values_list("mentor", flat=True))  # the absence row
    assert (
        again.exclude(attendance=Duty.Attendance.ABSENT).filter(mentor=absent.mentor).count() == 0
    )


def test_a_duty_done_today_is_kept_and_the_solver_is_told_of_it(
    term, six, coordinator, monkeypatch
):
    at(monkeypatch, dt.datetime(2025, 11, 19, 8, 0))
    made = build(term, coordinator, first=TODAY, last=FRIDAY)
    at(monkeypatch)
    done = Duty.objects.filter(rota=made, held_on=TODAY, window__kind="break").first()
    rota_services.set_attendance(duty=done, attendance="done", by=coordinator)
    asked = []
    monkeypatch.setattr(rota, "solve", lambda problem: asked.append(problem) or rota.Answer([]))

    build(term, coordinator, first=TODAY, last=FRIDAY)

    # At one o'clock today's break and lunch have both begun: every duty of today is kept.
    today = set(Duty.objects.filter(rota=made, held_on=TODAY).values_list("pk", flat=True))
    assert done.pk in today
    assert (duty_key(done), done.mentor_id) in asked[0].locked
    assert set(Duty.objects.values_list("pk", flat=True)) == today


def test_a_rota_built_after_break_puts_nobody_on_that_break(term, six, coordinator):
    made = build(term, coordinator, first=TODAY, last=FRIDAY)  # at one o'clock

    assert not Duty.objects.filter(rota=made, held_on=TODAY).exists()
    assert Duty.objects.filter(rota=made, held_on=FRIDAY).exists()


def test_building_again_after_break_leaves_the_mornings_duties_as_they_were(
    term, six, coordinator, monkeypatch
):
    at(monkeypatch, dt.datetime(2025, 11, 19, 8, 0))
    made = build(term, coordinator, first=TODAY, last=FRIDAY)
    on_break = {
        d.pk: d.mentor_id
        for d in Duty.objects.filter(rota=made, held_on=TODAY, window__kind="break")
    }
    assert on_break
    at(monkeypatch, dt.datetime(2025, 11, 19, 11, 30))  # break over, lunch to come
    asked = []
    monkeypatch.setattr(
        rota, "solve", lambda problem: asked.append(problem) or greedy_solve(problem)
    )

    build(term, coordinator, first=TODAY, last=FRIDAY)

    kept = Duty.objects.filter(rota=made, held_on=TODAY, window__kind="break")
    assert {d.pk: d.mentor_id for d in kept} == on_break  # the same rows, the same mentors
    opening = next(o for o in asked[0].openings if o.id == key(term, TODAY, "break"))
    assert opening.min == opening.max == len(on_break)  # nobody added to a break gone by
    lunch = set(
        Duty.objects.filter(rota=made, held_on=TODAY, window__kind="lunch").values_list(
            "mentor", flat=True
        )
    )
    assert lunch and not lunch & set(on_break.values())  # still one duty a day


def test_a_second_build_of_the_school_while_one_runs_is_refused_in_words(
    term, six, coordinator, monkeypatch
):
    tried = []

    def solve_while_another_build_starts(problem):
        with pytest.raises(ValidationError) as refused:
            build(term, coordinator, first=MONDAY, last=NEXT_FRIDAY)  # a double click
        tried.append(refused.value)
        return greedy_solve(problem)

    monkeypatch.setattr(rota, "solve", solve_while_another_build_starts)

    made = build(term, coordinator)

    assert "being built at this moment" in tried[0].messages[0]
    assert list(Rota.objects.values_list("pk", flat=True)) == [made.pk]
    monkeypatch.setattr(rota, "solve", greedy_solve)
    assert build(term, coordinator).version == made.version + 1  # the place is given back


def test_an_answer_with_no_rota_at_all_changes_no_duty(term, six, coordinator, monkeypatch):
    made = build(term, coordinator)
    before = set(Duty.objects.values_list("pk", flat=True))
    monkeypatch.setattr(
        rota,
        "solve",
        lambda problem: rota.Answer(duties=[], status="infeasible", unstaffable={"x": "why"}),
    )

    again = build(term, coordinator)

    assert set(Duty.objects.values_list("pk", flat=True)) == before
    assert again.pk == made.pk and again.solver_status == "infeasible"


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (FRIDAY, MONDAY, "The last day must be on or after the first day."),
        (
            dt.date(2025, 10, 27),
            dt.date(2025, 10, 31),
            "There are no school days from Monday 27 October",
        ),
        (
            dt.date(2025, 11, 10),
            dt.date(2025, 11, 18),
            "has passed: a rota is built for days to come",
        ),
        (dt.date(2025, 9, 1), dt.date(2026, 3, 1), "at most 120 days apart"),
    ],
)
def test_a_period_that_cannot_have_a_rota_is_refused_in_words(
    term, six, coordinator, first, last, words
):
    with pytest.raises(ValidationError) as refused:
        build(term, coordinator, first=first, last=last)

    assert words in refused.value.messages[0]
    assert not Rota.objects.exists()


def test_dates_overlapping_another_rota_are_refused_in_words(term, six, coordinator):
    build(term, coordinator)

    with pytest.raises(ValidationError) as refused:
        build(term, coordinator, first=dt.date(2025, 11, 26), last=NEXT_FRIDAY)

    assert refused.value.messages == [
        "These dates overlap the rota from Monday 24 November to Friday 28 November. Open that "
        "rota to change it, or choose dates that do not overlap it."
    ]
    assert Rota.objects.count() == 1


def test_a_room_open_at_no_time_is_refused_in_words(term, six, coordinator):
    from peermentoring.dropin.schedule import rooms_for

    (room,) = rooms_for(term)
    room.openings.all().delete()

    with pytest.raises(ValidationError, match="not open on any school day"):
        build(term, coordinator)


# --- Two coordinators at once ---------------------------------------------------------


def test_a_change_read_at_an_older_version_is_refused_and_says_who_changed_it(
    term, six, coordinator
):
    made = build(term, coordinator)
    duty = Duty.objects.filter(rota=made).first()
    read_at = made.version
    rota_services.lock_duty(duty=duty, locked=True, by=coordinator, version=read_at)

    with pytest.raises(rota_services.StaleRota) as stale:
        rota_services.mark_absence(duty=duty, by=coordinator, version=read_at)

    assert stale.value.messages[0].startswith("Helen changed this rota at ")
    assert Duty.objects.get(pk=duty.pk).attendance == Duty.Attendance.EXPECTED


def test_a_rota_changed_while_it_was_being_solved_is_not_overwritten(
    term, six, coordinator, monkeypatch
):
    made = build(term, coordinator)
    duty = Duty.objects.filter(rota=made).first()

    def meanwhile(problem):
        rota_services.lock_duty(duty=duty, locked=True, by=coordinator)  # the other coordinator
        return rota.Answer(duties=[])

    monkeypatch.setattr(rota, "solve", meanwhile)
    with pytest.raises(rota_services.StaleRota):
        build(term, coordinator, version=made.version)

    assert Duty.objects.filter(rota=made).count() == 20  # nothing replaced
    assert Duty.objects.get(pk=duty.pk).is_locked


# --- Publishing and telling the mentors -------------------------------------------------


def test_publishing_tells_each_mentor_on_the_rota_once(term, six, coordinator):
    made = build(term, coordinator)

    rota_services.publish_rota(rota=made, by=coordinator, version=made.version)
    rota_services.publish_rota(rota=made, by=coordinator, version=made.version)  # sent twice

    made.refresh_from_db()
    assert made.is_published and made.published_by == coordinator
    told = Notification.objects.filter(title=rota_services.PUBLISHED_TITLE)
    assert sorted(n.recipient.first_name for n in told) == NAMES
    asha = told.get(recipient__first_name="Asha")
    assert asha.url == "/s/oakbrook/dropin/my-duties/"
    assert asha.body.startswith("From Monday 24 November to Friday 28 November you are on duty")


def test_publishing_a_rota_built_part_way_through_tells_of_the_duties_to_come(
    term, six, coordinator
):
    made = build(term, coordinator, first=dt.date(2025, 11, 17), since=dt.date(2025, 11, 17))
    asha = six[0]
    gone_by = Duty.objects.filter(mentor=asha, held_on__lt=TODAY).count()
    to_come = Duty.objects.filter(mentor=asha, held_on__gte=TODAY).order_by("held_on")

    rota_services.publish_rota(rota=made, by=coordinator)

    told = Notification.objects.get(recipient__first_name="Asha")
    n = to_come.count()
    assert gone_by and n
    first = to_come[0]
    assert told.body.startswith(
        f"From Wednesday 19 November to Friday 28 November you are on duty in the drop-in "
        f"room {n} time{'s' if n != 1 else ''}. The first: {first.held_on:%A} "
        f"{first.held_on.day} November, {first.window.get_kind_display().lower()}"
    )


def test_changes_to_a_draft_tell_nobody(term, six, coordinator):
    made = build(term, coordinator)
    duty = Duty.objects.filter(rota=made).first()

    rota_services.remove_duty(duty=duty, by=coordinator)

    assert not Notification.objects.exists()


def test_after_publishing_a_change_tells_only_the_mentors_it_moves(term, six, coordinator):
    made = build(term, coordinator)
    rota_services.publish_rota(rota=made, by=coordinator)
    Notification.objects.all().delete()
    duty = Duty.objects.filter(rota=made).select_related("mentor__pupil").first()

    rota_services.mark_absence(duty=duty, by=coordinator)

    (told,) = Notification.objects.all()
    assert told.recipient.first_name == duty.mentor.pupil.given_name
    assert told.title == "Your drop-in duties have changed"
    assert told.body.startswith("You are no longer on duty: ")


def test_building_a_published_rota_again_tells_the_mentors_moved_and_nobody_else(
    term, six, coordinator, monkeypatch
):
    made = build(term, coordinator)
    rota_services.publish_rota(rota=made, by=coordinator)
    Notification.objects.all().delete()
    moved = Duty.objects.filter(rota=made).order_by("pk").first()
    others = Duty.objects.filter(rota=made).exclude(pk=moved.pk)
    keep = [rota.Duty(opening=duty_key(d), mentor=d.mentor_id) for d in others]
    monkeypatch.setattr(rota, "solve", lambda problem: rota.Answer(duties=keep))

    build(term, coordinator)

    (told,) = Notification.objects.all()
    assert told.recipient.first_name == moved.mentor.pupil.given_name
    assert "You are no longer on duty: Monday 24 November" in told.body


# --- Changes by hand ----------------------------------------------------------------------


@pytest.fixture
def drafted(term, six, coordinator):
    return build(term, coordinator)


def opening_at(school, day, kind):
    return dated_opening(school, key(school, day, kind))


def test_a_mentor_placed_by_hand_is_locked_on(term, drafted, coordinator):
    extra = trained_mentor(term, "Gus", windows=[(0, "lunch")])

    duty, warnings = rota_services.place_duty(
        rota=drafted, opening=opening_at(term, MONDAY, "lunch"), mentor=extra, by=coordinator
    )

    assert duty.is_locked and duty.mentor == extra and warnings == []
    assert AuditEntry.objects.filter(action="dropin.duty_placed").count() == 1


def test_a_mentor_not_usually_free_is_placed_with_a_warning(term, drafted, coordinator):
    extra = trained_mentor(term, "Gus", windows=[(0, "lunch")])

    _, warnings = rota_services.place_duty(
        rota=drafted, opening=opening_at(term, MONDAY, "break"), mentor=extra, by=coordinator
    )

    assert warnings == [f"{extra} is not usually free at Monday break: check with them."]


def test_placing_a_mentor_already_on_duty_that_day_is_refused(term, drafted, coordinator):
    duty = Duty.objects.filter(rota=drafted, held_on=MONDAY, window__kind="break").first()

    with pytest.raises(ValidationError) as refused:
        rota_services.place_duty(
            rota=drafted,
            opening=opening_at(term, MONDAY, "lunch"),
            mentor=duty.mentor,
            by=coordinator,
        )

    assert refused.value.messages == [
        f"{duty.mentor} is already on duty that day (break): one duty a day at most."
    ]


def test_placing_a_mentor_when_they_usually_meet_their_mentee_is_refused(
    term, drafted, coordinator
):
    pairing = pairing_in(term)
    set_usual_windows(pairing=pairing, windows=[window(term, 0, "lunch")], by=None)

    with pytest.raises(ValidationError, match="usually meets their mentee at Monday lunch"):
        rota_services.place_duty(
            rota=drafted,
            opening=opening_at(term, MONDAY, "lunch"),
            mentor=pairing.mentor,
            by=coordinator,
        )


def test_placing_a_mentor_at_a_full_opening_or_one_not_trained_is_refused(
    term, drafted, coordinator
):
    opening = opening_at(term, MONDAY, "lunch")
    extra = [trained_mentor(term, name) for name in ("Gus", "Hana")]
    rota_services.place_duty(rota=drafted, opening=opening, mentor=extra[0], by=coordinator)
    untrained = MentorFactory(school=term, status=Mentor.Status.IN_TRAINING)

    with pytest.raises(ValidationError, match="already has 3 on duty, the most it takes"):
        rota_services.place_duty(rota=drafted, opening=opening, mentor=extra[1], by=coordinator)
    with pytest.raises(ValidationError, match="is not a trained mentor"):
        rota_services.place_duty(
            rota=drafted,
            opening=opening_at(term, MONDAY, "break"),
            mentor=untrained,
            by=coordinator,
        )


def test_a_duty_done_cannot_be_taken_off_the_rota(term, drafted, coordinator, monkeypatch):
    from tests.support.meetings import at

    duty = Duty.objects.filter(rota=drafted, held_on=MONDAY).first()
    at(monkeypatch, dt.datetime(2025, 11, 24, 15, 0))
    rota_services.set_attendance(duty=duty, attendance="done", by=coordinator)

    with pytest.raises(ValidationError, match="recorded as done: it stays as a record"):
        rota_services.remove_duty(duty=duty, by=coordinator)

    assert Duty.objects.filter(pk=duty.pk).exists()


def test_attendance_is_recorded_once_the_duty_has_happened(term, drafted, coordinator):
    duty = Duty.objects.filter(rota=drafted, held_on=MONDAY).first()

    with pytest.raises(ValidationError, match="That duty is on Monday 24 November"):
        rota_services.set_attendance(duty=duty, attendance="done", by=coordinator)
    with pytest.raises(ValidationError, match="Choose done, missed or not recorded"):
        rota_services.set_attendance(duty=duty, attendance="absent", by=coordinator)

    assert Duty.objects.get(pk=duty.pk).attendance == Duty.Attendance.EXPECTED


def nobody(monkeypatch):
    """The stand-in solver puts nobody on duty: the test places each duty by hand."""
    monkeypatch.setattr(rota, "solve", lambda problem: rota.Answer(duties=[]))


def place(made, mentor, day, kind, by):
    duty, _ = rota_services.place_duty(
        rota=made, opening=opening_at(made.school, day, kind), mentor=mentor, by=by
    )
    return duty


def test_two_mentors_swap_duties_and_both_are_locked_and_told(term, six, coordinator, monkeypatch):
    nobody(monkeypatch)
    made = build(term, coordinator)
    asha, ben = six[0], six[1]
    a = place(made, asha, MONDAY, "break", coordinator)
    b = place(made, ben, dt.date(2025, 11, 26), "lunch", coordinator)
    rota_services.lock_duty(duty=a, locked=False, by=coordinator)
    rota_services.publish_rota(rota=made, by=coordinator)
    Notification.objects.all().delete()

    warnings = rota_services.swap_duties(first=a, second=b, by=coordinator)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.mentor, b.mentor) == (ben, asha)
    assert a.is_locked and b.is_locked
    assert warnings == []
    told = {n.recipient.first_name: n.body for n in Notification.objects.all()}
    assert told == {
        "Asha": "You are now on duty: Wednesday 26 November, lunch, in the Peer Mentoring room.\n"
        "You are no longer on duty: Monday 24 November, break, in the Peer Mentoring room.",
        "Ben": "You are now on duty: Monday 24 November, break, in the Peer Mentoring room.\n"
        "You are no longer on duty: Wednesday 26 November, lunch, in the Peer Mentoring room.",
    }


def test_a_swap_that_puts_a_mentor_on_duty_twice_in_a_day_is_refused(
    term, six, coordinator, monkeypatch
):
    nobody(monkeypatch)
    made = build(term, coordinator)
    asha, cara = six[0], six[2]
    a = place(made, asha, MONDAY, "break", coordinator)
    place(made, asha, dt.date(2025, 11, 25), "break", coordinator)
    c = place(made, cara, dt.date(2025, 11, 25), "lunch", coordinator)

    with pytest.raises(ValidationError) as refused:
        rota_services.swap_duties(first=a, second=c, by=coordinator)

    assert refused.value.messages == [
        f"{asha} is already on duty that day (break): one duty a day at most."
    ]
    assert Duty.objects.get(pk=a.pk).mentor == asha
    assert Duty.objects.get(pk=c.pk).mentor == cara


def test_a_swap_with_a_mentor_not_usually_free_then_warns(term, six, coordinator, monkeypatch):
    nobody(monkeypatch)
    made = build(term, coordinator)
    gus = trained_mentor(term, "Gus", windows=[(0, "break")])
    a = place(made, gus, MONDAY, "break", coordinator)
    b = place(made, six[0], dt.date(2025, 11, 25), "lunch", coordinator)

    warnings = rota_services.swap_duties(first=a, second=b, by=coordinator)

    assert warnings == [f"{gus} is not usually free at Tuesday lunch: check with them."]


def test_marking_an_absence_shows_who_else_is_free(term, six, coordinator, monkeypatch):
    nobody(monkeypatch)
    asha, ben, cara, dev = six[:4]
    for mentor in six[4:]:
        mentor.status = Mentor.Status.PAUSED
        mentor.save()
    gus = trained_mentor(term, "Gus", windows=[(1, "lunch")])  # not free on Mondays
    meets = pairing_in(term)
    set_usual_windows(pairing=meets, windows=[window(term, 0, "lunch")], by=None)
    made = build(term, coordinator)
    duty = place(made, asha, MONDAY, "lunch", coordinator)
    place(made, ben, MONDAY, "break", coordinator)  # on duty that day already
    place(made, dev, dt.date(2025, 11, 25), "break", coordinator)  # one duty so far

    rota_services.mark_absence(duty=duty, by=coordinator)
    free = rota_services.who_else_is_free(rota=made, opening=opening_at(term, MONDAY, "lunch"))

    assert [(f.mentor, f.duties) for f in free] == [(cara, 0), (dev, 1)]
    assert gus.pk and meets.mentor not in [f.mentor for f in free]


def test_every_change_is_in_the_audit_trail(term, drafted, coordinator):
    duty = Duty.objects.filter(rota=drafted).first()
    rota_services.lock_duty(duty=duty, locked=True, by=coordinator)
    rota_services.mark_absence(duty=duty, by=coordinator)
    rota_services.publish_rota(rota=drafted, by=coordinator)

    actions = list(
        AuditEntry.objects.filter(target_type="dropin.Rota", target_id=str(drafted.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "dropin.rota_built",
        "dropin.duty_locked",
        "dropin.duty_absent",
        "dropin.rota_published",
    ]


# --- The opening keys in addresses --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "1-2", "x-y-2025-11-24", "1-2-2025-13-45", "9" * 30 + "-1-2025-11-24", "1-" * 30],
)
def test_a_key_that_names_no_opening_is_none(term, text):
    assert dated_opening(term, text) is None


def test_a_key_of_another_schools_room_or_a_holiday_is_none(term, other_school, monkeypatch):
    from tests.support.meetings import year_2025

    year_2025(other_school)
    theirs = dated_opening(other_school, "0")  # make their default room
    assert theirs is None
    from peermentoring.dropin.schedule import rooms_for

    (room,) = rooms_for(other_school)
    lunch = window(other_school, 0, "lunch")

    assert dated_opening(term, f"{room.pk}-{lunch.pk}-2025-11-24") is None
    assert dated_opening(other_school, f"{room.pk}-{lunch.pk}-2025-11-24") is not None
    assert dated_opening(other_school, f"{room.pk}-{lunch.pk}-2025-10-27") is None  # half-term
    assert dated_opening(other_school, f"{room.pk}-{lunch.pk}-2025-11-25") is None  # a Tuesday


# --- The JSON, and the real solver ------------------------------------------------------------


def test_the_json_has_the_issues_shape(term, six, coordinator):
    built = rota_services.solve_period(school=term, first=MONDAY, last=FRIDAY)

    data = problem_json(built.plan.problem, built.answer)

    assert set(data) >= {"openings", "mentors", "duties"}
    assert set(data["openings"][0]) >= {"id", "date", "window", "room", "min", "max", "unstaffable"}
    assert data["openings"][0]["date"] == "2025-11-24"
    assert data["openings"][0]["window"] == "break"
    assert (data["openings"][0]["min"], data["openings"][0]["max"]) == (2, 3)
    assert set(data["mentors"][0]) >= {"id", "name", "experienced", "available"}
    assert {"weekday": 4, "window": "lunch"} in data["mentors"][0]["available"]
    assert set(data["duties"][0]) == {"opening", "mentor"}
    check_rota(data)


def test_a_rota_built_with_the_real_solver_passes_the_independent_check(
    school, coordinator, monkeypatch
):
    """REAL SOLVER: `rota.solve`, CP-SAT (no stand-in)."""
    in_term(school, monkeypatch)
    for n, name in enumerate(NAMES):
        days = [(d, kind) for d in range(5) for kind in ("break", "lunch") if (d + n) % 3]
        trained_mentor(school, name, windows=days, experienced=n % 2 == 0)
    pairing = pairing_in(school)
    set_usual_windows(pairing=pairing, windows=[window(school, 2, "lunch")], by=None)

    built = rota_services.build_rota_and_answer(
        school=school, first=MONDAY, last=NEXT_FRIDAY, by=coordinator
    )

    data = problem_json(built.plan.problem, built.answer)
    check_rota(data)
    stored = {(duty_key(d), d.mentor_id) for d in Duty.objects.filter(rota=built.rota)}
    assert stored == {(d["opening"], d["mentor"]) for d in data["duties"]}
    assert built.answer.status in ("optimal", "feasible")
    assert not Duty.objects.filter(
        mentor=pairing.mentor, window__weekday=2, window__kind="lunch"
    ).exists()
