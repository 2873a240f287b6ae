"""Each staff role's home page: a to-do list built from the school's state, urgent first,
every item and figure linking to the rows behind it for the roles that may open them."""

from __future__ import annotations

import datetime as dt
import re
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peermentoring.core.models import OutboundEmail
from peermentoring.core.registry import todo_items
from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import staff_home
from peermentoring.recruitment.models import RecruitmentRound
from peermentoring.schools.calendar import academic_year_name, default_term_dates
from peermentoring.schools.models import AcademicYear, Membership, Term
from peermentoring.schools.tests.views_support import text, url
from peermentoring.training.models import ModuleCompletion, TrainingSession
from tests.support.builders import make_mentor, safeguarding_module
from tests.support.factories import (
    MembershipFactory,
    OutboundEmailFactory,
    PupilFactory,
    RecruitmentRoundFactory,
    ReferralFactory,
    UserFactory,
    this_year,
)

pytestmark = pytest.mark.django_db


def referral(school, *, weeks=0, days=0, priority="routine", status="new"):
    """A referral of a Year 7 pupil, made that long ago."""
    return ReferralFactory(
        school=school,
        status=status,
        priority=priority,
        referred_at=timezone.now() - dt.timedelta(weeks=weeks, days=days),
    )


def member(school, role):
    return MembershipFactory(user=UserFactory(), school=school, role=role)


def labels(membership) -> list[str]:
    return [item.label for item in todo_items(membership)]


def again(membership: Membership) -> Membership:
    """The membership as the next request loads it (a request keeps the counts it read)."""
    return Membership.objects.select_related("school").get(pk=membership.pk)


def todo_section(page: str) -> str:
    return page.split('id="todo-heading"', 1)[1].split("The scheme at a glance", 1)[0]


# --- Referrals -----------------------------------------------------------------------


def test_an_urgent_referral_waiting_six_weeks_comes_first_flagged_and_linked(
    client_for, school, coordinator
):
    referral(school, days=2)
    referral(school, weeks=6, priority="urgent")
    referral(school, weeks=1, priority="urgent")

    page = text(client_for(coordinator).get(url("schools:home", school)))

    todo = todo_section(page)
    first = re.search(r"<p class=\"([^\"]+)\">(.*?)</p>", todo)
    assert first.group(1) == "notice notice-bad"
    assert "Do first" in first.group(2)
    listed = url("referrals:referral-list", school) + "?show=review&priority=urgent"
    assert (
        f'<a href="{listed}">2 urgent referrals waiting for review, the oldest for 6 weeks</a>'
        in first.group(2)
    )
    assert (
        f'<p class="card"><a href="{url("referrals:referral-list", school)}?show=review">'
        "1 other referral waiting for review for 2 days</a></p>"
    ) in todo


def test_a_routine_referral_is_flagged_once_it_has_waited_over_two_weeks(school):
    coordinator = member(school, Role.COORDINATOR)
    referral(school, days=13)
    assert not todo_items(coordinator)[0].urgent

    referral(school, days=15)

    [item] = todo_items(again(coordinator))
    assert item.urgent
    assert item.label == "2 referrals waiting for review, the oldest for 2 weeks"


def test_the_matching_queue_is_listed_with_its_urgent_ones(school):
    coordinator = member(school, Role.COORDINATOR)
    referral(school, status="accepted", weeks=3)
    referral(school, status="accepted", priority="urgent")
    referral(school, status="matched", priority="urgent")

    [item] = todo_items(coordinator)

    assert item.label == (
        "2 pupils in the matching queue waiting for a mentor, 1 of them urgent, "
        "the longest for 3 weeks"
    )
    assert item.url == url("referrals:referral-list", school) + "?show=queue"
    assert item.urgent


def test_the_matching_queue_is_flagged_once_a_pupil_has_waited_four_weeks(school):
    referral(school, status="accepted", days=27)
    assert not todo_items(member(school, Role.COORDINATOR))[0].urgent

    referral(school, status="accepted", days=29)

    [item] = todo_items(member(school, Role.COORDINATOR))
    assert item.urgent
    assert item.label.endswith("the longest for 4 weeks")


