"""After a visit: how it went (once its day has come), follow-ups, and a Year 6 pupil who would
like a mentor offered as a referral for September, once however often it is asked."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from peermentoring.core.models import AuditEntry
from peermentoring.outreach import visit_after, visit_services
from peermentoring.outreach.models import PrimaryVisit, VisitFollowUp
from peermentoring.outreach.tests.visit_support import clock, plan
from peermentoring.referrals.models import Referral
from tests.support.meetings import year_2025

pytestmark = pytest.mark.django_db

GONE_BY = dt.date(2026, 5, 12)


@pytest.fixture(autouse=True)
def summer(monkeypatch, school):
    clock(monkeypatch)
    year_2025(school)


@pytest.fixture
def visit(school, coordinator):
    return plan(school, coordinator, visit_on=GONE_BY)


def follow_up(visit, by, **fields):
    fields.setdefault("kind", VisitFollowUp.Kind.WANTS_MENTOR)
    fields.setdefault("child_given_name", "Maisie")
    fields.setdefault("child_family_name", "Clarke")
    fields.setdefault("note", "Worried about getting lost.")
    return visit_after.add_follow_up(visit=visit, by=by, **fields)


# --- How it went --------------------------------------------------------------------------


def test_recording_a_visit_keeps_how_it_went(visit, coordinator):
    recorded = visit_after.record_visit(
        visit=visit,
        version=visit.version,
        year6_met=58,
        questions="Do you get lost? Are there detentions?",
        notes="Lively; the mentors ran the quiz.",
        by=coordinator,
    )

    recorded.refresh_from_db()
    assert recorded.status == PrimaryVisit.Status.DONE
    assert recorded.year6_met == 58
    assert recorded.recorded_by == coordinator
    assert AuditEntry.objects.filter(action="outreach.visit_recorded").count() == 1


def test_a_visit_still_to_come_cannot_be_recorded(school, coordinator):
    coming = plan(school, coordinator)

    with pytest.raises(ValidationError) as error:
        visit_after.record_visit(visit=coming, version=None, year6_met=10, by=coordinator)

    assert error.value.messages == [
        "This visit is on Tuesday 16 June: record how it went once it has happened."
    ]
    assert PrimaryVisit.objects.get().status == PrimaryVisit.Status.PLANNED


def test_a_visit_can_be_recorded_on_its_day(school, coordinator, monkeypatch):
    coming = plan(school, coordinator)
    clock(monkeypatch, dt.datetime(2026, 6, 16, 15, 0))

    recorded = visit_after.record_visit(visit=coming, version=None, year6_met=0, by=coordinator)

    assert recorded.status == PrimaryVisit.Status.DONE


@pytest.mark.parametrize("count", [-1, 501, 10**30])
def test_a_count_out_of_range_is_refused(visit, coordinator, count):
    with pytest.raises(ValidationError) as error:
        visit_after.record_visit(visit=visit, version=None, year6_met=count, by=coordinator)

    assert error.value.message_dict["year6_met"] == ["Give a number from 0 to 500."]


def test_too_many_words_are_refused(visit, coordinator):
    with pytest.raises(ValidationError) as error:
        visit_after.record_visit(
            visit=visit, version=None, year6_met=3, notes="x" * 4001, by=coordinator
        )

    assert "at most 4,000 characters" in error.value.message_dict["notes"][0]


def test_a_cancelled_visit_cannot_be_recorded(visit, coordinator):
    visit_services.cancel_visit(visit=visit, version=None, by=coordinator)

    with pytest.raises(ValidationError):
        visit_after.record_visit(visit=visit, version=None, year6_met=3, by=coordinator)


def test_two_people_recording_at_once_the_second_is_told(visit, coordinator):
    read_at = visit.version
    visit_after.record_visit(visit=visit, version=read_at, year6_met=40, by=coordinator)

    with pytest.raises(visit_services.StaleVisit):
        visit_after.record_visit(visit=visit, version=read_at, year6_met=4, by=coordinator)

    assert PrimaryVisit.objects.get().year6_met == 40


# --- Follow-ups -------------------------------------------------------------------------


def test_a_pupil_who_would_like_a_mentor_needs_both_names(visit, coordinator):
    with pytest.raises(ValidationError) as error:
        follow_up(visit, coordinator, child_family_name="  ")

    assert error.value.message_dict["child_family_name"] == [visit_after.NEEDS_NAMES]
    assert not VisitFollowUp.objects.exists()


def test_something_else_to_do_needs_a_note_and_keeps_no_names(visit, coordinator):
    with pytest.raises(ValidationError) as error:
        follow_up(visit, coordinator, kind=VisitFollowUp.Kind.OTHER, note="")
    assert error.value.message_dict["note"] == [visit_after.NEEDS_NOTE]

    made = follow_up(
        visit, coordinator, kind=VisitFollowUp.Kind.OTHER, note="Send the Year 6 booklet."
    )

    assert (made.child_given_name, made.child_family_name) == ("", "")


def test_a_follow_up_waits_for_the_visit_to_happen(school, coordinator):
    coming = plan(school, coordinator)

    with pytest.raises(ValidationError) as error:
        follow_up(coming, coordinator)

    assert "once it has happened" in error.value.messages[0]


def test_an_unknown_kind_is_refused(visit, coordinator):
    with pytest.raises(ValidationError) as error:
        follow_up(visit, coordinator, kind="party")

    assert error.value.message_dict["kind"] == [visit_after.NEEDS_KIND]


def test_the_same_follow_up_form_sent_twice_adds_one(visit, coordinator):
    key = uuid.uuid4()

    first = follow_up(visit, coordinator, submission_key=key)
    second = follow_up(visit, coordinator, submission_key=key)

    assert first.pk == second.pk
    assert VisitFollowUp.objects.count() == 1


def test_a_follow_up_forms_key_cannot_be_reused_on_another_visit(school, visit, coordinator):
    key = uuid.uuid4()
    follow_up(visit, coordinator, submission_key=key)
    other = plan(school, coordinator, visit_on=dt.date(2026, 5, 13))

    with pytest.raises(ValidationError):
        follow_up(other, coordinator, submission_key=key)


def test_offering_a_pupil_as_a_referral_makes_one_for_september(school, visit, coordinator):
    wants = follow_up(visit, coordinator)

    referral = visit_after.offer_as_referral(follow_up=wants, by=coordinator)

    assert referral.school == school
    assert referral.source == Referral.Source.PRIMARY
    assert referral.feeder_primary == visit.primary
    assert referral.status == Referral.Status.NEW
    assert referral.pupil is None
    assert (referral.child_given_name, referral.child_family_name) == ("Maisie", "Clarke")
    assert referral.needs == "Worried about getting lost."
    assert referral.referred_by == coordinator
    assert "on a visit to Meadowside Primary School" in referral.referrer_name
    wants.refresh_from_db()
    assert wants.referral == referral and wants.done_at is not None
    assert AuditEntry.objects.filter(action="referral.created", target_id=str(referral.pk))


def test_offering_twice_makes_one_referral(visit, coordinator):
    wants = follow_up(visit, coordinator)

    first = visit_after.offer_as_referral(follow_up=wants, by=coordinator)
    second = visit_after.offer_as_referral(follow_up=wants, by=coordinator)

    assert first.pk == second.pk
    assert Referral.objects.count() == 1


def test_only_a_pupil_who_would_like_a_mentor_can_be_referred(visit, coordinator):
    other = follow_up(visit, coordinator, kind=VisitFollowUp.Kind.OTHER, note="Booklets.")

    with pytest.raises(ValidationError) as error:
        visit_after.offer_as_referral(follow_up=other, by=coordinator)

    assert error.value.messages == [visit_after.NOT_WANTS_MENTOR]
    assert not Referral.objects.exists()


def test_a_follow_up_is_ticked_off_and_back_on(visit, coordinator):
    other = follow_up(visit, coordinator, kind=VisitFollowUp.Kind.OTHER, note="Booklets.")

    visit_after.mark_follow_up_done(follow_up=other, done=True, by=coordinator)
    other.refresh_from_db()
    assert other.done_at is not None
    visit_after.mark_follow_up_done(follow_up=other, done=False, by=coordinator)
    other.refresh_from_db()
    assert other.done_at is None


def test_a_follow_up_made_a_referral_stays_done(visit, coordinator):
    wants = follow_up(visit, coordinator)
    visit_after.offer_as_referral(follow_up=wants, by=coordinator)

    visit_after.mark_follow_up_done(follow_up=wants, done=False, by=coordinator)

    wants.refresh_from_db()
    assert wants.done_at is not None
