"""The plan e-mailed to the primary's contact, and the signed link they answer it through:
what is sent, expiry (21 days, never after the visit), one answer per link, another school's
or visit's token, a tampered token, and the coordinators told of the answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import ValidationError

from peermentoring.core.models import AuditEntry, Notification, OutboundEmail
from peermentoring.core.roles import Role
from peermentoring.outreach import visit_answers, visit_links, visit_services
from peermentoring.outreach.models import PrimaryVisit
from peermentoring.outreach.tests.visit_support import (
    DAY,
    NOW,
    TODAY,
    clock,
    plan,
    plan_email,
    primary,
    token_for,
    token_in_email,
    trained,
)
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import year_2025

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def summer(monkeypatch, school):
    clock(monkeypatch)
    year_2025(school)


def opened(school, token, today=TODAY):
    return visit_links.open_visit_link(token, school=school, today=today)


def refused(school, token, today=TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        opened(school, token, today)
    return error.value


# --- What is sent -------------------------------------------------------------------------


def test_the_plan_is_e_mailed_with_a_link_and_no_mentors_names(school, coordinator):
    visit = plan(school, coordinator, mentors=[trained(school), trained(school, "Ada", "Obi")])

    visit_answers.send_plan(visit=visit, version=None, by=coordinator)

    email = plan_email()
    assert email.holds_secret
    assert email.subject == "Oakbrook Academy: a visit from our peer mentors on Tuesday 16 June"
    assert "When: Tuesday 16 June 2026, 13:00 to 14:00" in email.body
    assert "Who is coming: 2 peer mentors, with Mrs Hewitt" in email.body
    assert "What secondary school is like" in email.body
    assert "link works until Tuesday 16 June 2026" in email.body
    assert "/s/oakbrook/outreach/visit-plan/" in email.body
    assert "Kwame" not in email.body and "Mensah" not in email.body
    assert opened(school, token_in_email(email)) == visit
    assert AuditEntry.objects.filter(action="outreach.visit_plan_sent").exists()


def test_planning_with_send_ticked_e_mails_the_plan(school, coordinator):
    visit = plan(school, coordinator, send=True)

    assert visit.link_sent_at is not None
    assert opened(school, token_in_email(plan_email())) == visit


def test_a_visit_with_no_contact_address_cannot_be_sent(school, coordinator):
    visit = plan(school, coordinator, primary=primary(school, "St Anne's", contact_email=""))

    with pytest.raises(ValidationError) as error:
        visit_answers.send_plan(visit=visit, version=None, by=coordinator)

    assert error.value.messages == [visit_answers.NO_CONTACT.format(primary="St Anne's")]
    assert not OutboundEmail.objects.exists()


def test_a_visit_gone_by_cannot_be_sent(school, coordinator):
    visit = plan(school, coordinator, visit_on=dt.date(2026, 5, 12))

    with pytest.raises(ValidationError) as error:
        visit_answers.send_plan(visit=visit, version=None, by=coordinator)

    assert "date has passed" in error.value.messages[0]


def test_a_cancelled_visit_cannot_be_sent(school, coordinator):
    visit = plan(school, coordinator)
    visit_services.cancel_visit(visit=visit, version=None, by=coordinator)

    with pytest.raises(ValidationError) as error:
        visit_answers.send_plan(visit=visit, version=None, by=coordinator)

    assert error.value.messages == [visit_answers.NOT_SENDABLE]


# --- Expiry -----------------------------------------------------------------------------


def test_a_link_works_for_21_days(school, coordinator, monkeypatch):
    visit = plan(school, coordinator, visit_on=dt.date(2026, 7, 14), send=True)
    token = token_in_email(plan_email())

    assert opened(school, token, dt.date(2026, 6, 22)) == visit
    error = refused(school, token, dt.date(2026, 6, 23))

    assert error.code == "expired"
    assert error.messages == [visit_links.LINK_EXPIRED]


def test_a_link_never_works_after_the_visits_date(school, coordinator):
    visit = plan(school, coordinator, send=True)  # 15 days away
    token = token_in_email(plan_email())

    assert opened(school, token, DAY) == visit
    assert refused(school, token, DAY + dt.timedelta(days=1)).code == "expired"


def test_a_token_older_than_21_days_is_expired_whatever_it_says(school, coordinator, monkeypatch):
    visit = plan(school, coordinator, visit_on=dt.date(2026, 7, 14), send=True)
    visit.refresh_from_db()
    # A token claiming a later last day than it was given is refused by its signed age.
    token = visit_links.visit_token(visit, dt.date(2026, 7, 14))
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 23 * 24 * 3600)

    assert refused(school, token, dt.date(2026, 6, 5)).messages == [visit_links.LINK_EXPIRED]


# --- One answer per link ------------------------------------------------------------------


def test_confirming_uses_the_link_up_and_tells_the_coordinators(school, coordinator):
    colleague = MembershipFactory(
        user=UserFactory(first_name="Sunita"), school=school, role=Role.COORDINATOR
    ).user
    visit = plan(school, coordinator, send=True)
    token = token_in_email(plan_email())

    answered = visit_answers.answer_visit(
        token=token, school=school, answer=visit_answers.Answer.CONFIRM
    )

    assert answered.status == PrimaryVisit.Status.CONFIRMED
    assert answered.answered_at is not None
    for user in (coordinator, colleague):
        note = Notification.objects.get(recipient=user)
        assert note.title == "Meadowside Primary School confirmed the visit on Tuesday 16 June"
        assert note.url == f"/s/oakbrook/outreach/visits/{visit.pk}/"
    entry = AuditEntry.objects.get(action="outreach.visit_answered")
    assert entry.actor is None and entry.school == school
    error = refused(school, token)
    assert error.code == "used"
    assert error.messages[0].startswith("This link has already been used: Oakbrook Academy")


def test_asking_for_another_date_keeps_the_date_and_note(school, coordinator):
    plan(school, coordinator, send=True)
    token = token_in_email(plan_email())

    answered = visit_answers.answer_visit(
        token=token,
        school=school,
        answer=visit_answers.Answer.OTHER_DATE,
        suggested_date=dt.date(2026, 6, 23),
        note="Year 6 are on their residential that week.",
    )

    assert answered.status == PrimaryVisit.Status.OTHER_DATE
    assert answered.suggested_date == dt.date(2026, 6, 23)
    note = Notification.objects.get(recipient=coordinator)
    assert note.title == (
        "Meadowside Primary School asked for another date for the visit on Tuesday 16 June"
    )
    assert "They suggest Tuesday 23 June." in note.body
    assert "residential" in note.body


def test_answering_twice_gives_one_answer(school, coordinator):
    plan(school, coordinator, send=True)
    token = token_in_email(plan_email())
    visit_answers.answer_visit(token=token, school=school, answer=visit_answers.Answer.CONFIRM)

    with pytest.raises(ValidationError) as error:
        visit_answers.answer_visit(
            token=token,
            school=school,
            answer=visit_answers.Answer.OTHER_DATE,
            suggested_date=dt.date(2026, 6, 23),
        )

    assert error.value.code == "used"
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.CONFIRMED
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"answer": "other_date"}, "suggested_date", visit_answers.GIVE_A_DATE),
        (
            {"answer": "other_date", "suggested_date": NOW.date()},
            "suggested_date",
            "Give a date after today and within a year: between Tuesday 2 June and "
            "Wednesday 2 June 2027.",
        ),
        (
            {"answer": "other_date", "suggested_date": dt.date(2028, 1, 1)},
            "suggested_date",
            None,
        ),
        ({"answer": "maybe"}, "answer", visit_answers.CHOOSE_ANSWER),
        ({"answer": "confirm", "note": "x" * 1001}, "note", None),
    ],
)
def test_a_bad_answer_is_refused_in_words_and_the_link_still_works(
    school, coordinator, fields, field, words
):
    plan(school, coordinator, send=True)
    token = token_in_email(plan_email())

    with pytest.raises(ValidationError) as error:
        visit_answers.answer_visit(token=token, school=school, **fields)

    assert field in error.value.message_dict
    if words:
        assert error.value.message_dict[field] == [words]
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED
    assert opened(school, token)


def test_sending_the_plan_again_replaces_the_earlier_link(school, coordinator):
    visit = plan(school, coordinator, send=True)
    first = token_in_email(plan_email())
    visit_answers.send_plan(visit=visit, version=None, by=coordinator)
    second = token_in_email(plan_email())

    error = refused(school, first)

    assert error.code == "replaced"
    assert "use the link in the latest e-mail" in error.messages[0]
    assert opened(school, second) == visit


def test_sending_again_after_an_answer_asks_them_again(school, coordinator):
    visit = plan(school, coordinator, send=True)
    visit_answers.answer_visit(
        token=token_in_email(plan_email()), school=school, answer=visit_answers.Answer.CONFIRM
    )

    visit_answers.send_plan(visit=visit, version=None, by=coordinator)

    visit.refresh_from_db()
    assert visit.status == PrimaryVisit.Status.PLANNED and visit.answered_at is None


def test_a_link_to_a_cancelled_visit_says_so(school, coordinator):
    visit = plan(school, coordinator, send=True)
    token = token_in_email(plan_email())
    visit_services.cancel_visit(visit=visit, version=None, by=coordinator)

    error = refused(school, token)

    assert error.code == "cancelled"
    assert error.messages == [
        "Oakbrook Academy has cancelled this visit, so there is nothing to answer."
    ]


# --- Another school's or visit's token, a tampered one ------------------------------------


def test_a_token_is_refused_under_another_school(school, other_school, coordinator):
    plan(school, coordinator, send=True)
    token = token_in_email(plan_email())

    error = refused(other_school, token)

    assert error.code == "invalid"


def test_a_token_naming_another_schools_visit_is_refused(school, other_school, coordinator):
    from tests.support.factories import PrimaryVisitFactory

    theirs = PrimaryVisitFactory(school=other_school, link_nonce="their-nonce")
    forged = visit_links.visit_token(theirs, DAY)

    # Signed by us, but the school in the address is not the visit's.
    assert refused(school, forged).code == "invalid"
    assert opened(other_school, forged) == theirs


def test_a_token_of_one_visit_does_not_open_another(school, coordinator):
    first = plan(school, coordinator, send=True)
    second = plan(school, coordinator, primary=primary(school, "Brookfield"), send=True)
    token = token_for(first)
    payload = signing.loads(token, salt=visit_links.LINK_SALT)

    assert opened(school, token) == first
    # The first visit's nonce under the second visit's number: not signed, so not valid.
    tampered = signing.dumps(payload | {"v": second.pk}, salt="another salt", compress=True)
    assert refused(school, tampered).code == "invalid"
    # Signed, but with the first visit's nonce: the second visit's link is not that one.
    swapped = signing.dumps(payload | {"v": second.pk}, salt=visit_links.LINK_SALT, compress=True)
    assert refused(school, swapped).code == "replaced"


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "X" + t,
        lambda t: "",
        lambda t: "not-a-token",
        lambda t: t.replace(":", "", 1),
    ],
)
def test_a_tampered_token_is_not_valid(school, coordinator, change):
    plan(school, coordinator, send=True)
    token = token_in_email(plan_email())

    error = refused(school, change(token))

    assert error.code == "invalid"
    assert error.messages == [visit_links.LINK_INVALID]


def test_a_token_without_a_nonce_is_not_valid(school, coordinator):
    visit = plan(school, coordinator)  # never sent: its nonce is empty

    assert refused(school, visit_links.visit_token(visit, DAY)).code == "invalid"


def test_the_rate_limit_key_is_the_visit(school, coordinator):
    visit = plan(school, coordinator, send=True)

    assert visit_links.link_rate_key(token_in_email(plan_email())) == f"visit-{visit.pk}"
    assert visit_links.link_rate_key("rubbish") == "not-a-link"
