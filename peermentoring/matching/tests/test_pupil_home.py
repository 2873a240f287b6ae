"""A mentee's home page names their mentor and when they can meet; a mentor's names their mentees;
both are told, kindly, when a pairing begins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peermentoring.core.models import Notification
from peermentoring.core.roles import Role
from peermentoring.matching import services
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.schools.tests.views_support import text, url
from tests.support.builders import accepted_referral, make_mentor, mentor_with_account
from tests.support.factories import PupilFactory, pupil_member

pytestmark = pytest.mark.django_db


def window(school, weekday: int, kind: str) -> SchoolDayWindow:
    return SchoolDayWindow.objects.get(school=school, weekday=weekday, kind=kind)


def free_at(mentor, *windows: SchoolDayWindow) -> None:
    for w in windows:
        MentorFreeWindow.objects.create(mentor=mentor, window=w)


def kofi(school, **kwargs):
    """Kofi, a trained Year 10 mentor in form 10C."""
    return make_mentor(school, given_name="Kofi", form_group="10C", **kwargs)


def pair(school, mentor, mentee_membership, *, started_on=None, windows=()) -> Pairing:
    referral = accepted_referral(school, mentee_membership.pupil)
    referral.free_windows.set(windows)
    referral.status = "matched"
    referral.save(update_fields=["status"])
    return Pairing.objects.create(
        school=school,
        mentor=mentor,
        mentee=mentee_membership.pupil,
        referral=referral,
        started_on=started_on or timezone.localdate(),
    )


def home(client_for, user, school) -> str:
    return text(client_for(user).get(url("schools:home", school)))


@pytest.fixture
def lily(school):
    """Lily, a Year 7 mentee in form 7C, with an account."""
    return pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")


# --- The mentee's card -----------------------------------------------------------------


def test_a_paired_mentee_reads_their_mentors_first_name_form_and_when_they_can_meet(
    client_for, school, lily
):
    mentor = kofi(school)
    free_at(mentor, window(school, 0, "break"), window(school, 2, "lunch"))
    pair(school, mentor, lily)

    page = home(client_for, lily.user, school)

    assert "Your peer mentor is <strong>Kofi</strong>, in form 10C." in page
    assert "<strong>Monday break</strong>, 10:50 to 11:10" in page
    assert "<strong>Wednesday lunch</strong>, 12:50 to 13:35" in page
    assert "Tuesday" not in page
    assert mentor.pupil.family_name not in page
    assert "We are finding you a peer mentor" not in page


def test_the_times_shown_are_those_both_are_free_at(client_for, school, lily):
    mentor = kofi(school)
    monday_break, friday_lunch = window(school, 0, "break"), window(school, 4, "lunch")
    free_at(mentor, monday_break, friday_lunch)
    pair(school, mentor, lily, windows=[friday_lunch, window(school, 1, "break")])

    page = home(client_for, lily.user, school)

    assert "<strong>Friday lunch</strong>" in page
    assert "Monday break" not in page and "Tuesday break" not in page


def test_a_switched_off_window_is_no_time_to_meet(client_for, school, lily):
    mentor = kofi(school)
    monday_break, monday_lunch = window(school, 0, "break"), window(school, 0, "lunch")
    free_at(mentor, monday_break, monday_lunch)
    SchoolDayWindow.objects.filter(pk=monday_lunch.pk).update(is_active=False)
    pair(school, mentor, lily)

    page = home(client_for, lily.user, school)

    assert "<strong>Monday break</strong>" in page
    assert "Monday lunch" not in page


def test_with_no_time_shared_the_coordinator_helps_them_find_one(client_for, school, lily):
    mentor = kofi(school)
    free_at(mentor, window(school, 0, "break"))
    pair(school, mentor, lily, windows=[window(school, 3, "lunch")])

    page = home(client_for, lily.user, school)

    assert "Your coordinator will help you both find a time to meet." in page
    assert "Monday break" not in page and "Thursday lunch" not in page


def test_when_neither_chose_times_any_free_time_will_do(client_for, school, lily):
    pair(school, kofi(school), lily)

    page = home(client_for, lily.user, school)

    assert "You can meet Kofi at AM registration, break or lunch, on any school day." in page


def test_the_mentee_reads_since_when_their_mentor_has_been_theirs(client_for, school, lily):
    pair(school, kofi(school), lily, started_on=dt.date(2025, 9, 15))

    page = home(client_for, lily.user, school)

    assert "Kofi has been your peer mentor since 15 September 2025." in page


def test_an_ended_pairing_is_no_longer_shown(client_for, school, lily):
    pairing = pair(school, kofi(school), lily)
    Pairing.objects.filter(pk=pairing.pk).update(
        status="ended", ended_on=timezone.localdate(), end_reason="completed"
    )

    page = home(client_for, lily.user, school)

    assert "Your peer mentor is" not in page


def test_another_schools_pairing_is_never_shown(client_for, school, other_school, lily):
    # A pairing filed under another school, even one naming this pupil, is not this school's.
    mentor = kofi(other_school)
    referral = accepted_referral(other_school)
    Pairing.objects.create(school=other_school, mentor=mentor, mentee=lily.pupil, referral=referral)

    page = home(client_for, lily.user, school)

    assert "Your peer mentor is" not in page
    assert "Kofi" not in page


def test_a_pupil_role_with_a_mentor_sees_the_card_too(client_for, school):
    sam = pupil_member(school, Role.PUPIL, given_name="Sam", year_group=7, form_group="7A")
    pair(school, kofi(school), sam)

    page = home(client_for, sam.user, school)

    assert "Your peer mentor is <strong>Kofi</strong>" in page


def test_a_mentee_without_a_pairing_gets_the_waiting_text(client_for, school, lily):
    accepted_referral(school, lily.pupil)

    page = home(client_for, lily.user, school)

    assert "We are finding you a peer mentor" in page
    assert "Your peer mentor is" not in page


# --- The mentor's card -----------------------------------------------------------------


def test_a_mentor_with_mentees_reads_their_first_names_and_forms_and_the_way_to_them(
    client_for, school
):
    mentor, user = mentor_with_account(school, capacity=2)
    for name, form in (("Lily", "7C"), ("Arjun", "7B")):
        mentee = pupil_member(school, Role.MENTEE, given_name=name, year_group=7, form_group=form)
        pair(school, mentor, mentee)

    page = home(client_for, user, school)

    assert '<h2 id="mentor-status">You are a peer mentor</h2>' in page
    assert (
        "You are mentoring <strong>Lily</strong> (form 7C) and <strong>Arjun</strong> (form 7B)."
    ) in page
    assert f'<a href="{url("meetings:my-mentee", school)}">My mentees</a>' in page
    assert page.count('id="mentor-status"') == 1
    assert "We will match you" not in page


def test_a_trained_mentor_without_mentees_is_told_a_match_is_coming(client_for, school):
    _, user = mentor_with_account(school)

    page = home(client_for, user, school)

    assert "You are a peer mentor</h2>" in page
    assert "We will match you with a Year 7 pupil soon" in page
    assert "You are mentoring" not in page and "See when you can meet" not in page


def test_an_experienced_mentor_mentoring_again_is_called_experienced(client_for, school):
    mentor, user = mentor_with_account(school, is_experienced=True)
    pair(school, mentor, pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7))

    page = home(client_for, user, school)

    assert "You are an experienced peer mentor</h2>" in page
    assert "You are mentoring <strong>Lily</strong>" in page


# --- Telling them ------------------------------------------------------------------------


def test_confirming_a_pair_tells_the_mentee_kindly_who_their_mentor_is(school, coordinator, lily):
    mentor, mentor_user = mentor_with_account(school)
    accepted_referral(school, lily.pupil, needs="Sad since moving house")
    run = services.run_matching(school=school, by=coordinator)

    services.confirm_run(run=run, by=coordinator)

    note = Notification.objects.get(recipient=lily.user)
    assert note.title == services.MENTEE_PAIRED_TITLE == "You have a peer mentor!"
    assert note.body == services.MENTEE_PAIRED_BODY.format(
        first_name="Kofi", form=", in form 10C", year_group=10
    )
    assert mentor.pupil.family_name not in note.body and "moving" not in note.body
    assert note.url == url("schools:home", school)
    # The mentor is told once, as before: no second message.
    assert Notification.objects.filter(recipient=mentor_user).count() == 1


def test_a_pairing_recorded_after_it_began_leaves_no_message(school, coordinator, lily):
    _, mentor_user = mentor_with_account(school)
    accepted_referral(school, lily.pupil)
    run = services.run_matching(school=school, by=coordinator)
    began = timezone.localdate() - dt.timedelta(days=40)

    (pairing,) = services.confirm_run(run=run, by=coordinator, started_on=began)

    assert pairing.started_on == began
    assert not Notification.objects.filter(recipient__in=[lily.user, mentor_user]).exists()


def test_a_pairing_cannot_start_after_today(school, coordinator, lily):
    make_mentor(school)
    accepted_referral(school, lily.pupil)
    run = services.run_matching(school=school, by=coordinator)

    with pytest.raises(ValidationError) as error:
        services.confirm_run(
            run=run, by=coordinator, started_on=timezone.localdate() + dt.timedelta(days=1)
        )

    assert error.value.messages == [services.PAIRING_STARTS_IN_FUTURE]
    assert not Pairing.objects.exists()


def test_a_mentee_without_an_account_is_paired_without_a_message(school, coordinator):
    mentor_with_account(school)
    accepted_referral(school, PupilFactory(school=school, year_group=7))
    run = services.run_matching(school=school, by=coordinator)

    (pairing,) = services.confirm_run(run=run, by=coordinator)

    assert pairing.is_active
    assert Notification.objects.count() == 1  # the mentor's only
