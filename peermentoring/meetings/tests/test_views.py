"""The mentor's pages: logging a meeting, My mentee, and what nobody else sees."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from peermentoring.core.roles import Role
from peermentoring.meetings import pupil_home, services
from peermentoring.meetings.models import Meeting, UsualWindow
from peermentoring.mentors.models import MentorFreeWindow
from peermentoring.mentors.pupil_home import MentorStanding
from peermentoring.schools.models import SchoolDayWindow
from tests.support.factories import PairingFactory, pupil_member
from tests.support.meetings import at, pairing_in, window

LUNCH, BREAK = SchoolDayWindow.Kind.LUNCH, SchoolDayWindow.Kind.BREAK
NOTE = "Talked about the maths homework club NOTE-4421"


@pytest.fixture
def mentor_member(school):
    return pupil_member(school, Role.MENTOR, given_name="Kofi", year_group=10, form_group="10C")


@pytest.fixture
def mentee_member(school):
    return pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")


@pytest.fixture
def pairing(school, monkeypatch, mentor_member, mentee_member):
    at(monkeypatch)
    return pairing_in(school, mentor_member.pupil, mentee_member.pupil)


def url(name, school):
    return reverse(name, args=[school.slug])


def form(pairing, **extra):
    slot = window(pairing.school, 1, BREAK)
    return {
        "pairing": pairing.pk,
        "submission_key": str(uuid.uuid4()),
        "held_on": "2025-11-18",
        "window": slot.pk,
        "status": "happened",
        "minutes": "15",
        "mood": "4",
        **extra,
    }


def test_the_log_page_ticks_todays_window_and_offers_only_todays_times(
    pairing, mentor_member, client_for, school
):
    page = client_for(mentor_member.user).get(url("meetings:log", school))
    form = page.context["form"]

    assert form.initial["held_on"] == dt.date(2025, 11, 19)
    assert form.initial["window"] == window(school, 2, LUNCH).pk
    assert [w.pk for w in form.windows_shown] == [
        w.pk for w in SchoolDayWindow.objects.for_school(school).filter(weekday=2)
    ]
    assert "Log a meeting with Lily" in page.text


def test_on_a_saturday_the_log_page_offers_friday(
    school, monkeypatch, mentor_member, mentee_member, client_for
):
    at(monkeypatch, dt.datetime(2025, 11, 22, 10, 0))
    pairing_in(school, mentor_member.pupil, mentee_member.pupil)

    page = client_for(mentor_member.user).get(url("meetings:log", school))

    assert page.context["form"].initial["held_on"] == dt.date(2025, 11, 21)


def test_changing_the_date_swaps_in_that_days_windows(pairing, mentor_member, client_for, school):
    response = client_for(mentor_member.user).get(
        url("meetings:log", school) + "?held_on=2025-11-17", HTTP_HX_REQUEST="true"
    )

    assert 'id="window-choices"' in response.text
    assert "<html" not in response.text
    assert response.text.count('type="radio"') == 3  # Monday's registration, break, lunch
    assert f'value="{window(school, 0, BREAK).pk}"' in response.text


def test_a_mentor_logs_a_meeting_and_a_double_submit_makes_one(
    pairing, mentor_member, client_for, school
):
    client = client_for(mentor_member.user)
    data = form(pairing, note=NOTE)

    first = client.post(url("meetings:log", school), data)
    second = client.post(url("meetings:log", school), data)

    assert first["Location"] == url("meetings:my-mentee", school)
    assert second.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.held_on, meeting.window.kind, meeting.mood) == (
        dt.date(2025, 11, 18),
        BREAK,
        4,
    )
    assert meeting.logged_by == mentor_member.user


def test_a_refusal_says_why_on_the_form(pairing, mentor_member, client_for, school):
    page = client_for(mentor_member.user).post(
        url("meetings:log", school), form(pairing, held_on="2025-10-28")
    )

    assert page.status_code == 200
    assert "half-term" in page.text
    assert not Meeting.objects.exists()


def test_another_schools_window_or_topic_in_the_form_is_refused(
    pairing, mentor_member, client_for, school, other_school
):
    client = client_for(mentor_member.user)
    theirs = window(other_school, 1, BREAK)
    topic = services.topics_for(other_school)[0]

    by_window = client.post(url("meetings:log", school), form(pairing, window=theirs.pk))
    by_topic = client.post(url("meetings:log", school), form(pairing, topics=[topic.pk]))
    huge = client.post(url("meetings:log", school), form(pairing, topics=["9" * 30]))

    assert by_window.context["form"].errors["window"] == ["Choose one of your school's times."]
    assert by_topic.context["form"].errors["topics"] == ["Choose topics from the list."]
    assert huge.status_code == 200
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("raw", ["999999", "9" * 30, "x"])
def test_another_pairing_in_the_form_is_a_404(pairing, mentor_member, client_for, school, raw):
    other = PairingFactory(school=school)
    client = client_for(mentor_member.user)

    theirs = form(pairing) | {"pairing": other.pk}
    nonsense = form(pairing) | {"pairing": raw}
    assert client.post(url("meetings:log", school), theirs).status_code == 404
    assert client.post(url("meetings:log", school), nonsense).status_code == 404
    assert not Meeting.objects.exists()


def test_worried_opens_the_safeguarding_form_and_keeps_nothing_of_the_worry(
    pairing, mentor_member, client_for, school
):
    response = client_for(mentor_member.user).post(
        url("meetings:log", school), form(pairing, worried="on")
    )

    assert response["Location"] == (
        reverse("safeguarding:concern-raise", args=[school.slug]) + f"?pupil={pairing.mentee_id}"
    )
    assert Meeting.objects.get().note == ""


def test_a_note_is_read_by_its_author_and_never_by_the_mentee_or_another_mentor(
    pairing, mentor_member, mentee_member, client_for, school
):
    services.log_meeting(
        pairing=pairing,
        held_on=dt.date(2025, 11, 18),
        window=window(school, 1, BREAK),
        by=mentor_member.user,
        note=NOTE,
    )
    other_mentor = pupil_member(school, Role.MENTOR, given_name="Zed", year_group=10)
    pairing_in(school, other_mentor.pupil)

    mine = client_for(mentor_member.user).get(url("meetings:my-mentee", school)).text
    mentee_home = client_for(mentee_member.user).get(url("schools:home", school)).text
    theirs = client_for(other_mentor.user).get(url("meetings:my-mentee", school)).text

    assert NOTE in mine
    assert NOTE not in mentee_home
    assert "You last met Kofi on Tuesday 18 November." in mentee_home
    assert NOTE not in theirs and "Lily" not in theirs


def test_my_mentee_shows_the_windows_both_are_free_until_usual_ones_are_chosen(
    pairing, mentor_member, mentee_member, client_for, school
):
    tuesday_lunch, thursday_break = window(school, 1, LUNCH), window(school, 3, BREAK)
    MentorFreeWindow.objects.create(mentor=pairing.mentor, window=tuesday_lunch)
    MentorFreeWindow.objects.create(mentor=pairing.mentor, window=thursday_break)
    pairing.referral.free_windows.add(tuesday_lunch)
    client = client_for(mentor_member.user)

    page = client.get(url("meetings:my-mentee", school)).text
    assert "You are both free" in page and "Tuesday lunch" in page
    assert "Thursday break" not in page

    services.set_usual_windows(pairing=pairing, windows=[thursday_break], by=None)
    page = client.get(url("meetings:my-mentee", school)).text
    assert "You usually meet" in page and "Thursday break" in page
    home = client_for(mentee_member.user).get(url("schools:home", school)).text
    assert "You usually meet Kofi at:" in home and "Thursday break" in home
    assert UsualWindow.objects.count() == 1


def test_a_gentle_nudge_after_two_school_weeks_without_a_meeting_holidays_not_counted(
    school, monkeypatch, mentor_member, mentee_member, client_for
):
    # Last met Friday 24 October, before the half-term week (27-31 October).
    at(monkeypatch, dt.datetime(2025, 11, 5, 13, 0))
    pairing = pairing_in(school, mentor_member.pupil, mentee_member.pupil)
    services.log_meeting(
        pairing=pairing,
        held_on=dt.date(2025, 10, 24),
        window=window(school, 4, BREAK),
        by=None,
    )
    client = client_for(mentor_member.user)
    # Wednesday 5 November: one whole school week since (3-7 Nov has not ended): no nudge.
    assert "for two school weeks" not in client.get(url("meetings:my-mentee", school)).text

    # Wednesday 12 November: two whole school weeks (20-24 Oct counted the meeting; 3-7
    # Nov is the first whole week without one)... still only one whole week after.
    at(monkeypatch, dt.datetime(2025, 11, 12, 13, 0))
    assert "for two school weeks" not in client.get(url("meetings:my-mentee", school)).text

    # Wednesday 19 November: 3-7 and 10-14 November without a meeting.
    at(monkeypatch, dt.datetime(2025, 11, 19, 13, 0))
    page = client.get(url("meetings:my-mentee", school)).text
    assert "You haven't logged a meeting with Lily for two school weeks." in page
    # The home page's card (its standing is built for the real year; here, for the test's).
    card = pupil_home.mentoring_card(
        MentorStanding(
            membership=mentor_member,
            mentor=pairing.mentor,
            is_experienced=False,
            starts_later=False,
        )
    )
    assert card is not None and card.detail.quiet == ["Lily"]
    assert card.detail.log_url == url("meetings:log", school)


def test_the_pair_choose_their_usual_windows_and_another_pairing_is_a_404(
    pairing, mentor_member, client_for, school
):
    client = client_for(mentor_member.user)
    thursday_break = window(school, 3, BREAK)
    own = reverse("meetings:usual-windows", args=[school.slug, pairing.pk])
    other = reverse("meetings:usual-windows", args=[school.slug, PairingFactory(school=school).pk])

    assert "Any registration, break or lunch" in client.get(url("meetings:my-mentee", school)).text
    response = client.post(own, {"windows": [thursday_break.pk]})
    assert response["Location"] == url("meetings:my-mentee", school)
    assert client.get(other).status_code == 404
    assert client.post(other, {"windows": [thursday_break.pk]}).status_code == 404
    assert [u.window for u in UsualWindow.objects.all()] == [thursday_break]
    page = client.get(url("meetings:my-mentee", school)).text
    assert "You usually meet" in page and "Thursday break" in page


def test_the_cached_log_page_gives_each_visit_its_own_submission_key(
    pairing, mentor_member, client_for, school, settings
):
    import re

    settings.PAGE_CACHE_SECONDS = 60
    client = client_for(mentor_member.user)
    keys = [
        re.search(
            r'name="submission_key" value="([^"]+)"', client.get(url("meetings:log", school)).text
        )[1]
        for _ in range(2)
    ]
    assert keys[0] != keys[1]
    assert all(uuid.UUID(key) for key in keys)


def test_megabytes_of_note_and_nonsense_dates_get_a_clear_answer(
    pairing, mentor_member, client_for, school
):
    client = client_for(mentor_member.user)

    huge = client.post(url("meetings:log", school), form(pairing, note="x" * 2_000_000))
    assert huge.status_code == 200
    assert "1,000 characters" in huge.context["form"].errors["note"][0]
    bad_day = client.post(url("meetings:log", school), form(pairing, held_on="2025-02-30"))
    assert bad_day.context["form"].errors["held_on"] == ["Give a real date."]
    for raw in ("9" * 30, "2025-13-01", "x"):
        page = client.get(url("meetings:log", school) + f"?held_on={raw}", HTTP_HX_REQUEST="true")
        assert page.status_code == 200
    assert not Meeting.objects.exists()


def test_the_staff_home_figure_counts_this_terms_meetings_reconciled(pairing, coordinator, school):
    from peermentoring.meetings.home import meetings_this_term

    membership = coordinator.memberships.get(school=school)
    for day in (dt.date(2025, 11, 17), dt.date(2025, 11, 18)):
        services.log_meeting(
            pairing=pairing, held_on=day, window=window(school, day.weekday(), BREAK), by=None
        )
    services.log_meeting(
        pairing=pairing,
        held_on=dt.date(2025, 11, 19),
        window=window(school, 2, BREAK),
        by=None,
        status=Meeting.Status.CANCELLED,
    )
    assert meetings_this_term(membership) == 2
    services.record_week_count(pairing=pairing, week_of=dt.date(2025, 11, 17), count=3, by=None)
    assert meetings_this_term(membership) == 3  # the larger of 2 logged and "met 3 times"


def test_in_the_summer_holiday_the_log_page_offers_the_last_day_of_the_summer_term(
    school, monkeypatch, mentor_member, mentee_member, client_for
):
    at(monkeypatch, dt.datetime(2026, 8, 25, 10, 0))
    pairing_in(school, mentor_member.pupil, mentee_member.pupil)

    page = client_for(mentor_member.user).get(url("meetings:log", school))

    # 2025-26's summer term ends on Friday 17 July 2026.
    assert page.context["form"].initial["held_on"] == dt.date(2026, 7, 17)
