"""The school pages used the way people use them: what they save, and what they show."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from peermentoring.core.factories import FeederPrimaryFactory, PupilFactory
from peermentoring.core.models import AuditEntry, Notification, OutboundEmail, User
from peermentoring.core.notifications import notify
from peermentoring.core.roles import Role
from peermentoring.schools import services
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    School,
    SchoolDayWindow,
    Term,
)

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    """Keep account-making tests fast; the behaviour under test does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text(response) -> str:
    """The page as a person reads it, with HTML entities decoded."""
    return html.unescape(response.content.decode())


def url(name: str, school: School, *args: object) -> str:
    return reverse(name, args=[school.slug, *args])


def form_data(form) -> dict[str, str]:
    """What a browser would post back for a form left as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            data[name] = ""
        elif isinstance(value, dt.time):
            data[name] = value.strftime("%H:%M")
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def second_client(user: User) -> Client:
    """Another browser, signed in as someone else."""
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def membership_of(user: User, school: School) -> Membership:
    return Membership.objects.get(user=user, school=school)


# --- School details ---------------------------------------------------------------------


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


# --- Calendar -----------------------------------------------------------------------


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


# --- The school day ------------------------------------------------------------------


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


# --- Feeder primaries -----------------------------------------------------------------


def test_a_coordinator_adds_a_feeder_primary_which_then_appears_in_the_list(
    client_for, school, coordinator
):
    client = client_for(coordinator)

    response = client.post(
        url("schools:primary-create", school),
        {
            "name": "Meadowside Primary",
            "urn": "123456",
            "contact_email": "year6@meadowside.example.org",
        },
    )

    assert response.status_code == 302
    primary = FeederPrimary.objects.get(school=school)
    assert (primary.name, primary.urn, primary.contact_email) == (
        "Meadowside Primary",
        "123456",
        "year6@meadowside.example.org",
    )
    assert AuditEntry.objects.filter(action="feeder_primary.added", school=school).count() == 1
    listing = text(client.get(url("schools:primary-list", school)))
    assert "Meadowside Primary" in listing
    assert "year6@meadowside.example.org" in listing


def test_a_school_admin_renames_a_feeder_primary(client_for, school, school_admin):
    primary = FeederPrimaryFactory(school=school, name="Hollybush Primary", urn="111111")

    response = client_for(school_admin).post(
        url("schools:primary-edit", school, primary.pk),
        {"name": "Hollybush C of E Primary", "urn": "111111", "contact_email": ""},
    )

    assert response.status_code == 302
    primary.refresh_from_db()
    assert primary.name == "Hollybush C of E Primary"
    entry = AuditEntry.objects.get(action="feeder_primary.updated")
    assert entry.changes == {"name": ["Hollybush Primary", "Hollybush C of E Primary"]}


def test_a_second_feeder_primary_with_the_same_name_is_refused(client_for, school, coordinator):
    FeederPrimaryFactory(school=school, name="Meadowside Primary")

    response = client_for(coordinator).post(
        url("schools:primary-create", school),
        {"name": "Meadowside Primary", "urn": "", "contact_email": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert FeederPrimary.objects.filter(school=school).count() == 1


# --- Pupil list -------------------------------------------------------------------------


@pytest.fixture
def pupils(school):
    return {
        "amara": PupilFactory(
            school=school, given_name="Amara", family_name="Okonkwo", year_group=7, form_group="7A"
        ),
        "ben": PupilFactory(
            school=school, given_name="Ben", family_name="Whitfield", year_group=8, form_group="8B"
        ),
        "chloe": PupilFactory(
            school=school,
            given_name="Chloe",
            family_name="Whitfield",
            year_group=7,
            form_group="7B",
        ),
    }


def listed(response) -> set[str]:
    """Given names of the pupils in the results table."""
    names = re.findall(r'/pupils/\d+/">[^<,]+, ([^<]+)</a>', response.content.decode())
    return set(names)


def test_the_pupil_list_search_finds_pupils_by_family_name(client_for, school, coordinator, pupils):
    response = client_for(coordinator).get(url("schools:pupil-list", school), {"q": "whitfield"})

    assert response.status_code == 200
    assert listed(response) == {"Ben", "Chloe"}


def test_the_pupil_list_filters_by_year_group(client_for, school, coordinator, pupils):
    response = client_for(coordinator).get(url("schools:pupil-list", school), {"year": "7"})

    assert listed(response) == {"Amara", "Chloe"}


def test_the_pupil_list_filters_by_form_group_ignoring_case(
    client_for, school, coordinator, pupils
):
    response = client_for(coordinator).get(
        url("schools:pupil-list", school), {"year": "7", "form_group": "7b"}
    )

    assert listed(response) == {"Chloe"}


def test_the_pupil_list_leaves_out_pupils_no_longer_on_roll_and_other_schools_pupils(
    client_for, school, other_school, coordinator, pupils
):
    PupilFactory(school=school, given_name="Dora", is_on_roll=False)
    PupilFactory(school=other_school, given_name="Elliot")

    response = client_for(coordinator).get(url("schools:pupil-list", school))

    assert listed(response) == {"Amara", "Ben", "Chloe"}


def test_an_htmx_search_returns_only_the_results_partial(client_for, school, coordinator, pupils):
    client = client_for(coordinator)

    partial = client.get(url("schools:pupil-list", school), {"q": "amara"}, HTTP_HX_REQUEST="true")
    full = client.get(url("schools:pupil-list", school), {"q": "amara"})

    body = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in body
    assert "<form" not in body
    assert body.lstrip().startswith('<div id="pupil-results"')
    assert listed(partial) == {"Amara"}
    assert "<html" in full.content.decode()


def test_an_htmx_history_restore_after_the_back_button_gets_the_whole_page(
    client_for, school, coordinator, pupils
):
    response = client_for(coordinator).get(
        url("schools:pupil-list", school),
        {"q": "amara"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    assert "<html" in response.content.decode()
    assert listed(response) == {"Amara"}


def test_the_pupil_list_pages_fifty_at_a_time_keeping_the_search(client_for, school, coordinator):
    for n in range(55):
        PupilFactory(school=school, given_name=f"Pupil{n:02d}", family_name="Rees")
    PupilFactory(school=school, given_name="Zed", family_name="Other")
    client = client_for(coordinator)

    first = client.get(url("schools:pupil-list", school), {"q": "rees"})
    second = client.get(url("schools:pupil-list", school), {"q": "rees", "page": "2"})

    assert "Page 1 of 2" in text(first)
    assert "?q=rees&page=2" in text(first)
    assert len(listed(first)) == 50
    assert "Page 2 of 2" in text(second)
    assert len(listed(second)) == 5
    assert listed(first) | listed(second) == {f"Pupil{n:02d}" for n in range(55)}


# --- Pupil detail and pupil accounts ------------------------------------------------------


def test_the_pupil_detail_page_shows_the_pupils_record(client_for, school, coordinator):
    primary = FeederPrimaryFactory(school=school, name="Meadowside Primary")
    pupil = PupilFactory(
        school=school,
        given_name="Amara",
        family_name="Okonkwo",
        preferred_name="Mara",
        year_group=9,
        form_group="9C",
        admission_number="A7781",
        feeder_primary=primary,
    )

    page = text(client_for(coordinator).get(url("schools:pupil-detail", school, pupil.pk)))

    assert "<h1>Mara Okonkwo</h1>" in page
    assert "Amara Okonkwo" in page
    assert "Year 9" in page
    assert "9C" in page
    assert "A7781" in page
    assert "Meadowside Primary" in page
    assert "Create an account" not in page  # only the school admin manages accounts


def test_a_school_admin_sees_the_link_to_create_a_pupils_account(client_for, school, school_admin):
    pupil = PupilFactory(school=school)

    page = text(client_for(school_admin).get(url("schools:pupil-detail", school, pupil.pk)))

    assert url("schools:pupil-account-create", school, pupil.pk) in page


@pytest.fixture
def amara(school):
    return PupilFactory(school=school, given_name="Amara", family_name="Okonkwo", year_group=7)


def create_pupil_account(client: Client, school: School, pupil) -> tuple[object, str]:
    """Create the account through the page; return the answer and the password it shows."""
    response = client.post(
        url("schools:pupil-account-create", school, pupil.pk),
        {"role": Role.MENTEE, "username": "amara.okonkwo"},
    )
    # Shown in the answer to the POST itself: the password is never stored to show later.
    assert response.status_code == 200, response.content.decode()[:2000]
    shown = re.search(r'Temporary password: <span class="secret">([^<]+)</span>', response.text)
    assert shown is not None, "no temporary password on the page after creating the account"
    return response, shown.group(1)


def test_creating_a_pupil_account_shows_the_temporary_password_once(
    client_for, school, school_admin, amara
):
    client = client_for(school_admin)

    response, password = create_pupil_account(client, school, amara)

    membership = Membership.objects.get(pupil=amara)
    assert membership.role == Role.MENTEE
    assert membership.user.username == "amara.okonkwo"
    assert membership.user.check_password(password)
    reload = client.get(url("schools:membership-detail", school, membership.pk))
    assert reload.status_code == 200
    assert password not in reload.text
    assert "Temporary password" not in reload.text


def test_a_new_pupil_account_must_change_its_password(client_for, school, school_admin, amara):
    create_pupil_account(client_for(school_admin), school, amara)

    assert Membership.objects.get(pupil=amara).user.must_change_password is True


def test_signing_in_with_a_temporary_password_sends_every_page_to_the_password_change_until_changed(
    client_for, school, school_admin, amara
):
    _, password = create_pupil_account(client_for(school_admin), school, amara)
    pupil = Client()

    signed_in = pupil.post("/accounts/login/", {"username": "Amara.Okonkwo", "password": password})

    assert signed_in.status_code == 302
    for path in ["/", url("schools:home", school), url("core:notification-list", school)]:
        response = pupil.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/password/", path
    assert pupil.get("/accounts/password/").status_code == 200

    changed = pupil.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "purple kettle harbour 93",
            "new_password2": "purple kettle harbour 93",
        },
    )

    assert changed.status_code == 302
    user = User.objects.get(username="amara.okonkwo")
    assert user.must_change_password is False
    assert user.check_password("purple kettle harbour 93")
    home = pupil.get(url("schools:home", school))
    assert home.status_code == 200
    assert "Hello, Amara" in home.text


# --- Staff accounts ------------------------------------------------------------------------


def test_a_new_member_of_staff_is_sent_an_email_with_a_working_set_password_link(
    client_for, school, school_admin
):
    client = client_for(school_admin)

    response = client.post(
        url("schools:staff-account-create", school),
        {
            "first_name": "Nadia",
            "last_name": "Hussain",
            "email": "N.Hussain@Oakbrook.sch.uk",
            "role": Role.SAFEGUARDING_LEAD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("schools:people", school)
    user = User.objects.get(email="n.hussain@oakbrook.sch.uk")
    assert membership_of(user, school).role == Role.SAFEGUARDING_LEAD
    assert not user.has_usable_password()
    email = OutboundEmail.objects.get(to_address="n.hussain@oakbrook.sch.uk")
    assert email.school == school
    assert email.status == OutboundEmail.Status.QUEUED
    link = re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", email.body)
    assert link is not None, email.body
    opened = Client().get(link.group(1))
    assert opened.status_code == 302
    assert opened["Location"].endswith("/set-password/")
    people = text(client.get(response["Location"]))
    assert "Nadia Hussain can now sign in as safeguarding lead." in people


def test_adding_staff_with_an_email_already_at_this_school_is_refused_with_a_message(
    client_for, school, school_admin, coordinator
):
    response = client_for(school_admin).post(
        url("schools:staff-account-create", school),
        {
            "first_name": "Helen",
            "last_name": "Again",
            "email": coordinator.email.upper(),
            "role": Role.SCHOOL_ADMIN,
        },
    )

    assert response.status_code == 200
    assert f"{coordinator.email} already has an account at this school." in text(response)
    assert membership_of(coordinator, school).role == Role.COORDINATOR
    assert not OutboundEmail.objects.exists()


# --- Resetting passwords and switching access ---------------------------------------------


def test_resetting_a_pupils_password_shows_a_new_temporary_password(
    client_for, school, school_admin, mentor
):
    client = client_for(school_admin)
    membership = membership_of(mentor, school)

    response = client.post(url("schools:password-reset", school, membership.pk))

    assert response.status_code == 200
    page = response.text
    shown = re.search(r'Temporary password: <span class="secret">([^<]+)</span>', page)
    assert shown is not None
    mentor.refresh_from_db()
    assert mentor.check_password(shown.group(1))
    assert not mentor.check_password("correct horse battery")
    assert mentor.must_change_password is True
    assert not OutboundEmail.objects.exists()


def test_resetting_a_staff_password_emails_them_a_link_instead(
    client_for, school, school_admin, coordinator
):
    client = client_for(school_admin)
    membership = membership_of(coordinator, school)

    response = client.post(url("schools:password-reset", school, membership.pk), follow=True)

    page = text(response)
    assert f"A link to choose a new password has been e-mailed to {coordinator.email}." in page
    assert "Temporary password" not in page
    email = OutboundEmail.objects.get(to_address=coordinator.email)
    assert "/accounts/reset/" in email.body
    coordinator.refresh_from_db()
    assert not coordinator.has_usable_password()


def test_switching_off_a_persons_access_locks_them_out_of_the_school_until_switched_back_on(
    client_for, school, school_admin, coordinator
):
    admin = client_for(school_admin)
    helen = second_client(coordinator)
    membership = membership_of(coordinator, school)
    assert helen.get(url("schools:home", school)).status_code == 200

    off = admin.post(
        url("schools:membership-toggle", school, membership.pk), {"to": "off"}, follow=True
    )

    assert "access is switched off" in text(off)
    membership.refresh_from_db()
    assert membership.is_active is False
    assert helen.get(url("schools:home", school)).status_code == 404
    assert helen.get(url("schools:pupil-list", school)).status_code == 404

    admin.post(url("schools:membership-toggle", school, membership.pk), {"to": "on"})

    assert helen.get(url("schools:home", school)).status_code == 200


def test_a_school_admin_cannot_switch_off_their_own_access(client_for, school, school_admin):
    client = client_for(school_admin)
    membership = membership_of(school_admin, school)

    response = client.post(
        url("schools:membership-toggle", school, membership.pk), {"to": "off"}, follow=True
    )

    assert "You cannot switch off your own access." in text(response)
    membership.refresh_from_db()
    assert membership.is_active is True
    assert client.get(url("schools:home", school)).status_code == 200


# --- Notifications --------------------------------------------------------------------------


def bell(response) -> str | None:
    """The unread count on the bell, or None when it shows none."""
    found = re.search(
        r'class="bell"[^>]*>.*?(?:<span class="badge">(\d+)</span>)?\s*</a>', text(response), re.S
    )
    assert found is not None, "no bell on the page"
    return found.group(1)


def test_a_new_notification_shows_in_the_bell_count_on_the_home_page(
    client_for, school, coordinator
):
    notify(recipient=coordinator, school=school, title="A referral is waiting for you")

    home = client_for(coordinator).get("/", follow=True)

    assert home.redirect_chain[-1][0] == url("schools:home", school)
    assert bell(home) == "1"
    assert 'aria-label="Messages, 1 unread"' in text(home)


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client_for, school, coordinator):
    notification = notify(
        recipient=coordinator,
        school=school,
        title="A referral is waiting for you",
        url=url("schools:pupil-list", school),
    )
    client = client_for(coordinator)

    response = client.post(url("core:notification-open", school, notification.pk))

    assert response.status_code == 302
    assert response["Location"] == url("schools:pupil-list", school)
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert bell(client.get(url("schools:home", school))) is None


def test_mark_all_as_read_clears_this_schools_unread_messages_only(
    client_for, school, other_school, coordinator
):
    for title in ("First message", "Second message"):
        notify(recipient=coordinator, school=school, title=title)
    elsewhere = Notification.objects.create(
        school=other_school, recipient=coordinator, title="From another school"
    )
    client = client_for(coordinator)
    assert "Mark all as read" in text(client.get(url("core:notification-list", school)))

    response = client.post(url("core:notification-read-all", school), follow=True)

    assert "2 messages marked as read." in text(response)
    assert not Notification.objects.filter(school=school).unread().exists()
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None
    assert bell(response) is None


# --- Audit trail ------------------------------------------------------------------------------


def test_the_audit_trail_lists_this_schools_entries_and_not_another_schools(
    client_for, school, other_school, coordinator, school_admin
):
    services.add_feeder_primary(school=school, name="Oakfield Primary", by=school_admin)
    services.add_feeder_primary(school=other_school, name="Elmfield Primary", by=None)

    response = client_for(coordinator).get(url("core:audit-list", school))

    page = text(response)
    assert "feeder_primary.added" in page
    assert "Oakfield Primary" in page
    assert school_admin.display_name in page
    assert "Elmfield Primary" not in page
    assert {entry.school for entry in response.context["page"]} == {school}


# --- E-mails ------------------------------------------------------------------------------------


@pytest.fixture
def failed_email(school):
    return OutboundEmail.objects.create(
        school=school,
        to_address="year6@meadowsdie.example.org",
        subject="Referral received",
        body="Thank you for the referral.",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: unknown domain",
    )


def test_the_email_page_lists_a_failed_email_with_a_retry_button(
    client_for, school, school_admin, failed_email
):
    page = text(client_for(school_admin).get(url("core:email-list", school)))

    assert "year6@meadowsdie.example.org" in page
    assert "SMTPRecipientsRefused: unknown domain" in page
    assert "1 e-mail could not be sent after every attempt." in page
    assert url("core:email-retry", school, failed_email.pk) in page


def test_retrying_a_failed_email_queues_it_again_for_delivery(
    client_for, school, school_admin, failed_email, django_capture_on_commit_callbacks
):
    client = client_for(school_admin)

    with django_capture_on_commit_callbacks() as delivery:
        response = client.post(url("core:email-retry", school, failed_email.pk))

    assert response["Location"] == url("core:email-list", school)
    failed_email.refresh_from_db()
    assert failed_email.status == OutboundEmail.Status.QUEUED
    assert failed_email.attempts == 0
    assert len(delivery) == 1
    assert AuditEntry.objects.filter(action="email.retried", school=school).count() == 1
    page = text(client.get(response["Location"]))
    assert "The e-mail to year6@meadowsdie.example.org will be tried again." in page
    assert "1 e-mail waiting to be sent." in page


def test_an_email_that_has_not_failed_cannot_be_retried(client_for, school, school_admin):
    sent = OutboundEmail.objects.create(
        school=school, to_address="a@example.org", subject="Hi", body="Hi", status="sent"
    )

    response = client_for(school_admin).post(url("core:email-retry", school, sent.pk))

    assert response.status_code == 404
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SENT
