"""The school's own pages used the way people use them: details, calendar and the school day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from peermentoring.core.models import AuditEntry
from peermentoring.schools.models import AcademicYear, School, SchoolDayWindow, Term
from peermentoring.schools.tests.views_support import form_data, text, url

# --- School details -------------------------------------------------------------------------------


def test_a_school_admin_saves_a_new_school_name_and_urn(client_for, school, school_admin):
    response = client_for(school_admin).post(
        url("schools:settings", school), {"name": "Oakbrook Community Academy", "urn": "1234567"}
    )

    assert response.status_code == 302
    assert response["Location"] == url("schools:settings", school)
    school.refresh_from_db()
    assert (school.name, school.urn) == ("Oakbrook Community Academy", "1234567")


def test_saving_the_school_details_writes_an_audit_entry_with_the_changes(
    client_for, school, school_admin
):
    old_urn = school.urn

    client_for(school_admin).post(
        url("schools:settings", school), {"name": "Oakbrook Community Academy", "urn": "1234567"}
    )

    entry = AuditEntry.objects.get(action="school.updated")
    assert entry.school == school
    assert entry.actor == school_admin
    assert entry.changes == {
        "name": ["Oakbrook Academy", "Oakbrook Community Academy"],
        "urn": [old_urn, "1234567"],
    }


def test_a_two_digit_urn_shows_the_form_error_and_changes_nothing(client_for, school, school_admin):
    old_urn = school.urn

    response = client_for(school_admin).post(
        url("schools:settings", school), {"name": "Renamed Academy", "urn": "12"}
    )

    assert response.status_code == 200
    assert "A URN is six or seven digits." in text(response)
    school.refresh_from_db()
    assert (school.name, school.urn) == ("Oakbrook Academy", old_urn)
    assert not AuditEntry.objects.filter(action="school.updated").exists()


def test_a_refused_school_details_form_still_shows_the_saved_name_in_the_page_header(
    client_for, school, school_admin
):
    response = client_for(school_admin).post(
        url("schools:settings", school), {"name": "Renamed Academy", "urn": "12"}
    )

    assert "Renamed Academy" not in text(response).split("<main", 1)[0]


# --- Calendar -------------------------------------------------------------------------------------


def add_year_through_the_form(client: Client, school: School):
    """Open the new-year form and post it back with the dates it was filled in with."""
    form = client.get(url("schools:academic-year-create", school)).context["form"]
    data = form_data(form)
    return data, client.post(url("schools:academic-year-create", school), data)


def test_a_school_admin_adds_an_academic_year_with_three_terms_from_the_prefilled_form(
    client_for, school, school_admin
):
    client = client_for(school_admin)

    data, response = add_year_through_the_form(client, school)

    assert response.status_code == 302
    assert response["Location"] == url("schools:calendar", school)
    year = AcademicYear.objects.get(school=school)
    assert year.name == data["name"]
    assert (year.starts_on.isoformat(), year.ends_on.isoformat()) == (
        data["starts_on"],
        data["ends_on"],
    )
    terms = list(year.terms.order_by("starts_on"))
    assert [t.name for t in terms] == [Term.Name.AUTUMN, Term.Name.SPRING, Term.Name.SUMMER]
    assert [t.starts_on.isoformat() for t in terms] == [data[f"{t.name}_starts_on"] for t in terms]
    assert all(t.half_term_starts_on for t in terms)
    calendar = client.get(url("schools:calendar", school))
    assert year.name in text(calendar)
    assert f"Academic year {year.name} added with its three terms." in text(calendar)


def test_an_academic_year_overlapping_an_existing_one_is_refused_with_a_message(
    client_for, school, school_admin
):
    client = client_for(school_admin)
    data, _ = add_year_through_the_form(client, school)
    first = AcademicYear.objects.get(school=school)

    response = client.post(
        url("schools:academic-year-create", school), {**data, "name": "Overlapping year"}
    )

    assert response.status_code == 200
    assert f"This academic year overlaps {first.name}." in text(response)
    assert list(AcademicYear.objects.filter(school=school)) == [first]
    assert Term.objects.for_school(school).count() == 3


def test_the_next_year_form_is_prefilled_to_follow_the_latest_year(
    client_for, school, school_admin
):
    client = client_for(school_admin)
    add_year_through_the_form(client, school)
    first = AcademicYear.objects.get(school=school)

    _, response = add_year_through_the_form(client, school)

    assert response.status_code == 302
    second = AcademicYear.objects.exclude(pk=first.pk).get(school=school)
    assert second.starts_on > first.ends_on
    assert second.terms.count() == 3


@pytest.fixture
def autumn(client_for, school, school_admin):
    add_year_through_the_form(client_for(school_admin), school)
    return Term.objects.for_school(school).get(name=Term.Name.AUTUMN)


def test_a_school_admin_moves_the_end_of_a_term(client_for, school, school_admin, autumn):
    client = client_for(school_admin)
    data = form_data(client.get(url("schools:term-edit", school, autumn.pk)).context["form"])
    new_end = autumn.ends_on - dt.timedelta(days=1)

    response = client.post(
        url("schools:term-edit", school, autumn.pk), {**data, "ends_on": new_end.isoformat()}
    )

    assert response.status_code == 302
    autumn.refresh_from_db()
    assert autumn.ends_on == new_end
    entry = AuditEntry.objects.get(action="term.updated")
    assert entry.changes == {
        "ends_on": [(new_end + dt.timedelta(days=1)).isoformat(), str(new_end)]
    }


def test_a_half_term_outside_its_term_is_refused_and_nothing_changes(
    client_for, school, school_admin, autumn
):
    client = client_for(school_admin)
    data = form_data(client.get(url("schools:term-edit", school, autumn.pk)).context["form"])
    before = Term.objects.get(pk=autumn.pk)
    outside = autumn.starts_on - dt.timedelta(days=14)

    response = client.post(
        url("schools:term-edit", school, autumn.pk),
        {
            **data,
            "half_term_starts_on": outside.isoformat(),
            "half_term_ends_on": (outside + dt.timedelta(days=4)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    after = Term.objects.get(pk=autumn.pk)
    assert (after.half_term_starts_on, after.half_term_ends_on) == (
        before.half_term_starts_on,
        before.half_term_ends_on,
    )
    assert not AuditEntry.objects.filter(action="term.updated").exists()


def test_a_half_term_outside_its_term_is_explained_in_plain_words(
    client_for, school, school_admin, autumn
):
    client = client_for(school_admin)
    data = form_data(client.get(url("schools:term-edit", school, autumn.pk)).context["form"])
    outside = autumn.starts_on - dt.timedelta(days=14)

    response = client.post(
        url("schools:term-edit", school, autumn.pk),
        {
            **data,
            "half_term_starts_on": outside.isoformat(),
            "half_term_ends_on": (outside + dt.timedelta(days=4)).isoformat(),
        },
    )

    errors = " ".join(e for field in response.context["form"].errors.values() for e in field)
    assert "half-term" in errors.lower()
    assert "schools_term_half_term_inside_term" not in text(response)


# --- The school day -------------------------------------------------------------------------------


def windows_form_data(client: Client, school: School) -> dict[str, str]:
    return form_data(client.get(url("schools:windows-edit", school)).context["form"])


def window(school: School, weekday: int, kind: str) -> SchoolDayWindow | None:
    return SchoolDayWindow.objects.filter(school=school, weekday=weekday, kind=kind).first()


def test_a_school_admin_changes_monday_lunch_in_the_school_day_grid(
    client_for, school, school_admin
):
    client = client_for(school_admin)
    data = windows_form_data(client, school)

    response = client.post(
        url("schools:windows-edit", school),
        {**data, "0_lunch_start": "12:30", "0_lunch_end": "13:15"},
    )

    assert response.status_code == 302
    monday_lunch = window(school, 0, SchoolDayWindow.Kind.LUNCH)
    assert (monday_lunch.start_time, monday_lunch.end_time) == (dt.time(12, 30), dt.time(13, 15))
    tuesday_lunch = window(school, 1, SchoolDayWindow.Kind.LUNCH)
    assert (tuesday_lunch.start_time, tuesday_lunch.end_time) == (dt.time(12, 50), dt.time(13, 35))
    assert SchoolDayWindow.objects.for_school(school).count() == 15
    assert AuditEntry.objects.filter(action="window.set").count() == 1
    assert "Lunch 12:30–13:15" in text(client.get(url("schools:windows", school)))


def test_blanking_a_cell_of_the_school_day_grid_switches_that_window_off(
    client_for, school, school_admin
):
    client = client_for(school_admin)
    data = windows_form_data(client, school)

    response = client.post(
        url("schools:windows-edit", school), {**data, "1_break_start": "", "1_break_end": ""}
    )

    assert response.status_code == 302
    assert not window(school, 1, SchoolDayWindow.Kind.BREAK).is_active
    assert window(school, 0, SchoolDayWindow.Kind.BREAK).is_active
    assert SchoolDayWindow.objects.for_school(school).active().count() == 14
    assert AuditEntry.objects.filter(action="window.switched_off").count() == 1


def test_a_window_ending_before_it_starts_shows_an_error_and_changes_nothing(
    client_for, school, school_admin
):
    client = client_for(school_admin)
    data = windows_form_data(client, school)

    response = client.post(
        url("schools:windows-edit", school),
        {**data, "0_lunch_start": "12:30", "0_lunch_end": "13:15", "2_lunch_end": "12:00"},
    )

    assert response.status_code == 200
    assert "The end must be after the start." in text(response)
    monday_lunch = window(school, 0, SchoolDayWindow.Kind.LUNCH)
    assert (monday_lunch.start_time, monday_lunch.end_time) == (dt.time(12, 50), dt.time(13, 35))
    wednesday_lunch = window(school, 2, SchoolDayWindow.Kind.LUNCH)
    assert wednesday_lunch.end_time == dt.time(13, 35)
    assert not AuditEntry.objects.exists()


def test_a_coordinator_sees_the_school_day_but_may_not_edit_it(client_for, school, coordinator):
    client = client_for(coordinator)

    page = client.get(url("schools:windows", school))

    assert page.status_code == 200
    assert "Lunch 12:50–13:35" in text(page)
    assert url("schools:windows-edit", school) not in text(page)
    assert client.get(url("schools:windows-edit", school)).status_code == 403
