"""The demo's pupils: a paired Year 7 mentee who sees their mentor, and pairings with a history."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from peermentoring.core.models import Notification
from peermentoring.matching import services
from peermentoring.matching.demo import matching_days
from peermentoring.matching.models import Pairing
from peermentoring.schools.models import AcademicYear, Membership
from peermentoring.schools.tests.views_support import text, url
from tests.support.factories import this_year

pytestmark = pytest.mark.django_db


def test_the_demo_mentee_is_a_paired_year_7_and_the_pairings_have_a_history(client_for):
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    george = Membership.objects.select_related("pupil", "school").get(
        user__username="george.davies"
    )
    school = george.school
    year = AcademicYear.objects.for_school(school).containing(today).get()

    assert george.role == "mentee" and george.pupil.year_group == 7
    pairing = Pairing.objects.active().select_related("mentor__pupil").get(mentee=george.pupil)
    # Paired with a demo mentor's account, so both log-ins show the pairing.
    mentor_account = Membership.objects.get(pupil=pairing.mentor.pupil)
    assert mentor_account.role == "mentor"

    page = text(client_for(george.user).get(url("schools:home", school)))
    mentor = pairing.mentor.pupil
    assert f"Your peer mentor is <strong>{mentor.first_name}</strong>" in page
    assert f"in form {mentor.form_group}" in page
    assert "You can meet" in page
    assert mentor.family_name not in page

    mentor_page = text(client_for(mentor_account.user).get(url("schools:home", school)))
    assert f"<strong>{george.pupil.first_name}</strong> (form {george.pupil.form_group})" in (
        mentor_page
    )

    # This year's pairings (last year's, made by the history, ended in July).
    this_years = Pairing.objects.for_school(school).filter(mentor__academic_year=year)
    started = list(this_years.values_list("started_on", flat=True))
    assert len(started) > 2
    assert len(set(started)) > 1, "every pairing starts the same day"
    assert all(year.starts_on <= day <= today for day in started)
    if today - year.starts_on > dt.timedelta(days=60):  # a year far enough in to have a history
        assert max(started) < today
    # History leaves no message: nobody is told today of a pairing made in September.
    if max(started) < today:
        titles = [services.MENTEE_NOTICE_TITLE, services.MENTEE_PAIRED_TITLE]
        assert not Notification.objects.filter(title__in=titles).exists()


def test_last_years_recruitment_leaves_no_message_to_greet_its_mentors_today():
    call_command("load_demo", stdout=StringIO())
    mentors = Membership.objects.filter(role="mentor", school__slug="oakbrook")
    assert mentors.exists()

    stale = Notification.objects.filter(
        recipient__in=mentors.values("user"), kind__in=["applications", "interviews"]
    )
    assert list(stale.values_list("title", flat=True)) == []


def test_the_matching_days_are_teaching_days_spread_over_the_year_before_today(school):
    year = this_year(school)
    autumn = year.terms.get(name="autumn")
    today = autumn.ends_on - dt.timedelta(days=14)

    days = matching_days(year, today)

    assert len(days) == 4 and days == sorted(set(days))
    assert all(autumn.is_teaching_day(day) and day < today for day in days)
    assert days[0] > autumn.starts_on + dt.timedelta(days=7)  # mentors' times set first
    assert (days[-1] - days[0]).days > 40


def test_on_the_first_days_of_the_year_the_pairs_start_today(school):
    year = this_year(school)
    first_day = year.terms.get(name="autumn").starts_on

    assert matching_days(year, first_day + dt.timedelta(days=2)) == [
        first_day + dt.timedelta(days=2)
    ]
    assert matching_days(None, first_day) == [first_day]