def test_another_schools_referrals_are_not_on_this_schools_list(school, other_school):
    referral(other_school, weeks=6, priority="urgent")
    referral(other_school, status="accepted")

    assert labels(member(school, Role.COORDINATOR)) == []
    assert labels(member(school, Role.SAFEGUARDING_LEAD)) == []


def test_the_safeguarding_lead_sees_the_urgent_referrals_only(school):
    dsl = member(school, Role.SAFEGUARDING_LEAD)
    referral(school, weeks=5)  # routine, overdue: the coordinator's, not hers
    referral(school, status="accepted")
    referral(school, weeks=6, priority="urgent")
    referral(school, status="accepted", priority="urgent", weeks=2)

    items = todo_items(dsl)

    assert [i.label for i in items] == [
        "1 urgent referral waiting for review for 6 weeks",
        "1 urgent referral accepted and waiting for a mentor for 2 weeks",
    ]
    assert items[1].url == url("referrals:referral-list", school) + "?show=queue&priority=urgent"
    assert all(i.urgent for i in items)


def test_the_safeguarding_leads_list_differs_from_the_coordinators(school):
    referral(school, weeks=1)
    referral(school, weeks=6, priority="urgent")
    RecruitmentRoundFactory(school=school)

    coordinator = labels(member(school, Role.COORDINATOR))
    dsl = labels(member(school, Role.SAFEGUARDING_LEAD))

    assert "1 urgent referral waiting for review for 6 weeks" in coordinator
    assert "1 urgent referral waiting for review for 6 weeks" in dsl
    assert any("Recruitment" in label for label in coordinator)
    assert not any("Recruitment" in label for label in dsl)
    assert not any("other referral" in label for label in dsl)


# --- Training -------------------------------------------------------------------------


def test_mentors_this_year_without_the_safeguarding_module_are_urgent(school):
    module = safeguarding_module(school)
    make_mentor(school, trained=False, status=Mentor.Status.IN_TRAINING)
    make_mentor(school, trained=False, status=Mentor.Status.IN_TRAINING, given_name="Ama")
    make_mentor(school)  # trained
    make_mentor(school, trained=False, status=Mentor.Status.STEPPED_DOWN, given_name="Bea")
    coordinator, dsl = member(school, Role.COORDINATOR), member(school, Role.SAFEGUARDING_LEAD)

    [for_coordinator] = [i for i in todo_items(coordinator) if "module" in i.label]
    [for_dsl] = todo_items(dsl)

    expected = (
        f"2 trainees have not completed module 5 “{module.title}”, needed before any mentoring"
    )
    assert for_coordinator.label == for_dsl.label == expected
    assert for_coordinator.urgent and for_dsl.urgent
    assert for_coordinator.url == url("training:grid", school)
    assert for_dsl.url == ""  # the training pages are not hers: told, not linked


def next_year(school) -> AcademicYear:
    current = this_year(school)
    start = current.ends_on.year
    return AcademicYear.objects.create(
        school=school,
        name=academic_year_name(start),
        starts_on=dt.date(start, 9, 1),
        ends_on=dt.date(start + 1, 8, 31),
    )


def test_next_years_trainees_count_only_once_they_have_missed_the_session(school):
    module = safeguarding_module(school)
    year = next_year(school)
    Mentor.objects.create(
        school=school, pupil=PupilFactory(school=school, year_group=9), academic_year=year
    )
    coordinator = member(school, Role.COORDINATOR)
    assert not [label for label in labels(coordinator) if "module 5" in label]

    session = TrainingSession.objects.create(
        school=school,
        academic_year=year,
        title="Day one",
        held_on=timezone.localdate() - dt.timedelta(days=1),
    )
    session.modules.add(module)

    [item] = [i for i in todo_items(coordinator) if "module 5" in i.label]
    assert item.label.startswith("1 trainee has not completed module 5")
    assert not item.urgent  # they do not mentor until next year


def test_the_next_training_session_is_the_coordinators_next_step(school):
    session = TrainingSession.objects.create(
        school=school,
        academic_year=this_year(school),
        title="Training day 2",
        held_on=timezone.localdate(),
    )
    coordinator = member(school, Role.COORDINATOR)

    item = next(i for i in todo_items(coordinator) if "training" in i.label)

    assert item.label == "Next training session today: Training day 2"
    assert item.url == url("training:session-register", school, session.pk)
    assert not [
        label for label in labels(member(school, Role.SAFEGUARDING_LEAD)) if "session" in label
    ]


