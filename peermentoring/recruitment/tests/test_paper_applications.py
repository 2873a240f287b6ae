"""Typing in a paper application form (issue 10): the page, its rules and its limits."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.recruitment import services
from peermentoring.recruitment.forms import (
    ANSWER_MAX,
    PAPER_ANSWER_NEEDED,
    PAPER_AVAILABILITY_NEEDED,
    pupil_choice_label,
)
from peermentoring.recruitment.models import Application
from peermentoring.recruitment.tests.conftest import submit
from tests.support.factories import PupilFactory

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"
TODAY = timezone.localdate


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def paper_url(school, round_) -> str:
    return reverse("recruitment:paper-application", args=[school.slug, round_.pk])


def form(pupil_text: str, **extra) -> dict:
    return {
        "pupil": pupil_text,
        "received_on": TODAY().isoformat(),
        "answer_0": "My brother had a mentor and it helped him.",
        "answer_1": "I look after my little cousins.",
        "answer_2": "Someone who doesn't interrupt.",
        "availability": ["break"],
        "interests": "Netball",
        "languages": "Polish",
    } | extra


@pytest.fixture
def ola(school):
    return PupilFactory(
        school=school, given_name="Ola", family_name="Nowak", year_group=9, form_group="9C"
    )


def test_the_rounds_page_links_to_typing_in_a_paper_application(school, round_, coordinator):
    response = signed_in(coordinator).get(
        reverse("recruitment:round-detail", args=[school.slug, round_.pk])
    )

    assert "Enter a paper application" in text(response)
    assert paper_url(school, round_) in text(response)


def test_the_page_offers_the_year_groups_pupils_who_have_not_applied(
    school, round_, coordinator, ola, applicant
):
    submit(round_, applicant)
    year_8 = PupilFactory(school=school, given_name="Kit", year_group=8)

    page = text(signed_in(coordinator).get(paper_url(school, round_)))

    assert f'<option value="{pupil_choice_label(ola)}">' in page
    assert "Maya" not in page  # she has applied already
    assert year_8.family_name not in page


def test_a_paper_application_is_saved_as_submitted_with_who_typed_it_in(
    school, round_, coordinator, ola
):
    received = TODAY() - dt.timedelta(days=2)

    response = signed_in(coordinator).post(
        paper_url(school, round_),
        form(pupil_choice_label(ola), received_on=received.isoformat(), parent_signed="on"),
    )

    assert response.status_code == 302
    # Ready for the next form, which was most likely handed in the same day.
    assert response["Location"] == f"{paper_url(school, round_)}?received={received.isoformat()}"
    next_form = signed_in(coordinator).get(response["Location"])
    assert f'value="{received.isoformat()}"' in text(next_form)
    application = Application.objects.get()
    assert application.pupil == ola
    assert application.status == Application.Status.SUBMITTED
    assert application.paper_received_on == received
    assert timezone.localtime(application.submitted_at).date() == received
    assert application.answers[0] == {
        "question": round_.questions[0],
        "answer": "My brother had a mentor and it helped him.",
    }
    assert (application.availability, application.interests, application.languages) == (
        ["break"],
        "Netball",
        "Polish",
    )
    assert (application.parental_consent_on, application.consent_recorded_by) == (
        received,
        coordinator,
    )
    entry = application.history().get()
    assert (entry.action, entry.actor) == ("application.submitted", coordinator)
    assert entry.changes["paper_received_on"] == received.isoformat()
    assert entry.changes["status"] == ["draft", "submitted"]


def test_a_paper_application_is_in_the_rounds_list_like_any_other(school, round_, coordinator, ola):
    client = signed_in(coordinator)
    client.post(paper_url(school, round_), form(pupil_choice_label(ola)))

    page = text(client.get(reverse("recruitment:round-detail", args=[school.slug, round_.pk])))
    detail = text(
        client.get(
            reverse(
                "recruitment:application-detail", args=[school.slug, Application.objects.get().pk]
            )
        )
    )

    assert "Ola Nowak" in page and "(paper)" in page
    assert f"On paper, received {TODAY():%-d %b %Y}" in detail
    assert "Not signed on the form" in detail


@pytest.mark.parametrize("typed", ["Ola Nowak", "nowak, ola", "  OLA   NOWAK "])
def test_typing_the_pupils_name_finds_them(school, round_, coordinator, ola, typed):
    response = signed_in(coordinator).post(paper_url(school, round_), form(typed))

    assert response.status_code == 302
    assert Application.objects.get().pupil == ola


def test_typing_the_admission_number_finds_the_pupil(school, round_, coordinator, ola):
    response = signed_in(coordinator).post(paper_url(school, round_), form(ola.admission_number))

    assert response.status_code == 302
    assert Application.objects.get().pupil == ola


def test_two_pupils_with_the_typed_name_are_not_guessed_between(school, round_, coordinator, ola):
    PupilFactory(school=school, given_name="Ola", family_name="Nowak", year_group=9)

    response = signed_in(coordinator).post(paper_url(school, round_), form("Ola Nowak"))

    assert response.status_code == 200
    assert "2 pupils are called Ola Nowak" in text(response)
    assert not Application.objects.exists()


@pytest.mark.parametrize("named_by", ["label", "admission number", "id"])
def test_another_schools_pupil_is_a_form_error_and_nothing_is_written(
    school, other_school, round_, coordinator, named_by
):
    theirs = PupilFactory(school=other_school, given_name="Esme", year_group=9)
    typed = {
        "label": pupil_choice_label(theirs),
        "admission number": theirs.admission_number,
        "id": str(theirs.pk),
    }[named_by]
    audit_before = AuditEntry.objects.count()

    response = signed_in(coordinator).post(paper_url(school, round_), form(typed))

    assert response.status_code == 200
    assert f"No pupil at this school matches “{typed}”" in text(response)
    assert not Application.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_the_service_refuses_another_schools_pupil(other_school, round_, coordinator):
    theirs = PupilFactory(school=other_school, given_name="Esme", year_group=9)

    with pytest.raises(ValidationError) as refused:
        services.enter_paper_application(
            round=round_,
            pupil=theirs,
            answers=["a", "b", "c"],
            availability=["lunch"],
            interests="",
            languages="",
            by=coordinator,
        )

    assert refused.value.message_dict == {"pupil": [services.PAPER_NOT_HERE]}
    assert not Application.objects.exists()


def test_sending_the_same_form_twice_saves_one_application_and_says_why(
    school, round_, coordinator, ola
):
    client = signed_in(coordinator)
    client.post(paper_url(school, round_), form(pupil_choice_label(ola)))

    again = client.post(paper_url(school, round_), form(pupil_choice_label(ola)))

    assert again.status_code == 200
    application = Application.objects.get()
    expected = services.PAPER_ALREADY_APPLIED.format(pupil=ola, day=TODAY())
    assert expected in text(again)
    detail = reverse("recruitment:application-detail", args=[school.slug, application.pk])
    assert detail in text(again)  # a link to the one already saved
    assert application.history().filter(action="application.submitted").count() == 1


def test_a_pupil_who_applied_online_is_not_typed_in_again(school, round_, coordinator, applicant):
    maya = submit(round_, applicant)

    response = signed_in(coordinator).post(paper_url(school, round_), form(maya.pupil.full_name))

    assert response.status_code == 200
    assert f"{maya.pupil.full_name} has already applied to this round" in text(response)
    assert Application.objects.count() == 1


def test_a_pupils_draft_becomes_the_paper_application(school, round_, coordinator, applicant):
    draft = submit(round_, applicant, submit=False)

    response = signed_in(coordinator).post(paper_url(school, round_), form(draft.pupil.full_name))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED and draft.paper_received_on == TODAY()


def test_a_pupil_in_another_year_group_is_refused(school, round_, coordinator):
    kit = PupilFactory(school=school, given_name="Kit", family_name="Marsh", year_group=8)

    response = signed_in(coordinator).post(paper_url(school, round_), form("Kit Marsh"))

    assert services.PAPER_WRONG_YEAR_GROUP.format(pupil=kit, actual=8, wanted=9) in text(response)
    assert not Application.objects.filter(pupil=kit).exists()


@pytest.mark.parametrize(
    ("received", "message"),
    [
        (lambda r: TODAY() + dt.timedelta(days=1), lambda r: services.PAPER_IN_FUTURE),
        (
            lambda r: r.opens_on - dt.timedelta(days=1),
            lambda r: services.PAPER_BEFORE_OPENING.format(day=r.opens_on),
        ),
    ],
    ids=["in the future", "before the round opened"],
)
def test_a_form_received_outside_the_round_is_refused(
    school, round_, coordinator, ola, received, message
):
    day = received(round_)

    response = signed_in(coordinator).post(
        paper_url(school, round_), form(pupil_choice_label(ola), received_on=day.isoformat())
    )

    assert response.status_code == 200
    assert message(round_) in text(response)
    assert not Application.objects.exists()


def test_a_form_received_before_the_deadline_may_be_typed_in_after_it(
    school, round_, coordinator, ola
):
    round_.opens_on, round_.closes_on = (
        TODAY() - dt.timedelta(days=20),
        TODAY() - dt.timedelta(days=2),
    )
    round_.save()
    on_time, late = round_.closes_on, round_.closes_on + dt.timedelta(days=1)
    late_pupil = PupilFactory(school=school, given_name="Lou", family_name="Late", year_group=9)
    client = signed_in(coordinator)

    refused = client.post(paper_url(school, round_), form("Lou Late", received_on=late.isoformat()))
    saved = client.post(
        paper_url(school, round_), form(pupil_choice_label(ola), received_on=on_time.isoformat())
    )

    assert services.PAPER_AFTER_CLOSING.format(day=round_.closes_on) in text(refused)
    assert not Application.objects.filter(pupil=late_pupil).exists()
    assert saved.status_code == 302
    assert Application.objects.get().paper_received_on == on_time


def test_every_question_and_a_time_to_meet_are_needed(school, round_, coordinator, ola):
    client = signed_in(coordinator)

    no_answer = client.post(paper_url(school, round_), form(pupil_choice_label(ola), answer_1=""))
    no_time = client.post(paper_url(school, round_), form(pupil_choice_label(ola), availability=[]))

    assert PAPER_ANSWER_NEEDED in text(no_answer)
    assert PAPER_AVAILABILITY_NEEDED in text(no_time)
    assert not Application.objects.exists()


def test_the_service_also_needs_every_answer_and_a_time_to_meet(round_, coordinator, ola):
    data = {"interests": "", "languages": "", "by": coordinator}

    with pytest.raises(ValidationError) as no_answer:
        services.enter_paper_application(
            round=round_, pupil=ola, answers=["a", "", "c"], availability=["lunch"], **data
        )
    with pytest.raises(ValidationError) as no_time:
        services.enter_paper_application(
            round=round_, pupil=ola, answers=["a", "b", "c"], availability=[], **data
        )

    assert no_answer.value.messages == [services.PAPER_ANSWER_EVERY_QUESTION]
    assert no_time.value.messages == [services.PAPER_CHOOSE_AVAILABILITY]
    assert not Application.objects.exists()


def test_megabytes_of_text_are_refused_with_the_limit_and_nothing_is_saved(
    school, round_, coordinator, ola
):
    huge = "x" * 2_000_000

    response = signed_in(coordinator).post(
        paper_url(school, round_),
        form(huge[:10_000], answer_0=huge, interests=huge[:5_000], languages=huge[:1_000]),
    )

    assert response.status_code == 200
    page = text(response)
    assert f"Please keep this to at most {ANSWER_MAX:,} characters (it has 2,000,000)." in page
    assert "A name or admission number is at most 200 characters." in page
    assert "Please keep this to at most 1,000 characters (it has 5,000)." in page
    assert "Please keep this to at most 200 characters." in page
    assert not Application.objects.exists()


def test_a_pupil_cannot_reach_the_paper_form(school, round_, applicant):
    response = signed_in(applicant).get(paper_url(school, round_))

    assert response.status_code == 403
