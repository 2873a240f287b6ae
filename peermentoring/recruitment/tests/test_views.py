"""Recruitment and training pages used the way people use them."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import OutboundEmail
from peermentoring.recruitment import pupil_views, services, views
from peermentoring.recruitment.models import Application, RecruitmentRound, TutorReference
from peermentoring.recruitment.tests.conftest import another_applicant, pupil_of, submit
from peermentoring.schools.models import AcademicYear
from tests.support import builders

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def url(name, school, *args):
    return reverse(name, args=[school.slug, *args])


def answers(**extra):
    return {
        "answer_0": "I want to help Year 7s settle in.",
        "answer_1": "I showed a new girl around.",
        "answer_2": "Someone who lets you finish.",
        "availability": ["break", "lunch"],
        "interests": "Chess",
        "languages": "Urdu",
    } | extra


# --- Pupils -----------------------------------------------------------------------------


def test_an_eligible_pupil_sees_the_advert_on_their_home_page(school, round_, applicant):
    response = signed_in(applicant).get(url("schools:home", school))

    assert round_.title in text(response)
    assert url("recruitment:apply", school, round_.pk) in text(response)


def test_last_years_accepted_place_is_not_news_on_a_mentors_home_page(school, applicant):
    """A Year 10 mentor who accepted last spring is not still told "training comes next"."""
    year = builders.this_year(school)
    last_year = AcademicYear.objects.create(
        school=school,
        name="last year",
        starts_on=year.starts_on.replace(year=year.starts_on.year - 1),
        ends_on=year.starts_on - dt.timedelta(days=1),
    )
    old_round = RecruitmentRound.objects.create(
        school=school,
        academic_year=last_year,
        title="Become a peer mentor 2026",
        opens_on=last_year.starts_on,
        closes_on=last_year.starts_on + dt.timedelta(days=14),
    )
    this_round = builders.open_round_today(school, title="Become a peer mentor 2027")
    for round_ in (old_round, this_round):
        Application.objects.create(
            round=round_,
            pupil=pupil_of(applicant),
            status=Application.Status.ACCEPTED,
            submitted_at=timezone.now(),
        )

    page = text(signed_in(applicant).get(url("schools:home", school)))

    assert f"Your application: {this_round.title}" in page
    assert f"Your application: {old_round.title}" not in page


def test_a_pupil_saves_a_draft_then_submits_through_the_page(school, round_, applicant):
    client = signed_in(applicant)

    draft = client.post(url("recruitment:apply", school, round_.pk), answers(save="1"))
    sent = client.post(
        url("recruitment:apply", school, round_.pk), answers(submit="1"), follow=True
    )

    assert draft.status_code == 302
    assert pupil_views.SUBMITTED in text(sent)
    assert Application.KIND_WORDS[Application.Status.SUBMITTED] in text(sent)
    application = Application.objects.get()
    assert application.status == "submitted" and application.interests == "Chess"


def test_submitting_with_an_empty_answer_shows_why_and_keeps_the_draft(school, round_, applicant):
    response = signed_in(applicant).post(
        url("recruitment:apply", school, round_.pk), answers(answer_1="", submit="1")
    )

    assert response.status_code == 200
    assert services.ANSWER_EVERY_QUESTION in text(response)
    assert not Application.objects.exists()


def test_a_pupil_in_year_7_is_told_why_they_cannot_apply(school, round_, mentee):
    response = signed_in(mentee).get(url("recruitment:apply", school, round_.pk))

    assert services.WRONG_YEAR_GROUP.format(wanted=9, actual=7) in text(response)
    assert "Submit my application" not in text(response)


def test_an_offered_pupil_accepts_through_the_page(school, round_, applicant):
    application = submit(round_, applicant)
    Application.objects.filter(pk=application.pk).update(status="offered")

    response = signed_in(applicant).post(
        url("recruitment:offer-respond", school, round_.pk), {"answer": "accept"}, follow=True
    )

    assert pupil_views.ACCEPTED in text(response)
    assert Application.objects.get().mentor is not None


# --- The coordinator ----------------------------------------------------------------------


def test_the_coordinator_filters_applications_by_form_group_and_sees_counts(
    school, round_, applicant, coordinator
):
    submit(round_, applicant)
    ben = another_applicant(school, "Ben")  # form 9D
    submit(round_, ben)

    response = signed_in(coordinator).get(
        url("recruitment:round-detail", school, round_.pk), {"form_group": "9B", "sort": "name"}
    )

    page = text(response)
    assert pupil_of(applicant).full_name in page
    assert pupil_of(ben).full_name not in page
    assert "Submitted" in page


def test_the_coordinator_opens_a_round_with_the_default_questions(school, year, coordinator):
    client = signed_in(coordinator)
    form = client.get(url("recruitment:round-create", school)).context["form"]
    assert form["year_group"].value() == 9 and form["places"].value() == 15

    response = client.post(
        url("recruitment:round-create", school),
        {
            "academic_year": year.pk,
            "title": "Peer mentors wanted",
            "advert": "Join us",
            "year_group": 9,
            "opens_on": "2027-01-05",
            "closes_on": "2027-02-12",
            "places": 15,
            "asks_tutor_reference": "on",
            "reference_question": "Is she kind?",
            "questions_text": form["questions_text"].value() + "\nWhat would you do first?",
            "criteria_text": form["criteria_text"].value(),
        },
    )

    assert response.status_code == 302
    round_ = school.recruitment_rounds.get()
    assert round_.questions[-1] == "What would you do first?" and len(round_.questions) == 4


def test_the_coordinator_shortlists_and_asks_for_a_reference(
    school, round_, applicant, coordinator
):
    application = submit(round_, applicant)
    client = signed_in(coordinator)

    shortlisted = client.post(
        url("recruitment:application-shortlist", school, application.pk), follow=True
    )
    asked = client.post(
        url("recruitment:reference-request", school, application.pk),
        {"tutor_name": "Mr Hewitt", "tutor_email": "hewitt@example.org"},
        follow=True,
    )

    assert views.SHORTLISTED.format(pupil=pupil_of(applicant)) in text(shortlisted)
    assert views.REFERENCE_SENT.format(tutor="Mr Hewitt") in text(asked)
    assert OutboundEmail.objects.filter(to_address="hewitt@example.org").exists()


def test_declining_without_a_reason_is_refused_on_the_page(school, round_, applicant, coordinator):
    application = submit(round_, applicant)

    response = signed_in(coordinator).post(
        url("recruitment:application-decline", school, application.pk), {"reason": ""}, follow=True
    )

    assert services.REASON_REQUIRED in text(response)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_coordinator_books_an_interview_inside_break(
    school, round_, applicant, coordinator, experienced, interview_slot
):
    application = services.shortlist(application=submit(round_, applicant), by=coordinator)
    start = timezone.localtime(interview_slot[0])

    response = signed_in(coordinator).post(
        url("recruitment:interview-book", school, application.pk),
        {
            "day": start.date().isoformat(),
            "starts": "10:52",
            "ends": "11:07",
            "location": "Room 12",
            "staff_member": coordinator.pk,
            "panel_pupils": [pupil_of(experienced).pk],
        },
    )

    assert response.status_code == 302
    assert Application.objects.get().status == "interview_booked"


def test_an_interview_in_lesson_time_is_refused_on_the_page(
    school, round_, applicant, coordinator, experienced, interview_slot
):
    application = services.shortlist(application=submit(round_, applicant), by=coordinator)

    response = signed_in(coordinator).post(
        url("recruitment:interview-book", school, application.pk),
        {
            "day": timezone.localtime(interview_slot[0]).date().isoformat(),
            "starts": "09:30",
            "ends": "09:45",
            "location": "Room 12",
            "staff_member": coordinator.pk,
            "panel_pupils": [pupil_of(experienced).pk],
        },
    )

    assert response.status_code == 200
    assert services.INTERVIEW_OUTSIDE_WINDOWS in text(response)


# --- Panels -------------------------------------------------------------------------------


@pytest.fixture
def interview(round_, applicant, coordinator, experienced, interview_slot):
    application = services.shortlist(application=submit(round_, applicant), by=coordinator)
    return services.book_interview(
        application=application,
        starts_at=interview_slot[0],
        ends_at=interview_slot[1],
        staff_member=coordinator,
        panel_pupils=[pupil_of(experienced)],
        by=coordinator,
    )


SCORES = {"score_0": "4", "score_1": "3", "score_2": "4", "score_3": "3", "comment": "Calm"}


def test_a_pupil_interviewer_sees_the_answers_and_only_ever_their_own_scores(
    school, interview, coordinator, experienced
):
    services.submit_scores(
        interview=interview,
        scores={"Listening": 1, "Empathy": 1, "Reliability": 1, "Communication": 1},
        comment="Staff comment nobody else sees yet",
        by=coordinator,
    )
    client = signed_in(experienced)

    before = text(client.get(url("recruitment:interview-score", school, interview.pk)))
    client.post(url("recruitment:interview-score", school, interview.pk), SCORES)
    after = text(client.get(url("recruitment:interview-score", school, interview.pk)))

    assert "I like helping." in before
    assert "Staff comment nobody else sees yet" not in before
    # Issue #7: a pupil never sees the staff member's scores, even after scoring.
    assert "Staff comment nobody else sees yet" not in after and "Calm" in after


def test_a_pupil_interviewer_never_sees_the_reference_or_decision_notes(
    school, interview, coordinator, experienced
):
    TutorReference.objects.create(
        application=interview.application,
        tutor_name="Mr Hewitt",
        tutor_email="h@example.org",
        text="Private pastoral remark",
        answered_at=timezone.now(),
    )

    page = text(
        signed_in(experienced).get(url("recruitment:interview-score", school, interview.pk))
    )

    assert "Private pastoral remark" not in page


def test_a_pupil_interviewer_cannot_reach_an_interview_they_are_not_panelling(
    school, round_, interview, experienced, coordinator, interview_slot
):
    other = services.shortlist(
        application=submit(round_, another_applicant(school, "Ben")), by=coordinator
    )
    not_theirs = builders.Interview.objects.create(
        application=other,
        starts_at=interview_slot[0],
        ends_at=interview_slot[1],
        staff_member=coordinator,
    )
    client = signed_in(experienced)

    assert client.get(url("recruitment:interview-score", school, not_theirs.pk)).status_code == 404
    assert client.get(url("recruitment:application-detail", school, other.pk)).status_code == 403
    assert client.get(url("recruitment:round-scores", school, round_.pk)).status_code == 403


def test_the_coordinator_ranks_and_offers_from_the_scores_page(
    school, round_, interview, coordinator
):
    client = signed_in(coordinator)
    client.post(url("recruitment:interview-score", school, interview.pk), SCORES)

    page = text(client.get(url("recruitment:round-scores", school, round_.pk)))
    client.post(
        url("recruitment:round-rank", school, round_.pk), {f"rank_{interview.application_id}": "1"}
    )
    offered = client.post(url("recruitment:round-offer", school, round_.pk), follow=True)

    assert "Listening" in page and "Calm" in page
    assert views.OFFERS_MADE.format(offered=1, waiting=0) in text(offered)
    assert Application.objects.get().status == "offered"


# --- The tutor's reference ---------------------------------------------------------------------


def test_a_tutor_writes_a_reference_through_the_link_without_signing_in(
    client, round_, applicant, coordinator
):
    reference = services.request_reference(
        application=submit(round_, applicant),
        tutor_name="Mr Hewitt",
        tutor_email="hewitt@example.org",
        by=coordinator,
    )
    path = services.reference_link(reference).split("127.0.0.1:8000", 1)[-1]
    path = path[path.index("/reference/") :]

    page = client.get(path)
    sent = client.post(path, {"text": "Reliable and kind."}, follow=True)

    assert "Maya" in text(page) and round_.reference_question in text(page)
    assert pupil_views.REFERENCE_THANKS in text(sent)
    reference.refresh_from_db()
    assert reference.text == "Reliable and kind."


def test_an_altered_reference_link_reaches_nothing(client):
    response = client.get("/reference/1:abc:def/")

    assert response.status_code == 404
    assert services.REFERENCE_LINK_INVALID in text(response)


def test_the_staff_home_page_counts_trained_mentors(school, year, coordinator):
    builders.mentor_in(school, status="trained")

    response = signed_in(coordinator).get(url("schools:home", school))

    assert '<span class="stat-value">1</span><span class="stat-label">Trained peer mentors' in (
        response.content.decode()
    )


def test_a_closing_day_is_still_open_for_applications(school, round_, applicant):
    round_.closes_on = timezone.localdate()
    round_.save()

    response = signed_in(applicant).get(url("recruitment:apply", school, round_.pk))

    assert "Submit my application" in text(response)


def test_the_coordinator_edits_a_rounds_places_and_questions(school, round_, coordinator):
    client = signed_in(coordinator)
    form = client.get(url("recruitment:round-edit", school, round_.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data |= {"places": 12, "questions_text": "Why you?\nWhy now?", "asks_tutor_reference": ""}

    response = client.post(url("recruitment:round-edit", school, round_.pk), data)

    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.places, round_.questions, round_.asks_tutor_reference) == (
        12,
        ["Why you?", "Why now?"],
        False,
    )


def test_filtering_with_htmx_returns_only_the_rows(school, round_, applicant, coordinator):
    submit(round_, applicant)

    response = signed_in(coordinator).get(
        url("recruitment:round-detail", school, round_.pk),
        {"status": "submitted"},
        HTTP_HX_REQUEST="true",
    )

    page = text(response)
    assert 'id="application-rows"' in page and pupil_of(applicant).full_name in page
    assert "<html" not in page and "Not successful" not in page


def test_a_panel_pupil_finds_their_interviews_from_the_home_page(
    school, round_, applicant, coordinator, experienced, interview_slot
):
    application = services.shortlist(application=submit(round_, applicant), by=coordinator)
    services.book_interview(
        application=application,
        starts_at=interview_slot[0],
        ends_at=interview_slot[1],
        staff_member=coordinator,
        panel_pupils=[pupil_of(experienced)],
        by=coordinator,
    )

    home = text(signed_in(experienced).get(url("schools:home", school)))
    applicant_home = text(signed_in(applicant).get(url("schools:home", school)))

    assert url("recruitment:panel-list", school) in home
    assert Application.KIND_WORDS[Application.Status.INTERVIEW_BOOKED] in applicant_home
    assert url("recruitment:panel-list", school) not in applicant_home
