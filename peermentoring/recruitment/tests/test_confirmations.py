"""Issue #7: actions that cannot be undone ask once, saying what will change, before doing it."""

from __future__ import annotations

import html

from django.test import Client
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.recruitment import pupil_views, services, views
from peermentoring.recruitment.models import Application
from peermentoring.recruitment.tests.conftest import another_applicant, pupil_of, submit
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


def test_making_offers_asks_first_saying_who_is_offered_and_who_waits(school, coordinator):
    round_ = builders.open_round_today(school, places=1)
    first = builders.application(school, Application.Status.INTERVIEW_BOOKED, rank=1)
    second = builders.application(
        school,
        Application.Status.INTERVIEW_BOOKED,
        rank=2,
        pupil=builders.PupilFactory(school=school),
    )
    client = signed_in(coordinator)
    audit_before = AuditEntry.objects.count()

    asked = client.get(url("recruitment:round-offer", school, round_.pk))

    assert asked.status_code == 200
    assert "Offer places to the top 1 in rank order?" in text(asked)
    assert "The other 1 ranked applicant(s) go on the waiting list." in text(asked)
    assert AuditEntry.objects.count() == audit_before
    assert set(Application.objects.values_list("status", flat=True)) == {"interview_booked"}

    done = client.post(url("recruitment:round-offer", school, round_.pk), follow=True)

    assert views.OFFERS_MADE.format(offered=1, waiting=1) in text(done)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("offered", "waiting_list")


def test_the_scores_page_links_to_the_offer_confirmation_instead_of_posting(school, coordinator):
    round_ = builders.open_round_today(school)

    page = text(signed_in(coordinator).get(url("recruitment:round-scores", school, round_.pk)))

    offer_url = url("recruitment:round-offer", school, round_.pk)
    assert f'href="{offer_url}"' in page
    assert f'action="{offer_url}"' not in page


def test_declining_an_application_asks_first_then_keeps_the_reason(school, coordinator):
    application = builders.application(school)
    client = signed_in(coordinator)

    asked = client.get(url("recruitment:application-decline", school, application.pk))
    application.refresh_from_db()
    assert asked.status_code == 200
    assert "Decline Noor" in text(asked) and "cannot be undone" in text(asked)
    assert application.status == Application.Status.SUBMITTED

    client.post(
        url("recruitment:application-decline", school, application.pk),
        {"reason": "Did not attend the interview"},
    )

    application.refresh_from_db()
    assert application.status == Application.Status.NOT_SUCCESSFUL
    assert application.decision_reason == "Did not attend the interview"


def test_declining_an_already_decided_application_says_so(school, coordinator):
    application = builders.application(school, Application.Status.ACCEPTED)

    page = text(
        signed_in(coordinator).get(url("recruitment:application-decline", school, application.pk))
    )

    assert views.NOT_DECLINABLE in page and "Decline the application" not in page


def test_turning_down_a_place_asks_first(school, round_, applicant, coordinator):
    application = submit(round_, applicant)
    Application.objects.filter(pk=application.pk).update(status="offered")
    client = signed_in(applicant)

    offer_page = text(client.get(url("recruitment:apply", school, round_.pk)))
    asked = client.get(url("recruitment:offer-respond", school, round_.pk))
    application.refresh_from_db()

    respond_url = url("recruitment:offer-respond", school, round_.pk)
    assert f'href="{respond_url}"' in offer_page  # "No thank you" is a link, not a button
    assert "Turn down your place?" in text(asked) and "waiting list" in text(asked)
    assert application.status == Application.Status.OFFERED

    done = client.post(respond_url, {"answer": "decline", "reason": "Drama club"}, follow=True)

    assert pupil_views.DECLINED in text(done)
    application.refresh_from_db()
    assert application.status == Application.Status.OFFER_DECLINED
    assert application.decision_reason == "Drama club"


def test_the_turn_down_page_without_an_offer_says_there_is_nothing_to_answer(
    school, round_, applicant
):
    response = signed_in(applicant).get(url("recruitment:offer-respond", school, round_.pk))

    assert response.status_code == 200
    assert "No offer to answer" in text(response)
    assert "Yes, turn down my place" not in text(response)


def test_a_too_long_reason_for_turning_down_a_place_is_refused(school, round_, applicant):
    application = submit(round_, applicant)
    Application.objects.filter(pk=application.pk).update(status="offered")

    done = signed_in(applicant).post(
        url("recruitment:offer-respond", school, round_.pk),
        {"answer": "decline", "reason": "x" * 501},
        follow=True,
    )

    assert "at most 500 characters" in text(done)
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED


def test_saving_a_draft_again_writes_an_audit_row(school, round_, applicant):
    submit(round_, applicant, submit=False)
    submit(round_, applicant, submit=False, interests="Chess")

    actions = list(AuditEntry.objects.values_list("action", flat=True))

    assert actions.count("application.draft_started") == 1
    assert "application.draft_saved" in actions


def test_pupils_on_panels_do_not_see_another_pupils_scores_either(
    school, round_, applicant, coordinator, experienced, interview_slot
):
    second = another_applicant(school, "Ben")
    services.record_existing_mentor(
        school=school,
        pupil=pupil_of(second),
        academic_year=builders.this_year(school),
        by=coordinator,
    )
    application = services.shortlist(application=submit(round_, applicant), by=coordinator)
    interview = services.book_interview(
        application=application,
        starts_at=interview_slot[0],
        ends_at=interview_slot[1],
        staff_member=coordinator,
        panel_pupils=[pupil_of(experienced), pupil_of(second)],
        by=coordinator,
    )
    services.submit_scores(
        interview=interview,
        scores={c: 2 for c in round_.criteria},
        comment="Ben's private note",
        by=second,
    )
    client = signed_in(experienced)
    page_url = url("recruitment:interview-score", school, interview.pk)
    client.post(page_url, {f"score_{i}": "4" for i in range(4)})

    page = text(client.get(page_url))

    assert "Ben's private note" not in page and "Listening 2" not in page
