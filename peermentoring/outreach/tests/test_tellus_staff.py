"""The staff's side of "tell us": who reads reports (never a pupil or a peer mentor), the list
(flagged first), triage in one step (a safeguarding concern through raise_concern), two staff
at once, who receives reports, the home to-do, and the counts by category."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.core.registry import menu_links, todo_items
from peermentoring.core.roles import PUPIL_ROLES, Role
from peermentoring.outreach.models import TellUsRecipient, TellUsReport
from peermentoring.outreach.tellus_services import (
    UNKNOWN_ABOUT,
    AlreadyTriaged,
    reports_by_category,
    triage_report,
)
from peermentoring.safeguarding.models import Concern, ConcernAlert
from peermentoring.schools.models import Membership
from tests.support.factories import (
    MembershipFactory,
    TellUsRecipientFactory,
    TellUsReportFactory,
    UserFactory,
    pupil_member,
    this_year,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(school):
    return MembershipFactory(
        school=school, role=Role.DEPUTY_SAFEGUARDING_LEAD, user=UserFactory(first_name="Dan")
    ).user


def named_report(school, *, about="me", **fields) -> TellUsReport:
    member = pupil_member(school, Role.MENTEE, given_name="Lily", year_group=7, form_group="7C")
    return TellUsReportFactory(
        school=school,
        is_anonymous=False,
        reporter=member.user,
        pupil=member.pupil,
        about=about,
        **fields,
    )


def detail_url(report: TellUsReport) -> str:
    return reverse("outreach:tellus-report", args=[report.school.slug, report.pk])


# --- Who reads reports --------------------------------------------------------------------


@pytest.mark.parametrize("role", PUPIL_ROLES)
def test_no_pupil_and_no_peer_mentor_ever_sees_a_report(school, client_for, role):
    pupil = pupil_member(school, role, given_name="Kwame", year_group=10)
    # Their own named report included.
    theirs = TellUsReportFactory(
        school=school, is_anonymous=False, reporter=pupil.user, pupil=pupil.pupil
    )
    others = TellUsReportFactory(school=school)
    client = client_for(pupil.user)
    pages = [
        ("get", reverse("outreach:tellus-reports", args=[school.slug])),
        ("get", reverse("outreach:tellus-recipients", args=[school.slug])),
        ("post", reverse("outreach:tellus-recipients", args=[school.slug])),
        ("get", f"{reverse('outreach:tellus-reports', args=[school.slug])}?page=2"),
    ]
    for report in (theirs, others):
        pages += [("get", detail_url(report)), ("post", detail_url(report))]

    for method, url in pages:
        response = getattr(client, method)(url, {"decision": "nothing"} if method == "post" else {})
        assert response.status_code in (403, 404), (method, url)
        assert report.what_happened not in response.content.decode()
    assert not TellUsReport.objects.exclude(status="new").exists()


def test_the_school_admin_and_the_trust_lead_do_not_read_reports(school, client_for, school_admin):
    report = TellUsReportFactory(school=school)
    lead = MembershipFactory(school=school, role=Role.TRUST_LEAD, user=UserFactory()).user

    for person in (school_admin, lead):
        assert client_for(person).get(detail_url(report)).status_code == 403


def test_a_report_of_another_school_is_not_found(client_for, coordinator, other_school):
    theirs = TellUsReportFactory(school=other_school)

    url = reverse("outreach:tellus-report", args=["oakbrook", theirs.pk])

    assert client_for(coordinator).get(url).status_code == 404


def test_the_menu_offers_the_reports_to_their_readers_only(
    school, mentor, coordinator, dsl, school_admin
):
    def labels(user):
        membership = Membership.objects.get(user=user, school=school)
        return [link.label for link in menu_links(school.slug, membership.role)]

    assert "'Tell us' reports" not in labels(mentor)
    assert "'Tell us' reports" in labels(coordinator)
    assert "'Tell us' reports" in labels(dsl)
    assert "'Tell us' reports" not in labels(school_admin)
    assert "Who receives 'tell us' reports" in labels(school_admin)


def test_every_pupils_home_page_has_the_tell_us_card(school, client_for, mentor, mentee):
    for pupil in (mentor, mentee):
        page = client_for(pupil).get(reverse("schools:home", args=[school.slug])).content.decode()
        assert 'id="tell-us-card"' in page
        assert reverse("outreach:tell-us", args=[school.slug]) in page


# --- The list --------------------------------------------------------------------------------


def test_waiting_flagged_reports_come_first_then_waiting_then_dealt_with(
    school, client_for, coordinator
):
    now = timezone.now()
    done = TellUsReportFactory(
        school=school, status="pastoral", created_at=now, what_happened="Done one"
    )
    calm = TellUsReportFactory(school=school, created_at=now - dt.timedelta(hours=1))
    flagged = TellUsReportFactory(
        school=school, risk_words="knife", created_at=now - dt.timedelta(days=2)
    )

    response = client_for(coordinator).get(reverse("outreach:tellus-reports", args=[school.slug]))

    assert [r.pk for r in response.context["page"]] == [flagged.pk, calm.pk, done.pk]
    page = response.content.decode()
    assert "2 reports waiting for staff" in page and "1 flagged for attention now" in page
    assert "Needs attention now" in page


def test_the_list_shows_this_terms_reports_by_kind(school, client_for, dsl):
    this_year(school)
    TellUsReportFactory(school=school, category="online")
    TellUsReportFactory(school=school, category="online")
    TellUsReportFactory(school=school, category="left_out")

    response = client_for(dsl).get(reverse("outreach:tellus-reports", args=[school.slug]))

    rows = dict(response.context["by_category"])
    assert rows["Online or on phones"] == 2
    assert rows["Being left out or ignored"] == 1
    assert rows["Something else"] == 0
    assert response.context["term_total"] == 3


def test_reports_by_category_counts_the_days_given_in_this_school_only(school, other_school):
    def sent(day: dt.date, category: str, where=school) -> None:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))
        TellUsReportFactory(school=where, category=category, created_at=moment)

    first, last = dt.date(2025, 11, 3), dt.date(2025, 12, 19)
    sent(first, "online")
    sent(last, "online")  # 23:30 on the last day: counted
    sent(dt.date(2025, 11, 2), "online")  # the day before
    sent(dt.date(2025, 12, 20), "physical")  # the day after
    sent(dt.date(2025, 11, 20), "physical")
    sent(dt.date(2025, 11, 20), "physical", where=other_school)

    counts = reports_by_category(school, first, last)

    assert list(counts) == TellUsReport.Category.values
    assert counts == {
        "name_calling": 0,
        "left_out": 0,
        "physical": 1,
        "online": 2,
        "belongings": 0,
        "other": 0,
    }


# --- Triage -------------------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "status"), [("nothing", "nothing"), ("pastoral", "pastoral")])
def test_a_report_is_triaged_in_one_step(school, client_for, coordinator, decision, status):
    report = TellUsReportFactory(school=school)

    response = client_for(coordinator).post(
        detail_url(report), {"decision": decision, "note": "Spoke to the head of Year 8."}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == status
    assert report.triaged_by == coordinator
    assert report.triage_note == "Spoke to the head of Year 8."
    assert report.concern is None
    entry = AuditEntry.objects.get(action="tell_us.report_triaged")
    assert entry.actor == coordinator
    assert "head of Year 8" not in str(entry.changes)


def test_an_anonymous_report_becomes_a_concern_about_someone_unknown(
    school, client_for, coordinator, dsl, django_capture_on_commit_callbacks
):
    report = TellUsReportFactory(school=school, where="The bus")

    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(detail_url(report), {"decision": "concern"})

    report.refresh_from_db()
    concern = Concern.objects.get()
    assert report.concern == concern and report.status == "concern"
    assert concern.pupil is None and concern.about_name == UNKNOWN_ABOUT
    assert concern.what_happened.startswith(report.what_happened)
    assert (
        "anonymously" in concern.what_happened
        and "Where it happens: The bus" in concern.what_happened
    )
    assert concern.urgency == Concern.Urgency.TODAY
    assert concern.raised_by == coordinator and concern.raised_by_role == Role.COORDINATOR
    assert ConcernAlert.objects.filter(concern=concern, recipient=dsl).exists()


def test_staff_may_name_who_the_concern_is_about(school, client_for, dsl):
    report = TellUsReportFactory(school=school)

    client_for(dsl).post(detail_url(report), {"decision": "concern", "about_name": "Tom, 9C"})

    assert Concern.objects.get().about_name == "Tom, 9C"


def test_a_named_report_about_the_sender_is_a_concern_about_them(school, dsl):
    report = named_report(school, about="me")

    triage_report(report=report, decision="concern", by=dsl, role=Role.SAFEGUARDING_LEAD)

    concern = Concern.objects.get()
    assert concern.pupil == report.pupil
    assert concern.about_name == ""


def test_a_named_report_about_someone_else_is_not_a_concern_about_the_sender(school, dsl):
    report = named_report(school, about="someone_else")

    triage_report(report=report, decision="concern", by=dsl, role=Role.SAFEGUARDING_LEAD)

    concern = Concern.objects.get()
    assert concern.pupil is None
    assert concern.about_name == UNKNOWN_ABOUT


def test_a_flagged_report_becomes_an_urgent_concern(school, dsl):
    report = TellUsReportFactory(school=school, risk_words="self-harm")

    triage_report(report=report, decision="concern", by=dsl, role=Role.SAFEGUARDING_LEAD)

    assert Concern.objects.get().urgency == Concern.Urgency.NOW


def test_the_second_of_two_staff_deciding_at_once_is_told_and_changes_nothing(
    school, client_for, coordinator, dsl
):
    coordinator.first_name, coordinator.last_name = "Helen", "Hewitt"
    coordinator.save()
    report = TellUsReportFactory(school=school)
    # Both opened the report while it waited; Helen saved first.
    client_for(coordinator).post(detail_url(report), {"decision": "pastoral"})

    response = client_for(dsl).post(detail_url(report), {"decision": "concern"})

    assert response.status_code == 200
    assert "Helen Hewitt dealt with this report at" in response.content.decode()
    assert "(handled by the pastoral team), so nothing was changed" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "pastoral" and report.triaged_by == coordinator
    assert not Concern.objects.exists()


def test_the_same_decision_sent_twice_by_the_same_person_is_made_once(school, coordinator):
    report = TellUsReportFactory(school=school)

    triage_report(report=report, decision="pastoral", by=coordinator, role=Role.COORDINATOR)
    again = triage_report(report=report, decision="pastoral", by=coordinator, role=Role.COORDINATOR)

    assert again.status == "pastoral"
    assert AuditEntry.objects.filter(action="tell_us.report_triaged").count() == 1


def test_a_different_decision_by_the_same_person_later_is_refused(school, coordinator):
    report = TellUsReportFactory(school=school)
    triage_report(report=report, decision="nothing", by=coordinator, role=Role.COORDINATOR)

    with pytest.raises(AlreadyTriaged):
        triage_report(report=report, decision="pastoral", by=coordinator, role=Role.COORDINATOR)


def test_a_decision_missing_is_refused_in_words(school, client_for, coordinator):
    report = TellUsReportFactory(school=school)

    response = client_for(coordinator).post(detail_url(report), {"note": "x" * 4001})

    page = response.content.decode()
    assert "Choose what happens next: nothing to do, the pastoral team, or safeguarding." in page
    assert "Please keep this to at most 4,000 characters (it has 4,001)." in page
    report.refresh_from_db()
    assert report.status == "new"


def test_the_concern_link_is_shown_to_the_safeguarding_lead_only(
    school, client_for, coordinator, dsl
):
    report = triage_report(
        report=TellUsReportFactory(school=school),
        decision="concern",
        by=coordinator,
        role=Role.COORDINATOR,
    )
    concern_url = reverse("safeguarding:concern-detail", args=[school.slug, report.concern_id])

    assert concern_url in client_for(dsl).get(detail_url(report)).content.decode()
    page = client_for(coordinator).get(detail_url(report)).content.decode()
    assert concern_url not in page
    assert "A safeguarding concern was raised: the safeguarding lead has it." in page


# --- Who receives reports ---------------------------------------------------------------


def test_the_coordinator_names_who_receives_reports(school, client_for, coordinator, dsl, deputy):
    url = reverse("outreach:tellus-recipients", args=[school.slug])

    response = client_for(coordinator).post(url, {"recipients": [dsl.pk, deputy.pk]})

    assert response.status_code == 302
    assert set(TellUsRecipient.objects.values_list("user_id", flat=True)) == {dsl.pk, deputy.pk}
    page = client_for(coordinator).get(url).content.decode()
    assert "Reports now go to" in page

    client_for(coordinator).post(url, {})
    assert not TellUsRecipient.objects.exists()
    assert "Nobody is named" in client_for(coordinator).get(url).content.decode()


@pytest.mark.parametrize("who", ["mentor", "mentee", "school_admin"])
def test_a_pupil_a_mentor_or_the_school_admin_cannot_be_named(
    school, client_for, coordinator, request, who
):
    person = request.getfixturevalue(who)

    response = client_for(coordinator).post(
        reverse("outreach:tellus-recipients", args=[school.slug]), {"recipients": [person.pk]}
    )

    assert response.status_code == 200
    assert (
        "only this school&#x27;s coordinators and safeguarding staff" in response.content.decode()
    )
    assert not TellUsRecipient.objects.exists()


# --- The home to-do -----------------------------------------------------------------------


def _todo(user, school):
    membership = Membership.objects.select_related("school").get(user=user, school=school)
    return [item for item in todo_items(membership) if "'tell us'" in item.label]


def test_the_staff_told_of_reports_see_how_many_wait(school, coordinator, dsl):
    TellUsReportFactory(school=school)
    TellUsReportFactory(school=school, risk_words="knife")
    TellUsReportFactory(school=school, status="nothing")

    items = _todo(coordinator, school)

    assert [(i.label, i.urgent) for i in items] == [
        ("2 'tell us' reports to read (1 flagged)", True)
    ]
    assert items[0].url == reverse("outreach:tellus-reports", args=[school.slug])


def test_staff_not_named_see_no_item_until_a_flagged_report_waits(school, coordinator, dsl):
    TellUsRecipientFactory(school=school, user=coordinator)
    TellUsReportFactory(school=school)

    assert _todo(dsl, school) == []
    assert [i.label for i in _todo(coordinator, school)] == ["1 'tell us' report to read"]

    TellUsReportFactory(school=school, risk_words="abuse")
    assert [i.label for i in _todo(dsl, school)] == ["2 'tell us' reports to read (1 flagged)"]


def test_nothing_waiting_means_no_item(school, coordinator):
    TellUsReportFactory(school=school, status="pastoral")

    assert _todo(coordinator, school) == []
