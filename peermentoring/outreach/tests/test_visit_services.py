"""Planning, changing and cancelling visits to the feeder primaries: every rule, each refusal in
words, two coordinators editing one visit, and a form sent twice."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from peermentoring.core.models import AuditEntry, OutboundEmail
from peermentoring.dropin.models import Duty
from peermentoring.mentors.models import Mentor
from peermentoring.outreach import visit_services
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.outreach.tests.visit_support import (
    DAY,
    HALF_TERM,
    HOLIDAY,
    NOW,
    ONE,
    SATURDAY,
    TWO,
    clock,
    on_duty,
    plan,
    plan_email,
    primary,
    trained,
    untrained_module,
)
from tests.support.factories import FeederPrimaryFactory, MentorFactory, PupilFactory
from tests.support.meetings import year_2025

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer(monkeypatch, school):
    clock(monkeypatch)
    year_2025(school)


def refusal(error: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return error.value.message_dict[field]


# --- Planning ---------------------------------------------------------------------------


def test_a_visit_is_planned_with_its_mentors_staff_and_plan_and_audited(school, coordinator):
    kwame, ada = trained(school, "Kwame"), trained(school, "Ada", "Obi")

    visit = plan(school, coordinator, mentors=[kwame, ada])

    visit.refresh_from_db()
    assert (visit.visit_on, visit.starts_at, visit.ends_at) == (DAY, ONE, TWO)
    assert set(visit.mentors.all()) == {kwame, ada}
    assert visit.staff_name == "Mrs Hewitt"
    assert visit.status == PrimaryVisit.Status.PLANNED
    assert visit.created_by == coordinator
    entry = AuditEntry.objects.get(action="outreach.visit_planned")
    assert entry.actor == coordinator and entry.school == school


def test_the_contact_is_the_primarys_own_address_unless_another_is_given(school, coordinator):
    meadowside = primary(school, contact_email="office@meadowside.example")

    first = plan(school, coordinator, primary=meadowside)
    second = plan(
        school,
        coordinator,
        primary=meadowside,
        contact_email="y6@meadowside.example",
        starts_at=dt.time(9, 0),
        ends_at=dt.time(10, 0),
    )

    assert first.contact_email == "office@meadowside.example"
    assert second.contact_email == "y6@meadowside.example"


def test_another_schools_primary_is_refused(school, other_school, coordinator):
    theirs = FeederPrimaryFactory(school=other_school, name="Elm Park Primary")

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, primary=theirs)

    assert refusal(error, "primary") == [visit_services.NOT_THEIR_PRIMARY]
    assert not PrimaryVisit.objects.exists()


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (SATURDAY, "Saturday 13 June is not a school day"),
        (HALF_TERM, "Wednesday 27 May is not a school day"),
        (HOLIDAY, "Tuesday 4 August is not a school day"),
    ],
)
def test_a_visit_on_a_day_that_is_not_a_school_day_is_refused(school, coordinator, day, words):
    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, visit_on=day)

    assert refusal(error, "visit_on")[0].startswith(words)
    assert "check the school's term dates" in refusal(error, "visit_on")[0]
    assert not PrimaryVisit.objects.exists()


@pytest.mark.parametrize("days", [-800, 800, 3_000_000])
def test_a_date_more_than_two_years_away_is_refused(school, coordinator, days):
    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, visit_on=NOW.date() + dt.timedelta(days=min(days, 2_900_000)))

    assert refusal(error, "visit_on")[0].startswith("Choose a date within two years of today")


def test_a_visit_that_already_happened_is_recorded_and_nothing_is_sent(school, coordinator):
    visit = plan(school, coordinator, visit_on=dt.date(2026, 5, 12), send=True)

    assert visit.link_sent_at is None
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(("starts", "ends"), [(TWO, ONE), (ONE, ONE)])
def test_a_visit_must_end_after_it_starts(school, coordinator, starts, ends):
    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, starts_at=starts, ends_at=ends)

    assert refusal(error, "ends_at") == [visit_services.ENDS_BEFORE_START]


def test_a_visit_in_lesson_time_needs_release_from_lessons_ticked(school, coordinator):
    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, released_from_lessons=False)

    (words,) = refusal(error, "released_from_lessons")
    # Lunch is 12:50 to 13:35: the rest of the hour is lessons.
    assert words.startswith("Part of this visit is in lesson time (13:35 to 14:00).")
    assert "Tick “released from lessons by agreement”" in words
    assert not PrimaryVisit.objects.exists()


def test_lesson_time_on_both_sides_of_break_is_named(school, coordinator):
    with pytest.raises(ValidationError) as error:
        plan(
            school,
            coordinator,
            starts_at=dt.time(10, 0),
            ends_at=dt.time(11, 30),
            released_from_lessons=False,
        )

    assert "(10:00 to 10:50, 11:10 to 11:30)" in refusal(error, "released_from_lessons")[0]


def test_a_visit_within_lunch_needs_no_release(school, coordinator):
    visit = plan(
        school,
        coordinator,
        starts_at=dt.time(12, 50),
        ends_at=dt.time(13, 35),
        released_from_lessons=False,
    )

    assert visit.pk and not visit.released_from_lessons


def test_a_switched_off_window_is_lesson_time(school, coordinator):
    school.windows.filter(weekday=DAY.weekday(), kind="lunch").update(is_active=False)

    with pytest.raises(ValidationError) as error:
        plan(
            school,
            coordinator,
            starts_at=dt.time(12, 50),
            ends_at=dt.time(13, 35),
            released_from_lessons=False,
        )

    assert "(12:50 to 13:35)" in refusal(error, "released_from_lessons")[0]


# --- Who may go -------------------------------------------------------------------------


def test_a_mentor_still_in_training_is_refused_in_words(school, coordinator):
    learner = trained(school, "Tobi", "Adeyemi", status=Mentor.Status.IN_TRAINING)

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, mentors=[learner])

    assert refusal(error, "mentors") == [
        "Tobi Adeyemi is not a trained mentor able to mentor on Tuesday 16 June, so cannot "
        "go on a visit. Choose trained mentors only."
    ]
    assert not PrimaryVisit.objects.exists()


def test_a_mentor_missing_a_required_module_is_refused(school, coordinator):
    kwame = trained(school)
    untrained_module(school)

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, mentors=[kwame])

    assert refusal(error, "mentors")[0].startswith("Kwame Mensah is not a trained mentor")


@pytest.mark.parametrize("status", [Mentor.Status.PAUSED, Mentor.Status.STEPPED_DOWN])
def test_a_paused_or_stepped_down_mentor_is_refused(school, coordinator, status):
    mentor = trained(school, status=status)

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, mentors=[mentor])

    assert "not a trained mentor" in refusal(error, "mentors")[0]


def test_a_mentor_of_another_year_is_refused_for_this_years_visit(school, coordinator):
    from tests.support.factories import AcademicYearFactory

    last_year = AcademicYearFactory(
        school=school,
        name="2024–25",
        starts_on=dt.date(2024, 9, 1),
        ends_on=dt.date(2025, 8, 31),
    )
    old = trained(school, "Grace", "Hall", academic_year=last_year)

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, mentors=[old])

    assert refusal(error, "mentors")[0].startswith("Grace Hall is not a trained mentor")


def test_another_schools_mentor_is_refused(school, other_school, coordinator):
    theirs = MentorFactory(
        school=other_school,
        pupil=PupilFactory(school=other_school, year_group=10),
        status=Mentor.Status.TRAINED,
    )

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, mentors=[theirs])

    assert refusal(error, "mentors") == [visit_services.NOT_OUR_MENTOR]
    assert not PrimaryVisit.objects.exists()


def test_a_mentor_cannot_be_on_two_visits_that_overlap(school, coordinator):
    kwame = trained(school)
    plan(school, coordinator, mentors=[kwame])
    brookfield = primary(school, "Brookfield Community Primary")

    with pytest.raises(ValidationError) as error:
        plan(
            school,
            coordinator,
            primary=brookfield,
            mentors=[kwame],
            starts_at=dt.time(13, 30),
            ends_at=dt.time(15, 0),
        )

    assert refusal(error, "mentors") == [
        "Kwame Mensah is already going to Meadowside Primary School from 13:00 to 14:00 that "
        "day: a mentor cannot be in two places at once."
    ]
    assert PrimaryVisit.objects.count() == 1


def test_back_to_back_visits_and_visits_on_other_days_do_not_clash(school, coordinator):
    kwame = trained(school)
    plan(school, coordinator, mentors=[kwame])
    brookfield = primary(school, "Brookfield Community Primary")

    after = plan(
        school,
        coordinator,
        primary=brookfield,
        mentors=[kwame],
        starts_at=TWO,
        ends_at=dt.time(15, 0),
    )
    next_day = plan(
        school, coordinator, primary=brookfield, mentors=[kwame], visit_on=dt.date(2026, 6, 17)
    )

    assert after.pk and next_day.pk


def test_a_cancelled_visit_frees_its_mentors(school, coordinator):
    kwame = trained(school)
    first = plan(school, coordinator, mentors=[kwame])
    visit_services.cancel_visit(visit=first, version=None, by=coordinator)

    second = plan(school, coordinator, mentors=[kwame])

    assert second.pk != first.pk


def test_a_mentor_on_drop_in_duty_during_the_visit_is_refused(school, coordinator):
    kwame = trained(school)
    on_duty(kwame, DAY, "lunch")

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, mentors=[kwame])

    assert refusal(error, "mentors") == [
        "Kwame Mensah is on drop-in duty at lunch (12:50 to 13:35) that day. Take them off "
        "that duty in the rota first, or choose another mentor."
    ]


def test_a_duty_at_another_time_or_marked_absent_does_not_clash(school, coordinator):
    kwame, ada = trained(school), trained(school, "Ada", "Obi")
    on_duty(kwame, DAY, "break")
    on_duty(ada, DAY, "lunch", attendance=Duty.Attendance.ABSENT)

    visit = plan(school, coordinator, mentors=[kwame, ada])

    assert visit.mentors.count() == 2


def test_every_problem_is_said_at_once(school, coordinator):
    learner = trained(school, "Tobi", "Adeyemi", status=Mentor.Status.IN_TRAINING)
    kwame = trained(school)
    on_duty(kwame, DAY, "lunch")

    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, mentors=[learner, kwame], released_from_lessons=False)

    assert len(refusal(error, "mentors")) == 2
    assert refusal(error, "released_from_lessons")


def test_too_much_text_is_refused_in_words(school, coordinator):
    with pytest.raises(ValidationError) as error:
        plan(school, coordinator, plan="x" * 2001, staff_name="y" * 151)

    assert refusal(error, "plan") == [
        "Please keep this to at most 2,000 characters (it has 2,001)."
    ]
    assert refusal(error, "staff_name")


def test_the_same_form_sent_twice_plans_one_visit(school, coordinator):
    key = uuid.uuid4()

    first = plan(school, coordinator, submission_key=key, send=True)
    second = plan(school, coordinator, submission_key=key, send=True)

    assert first.pk == second.pk
    assert PrimaryVisit.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


# --- Changing -----------------------------------------------------------------------------


def test_changing_the_date_clears_the_answer_and_stops_the_link(school, coordinator):
    visit = plan(school, coordinator, send=True)
    nonce = PrimaryVisit.objects.get().link_nonce
    PrimaryVisit.objects.update(status=PrimaryVisit.Status.CONFIRMED)
    visit.refresh_from_db()

    changed = visit_services.change_visit(
        visit=visit,
        version=visit.version,
        primary=visit.primary,
        visit_on=dt.date(2026, 6, 17),
        starts_at=ONE,
        ends_at=TWO,
        released_from_lessons=True,
        plan=visit.plan,
        by=coordinator,
    )

    assert changed.status == PrimaryVisit.Status.PLANNED
    assert changed.link_sent_at is None
    assert changed.link_nonce != nonce
    entry = AuditEntry.objects.filter(action="outreach.visit_changed").get()
    assert entry.changes["on"] == ["2026-06-16", "2026-06-17"]


def test_changing_only_the_plan_keeps_the_answer(school, coordinator):
    visit = plan(school, coordinator, send=True)
    PrimaryVisit.objects.update(status=PrimaryVisit.Status.CONFIRMED)
    visit.refresh_from_db()
    nonce = visit.link_nonce

    changed = visit_services.change_visit(
        visit=visit,
        version=visit.version,
        primary=visit.primary,
        visit_on=DAY,
        starts_at=ONE,
        ends_at=TWO,
        released_from_lessons=True,
        plan="A quiz about the new school.",
        by=coordinator,
    )

    assert changed.status == PrimaryVisit.Status.CONFIRMED
    assert changed.link_nonce == nonce


def test_a_visit_keeps_its_own_mentors_when_changed(school, coordinator):
    kwame = trained(school)
    visit = plan(school, coordinator, mentors=[kwame])

    changed = visit_services.change_visit(
        visit=visit,
        version=visit.version,
        primary=visit.primary,
        visit_on=DAY,
        starts_at=dt.time(13, 30),
        ends_at=dt.time(14, 30),
        mentors=[kwame],
        released_from_lessons=True,
        by=coordinator,
    )

    assert list(changed.mentors.all()) == [kwame]


def test_the_second_of_two_people_changing_a_visit_is_told(school, coordinator):
    visit = plan(school, coordinator)
    read_at = visit.version
    fields = {
        "primary": visit.primary,
        "visit_on": DAY,
        "starts_at": ONE,
        "ends_at": TWO,
        "released_from_lessons": True,
    }
    visit_services.change_visit(
        visit=visit, version=read_at, plan="Helen's plan", by=coordinator, **fields
    )

    with pytest.raises(visit_services.StaleVisit) as error:
        visit_services.change_visit(
            visit=visit, version=read_at, plan="The admin's plan", by=coordinator, **fields
        )

    assert error.value.messages[0].startswith("Helen changed this visit at")
    assert PrimaryVisit.objects.get().plan == "Helen's plan"


def test_a_recorded_visit_cannot_move_into_the_future(school, coordinator, monkeypatch):
    from peermentoring.outreach import visit_after

    visit = plan(school, coordinator, visit_on=dt.date(2026, 5, 12))
    visit = visit_after.record_visit(visit=visit, version=None, year6_met=30, by=coordinator)

    with pytest.raises(ValidationError) as error:
        visit_services.change_visit(
            visit=visit,
            version=None,
            primary=visit.primary,
            visit_on=DAY,
            starts_at=ONE,
            ends_at=TWO,
            released_from_lessons=True,
            by=coordinator,
        )

    assert refusal(error, "visit_on") == [visit_services.RECORDED_NOT_FUTURE]


def test_a_cancelled_visit_cannot_be_changed(school, coordinator):
    visit = plan(school, coordinator)
    visit_services.cancel_visit(visit=visit, version=None, by=coordinator)

    with pytest.raises(ValidationError) as error:
        visit_services.change_visit(
            visit=visit,
            version=None,
            primary=visit.primary,
            visit_on=DAY,
            starts_at=ONE,
            ends_at=TWO,
            released_from_lessons=True,
            by=coordinator,
        )

    assert error.value.messages == [visit_services.IS_CANCELLED]


# --- Cancelling ---------------------------------------------------------------------------


def test_cancelling_a_visit_the_primary_had_tells_them(school, coordinator):
    visit = plan(school, coordinator, send=True)
    visit.refresh_from_db()

    cancelled = visit_services.cancel_visit(visit=visit, version=visit.version, by=coordinator)

    assert cancelled.status == PrimaryVisit.Status.CANCELLED
    email = plan_email()
    assert "is cancelled" in email.subject
    assert "Tuesday 16 June, 13:00 to 14:00, is cancelled" in email.body


def test_cancelling_a_visit_never_sent_e_mails_nobody(school, coordinator):
    visit = plan(school, coordinator)

    visit_services.cancel_visit(visit=visit, version=None, by=coordinator)

    assert not OutboundEmail.objects.exists()


def test_a_recorded_visit_cannot_be_cancelled(school, coordinator):
    from peermentoring.outreach import visit_after

    visit = plan(school, coordinator, visit_on=dt.date(2026, 5, 12))
    visit_after.record_visit(visit=visit, version=None, year6_met=30, by=coordinator)

    with pytest.raises(ValidationError) as error:
        visit_services.cancel_visit(visit=visit, version=None, by=coordinator)

    assert error.value.messages == [visit_services.RECORDED_STAYS]
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.DONE