def test_trainees_with_no_session_booked_ask_for_one(school):
    Mentor.objects.create(
        school=school,
        pupil=PupilFactory(school=school, year_group=10),
        academic_year=this_year(school),
    )
    ModuleCompletion.objects.all().delete()

    item = next(
        i for i in todo_items(member(school, Role.COORDINATOR)) if "waiting for training" in i.label
    )

    assert item.label == "1 new mentor is waiting for training: book the training sessions"
    assert item.url == url("training:session-create", school)


# --- Recruitment: the next step of the year -----------------------------------------------


@pytest.fixture
def on_day(monkeypatch, school):
    """Recruitment's to-do items worked out as on the given day, in that day's academic year."""

    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(staff_home, "timezone", types.SimpleNamespace(localdate=lambda: day))
        start = day.year if day.month >= 9 else day.year - 1
        year = AcademicYear.objects.create(
            school=school,
            name=academic_year_name(start),
            starts_on=dt.date(start, 9, 1),
            ends_on=dt.date(start + 1, 8, 31),
        )
        for dates in default_term_dates(start):
            Term.objects.create(
                academic_year=year,
                name=dates.name,
                starts_on=dates.starts_on,
                ends_on=dates.ends_on,
                half_term_starts_on=dates.half_term_starts_on,
                half_term_ends_on=dates.half_term_ends_on,
            )

    return set_today


def recruitment(membership: Membership) -> list[str]:
    return [item.label for item in staff_home.next_recruitment_step(membership)]


def test_in_the_autumn_with_no_round_recruitment_opens_in_the_spring_term(school, on_day):
    on_day(dt.date(2026, 11, 2))
    coordinator = member(school, Role.COORDINATOR)

    [item] = staff_home.next_recruitment_step(coordinator)

    assert item.label == "Recruitment opens in January: set up this year's round"
    assert item.url == url("recruitment:round-create", school)


def test_in_the_spring_term_with_no_round_the_round_is_overdue(school, on_day):
    on_day(dt.date(2027, 1, 20))

    assert recruitment(member(school, Role.COORDINATOR)) == [
        "Recruitment usually runs now, in the spring term: set up this year's round"
    ]


def test_a_round_says_when_it_opens_then_when_it_closes_then_what_is_left(school, on_day):
    on_day(dt.date(2026, 11, 2))
    year = AcademicYear.objects.get(school=school)
    round_ = RecruitmentRoundFactory(
        school=school,
        academic_year=year,
        opens_on=dt.date(2027, 1, 6),
        closes_on=dt.date(2027, 2, 12),
    )
    coordinator = member(school, Role.COORDINATOR)
    assert recruitment(coordinator) == ["Recruitment opens on Wed 6 January 2027 (Year 9)"]

    round_.opens_on = dt.date(2026, 11, 1)
    round_.closes_on = dt.date(2026, 11, 20)
    round_.save()
    from tests.support.builders import application

    application(school)
    assert recruitment(coordinator) == [
        "Recruitment (Year 9) is open until Fri 20 November: 1 application so far"
    ]

    round_.opens_on, round_.closes_on = dt.date(2026, 10, 1), dt.date(2026, 10, 20)
    round_.save()
    assert recruitment(coordinator) == [
        "Recruitment (Year 9) closed on Tue 20 October: "
        "1 application to shortlist, interview and offer places to"
    ]


# --- The school admin ----------------------------------------------------------------------


def test_the_school_admin_is_asked_for_the_year_the_pupils_and_failed_emails(school):
    admin = member(school, Role.SCHOOL_ADMIN)
    OutboundEmailFactory(school=school, status=OutboundEmail.Status.FAILED)
    OutboundEmailFactory(school=school, status=OutboundEmail.Status.FAILED)
    OutboundEmailFactory(school=school, status=OutboundEmail.Status.SENT)

    items = todo_items(admin)

    assert [(i.label, i.url, i.urgent) for i in items] == [
        (
            "Set up this academic year: its terms and dates drive the whole scheme",
            url("schools:academic-year-create", school),
            True,
        ),
        (
            "Import your pupils from your information system",
            url("schools:pupil-import", school),
            True,
        ),
        (
            "2 e-mails could not be sent: check the address and try again",
            url("schools:email-list", school) + "?status=failed",
            False,
        ),
    ]
    assert labels(member(school, Role.COORDINATOR)) == []


