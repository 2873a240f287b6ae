"""The home pages' year: the staff see this academic year, its terms and today's term;
a pupil reads which term it is; the staff see the pupils on roll by year group."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.schools.models import AcademicYear, Term
from peermentoring.schools.tests.views_support import text, url
from tests.support.factories import PupilFactory, pupil_member

pytestmark = pytest.mark.django_db


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def year_with(school, autumn, spring=(40, 100), summer=(110, 200), half_term=None):
    """A year around today whose terms start and end the given numbers of days from today."""
    year = AcademicYear.objects.create(
        school=school, name="2040–41", starts_on=days(-60), ends_on=days(250)
    )
    for name, (start, end) in zip(Term.Name, [autumn, spring, summer], strict=True):
        half = half_term if name == Term.Name.AUTUMN else None
        Term.objects.create(
            academic_year=year,
            name=name,
            starts_on=days(start),
            ends_on=days(end),
            half_term_starts_on=days(half[0]) if half else None,
            half_term_ends_on=days(half[1]) if half else None,
        )
    return year


def year_section(page: str) -> str:
    return page.split('id="year-heading"', 1)[1].split("</section>", 1)[0]


def marked_rows(page: str) -> list[str]:
    """The terms the table marks as today's."""
    return re.findall(r'<tr class="unread"><td data-label="Term">(\w+)</td>', page)


def test_the_staff_see_the_year_its_three_terms_and_today_s_term(client_for, school, coordinator):
    year = year_with(school, autumn=(-30, 20))

    page = text(client_for(coordinator).get(url("schools:home", school)))

    section = year_section(page)
    assert (
        f"{year.name}</strong>: {year.starts_on:%-d %B %Y} to {year.ends_on:%-d %B %Y}" in section
    )
    assert "Today is in the <strong>Autumn term</strong>." in section
    assert re.findall(r'<td data-label="Term">(\w+)</td>', section) == [
        "Autumn",
        "Spring",
        "Summer",
    ]
    assert marked_rows(section) == ["Autumn"]


def test_a_day_of_half_term_is_said_to_be_half_term(client_for, school, coordinator):
    year_with(school, autumn=(-30, 20), half_term=(-2, 3))

    section = year_section(text(client_for(coordinator).get(url("schools:home", school))))

    assert "Today is in the <strong>Autumn term</strong> (half-term)." in section
    assert marked_rows(section) == ["Autumn"]


def test_between_terms_the_staff_read_that_it_is_the_holidays(client_for, school, coordinator):
    year_with(school, autumn=(-30, -3), spring=(4, 100))

    section = year_section(text(client_for(coordinator).get(url("schools:home", school))))

    assert "Today is in the holidays." in section
    assert marked_rows(section) == []


def test_the_term_of_another_school_is_not_today_s_term(
    client_for, school, other_school, coordinator
):
    year_with(school, autumn=(-30, -3), spring=(4, 100))
    year_with(other_school, autumn=(-30, 20))

    section = year_section(text(client_for(coordinator).get(url("schools:home", school))))

    assert "Today is in the holidays." in section


def test_with_no_year_the_school_admin_is_shown_how_to_set_it_up(
    client_for, school, coordinator, school_admin
):
    AcademicYear.objects.create(
        school=school, name="Last year", starts_on=days(-400), ends_on=days(-40)
    )

    for_admin = year_section(text(client_for(school_admin).get(url("schools:home", school))))
    for_coordinator = year_section(text(client_for(coordinator).get(url("schools:home", school))))

    assert "No academic year covers today." in for_admin
    assert f'href="{url("schools:academic-year-create", school)}"' in for_admin
    assert "Ask your school admin to set up the academic year." in for_coordinator


def test_a_pupil_reads_which_term_it_is_and_nothing_in_the_holidays(client_for, school):
    pupil = pupil_member(school, Role.PUPIL).user
    year = year_with(school, autumn=(-30, -3), spring=(-2, 100))

    assert "It is the Spring term." in text(client_for(pupil).get(url("schools:home", school)))

    Term.objects.filter(academic_year=year, name=Term.Name.SPRING).update(starts_on=days(2))
    page = text(client_for(pupil).get(url("schools:home", school)))
    assert "It is the" not in page


def test_the_staff_see_the_pupils_on_roll_in_each_year_group(
    client_for, school, other_school, coordinator
):
    for year_group, count in [(7, 3), (8, 1), (11, 2)]:
        PupilFactory.create_batch(count, school=school, year_group=year_group)
    PupilFactory(school=school, year_group=9, is_on_roll=False)
    PupilFactory(school=other_school, year_group=8)

    page = text(client_for(coordinator).get(url("schools:home", school)))

    section = page.split("Pupils on roll", 1)[1]
    shown = re.findall(
        r'<span class="stat-value">(\d+)</span><span class="stat-label">Year (\d+)</span>', section
    )
    assert shown == [("3", "7"), ("1", "8"), ("0", "9"), ("0", "10"), ("2", "11")]
