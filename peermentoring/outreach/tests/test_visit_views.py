"""The coordinator's visits pages: planning through the form (refusals shown in words, the
mentors offered), another school's rows, two people saving at once, a form sent twice,
cancelling once asked, recording and follow-ups, the Visits page's groups, the home page's
to-dos and the menu, read-only for the safeguarding lead, and tables that become cards."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peermentoring.core.models import OutboundEmail
from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.outreach import visit_after, visit_answers
from peermentoring.outreach.models import PrimaryVisit, VisitFollowUp
from peermentoring.outreach.tests.visit_support import (
    DAY,
    clock,
    plan,
    plan_email,
    primary,
    token_in_email,
    trained,
)
from peermentoring.outreach.visit_home import todo_items
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import Membership
from peermentoring.schools.school_year import school_year
from tests.support.factories import (
    AcademicYearFactory,
    FeederPrimaryFactory,
    MembershipFactory,
    MentorFactory,
    PrimaryVisitFactory,
    PupilFactory,
    UserFactory,
)
from tests.support.meetings import year_2025

pytestmark = pytest.mark.django_db

GONE_BY = dt.date(2026, 5, 12)


@pytest.fixture(autouse=True)
def summer(monkeypatch, school, settings):
    settings.PAGE_CACHE_SECONDS = 0
    clock(monkeypatch)
    year_2025(school)


def url(name: str, school, **kwargs) -> str:
    return reverse(f"outreach:{name}", kwargs={"school_slug": school.slug, **kwargs})


def plan_post(school, **fields) -> dict:
    meadowside = school.feeder_primaries.first() or primary(school)
    data = {
        "primary": meadowside.pk,
        "visit_on": DAY.isoformat(),
        "starts_at": "13:00",
        "ends_at": "14:00",
        "released_from_lessons": "on",
        "staff_name": "Mrs Hewitt",
        "plan": "What Year 7 is like.",
        "send": "on",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- Planning through the form ---------------------------------------------------------


def test_the_coordinator_plans_a_visit_and_it_is_e_mailed(school, coordinator, client_for):
    kwame = trained(school)
    client = client_for(coordinator)

    response = client.post(url("visit-new", school), plan_post(school, mentors=[kwame.pk]))

    visit = PrimaryVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("visit", school, visit_pk=visit.pk)
    assert list(visit.mentors.all()) == [kwame]
    page = client.get(response["Location"]).text
    assert "The plan was e-mailed to year6@meadowside.example." in page
    assert "Waiting for their answer" in page
    assert token_in_email(plan_email())


def test_the_form_offers_only_trained_mentors_able_to_mentor(
    school, other_school, coordinator, client_for
):
    trained(school, "Kwame")
    trained(school, "Tobi", "Adeyemi", status=Mentor.Status.IN_TRAINING)
    MentorFactory(
        school=other_school,
        pupil=PupilFactory(school=other_school, given_name="Zebedee", year_group=10),
        status=Mentor.Status.TRAINED,
    )

    page = client_for(coordinator).get(url("visit-new", school)).text

    assert "Kwame Mensah, 10B" in page
    assert "Tobi" not in page
    assert "Zebedee" not in page


def test_a_refusal_is_shown_in_words_and_nothing_is_saved(school, coordinator, client_for):
    learner = trained(school, "Tobi", "Adeyemi", status=Mentor.Status.IN_TRAINING)

    response = client_for(coordinator).post(
        url("visit-new", school),
        plan_post(school, released_from_lessons=None, mentors=[learner.pk]),
    )

    assert response.status_code == 200
    assert "Part of this visit is in lesson time (13:35 to 14:00)." in response.text
    assert "Tick “released from lessons by agreement”" in response.text
    assert "Tobi Adeyemi is not a trained mentor able to mentor" in response.text
    assert "What Year 7 is like." in response.text  # what they typed is kept
    assert not PrimaryVisit.objects.exists()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"visit_on": "2026-02-30"}, "Give a real date"),
        ({"visit_on": "99999-01-01"}, "Give a real date"),
        ({"starts_at": "25:00"}, "Give a time of day"),
        ({"visit_on": "2026-06-13"}, "Saturday 13 June is not a school day"),
        ({"contact_email": "not an address"}, "Give an e-mail address"),
        ({"plan": "x" * 2001}, "at most 2,000 characters"),
        ({"mentors": ["1" * 30]}, "Choose mentors from the list."),
        ({"primary": "1" * 30}, "Choose one of the school&#x27;s feeder primaries."),
    ],
)
def test_bad_input_is_refused_in_words(school, coordinator, client_for, fields, words):
    response = client_for(coordinator).post(url("visit-new", school), plan_post(school, **fields))

    assert response.status_code == 200
    assert words in response.text
    assert not PrimaryVisit.objects.exists()


def test_the_same_form_sent_twice_plans_one_visit(school, coordinator, client_for):
    client = client_for(coordinator)
    data = plan_post(school)

    first = client.post(url("visit-new", school), data)
    second = client.post(url("visit-new", school), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert PrimaryVisit.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_another_schools_primary_and_mentors_are_refused_on_the_form(
    school, other_school, coordinator, client_for
):
    theirs = FeederPrimaryFactory(school=other_school, name="Elm Park Primary")
    their_mentor = MentorFactory(
        school=other_school,
        pupil=PupilFactory(school=other_school, year_group=10),
        status=Mentor.Status.TRAINED,
    )

    response = client_for(coordinator).post(
        url("visit-new", school),
        plan_post(school, primary=theirs.pk, mentors=[their_mentor.pk]),
    )

    assert response.status_code == 200
    assert "Choose one of the school&#x27;s feeder primaries." in response.text
    assert "Choose mentors from the list." in response.text
    assert not PrimaryVisit.objects.exists()


def test_another_schools_visit_and_follow_up_are_not_found(
    school, other_school, coordinator, client_for
):
    theirs = PrimaryVisitFactory(school=other_school, visit_on=GONE_BY)
    their_follow_up = VisitFollowUp.objects.create(
        school=other_school,
        visit=theirs,
        kind="wants_mentor",
        child_given_name="A",
        child_family_name="B",
    )
    client = client_for(coordinator)

    for name in ("visit", "visit-edit", "visit-cancel", "visit-record", "visit-follow-up-add"):
        assert client.get(url(name, school, visit_pk=theirs.pk)).status_code == 404
    assert client.post(url("visit-send", school, visit_pk=theirs.pk)).status_code == 404
    assert client.post(url("visit-cancel", school, visit_pk=theirs.pk)).status_code == 404
    for name in ("visit-follow-up-refer", "visit-follow-up-done"):
        assert (
            client.post(
                url(name, school, follow_up_pk=their_follow_up.pk), {"done": "1"}
            ).status_code
            == 404
        )
    theirs.refresh_from_db()
    their_follow_up.refresh_from_db()
    assert theirs.status == PrimaryVisit.Status.PLANNED
    assert their_follow_up.referral is None and their_follow_up.done_at is None
    assert not Referral.objects.exists()


# --- Changing, two people at once, cancelling --------------------------------------------


def test_the_second_of_two_people_editing_is_told_and_keeps_their_words(
    school, coordinator, client_for
):
    visit = plan(school, coordinator)
    client = client_for(coordinator)
    stale = {
        "primary": visit.primary_id,
        "visit_on": DAY.isoformat(),
        "starts_at": "13:00",
        "ends_at": "14:00",
        "released_from_lessons": "on",
        "version": visit.version,
    }
    client.post(url("visit-edit", school, visit_pk=visit.pk), stale | {"plan": "Helen's plan"})

    response = client.post(
        url("visit-edit", school, visit_pk=visit.pk), stale | {"plan": "Gareth's plan"}
    )

    assert response.status_code == 200
    assert "Helen changed this visit at" in response.text
    assert "Gareth&#x27;s plan" in response.text
    assert PrimaryVisit.objects.get().plan == "Helen's plan"
    # Saving again, knowing, goes through.
    version = re.search(r'name="version" value="(\d+)"', response.text).group(1)
    client.post(
        url("visit-edit", school, visit_pk=visit.pk),
        stale | {"plan": "Gareth's plan", "version": version},
    )
    assert PrimaryVisit.objects.get().plan == "Gareth's plan"


def test_cancelling_is_asked_first_then_done(school, coordinator, client_for):
    visit = plan(school, coordinator, send=True)
    visit.refresh_from_db()
    client = client_for(coordinator)

    asked = client.get(url("visit-cancel", school, visit_pk=visit.pk))
    assert "Cancel the visit to Meadowside Primary School?" in asked.text
    assert "year6@meadowside.example is e-mailed that the visit is cancelled" in asked.text
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED

    client.post(url("visit-cancel", school, visit_pk=visit.pk), {"version": visit.version})

    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.CANCELLED


def test_sending_the_plan_from_the_visits_page(school, coordinator, client_for):
    visit = plan(school, coordinator)
    client = client_for(coordinator)
    assert (
        "Send the plan to the primary" in client.get(url("visit", school, visit_pk=visit.pk)).text
    )

    response = client.post(url("visit-send", school, visit_pk=visit.pk), {"version": visit.version})

    assert response.status_code == 302
    assert PrimaryVisit.objects.get().link_sent_at is not None
    assert "Send the plan again" in client.get(response["Location"]).text


# --- After the visit --------------------------------------------------------------------


def test_recording_how_it_went_and_offering_a_pupil_as_a_referral(school, coordinator, client_for):
    visit = plan(school, coordinator, visit_on=GONE_BY)
    client = client_for(coordinator)

    client.post(
        url("visit-record", school, visit_pk=visit.pk),
        {"year6_met": "58", "questions": "Is lunch long?", "version": visit.version},
    )
    client.post(
        url("visit-follow-up-add", school, visit_pk=visit.pk),
        {
            "kind": "wants_mentor",
            "child_given_name": "Maisie",
            "child_family_name": "Clarke",
            "submission_key": str(uuid.uuid4()),
        },
    )
    wants = VisitFollowUp.objects.get()
    refer = url("visit-follow-up-refer", school, follow_up_pk=wants.pk)
    client.post(refer)
    client.post(refer)  # a double click

    visit.refresh_from_db()
    assert (visit.status, visit.year6_met) == (PrimaryVisit.Status.DONE, 58)
    assert Referral.objects.count() == 1
    page = client.get(url("visit", school, visit_pk=visit.pk)).text
    assert "Maisie Clarke would like a mentor" in page
    assert "Referral for September" in page
    assert "Offer as a referral for September" not in page


def test_recording_a_visit_still_to_come_is_refused_in_words(school, coordinator, client_for):
    visit = plan(school, coordinator)

    response = client_for(coordinator).post(
        url("visit-record", school, visit_pk=visit.pk), {"year6_met": "5"}
    )

    assert "record how it went once it has happened" in response.text
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED


@pytest.mark.parametrize("count", ["-1", "501", "1" * 30, "lots"])
def test_a_year_6_count_out_of_range_is_refused(school, coordinator, client_for, count):
    visit = plan(school, coordinator, visit_on=GONE_BY)

    response = client_for(coordinator).post(
        url("visit-record", school, visit_pk=visit.pk), {"year6_met": count}
    )

    assert "Give a whole number from 0 to 500." in response.text
    assert PrimaryVisit.objects.get().year6_met is None


def test_a_follow_up_without_names_is_refused_on_the_visits_page(school, coordinator, client_for):
    visit = plan(school, coordinator, visit_on=GONE_BY)

    response = client_for(coordinator).post(
        url("visit-follow-up-add", school, visit_pk=visit.pk), {"kind": "wants_mentor"}
    )

    assert response.status_code == 200
    assert "Give the child&#x27;s first and last name." in response.text
    assert not VisitFollowUp.objects.exists()


# --- The Visits page --------------------------------------------------------------------


def test_the_visits_page_groups_this_years_visits(school, coordinator, client_for):
    meadowside = primary(school)
    st_annes = primary(school, "St Anne's CE Primary")
    brookfield = primary(school, "Brookfield Community Primary")
    primary(school, "Hollins Lane Primary Academy")
    done = plan(school, coordinator, primary=meadowside, visit_on=GONE_BY)
    visit_after.record_visit(visit=done, version=None, year6_met=42, by=coordinator)
    plan(school, coordinator, primary=st_annes, visit_on=dt.date(2026, 5, 13))
    plan(school, coordinator, primary=brookfield, send=True)
    visit_answers.answer_visit(
        token=token_in_email(plan_email("year6@meadowside.example")),
        school=school,
        answer=visit_answers.Answer.OTHER_DATE,
        suggested_date=dt.date(2026, 6, 23),
    )

    page = client_for(coordinator).get(url("visits", school)).text

    planned = page[page.index('id="coming"') : page.index('id="to-record"')]
    to_record = page[page.index('id="to-record"') : page.index('id="done"')]
    done_part = page[page.index('id="done"') : page.index('id="not-visited"')]
    not_visited = page[page.index('id="not-visited"') :]
    assert "Brookfield" in planned and "Asked for another date: Tuesday 23 June" in planned
    assert "St Anne" in to_record
    assert "Meadowside" in done_part and ">42<" in done_part
    assert "Hollins Lane" in not_visited and "Meadowside" not in not_visited


def test_another_years_visits_are_shown_when_chosen(school, other_school, coordinator, client_for):
    last_year = AcademicYearFactory(
        school=school, name="2024–25", starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31)
    )
    PrimaryVisitFactory(
        school=school,
        primary=primary(school),
        visit_on=dt.date(2025, 6, 17),
        status=PrimaryVisit.Status.DONE,
        year6_met=61,
    )
    theirs = AcademicYearFactory(school=other_school)
    client = client_for(coordinator)

    assert ">61<" not in client.get(url("visits", school)).text
    assert ">61<" in client.get(url("visits", school) + f"?year={last_year.pk}").text
    # Another school's year is not ours: this year is shown.
    page = client.get(url("visits", school) + f"?year={theirs.pk}").text
    assert "Visits to feeder primaries, 2025–26" in page
    assert client.get(url("visits", school) + "?year=" + "9" * 40).status_code == 200


def test_the_safeguarding_lead_reads_but_cannot_change(school, coordinator, dsl, client_for):
    visit = plan(school, coordinator)
    client = client_for(dsl)

    listing = client.get(url("visits", school))
    detail = client.get(url("visit", school, visit_pk=visit.pk))

    assert listing.status_code == detail.status_code == 200
    assert "Plan a visit" not in listing.text
    assert "Change the plan" not in detail.text and "Cancel the visit" not in detail.text
    assert client.get(url("visit-new", school)).status_code == 403
    assert client.post(url("visit-cancel", school, visit_pk=visit.pk)).status_code == 403


# --- Home and menu ------------------------------------------------------------------------


def home(client, school) -> str:
    return client.get(reverse("schools:home", args=[school.slug])).text


def test_the_coordinators_home_lists_what_is_left_to_do(school, coordinator, client_for):
    meadowside = primary(school)
    for name, day in (("St Anne's CE Primary", GONE_BY), ("Brookfield", dt.date(2026, 5, 13))):
        plan(school, coordinator, primary=primary(school, name, contact_email=""), visit_on=day)
    plan(school, coordinator, primary=meadowside, send=True)
    visit_answers.answer_visit(
        token=token_in_email(plan_email()),
        school=school,
        answer=visit_answers.Answer.OTHER_DATE,
        suggested_date=dt.date(2026, 6, 23),
    )
    hollins = primary(school, "Hollins Lane Primary Academy")
    plan(school, coordinator, primary=hollins, visit_on=dt.date(2026, 6, 17))
    primary(school, "Oak Tree Primary")

    page = home(client_for(coordinator), school)

    assert "2 visits to record" in page
    assert "Meadowside Primary School asked for another date" in page
    assert "Send the visit plan to Hollins Lane Primary Academy" in page
    assert "1 feeder primary not yet visited" in page


def test_one_visit_to_record_links_to_it_and_follow_ups_are_counted(
    school, coordinator, client_for
):
    visit = plan(school, coordinator, visit_on=GONE_BY)
    client = client_for(coordinator)
    page = home(client, school)
    assert "Record the visit to Meadowside Primary School" in page
    assert url("visit-record", school, visit_pk=visit.pk) in page

    visit_after.record_visit(visit=visit, version=None, year6_met=3, by=coordinator)
    for name in ("Maisie", "Leo"):
        visit_after.add_follow_up(
            visit=visit,
            kind="wants_mentor",
            child_given_name=name,
            child_family_name="Clarke",
            by=coordinator,
        )
    page = home(client, school)
    assert "Record the visit" not in page
    assert "2 visit follow-ups to do" in page


def test_primaries_not_yet_visited_are_listed_only_in_the_summer_term(
    school, coordinator, client_for, monkeypatch
):
    primary(school)
    client = client_for(coordinator)
    assert "1 feeder primary not yet visited" in home(client, school)

    clock(monkeypatch, dt.datetime(2025, 11, 19, 9, 0))
    assert "not yet visited" not in home(client, school)


def test_the_menu_offers_primary_visits_to_staff_but_not_to_pupils(
    school, coordinator, dsl, mentor, client_for
):
    link = f'href="{url("visits", school)}"'

    assert link in home(client_for(coordinator), school)
    assert link in home(client_for(dsl), school)
    assert link not in home(client_for(mentor), school)
    deputy = MembershipFactory(
        user=UserFactory(first_name="Dev"), school=school, role=Role.DEPUTY_SAFEGUARDING_LEAD
    ).user
    assert link in home(client_for(deputy), school)


# --- Tables become cards on a phone --------------------------------------------------------


def test_every_table_cell_names_its_column_for_the_phones_cards(school, coordinator, client_for):
    done = plan(school, coordinator, visit_on=GONE_BY, mentors=[trained(school)])
    visit_after.record_visit(visit=done, version=None, year6_met=3, by=coordinator)
    visit_after.add_follow_up(visit=done, kind="other", note="Send the booklets.", by=coordinator)
    plan(school, coordinator, primary=primary(school, "St Anne's"), visit_on=dt.date(2026, 5, 13))
    plan(school, coordinator, primary=primary(school, "Brookfield"))
    client = client_for(coordinator)

    for page in (
        client.get(url("visits", school)).text,
        client.get(url("visit", school, visit_pk=done.pk)).text,
    ):
        tables = re.findall(r"<table.*?</table>", page, flags=re.S)
        assert tables
        for table in tables:
            assert table.count("<td") == table.count("<td data-label=")
        assert page.count('class="table-wrap"') == len(tables)


def test_the_to_dos_make_the_same_queries_however_many_visits(school, coordinator):
    membership = Membership.objects.select_related("school").get(user=coordinator)
    school_year(membership, dt.date(2026, 6, 1))  # read once a request, by every to-do

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            todo_items(membership)
        return len(queries)

    plan(school, coordinator, visit_on=GONE_BY)
    one = count()
    for n in range(6):
        visit = plan(school, coordinator, primary=primary(school, f"Primary {n}"), visit_on=GONE_BY)
        visit_after.add_follow_up(visit=visit, kind="other", note="Booklets.", by=coordinator)
    plan(school, coordinator, primary=primary(school, "Later"))

    assert count() == one == 2  # the visits, and (in the summer term) the primaries left
