"""The feeder primary and pupil pages used the way people use them: what they save and show."""

from __future__ import annotations

import re

import pytest

from peermentoring.core.models import AuditEntry
from peermentoring.schools.models import FeederPrimary
from peermentoring.schools.tests.views_support import text, url
from tests.support.factories import FeederPrimaryFactory, PupilFactory

# --- Feeder primaries -----------------------------------------------------------------------------


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


# --- Pupil list -----------------------------------------------------------------------------------


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


# --- Pupil detail ---------------------------------------------------------------------------------


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