def test_another_schools_failed_emails_are_not_this_schools(school, other_school):
    this_year(school)
    PupilFactory(school=school)
    OutboundEmailFactory(school=other_school, status=OutboundEmail.Status.FAILED)

    assert not [label for label in labels(member(school, Role.SCHOOL_ADMIN)) if "e-mail" in label]


# --- The page ---------------------------------------------------------------------------


def test_an_empty_list_says_nothing_needs_you_today(client_for, school, coordinator):
    page = text(client_for(coordinator).get(url("schools:home", school)))

    assert "Nothing needs you today." in todo_section(page)


def test_the_trust_lead_has_no_to_do_list_on_a_schools_home(client_for, school):
    lead = member(school, Role.TRUST_LEAD).user
    referral(school, weeks=6, priority="urgent")

    page = text(client_for(lead).get(url("schools:home", school)))

    assert 'id="todo-heading"' not in page
    assert "urgent referral" not in page


def figure_links(page: str) -> dict[str, str]:
    """Each scheme figure's label and the address it links to ("" when not a link)."""
    section = page.split("The scheme at a glance", 1)[1].split("These fill in", 1)[0]
    found = {}
    for card in re.findall(r"<(?:a|div) class=\"stat\"[^>]*>.*?</(?:a|div)>", section):
        label = re.search(r'<span class="stat-label">([^<]*)</span>', card).group(1)
        href = re.search(r'href="([^"]+)"', card)
        found[label] = href.group(1) if href else ""
    return found


def test_the_figures_link_to_the_rows_behind_them_for_the_coordinator(
    client_for, school, coordinator
):
    page = text(client_for(coordinator).get(url("schools:home", school)))

    referrals = url("referrals:referral-list", school)
    assert figure_links(page) == {
        "Trained peer mentors": url("matching:mentor-list", school),
        "Mentees with a mentor": url("matching:pairing-list", school),
        "Meetings this term": url("meetings:staff-overview", school),
        "Drop-in visits this term": url("dropin:overview", school),
        "Referrals waiting for review": f"{referrals}?show=review",
        "Mentees waiting for a mentor": f"{referrals}?show=queue",
    }


def test_the_safeguarding_lead_gets_links_only_to_pages_she_may_open(client_for, school, dsl):
    page = text(client_for(dsl).get(url("schools:home", school)))

    links = figure_links(page)
    assert links["Trained peer mentors"] == ""  # the mentor list is the coordinator's
    assert links["Mentees with a mentor"] == url("matching:pairing-list", school)
    for address in filter(None, links.values()):
        assert client_for(dsl).get(address).status_code == 200


def test_the_trust_lead_sees_the_figures_without_links(client_for, school):
    lead = member(school, Role.TRUST_LEAD).user

    page = text(client_for(lead).get(url("schools:home", school)))

    assert set(figure_links(page).values()) == {""}
    assert f'href="{url("schools:pupil-list", school)}' not in page


# --- Speed: the home page's queries do not grow with the school --------------------------


def busy(school, n: int) -> None:
    """n of everything the staff home page counts."""
    module = safeguarding_module(school)
    for i in range(n):
        referral(school, weeks=i, priority="urgent" if i % 2 else "routine")
        referral(school, status="accepted", weeks=i)
        make_mentor(school, trained=bool(i % 2), status=Mentor.Status.IN_TRAINING)
        OutboundEmailFactory(school=school, status=OutboundEmail.Status.FAILED)
    session = TrainingSession.objects.create(
        school=school, academic_year=this_year(school), title="Day", held_on=timezone.localdate()
    )
    session.modules.add(module)
    if not RecruitmentRound.objects.for_school(school).exists():
        RecruitmentRoundFactory(school=school)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN])
def test_the_home_pages_queries_stay_the_same_as_the_school_grows(
    client_for, school, role, django_assert_max_num_queries
):
    client = client_for(member(school, role).user)
    busy(school, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("schools:home", school)).status_code == 200

    busy(school, 12)
    with django_assert_max_num_queries(len(small)):
        page = text(client.get(url("schools:home", school)))

    assert "To do" in page
