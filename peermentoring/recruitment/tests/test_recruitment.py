"""The rules of recruitment: applying once before the deadline, panels, scores, offers, places."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.signing import TimestampSigner
from django.utils import timezone

from peermentoring.core.models import AuditEntry, OutboundEmail
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment import services
from peermentoring.recruitment.models import Application, RecruitmentRound
from peermentoring.recruitment.scores import score_table
from peermentoring.recruitment.tests.conftest import another_applicant, pupil_of, submit
from peermentoring.recruitment.tests.slots import interview_slots
from peermentoring.schools.models import AcademicYear, Membership
from tests.support.factories import UserFactory


def statuses(round_):
    return dict(Application.objects.filter(round=round_).values_list("pupil__given_name", "status"))


# --- Rounds ----------------------------------------------------------------------------


def test_a_new_round_is_for_year_9_with_15_places_in_the_spring_term(school, year, coordinator):
    round_ = services.open_round(school=school, academic_year=year, by=coordinator)

    spring = year.terms.get(name="spring")
    assert (round_.year_group, round_.places) == (9, 15)
    assert round_.opens_on == spring.starts_on
    assert spring.starts_on < round_.closes_on < spring.ends_on
    assert "Why do you want to be a peer mentor?" in round_.questions
    assert round_.criteria == ["Listening", "Empathy", "Reliability", "Communication"]
    assert AuditEntry.objects.filter(action="round.opened").count() == 1


def test_a_round_cannot_close_before_it_opens(school, year, coordinator):
    with pytest.raises(ValidationError, match="close on or after"):
        services.open_round(
            school=school,
            academic_year=year,
            by=coordinator,
            opens_on=dt.date(2027, 2, 1),
            closes_on=dt.date(2027, 1, 1),
        )


# --- Applying --------------------------------------------------------------------------


def test_a_pupil_saves_a_draft_then_submits_it(round_, applicant):
    draft = submit(round_, applicant, submit=False, answers=["Half done", "", ""])
    assert draft.status == Application.Status.DRAFT
    assert draft.answers[0] == {
        "question": "Why do you want to be a peer mentor?",
        "answer": "Half done",
    }

    sent = submit(round_, applicant)

    assert sent.pk == draft.pk
    assert sent.status == Application.Status.SUBMITTED and sent.submitted_at is not None
    assert sent.availability == ["break", "lunch"]


def test_nobody_can_apply_twice_to_one_round(round_, applicant):
    submit(round_, applicant)

    with pytest.raises(ValidationError, match="already applied"):
        submit(round_, applicant)
    assert Application.objects.filter(round=round_).count() == 1


def test_nobody_can_apply_after_the_round_closes(round_, applicant):
    round_.closes_on = timezone.localdate() - dt.timedelta(days=1)
    round_.save()

    with pytest.raises(ValidationError, match="Applications closed on"):
        submit(round_, applicant)


def test_a_draft_cannot_be_submitted_after_the_deadline(round_, applicant):
    submit(round_, applicant, submit=False)
    later = timezone.now() + dt.timedelta(days=10)

    with pytest.raises(ValidationError, match=r"Applications closed"):
        submit(round_, applicant, now=later)


def test_a_pupil_in_another_year_group_is_told_why_they_cannot_apply(school, round_, mentee):
    reason = services.why_cannot_apply(round=round_, membership=mentee.memberships.get())

    assert reason == services.WRONG_YEAR_GROUP.format(wanted=9, actual=7)


def test_staff_are_told_applications_come_from_pupils(round_, coordinator):
    reason = services.why_cannot_apply(round=round_, membership=coordinator.memberships.get())

    assert reason == services.NOT_A_PUPIL


def test_a_round_not_open_yet_says_when_it_opens(round_, applicant):
    round_.opens_on = timezone.localdate() + dt.timedelta(days=1)
    round_.save()

    reason = services.why_cannot_apply(round=round_, membership=applicant.memberships.get())

    assert reason.startswith("Applications open on")


def test_submitting_needs_every_answer_and_a_free_time(round_, applicant):
    with pytest.raises(ValidationError) as missing_answer:
        submit(round_, applicant, answers=["Yes", "", "Quiet"])
    with pytest.raises(ValidationError) as no_time:
        submit(round_, applicant, availability=[])

    assert missing_answer.value.messages == [services.ANSWER_EVERY_QUESTION]
    assert no_time.value.messages == [services.CHOOSE_AVAILABILITY]


# --- Reading and deciding ----------------------------------------------------------------


def test_shortlisting_and_declining_are_audited_and_the_reason_is_kept(
    school, round_, applicant, coordinator
):
    maya = submit(round_, applicant)
    ben = submit(round_, another_applicant(school, "Ben"))

    services.shortlist(application=maya, by=coordinator)
    services.decline_application(
        application=ben, reason="Already a sports leader at lunch.", by=coordinator
    )

    assert statuses(round_) == {"Maya": "shortlisted", "Ben": "not_successful"}
    ben.refresh_from_db()
    assert ben.decision_reason == "Already a sports leader at lunch."
    entry = AuditEntry.objects.get(action="application.not_successful")
    assert entry.changes["reason"] == "Already a sports leader at lunch."
    assert entry.changes["status"] == ["submitted", "not_successful"]


def test_a_decline_needs_a_reason(round_, applicant, coordinator):
    maya = submit(round_, applicant)

    with pytest.raises(ValidationError):
        services.decline_application(application=maya, reason="  ", by=coordinator)
    maya.refresh_from_db()
    assert maya.status == Application.Status.SUBMITTED


def test_a_draft_cannot_be_shortlisted(round_, applicant, coordinator):
    draft = submit(round_, applicant, submit=False)

    with pytest.raises(ValidationError, match="submitted"):
        services.shortlist(application=draft, by=coordinator)


def test_a_tutor_is_emailed_a_link_that_reaches_only_that_reference(
    round_, applicant, coordinator, school
):
    maya = submit(round_, applicant)
    ben = submit(round_, another_applicant(school, "Ben"))
    reference = services.request_reference(
        application=maya, tutor_name="Mr Hewitt", tutor_email="hewitt@example.org", by=coordinator
    )
    services.request_reference(
        application=ben, tutor_name="Ms Ali", tutor_email="ali@example.org", by=coordinator
    )

    email = OutboundEmail.objects.get(to_address="hewitt@example.org")
    link = services.reference_link(reference)
    assert link in email.body
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert services.reference_from_token(token).application == maya
    tampered = token.replace(f"{reference.pk}:", f"{ben.reference.pk}:", 1)
    with pytest.raises(ValidationError, match="not valid"):
        services.reference_from_token(tampered)


def test_a_reference_link_expires(round_, applicant, coordinator, monkeypatch):
    maya = submit(round_, applicant)
    reference = services.request_reference(
        application=maya, tutor_name="Mr Hewitt", tutor_email="hewitt@example.org", by=coordinator
    )
    old = timezone.now().timestamp() - services.REFERENCE_MAX_AGE.total_seconds() - 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: old)
    token = TimestampSigner(salt=services.REFERENCE_SALT).sign(str(reference.pk))
    monkeypatch.undo()

    with pytest.raises(ValidationError, match="expired"):
        services.reference_from_token(token)


def test_a_tutor_gives_a_reference_once(round_, applicant, coordinator):
    maya = submit(round_, applicant)
    reference = services.request_reference(
        application=maya, tutor_name="Mr Hewitt", tutor_email="hewitt@example.org", by=coordinator
    )

    services.give_reference(reference=reference, text="Kind and dependable.")

    with pytest.raises(ValidationError, match="already been given"):
        services.give_reference(reference=reference, text="Changed my mind.")
    reference.refresh_from_db()
    assert reference.text == "Kind and dependable."


# --- Interviews ---------------------------------------------------------------------------


WEEK = dt.timedelta(days=7)


def book(application, coordinator, experienced, slot, **overrides):
    data = {
        "application": application,
        "starts_at": slot[0],
        "ends_at": slot[1],
        "staff_member": coordinator,
        "panel_pupils": [pupil_of(experienced)],
        "by": coordinator,
    } | overrides
    return services.book_interview(**data)


def shortlisted(round_, user, coordinator):
    return services.shortlist(application=submit(round_, user), by=coordinator)


def test_an_interview_is_booked_inside_break_with_staff_and_an_experienced_mentor(
    round_, applicant, coordinator, experienced, interview_slot
):
    maya = shortlisted(round_, applicant, coordinator)

    interview = book(maya, coordinator, experienced, interview_slot)

    maya.refresh_from_db()
    assert maya.status == Application.Status.INTERVIEW_BOOKED
    assert list(interview.panel_pupils.all()) == [pupil_of(experienced)]


def test_the_panel_hears_of_an_interview_ahead_with_its_year_but_not_of_one_entered_after(
    round_, applicant, coordinator, experienced, interview_slot, monkeypatch
):
    from types import SimpleNamespace

    from peermentoring.core.models import Notification
    from peermentoring.recruitment.services import interviews

    maya = shortlisted(round_, applicant, coordinator)
    panel = Notification.objects.filter(title__startswith="You are on an interview panel")
    after_it = SimpleNamespace(
        now=lambda: interview_slot[1] + dt.timedelta(days=1),
        localtime=timezone.localtime,
        localdate=timezone.localdate,
    )

    book(maya, coordinator, experienced, interview_slot)
    ahead = list(panel.values_list("recipient_id", "title"))
    panel.delete()
    with monkeypatch.context() as m:
        m.setattr(interviews, "timezone", after_it)
        # Typed in after it took place, as booked the week before (as the demo's history is).
        book(maya, coordinator, experienced, interview_slot, now=interview_slot[0] - WEEK)

    when = timezone.localtime(interview_slot[0])
    assert sorted(r for r, _ in ahead) == sorted([coordinator.pk, experienced.pk])
    assert {t for _, t in ahead} == {f"You are on an interview panel: {when:%a %-d %b %Y %H:%M}"}
    assert not panel.exists()


def test_an_interview_outside_the_school_day_windows_is_refused(
    round_, applicant, coordinator, experienced, interview_slot
):
    maya = shortlisted(round_, applicant, coordinator)
    in_a_lesson = interview_slot[0].replace(hour=9, minute=30)

    with pytest.raises(ValidationError) as refused:
        book(
            maya,
            coordinator,
            experienced,
            (in_a_lesson, in_a_lesson + dt.timedelta(minutes=15)),
        )
    assert refused.value.messages == [services.INTERVIEW_OUTSIDE_WINDOWS]


def test_an_interview_running_past_the_end_of_break_is_refused(
    round_, applicant, coordinator, experienced, interview_slot
):
    maya = shortlisted(round_, applicant, coordinator)

    with pytest.raises(ValidationError):
        book(
            maya,
            coordinator,
            experienced,
            (interview_slot[0], interview_slot[0] + dt.timedelta(minutes=30)),
        )


def test_a_pupil_who_has_never_mentored_cannot_sit_on_a_panel(
    school, round_, applicant, coordinator, interview_slot
):
    maya = shortlisted(round_, applicant, coordinator)
    newcomer = another_applicant(school, "Ben")

    with pytest.raises(ValidationError, match="has not mentored before"):
        book(maya, coordinator, newcomer, interview_slot)


def test_a_panel_has_at_most_two_pupils(
    school, round_, applicant, coordinator, experienced, interview_slot
):
    maya = shortlisted(round_, applicant, coordinator)

    with pytest.raises(ValidationError) as refused:
        book(maya, coordinator, experienced, interview_slot, panel_pupils=[])
    assert refused.value.messages == [services.PANEL_PUPIL_COUNT]


def test_a_panel_needs_a_member_of_staff(
    round_, applicant, coordinator, experienced, interview_slot, mentor
):
    maya = shortlisted(round_, applicant, coordinator)

    with pytest.raises(ValidationError) as refused:
        book(maya, coordinator, experienced, interview_slot, staff_member=mentor)
    assert refused.value.messages == [services.PANEL_NEEDS_STAFF]


def test_a_mentor_flagged_experienced_may_sit_on_a_panel(school, round_, year, mentor):
    Mentor.objects.create(
        school=school, pupil=pupil_of(mentor), academic_year=year, is_experienced=True
    )

    assert pupil_of(mentor) in services.experienced_pupils(round_)


def test_each_panel_member_scores_once_from_1_to_4(
    round_, applicant, coordinator, experienced, interview_slot
):
    interview = book(
        shortlisted(round_, applicant, coordinator), coordinator, experienced, interview_slot
    )
    good = {"Listening": 4, "Empathy": 3, "Reliability": 3, "Communication": 2}

    with pytest.raises(ValidationError, match="from 1 to 4"):
        services.submit_scores(
            interview=interview, scores=good | {"Empathy": 5}, comment="", by=experienced
        )
    with pytest.raises(ValidationError, match="from 1 to 4"):
        services.submit_scores(
            interview=interview, scores={"Listening": 4}, comment="", by=experienced
        )
    score = services.submit_scores(
        interview=interview, scores=good, comment="Listened well.", by=experienced
    )
    with pytest.raises(ValidationError, match="already scored"):
        services.submit_scores(interview=interview, scores=good, comment="", by=experienced)
    assert score.total == 12


def test_someone_not_on_the_panel_cannot_score(
    school, round_, applicant, coordinator, experienced, interview_slot, dsl
):
    interview = book(
        shortlisted(round_, applicant, coordinator), coordinator, experienced, interview_slot
    )

    with pytest.raises(ValidationError, match="not on this interview panel"):
        services.submit_scores(
            interview=interview,
            scores={"Listening": 4, "Empathy": 4, "Reliability": 4, "Communication": 4},
            comment="",
            by=dsl,
        )


def test_scores_two_or_more_apart_are_marked_as_a_disagreement(
    round_, applicant, coordinator, experienced, interview_slot
):
    interview = book(
        shortlisted(round_, applicant, coordinator), coordinator, experienced, interview_slot
    )
    services.submit_scores(
        interview=interview,
        scores={"Listening": 4, "Empathy": 3, "Reliability": 3, "Communication": 3},
        comment="",
        by=coordinator,
    )
    services.submit_scores(
        interview=interview,
        scores={"Listening": 2, "Empathy": 3, "Reliability": 2, "Communication": 3},
        comment="Quiet",
        by=experienced,
    )

    [row] = score_table(round_, Application.objects.filter(pk=interview.application_id))

    assert {c.criterion: c.disagree for c in row.criteria} == {
        "Listening": True,
        "Empathy": False,
        "Reliability": False,
        "Communication": False,
    }
    assert row.average == 11.5


# --- Offers ------------------------------------------------------------------------------


@pytest.fixture
def interviewed(school, year, round_, coordinator, experienced):
    """Four interviewed applicants ranked Ana 1, Ben 2, Cat 3, Dev 4; the round has 2 places."""
    people = {}
    slots = interview_slots(year, 4)
    for rank, name in enumerate(["Ana", "Ben", "Cat", "Dev"], start=1):
        user = another_applicant(school, name)
        application = shortlisted(round_, user, coordinator)
        book(application, coordinator, experienced, slots[rank - 1])
        services.rank_applicants(round=round_, ranks={application.pk: rank}, by=coordinator)
        people[name] = (user, Application.objects.get(pk=application.pk))
    return people


def test_offers_go_in_rank_order_up_to_the_places_and_the_rest_wait(
    round_, coordinator, interviewed
):
    offered, waiting = services.make_offers(round=round_, by=coordinator)

    assert (offered, waiting) == (2, 2)
    assert statuses(round_) == {
        "Ana": "offered",
        "Ben": "offered",
        "Cat": "waiting_list",
        "Dev": "waiting_list",
    }


def test_making_offers_again_never_offers_more_than_the_places(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    services.make_offers(round=round_, by=coordinator)

    assert services.places_taken(round_) == 2


def test_accepting_creates_an_in_training_mentor_for_the_next_academic_year(
    school, round_, year, coordinator, interviewed
):
    services.make_offers(round=round_, by=coordinator)
    ana, application = interviewed["Ana"]

    mentor = services.accept_offer(application=Application.objects.get(pk=application.pk), by=ana)

    next_year = AcademicYear.objects.for_school(school).get(starts_on__gt=year.starts_on)
    assert mentor.academic_year == next_year
    assert next_year.terms.count() == 3
    assert mentor.status == Mentor.Status.IN_TRAINING
    assert (mentor.interests, mentor.languages) == ("Football, drawing", "Polish")
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED and application.mentor == mentor
    assert AuditEntry.objects.filter(action="mentor.created", target_id=str(mentor.pk)).exists()


def test_declining_an_offer_offers_the_next_on_the_waiting_list(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    ben, application = interviewed["Ben"]

    services.decline_offer(application=application, reason="Too busy with music", by=ben)

    assert statuses(round_) == {
        "Ana": "offered",
        "Ben": "offer_declined",
        "Cat": "offered",
        "Dev": "waiting_list",
    }
    application.refresh_from_db()
    assert application.decision_reason == "Too busy with music"


def test_only_the_applicant_can_answer_their_offer(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    ben, _ = interviewed["Ben"]
    _, ana_application = interviewed["Ana"]

    with pytest.raises(ValidationError, match="Only the applicant"):
        services.accept_offer(application=ana_application, by=ben)


def test_an_accept_beyond_the_places_is_refused(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    # Three open offers for two places, as a slip elsewhere might leave them.
    cat, cat_application = interviewed["Cat"]
    Application.objects.filter(pk=cat_application.pk).update(status="offered")
    for name in ("Ana", "Ben"):
        user, application = interviewed[name]
        services.accept_offer(application=application, by=user)

    with pytest.raises(ValidationError, match="Every place"):
        services.accept_offer(application=cat_application, by=cat)
    assert Mentor.objects.count() == 2 + 1  # two new mentors and Jordan's earlier record


def test_parental_consent_is_recorded_only_after_a_place_is_accepted(
    round_, coordinator, interviewed
):
    services.make_offers(round=round_, by=coordinator)
    ana, application = interviewed["Ana"]
    _, cat_application = interviewed["Cat"]
    services.accept_offer(application=application, by=ana)
    application.refresh_from_db()

    services.record_parental_consent(
        application=application, on=timezone.localdate(), by=coordinator
    )

    with pytest.raises(ValidationError, match="accepted"):
        services.record_parental_consent(
            application=cat_application, on=timezone.localdate(), by=coordinator
        )
    assert application.parental_consent_on == timezone.localdate()


def test_every_status_change_of_an_application_is_an_audit_entry(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    ana, application = interviewed["Ana"]
    services.accept_offer(application=application, by=ana)

    actions = list(application.history().values_list("action", flat=True))

    assert [a for a in actions if a.startswith("application.") and a != "application.ranked"] == [
        "application.submitted",
        "application.shortlisted",
        "application.interview_booked",
        "application.offered",
        "application.accepted",
    ]


def test_a_round_in_another_school_is_not_reached_through_for_school(round_, other_school):
    assert not RecruitmentRound.objects.for_school(other_school).exists()


def test_a_school_user_not_linked_to_a_pupil_cannot_accept(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    _, application = interviewed["Ana"]
    stranger = UserFactory()

    with pytest.raises(ValidationError):
        services.accept_offer(application=application, by=stranger)
    assert not Membership.objects.filter(user=stranger).exists()


def test_the_coordinator_types_in_a_paper_application_under_the_same_rules(
    school, round_, coordinator
):
    from tests.support.factories import PupilFactory

    pupil = PupilFactory(school=school, given_name="Ola", year_group=9)
    year8 = PupilFactory(school=school, given_name="Kit", year_group=8)
    data = {
        "answers": ["a", "b", "c"],
        "availability": ["lunch"],
        "interests": "",
        "languages": "",
        "by": coordinator,
    }

    application = services.enter_paper_application(round=round_, pupil=pupil, **data)

    assert application.status == Application.Status.SUBMITTED
    with pytest.raises(ValidationError, match="already applied"):
        services.enter_paper_application(round=round_, pupil=pupil, **data)
    with pytest.raises(ValidationError, match="Year 9 pupils"):
        services.enter_paper_application(round=round_, pupil=year8, **data)


def test_the_coordinator_may_record_a_written_acceptance(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    _, application = interviewed["Ana"]

    mentor = services.accept_offer(application=application, by=coordinator)

    assert mentor.pupil == application.pupil


def test_a_past_mentor_recorded_for_last_year_may_sit_on_a_panel(school, round_, year, coordinator):
    from peermentoring.core.roles import Role
    from tests.support.factories import pupil_member

    pupil = pupil_member(school, Role.PUPIL, given_name="Eve", year_group=11).pupil
    assert pupil not in services.experienced_pupils(round_)

    services.record_existing_mentor(school=school, pupil=pupil, academic_year=year, by=coordinator)

    assert pupil in services.experienced_pupils(round_)


def test_a_round_cannot_shrink_below_the_places_already_accepted(round_, coordinator, interviewed):
    services.make_offers(round=round_, by=coordinator)
    for name in ("Ana", "Ben"):
        user, application = interviewed[name]
        services.accept_offer(application=application, by=user)

    with pytest.raises(ValidationError) as refused:
        services.update_round(round=round_, places=1, by=coordinator)
    assert refused.value.messages == [services.FEWER_PLACES_THAN_ACCEPTED.format(accepted=2)]
    round_.refresh_from_db()
    assert round_.places == 2
