"""Issue #7, finding 10: a pupil on an interview panel sees only what the interview needs.

A Year 11 panel member never sees the staff member's scores or comments (before or
after scoring their own), and sees the applicant's answers only while the round is
still undecided; declined applications are never shown to pupils.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from peermentoring.recruitment import pupil_views, services
from peermentoring.recruitment.models import Application, InterviewScore
from peermentoring.recruitment.tests.conftest import another_applicant, pupil_of, submit
from peermentoring.recruitment.tests.slots import interview_slots

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"
STAFF_COMMENT = "Seemed nervous; check with pastoral team"
STAFF_MARKS = {"Listening": 1, "Empathy": 2, "Reliability": 1, "Communication": 2}
PUPIL_SCORES = {"score_0": "4", "score_1": "3", "score_2": "4", "score_3": "3", "comment": "Calm"}
ANSWER = "I like helping."


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def page_url(school, interview) -> str:
    return reverse("recruitment:interview-score", args=[school.slug, interview.pk])


def book(round_, user, coordinator, panel, slot):
    application = services.shortlist(application=submit(round_, user), by=coordinator)
    return services.book_interview(
        application=application,
        starts_at=slot[0],
        ends_at=slot[1],
        staff_member=coordinator,
        panel_pupils=[pupil_of(panel)],
        by=coordinator,
    )


@pytest.fixture
def interview(round_, applicant, coordinator, experienced, interview_slot):
    return book(round_, applicant, coordinator, experienced, interview_slot)


def staff_scores(interview, coordinator):
    services.submit_scores(
        interview=interview, scores=STAFF_MARKS, comment=STAFF_COMMENT, by=coordinator
    )


def test_a_year_11_panel_member_never_sees_the_staff_scores_or_comment_even_after_scoring(
    school, interview, coordinator, experienced
):
    staff_scores(interview, coordinator)
    client = signed_in(experienced)

    before = text(client.get(page_url(school, interview)))
    client.post(page_url(school, interview), PUPIL_SCORES)
    after = text(client.get(page_url(school, interview)))

    for page in (before, after):
        assert STAFF_COMMENT not in page
        assert "Listening 1" not in page and "Empathy 2" not in page
        assert coordinator.display_name not in page
    assert "Listening 4" in after and "Calm" in after  # their own score
    assert ANSWER in before and ANSWER in after  # still undecided


def test_the_staff_member_still_sees_the_whole_panels_scores_after_scoring(
    school, interview, coordinator, experienced
):
    signed_in(experienced).post(page_url(school, interview), PUPIL_SCORES)
    client = signed_in(coordinator)
    client.post(page_url(school, interview), PUPIL_SCORES | {"comment": STAFF_COMMENT})

    page = text(client.get(page_url(school, interview)))

    assert "Calm" in page and STAFF_COMMENT in page


def test_once_offers_are_made_the_panel_pupil_is_told_the_interview_is_finished(
    school, round_, interview, coordinator, experienced
):
    services.rank_applicants(round=round_, ranks={interview.application_id: 1}, by=coordinator)
    services.make_offers(round=round_, by=coordinator)

    response = signed_in(experienced).get(page_url(school, interview))

    page = text(response)
    assert response.status_code == 200
    assert pupil_views.INTERVIEW_FINISHED in page
    assert ANSWER not in page
    assert "Maya" not in page


def test_a_declined_application_is_never_shown_to_the_panel_pupil(
    school, interview, coordinator, experienced
):
    services.decline_application(
        application=interview.application, reason="Withdrew from school", by=coordinator
    )
    client = signed_in(experienced)

    page = text(client.get(page_url(school, interview)))
    panels = text(client.get(reverse("recruitment:panel-list", args=[school.slug])))

    assert ANSWER not in page and "Withdrew from school" not in page
    assert pupil_views.INTERVIEW_FINISHED in page
    assert "Maya" not in page and "Maya" not in panels


def test_an_unranked_interview_is_finished_for_pupils_once_the_rounds_offers_are_made(
    school, year, round_, interview, coordinator, experienced
):
    later = interview_slots(year, 2)[1]  # the panel is at Maya's in the first
    ben = book(round_, another_applicant(school, "Ben"), coordinator, experienced, later)
    services.rank_applicants(round=round_, ranks={ben.application_id: 1}, by=coordinator)
    services.make_offers(round=round_, by=coordinator)
    interview.application.refresh_from_db()

    page = text(signed_in(experienced).get(page_url(school, interview)))

    assert interview.application.status == Application.Status.INTERVIEW_BOOKED
    assert ANSWER not in page and pupil_views.INTERVIEW_FINISHED in page


def test_a_panel_pupil_cannot_score_a_finished_interview(
    school, round_, interview, coordinator, experienced
):
    services.rank_applicants(round=round_, ranks={interview.application_id: 1}, by=coordinator)
    services.make_offers(round=round_, by=coordinator)

    response = signed_in(experienced).post(page_url(school, interview), PUPIL_SCORES)

    assert response.status_code in (200, 302)
    assert not InterviewScore.objects.filter(scorer=experienced).exists()


def test_the_rule_lives_on_the_interview(round_, interview, coordinator):
    assert interview.answers_visible_to_pupils()

    services.decline_application(application=interview.application, reason="No", by=coordinator)
    interview.refresh_from_db()

    assert not interview.answers_visible_to_pupils()
