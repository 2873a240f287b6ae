"""The pupils' "tell us" form: what it asks, its refusals in words, one report per form sent,
the limits, who is told, and what the pupil sees afterwards."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError
from django.test import RequestFactory
from django.urls import reverse
from django_ratelimit.core import get_usage

from peermentoring.core.models import Notification, OutboundEmail
from peermentoring.core.roles import Role
from peermentoring.outreach import tellus_services, tellus_views
from peermentoring.outreach.models import TellUsReport
from peermentoring.outreach.tellus_services import send_report
from tests.support.factories import (
    MembershipFactory,
    TellUsRecipientFactory,
    TellUsReportFactory,
    UserFactory,
    pupil_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(school):
    return reverse("outreach:tell-us", args=[school.slug])


@pytest.fixture
def zara(school):
    return pupil_member(school, Role.PUPIL, given_name="Zara", year_group=8, form_group="8B")


def report(**fields) -> dict[str, str]:
    return {
        "submission_key": str(uuid.uuid4()),
        "about": "me",
        "category": "name_calling",
        "what_happened": "A group in my form call me names every day in maths.",
        "where": "Maths, room B4",
        "sender": "named",
    } | fields


def test_the_form_asks_in_a_childs_words_and_says_what_anonymous_means(client_for, zara, url):
    page = client_for(zara.user).get(url).content.decode()

    assert "Who is it about?" in page
    assert "What kind of bullying is it?" in page
    assert "Don&#x27;t put my name on it (anonymous)" in page
    assert "Staff will not know who sent it, so they cannot come back to you about it." in page
    assert "Childline on 0800 1111" in page
    assert 'href="tel:08001111"' in page
    # Every category of the model is a choice.
    for label in TellUsReport.Category.labels:
        assert label.replace("'", "&#x27;") in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what_happened": ""}, "Tell us what happened: a few words are enough."),
        ({"what_happened": "   "}, "Tell us what happened: a few words are enough."),
        ({"about": ""}, "Say who it is about: you, or someone else."),
        ({"about": "the head"}, "Say who it is about: you, or someone else."),
        ({"category": ""}, "Choose what kind of bullying it is (or &#x27;Something else&#x27;)."),
        ({"sender": ""}, "Choose whether to put your name on it."),
        (
            {"what_happened": "x" * 4001},
            "Please keep this to at most 4,000 characters (it has 4,001).",
        ),
        ({"where": "y" * 201}, "Please keep where it happens to at most 200 characters."),
    ],
)
def test_a_report_missing_something_is_refused_in_words_and_keeps_what_was_written(
    client_for, zara, url, fields, message
):
    sent = report(**fields)

    response = client_for(zara.user).post(url, sent)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert not TellUsReport.objects.exists()
    if sent["what_happened"].strip() and len(sent["what_happened"]) <= 4000:
        assert sent["what_happened"] in page


def test_sending_the_same_form_twice_makes_one_report_and_shows_the_same_receipt(
    client_for, zara, url, coordinator
):
    client = client_for(zara.user)
    sent = report()

    first = client.post(url, sent)
    second = client.post(url, sent)

    assert first.status_code == second.status_code == 200
    assert TellUsReport.objects.count() == 1
    assert "Thank you for telling us" in second.content.decode()
    assert Notification.objects.count() == 1  # the coordinator, told once


def test_a_form_key_sent_by_someone_else_tells_them_nothing_of_the_report(
    client_for, zara, url, school
):
    key = uuid.uuid4()
    TellUsReportFactory(school=school, submission_key=key, is_anonymous=True)
    other = pupil_member(school, Role.PUPIL, given_name="Omar", year_group=8, form_group="8C")

    page = client_for(other.user).post(url, report(submission_key=str(key))).content.decode()

    assert "Your report has been sent." in page
    assert "was sent at" not in page
    assert "did not put your name on it" not in page and "You put your name" not in page
    assert TellUsReport.objects.count() == 1


def test_two_presses_at_the_same_instant_make_one_report(school, zara, monkeypatch):
    key = uuid.uuid4()
    made = TellUsReportFactory(school=school, submission_key=key)
    # The second press read "not sent yet" just before the first one saved.
    monkeypatch.setattr(tellus_services, "already_sent", _first_none(tellus_services.already_sent))

    sent = send_report(
        school=school,
        sender=None,
        about="me",
        category="online",
        what_happened="They post about me.",
        submission_key=key,
    )

    assert sent.report == made and not sent.is_new
    assert TellUsReport.objects.count() == 1


def _first_none(real):
    calls = []

    def found(school, key):
        calls.append(key)
        return None if len(calls) == 1 else real(school, key)

    return found


def test_a_broken_check_constraint_is_not_mistaken_for_a_second_press(school, zara, monkeypatch):
    monkeypatch.setattr(tellus_services, "already_sent", lambda school, key: None)
    monkeypatch.setattr(
        TellUsReport, "save", lambda self, *a, **k: (_ for _ in ()).throw(IntegrityError("check"))
    )

    with pytest.raises(IntegrityError):
        send_report(
            school=school,
            sender=None,
            about="me",
            category="online",
            what_happened="They post about me.",
            submission_key=uuid.uuid4(),
        )


def test_a_form_that_lost_its_key_is_still_sent(client_for, zara, url):
    response = client_for(zara.user).post(url, report(submission_key="not-a-key"))

    assert response.status_code == 200
    assert TellUsReport.objects.count() == 1


def test_the_receipt_does_not_show_what_was_written(client_for, zara, url):
    response = client_for(zara.user).post(url, report(sender="anonymous"))

    page = response.content.decode()
    assert "Thank you for telling us" in page
    assert "You did not put your name on it, so staff do not know it was you." in page
    assert "call me names every day" not in page
    assert "room B4" not in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN])
def test_staff_cannot_send_a_report_as_a_pupil(school, client_for, url, role):
    member = MembershipFactory(school=school, role=role, user=UserFactory()).user

    response = client_for(member).post(url, report())

    assert response.status_code == 403
    assert not TellUsReport.objects.exists()


# --- Limits -------------------------------------------------------------------------------


def test_a_pupils_named_reports_are_limited_per_account(client_for, zara, url, school):
    client = client_for(zara.user)
    for _ in range(10):
        assert "Thank you" in client.post(url, report()).content.decode()

    refused = client.post(url, report(what_happened="One more thing happened today."))

    assert "You have sent a lot of reports in the last hour." in refused.content.decode()
    assert "One more thing happened today." in refused.content.decode()
    assert TellUsReport.objects.count() == 10
    # Anyone else still can.
    other = pupil_member(school, Role.MENTEE, given_name="Lily")
    assert "Thank you" in client_for(other.user).post(url, report()).content.decode()


def test_anonymous_reports_count_against_no_one(client_for, zara, url):
    client = client_for(zara.user)
    for _ in range(12):
        assert "Thank you" in client.post(url, report(sender="anonymous")).content.decode()

    request = RequestFactory().post(url)
    request.user = zara.user
    usage = get_usage(
        request,
        group="outreach.tell-us.account",
        key="user",
        rate=tellus_views.ACCOUNT_RATE,
        increment=False,
    )
    assert usage is not None and usage["count"] == 0
    assert TellUsReport.objects.filter(is_anonymous=True).count() == 12


def test_past_the_schools_limit_an_anonymous_report_waits_but_a_named_one_goes(
    client_for, zara, url, school, monkeypatch
):
    monkeypatch.setattr(tellus_views, "ANONYMOUS_SCHOOL_RATE", "2/h")
    other = pupil_member(school, Role.MENTEE, given_name="Lily")
    assert (
        "Thank you" in client_for(zara.user).post(url, report(sender="anonymous")).content.decode()
    )
    lily = client_for(other.user)
    assert "Thank you" in lily.post(url, report(sender="anonymous")).content.decode()

    refused = lily.post(url, report(sender="anonymous"))
    named = lily.post(url, report(sender="named"))

    assert "Lots of reports without a name have been sent in the last hour" in (
        refused.content.decode()
    )
    assert "Thank you" in named.content.decode()
    assert TellUsReport.objects.filter(is_anonymous=True).count() == 2
    assert TellUsReport.objects.filter(is_anonymous=False).count() == 1


# --- Who is told --------------------------------------------------------------------------


@pytest.fixture
def deputy(school):
    return MembershipFactory(
        school=school,
        role=Role.DEPUTY_SAFEGUARDING_LEAD,
        user=UserFactory(first_name="Dan", email="dan.osei@oakbrook.example"),
    ).user


def test_with_nobody_named_every_coordinator_and_safeguarding_lead_is_told(
    client_for, zara, url, coordinator, dsl, deputy, school_admin, mentor
):
    client_for(zara.user).post(url, report())

    told = sorted(n.recipient.first_name for n in Notification.objects.all())
    assert told == ["Dan", "Helen", "Priya"]


def test_only_the_named_staff_are_told_of_an_ordinary_report(
    client_for, zara, url, school, coordinator, dsl, deputy
):
    TellUsRecipientFactory(school=school, user=coordinator)

    client_for(zara.user).post(url, report())

    assert [n.recipient for n in Notification.objects.all()] == [coordinator]


def test_a_report_with_a_risk_word_is_flagged_and_every_safeguarding_lead_told_now(
    client_for, zara, url, school, coordinator, dsl, deputy
):
    TellUsRecipientFactory(school=school, user=coordinator)

    client_for(zara.user).post(
        url, report(what_happened="He said he'd bring a KNIFE in and I keep cutting myself.")
    )

    made = TellUsReport.objects.get()
    assert made.risk_words == "cut myself, knife"
    told = {n.recipient.first_name: n for n in Notification.objects.all()}
    assert sorted(told) == ["Dan", "Helen", "Priya"]
    for note in told.values():
        assert note.title == "A 'tell us' report needs your attention now"
        assert note.kind == Notification.Kind.SAFEGUARDING
    for email in OutboundEmail.objects.all():
        assert email.subject == "A 'tell us' report needs your attention now"
        assert email.body.startswith("A report needs your attention now: sign in to read it.")
        assert "KNIFE" not in email.body.upper() and "Zara" not in email.body


def test_a_named_recipient_who_is_no_longer_staff_here_is_not_told(
    client_for, zara, url, school, coordinator, dsl
):
    gone = MembershipFactory(school=school, role=Role.COORDINATOR, user=UserFactory())
    TellUsRecipientFactory(school=school, user=gone.user)
    gone.is_active = False
    gone.save()

    client_for(zara.user).post(url, report())

    # Nobody named is still staff here: everyone who reads reports is told.
    assert sorted(n.recipient.first_name for n in Notification.objects.all()) == [
        "Helen",
        "Priya",
    ]


def test_a_form_sent_empty_is_refused_in_words(client_for, zara, url):
    response = client_for(zara.user).post(url, {})

    page = response.content.decode()
    assert "Tell us what happened: a few words are enough." in page
    assert "Choose whether to put your name on it." in page
    assert not TellUsReport.objects.exists()
