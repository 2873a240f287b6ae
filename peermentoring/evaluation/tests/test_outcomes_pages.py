"""Pupils answer on their own accounts, the other party never sees the answers, staff type in
paper forms, and nothing is answered twice or from another pupil's pairing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.evaluation import outcomes_home
from peermentoring.evaluation.models import Answer, Question, Response
from peermentoring.evaluation.outcomes_services import (
    FUTURE_DAY,
    NOT_DUE,
    QuestionFields,
    add_question,
    questionnaire_for,
)
from peermentoring.evaluation.tests.access_outcomes import (
    CHECK_IN,
    REFLECTION,
    answers_body,
    pairing_of,
    summer_now,
)
from peermentoring.mentors.models import Mentor
from tests.support.factories import MentorFactory, pupil_member, this_year

SECRET = "I sit on my own at lunch most days"
REFLECTION_SECRET = "My mentee was hard work at first"


def _pupil(user):
    return user.memberships.get().pupil


@pytest.fixture
def pairing(school, mentor, mentee):
    """Lily (the mentee) paired today with Kwame (the mentor)."""
    this_year(school)
    kwame = MentorFactory(
        school=school, pupil=_pupil(mentor), academic_year=this_year(school), status="trained"
    )
    made = pairing_of(school, mentee=_pupil(mentee))
    made.mentor = kwame
    made.save(update_fields=["mentor"])
    return made


def _url(school, name, **kwargs):
    return reverse(f"evaluation:{name}", kwargs={"school_slug": school.slug, **kwargs})


def _check_in_body(school, pairing, moment="start", **extra):
    return answers_body(school, CHECK_IN) | {"pairing": pairing.pk, "moment": moment} | extra


# --- The mentee answers --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_pairings_mentee_sees_your_check_in_until_they_answer_it(
    school, mentee, pairing, client_for
):
    client = client_for(mentee)
    home = reverse("schools:home", args=[school.slug])
    assert "Your check-in" in client.get(home).text

    response = client.post(_url(school, "my-check-in"), _check_in_body(school, pairing))

    assert response.status_code == 200 and "Your answers have been sent" in response.text
    answered = Response.objects.get(pairing=pairing)
    assert (answered.moment, answered.entered_by, answered.is_paper) == ("start", mentee, False)
    assert answered.answers.count() == 4
    assert "Your check-in" not in client.get(home).text
    assert "nothing to answer" in client.get(_url(school, "my-check-in")).text


@pytest.mark.django_db
def test_the_check_in_page_shows_big_faces_with_words_and_no_inline_style(
    school, mentee, pairing, client_for
):
    page = client_for(mentee).get(_url(school, "my-check-in")).text

    assert page.count('type="radio"') == 20
    assert "Not at all" in page and "Yes, a lot" in page
    assert 'aria-hidden="true"' in page  # the faces; the words are the labels
    assert "style=" not in page and "<script>" not in page


@pytest.mark.django_db
def test_sending_the_check_in_twice_makes_one_response(school, mentee, pairing, client_for):
    client = client_for(mentee)
    body = _check_in_body(school, pairing)

    client.post(_url(school, "my-check-in"), body)
    again = client.post(_url(school, "my-check-in"), body | {f"q{_first_question(school)}": "1"})

    assert again.status_code == 200 and "sent already" in again.text
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("score", flat=True)) == {4}


def _first_question(school):
    return questionnaire_for(school, CHECK_IN).questions.current().first().pk


@pytest.mark.django_db
def test_a_check_in_not_due_yet_is_refused(school, mentee, pairing, client_for):
    response = client_for(mentee).post(
        _url(school, "my-check-in"), _check_in_body(school, pairing, moment="mid")
    )

    assert response.status_code == 400 and NOT_DUE in response.text
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_mentee_cannot_answer_another_mentees_pairing(school, mentee, pairing, client_for):
    someone_else = pairing_of(school, given_name="Amara")

    response = client_for(mentee).post(
        _url(school, "my-check-in"), _check_in_body(school, someone_else)
    )

    assert response.status_code == 404
    assert not Response.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pairing_id", ["1" * 30, "-1", "abc", ""])
def test_a_strange_pairing_id_is_a_404_not_a_crash(school, mentee, pairing, client_for, pairing_id):
    response = client_for(mentee).post(
        _url(school, "my-check-in"), _check_in_body(school, pairing) | {"pairing": pairing_id}
    )

    assert response.status_code == 404
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_every_faces_question_needs_an_answer_online(school, mentee, pairing, client_for):
    body = _check_in_body(school, pairing)
    del body[f"q{_first_question(school)}"]

    response = client_for(mentee).post(_url(school, "my-check-in"), body)

    assert response.status_code == 400 and "Choose the face that fits best." in response.text
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_score_outside_one_to_five_is_refused(school, mentee, pairing, client_for):
    body = _check_in_body(school, pairing) | {f"q{_first_question(school)}": "9"}

    response = client_for(mentee).post(_url(school, "my-check-in"), body)

    assert response.status_code == 400
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_question_changed_while_answering_asks_the_pupil_to_check(
    school, mentee, pairing, coordinator, client_for
):
    body = _check_in_body(school, pairing)
    add_question(
        questionnaire=questionnaire_for(school, CHECK_IN),
        fields=QuestionFields(text="I enjoy lunchtimes", answer_type="scale", order=5),
        by=coordinator,
    )

    response = client_for(mentee).post(_url(school, "my-check-in"), body)

    assert response.status_code == 400
    assert not Response.objects.exists()


# --- The other party never sees the answers ------------------------------------------------


def _mentee_answers_with_a_secret(school, coordinator, pairing, client, mentee):
    add_question(
        questionnaire=questionnaire_for(school, CHECK_IN),
        fields=QuestionFields(text="Anything else?", answer_type="text", order=5),
        by=coordinator,
    )
    body = answers_body(school, CHECK_IN, text=SECRET) | {"pairing": pairing.pk, "moment": "start"}
    client.force_login(mentee, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    assert client.post(_url(school, "my-check-in"), body).status_code == 200
    assert Answer.objects.filter(text=SECRET).exists()


@pytest.mark.django_db
def test_the_mentor_of_the_pairing_never_sees_their_mentees_answers(
    school, mentor, mentee, coordinator, pairing, client
):
    _mentee_answers_with_a_secret(school, coordinator, pairing, client, mentee)
    client.force_login(mentor, backend="peermentoring.core.auth.EmailOrUsernameBackend")

    staff_pages = [
        _url(school, "pairing-answers", pairing_pk=pairing.pk),
        _url(school, "outcomes"),
        _url(school, "check-ins"),
        _url(school, "check-in-paper", pairing_pk=pairing.pk, moment="mid"),
    ]
    for url in staff_pages:
        assert client.get(url).status_code == 403, url
    # Their own check-in page: they are nobody's mentee, so nothing to answer.
    own_check_in = client.get(_url(school, "my-check-in")).text
    assert "nothing to answer" in own_check_in and SECRET not in own_check_in
    own_pages = [
        reverse("schools:home", args=[school.slug]),
        _url(school, "my-reflection"),
        reverse("meetings:my-mentee", args=[school.slug]),
    ]
    for url in own_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.text and "Your check-in" not in response.text


@pytest.mark.django_db
def test_the_coordinator_sees_the_mentees_answers(
    school, mentee, coordinator, pairing, client, client_for
):
    _mentee_answers_with_a_secret(school, coordinator, pairing, client, mentee)

    page = client_for(coordinator).get(_url(school, "pairing-answers", pairing_pk=pairing.pk))

    assert page.status_code == 200 and SECRET in page.text
    assert "Yes, a lot" not in page.text and "4: Mostly" in page.text


@pytest.mark.django_db
def test_the_mentee_never_sees_their_mentors_reflection(
    school, mentor, mentee, pairing, client_for
):
    summer_now(school)
    kwame = Mentor.objects.get(pupil=_pupil(mentor))
    kwame.academic_year = this_year(school)
    kwame.save(update_fields=["academic_year"])
    client = client_for(mentor)
    body = answers_body(school, REFLECTION, text=REFLECTION_SECRET)
    assert client.post(_url(school, "my-reflection"), body).status_code == 200
    assert Response.objects.filter(mentor=kwame).exists()

    client = client_for(mentee)

    assert client.get(_url(school, "my-reflection")).status_code == 403
    assert client.get(_url(school, "mentor-answers", mentor_pk=kwame.pk)).status_code == 403
    for url in (reverse("schools:home", args=[school.slug]), _url(school, "my-check-in")):
        page = client.get(url)
        assert page.status_code == 200 and REFLECTION_SECRET not in page.text


# --- The mentor's reflection ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_mentor_writes_their_reflection_once_in_the_second_half_of_the_summer_term(
    school, mentor, client_for, monkeypatch
):
    # The home card looks only from May to August: this school's summer term is today.
    monkeypatch.setattr(outcomes_home, "REFLECTION_MONTHS", range(1, 13))
    summer_now(school)
    MentorFactory(school=school, pupil=_pupil(mentor), academic_year=this_year(school))
    client = client_for(mentor)
    assert "Your reflection" in client.get(reverse("schools:home", args=[school.slug])).text
    body = answers_body(school, REFLECTION, text="Listening properly")

    first = client.post(_url(school, "my-reflection"), body)
    again = client.post(_url(school, "my-reflection"), body)

    assert "Your answers have been sent" in first.text and "sent already" in again.text
    assert Response.objects.get().answers.filter(text="Listening properly").count() == 2
    assert "Your reflection" not in client.get(reverse("schools:home", args=[school.slug])).text


@pytest.mark.django_db
def test_the_reflection_is_not_open_before_the_second_half_of_the_summer_term(
    school, mentor, client_for
):
    year = summer_now(school)
    # Move the summer term's half-term to next week: its second half has not begun.
    today = timezone.localdate()
    year.terms.filter(name="summer").update(
        half_term_starts_on=today + dt.timedelta(days=5),
        half_term_ends_on=today + dt.timedelta(days=9),
    )
    MentorFactory(school=school, pupil=_pupil(mentor), academic_year=year)
    client = client_for(mentor)

    page = client.post(_url(school, "my-reflection"), answers_body(school, REFLECTION))

    assert "opens in the second half of the summer term" in page.text
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_megabytes_of_text_get_a_clear_message_and_nothing_is_saved(school, mentor, client_for):
    summer_now(school)
    MentorFactory(school=school, pupil=_pupil(mentor), academic_year=this_year(school))
    skills = questionnaire_for(school, REFLECTION).questions.current().first()
    body = answers_body(school, REFLECTION) | {f"q{skills.pk}": "a" * 2_000_000}

    response = client_for(mentor).post(_url(school, "my-reflection"), body)

    assert response.status_code == 400
    assert "at most 1,000 characters (it has 2,000,000)" in response.text
    assert not Response.objects.exists()


# --- Staff: who has not answered, and paper answers -----------------------------------------


@pytest.mark.django_db
def test_the_check_ins_page_lists_who_has_not_answered(
    school, coordinator, mentee, pairing, client_for
):
    amara = pairing_of(school, given_name="Amara")
    client = client_for(coordinator)

    page = client.get(_url(school, "check-ins")).text
    assert pairing.mentee.full_name in page and amara.mentee.full_name in page
    assert "Record a paper answer" in page

    client_for(mentee).post(_url(school, "my-check-in"), _check_in_body(school, pairing))
    page = client_for(coordinator).get(_url(school, "check-ins")).text

    assert pairing.mentee.full_name not in page and amara.mentee.full_name in page


@pytest.mark.django_db
def test_the_safeguarding_lead_sees_who_has_not_answered_but_records_nothing(
    school, dsl, pairing, client_for
):
    client = client_for(dsl)

    page = client.get(_url(school, "check-ins"))

    assert page.status_code == 200 and pairing.mentee.full_name in page.text
    assert "Record a paper answer" not in page.text
    paper = _url(school, "check-in-paper", pairing_pk=pairing.pk, moment="start")
    assert client.get(paper).status_code == 403


@pytest.mark.django_db
def test_a_paper_answer_is_recorded_by_staff_marked_as_paper_with_its_date(
    school, coordinator, pairing, client_for
):
    on_paper = timezone.localdate()
    body = answers_body(school, CHECK_IN, score=2) | {"answered_on": on_paper.isoformat()}
    del body[f"q{_first_question(school)}"]  # the child skipped one
    url = _url(school, "check-in-paper", pairing_pk=pairing.pk, moment="start")
    client = client_for(coordinator)
    assert f'value="{on_paper.isoformat()}"' in client.get(url).text  # today, filled in

    response = client.post(url, body)
    again = client.post(url, body)

    assert response.status_code == 302 and again.status_code == 302
    answered = Response.objects.get(pairing=pairing)
    assert answered.is_paper and answered.entered_by == coordinator
    assert answered.answered_on == on_paper and answered.answers.count() == 3
    page = client.get(_url(school, "pairing-answers", pairing_pk=pairing.pk)).text
    assert "Paper, typed in by Helen" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("paper", "heading", "recorded", "already"),
    [
        (
            "check-in-paper",
            "Start check-in of Lily",
            "Paper check-in recorded for Lily",
            "That check-in had been recorded already: nothing changed.",
        ),
        (
            "reflection-paper",
            "End-of-year reflection of Kwame",
            "Paper reflection recorded for Kwame",
            "That reflection had been recorded already: nothing changed.",
        ),
    ],
)
def test_a_paper_form_names_the_pupil_and_says_once_that_it_was_recorded(
    paper, heading, recorded, already, school, coordinator, pairing, client_for
):
    if paper == "check-in-paper":
        url = _url(school, paper, pairing_pk=pairing.pk, moment="start")
        body = answers_body(school, CHECK_IN)
    else:
        url = _url(school, paper, mentor_pk=pairing.mentor.pk)
        body = answers_body(school, REFLECTION)
    body["answered_on"] = timezone.localdate().isoformat()
    check_ins = _url(school, "check-ins")
    client = client_for(coordinator)

    form = client.get(url).text
    first = client.post(url, body, follow=True)
    again = client.post(url, body, follow=True)

    assert heading in form and f'href="{check_ins}">Cancel' in form
    assert first.redirect_chain == [(check_ins, 302)] and recorded in first.text
    assert again.redirect_chain == [(check_ins, 302)] and already in again.text
    assert recorded not in again.text and Response.objects.count() == 1


@pytest.mark.django_db
def test_a_paper_form_dated_in_the_future_or_not_yet_due_is_refused(
    school, coordinator, pairing, client_for
):
    client = client_for(coordinator)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    body = answers_body(school, CHECK_IN) | {"answered_on": tomorrow.isoformat()}

    future = client.post(
        _url(school, "check-in-paper", pairing_pk=pairing.pk, moment="start"), body
    )
    early = client.post(
        _url(school, "check-in-paper", pairing_pk=pairing.pk, moment="end"),
        body | {"answered_on": timezone.localdate().isoformat()},
    )

    assert future.status_code == 400 and FUTURE_DAY in future.text
    assert early.status_code == 400 and NOT_DUE in early.text
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_an_unknown_moment_in_the_address_is_a_404(school, coordinator, pairing, client_for):
    url = _url(school, "check-in-paper", pairing_pk=pairing.pk, moment="end_of_year")

    assert client_for(coordinator).get(url).status_code == 404


@pytest.mark.django_db
def test_the_question_pages_offer_changes_only_to_those_who_may_make_them(
    school, coordinator, dsl, client_for
):
    coordinators = client_for(coordinator).get(_url(school, "questionnaires")).text
    assert "I feel happy at school" in coordinators and "Add a question" in coordinators
    leads = client_for(dsl).get(_url(school, "questionnaires")).text
    assert "I feel happy at school" in leads and "Add a question" not in leads
    assert Question.objects.filter(questionnaire__school=school).count() == 7


@pytest.mark.django_db
def test_the_outcomes_menu_is_for_staff_only(school, coordinator, mentor, client_for):
    assert (
        "Check-ins" in client_for(coordinator).get(reverse("schools:home", args=[school.slug])).text
    )
    page = client_for(mentor).get(reverse("schools:home", args=[school.slug])).text
    assert "Check-ins" not in page and "Outcomes" not in page
    assert Role.MENTOR


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["pairing-answers", "mentor-answers", "question-edit", "check-in-paper"]
)
def test_a_thirty_digit_id_in_the_address_is_a_404(school, coordinator, client_for, name):
    key = {
        "pairing-answers": "pairing_pk",
        "mentor-answers": "mentor_pk",
        "question-edit": "question_pk",
        "check-in-paper": "pairing_pk",
    }[name]
    kwargs = {key: int("9" * 30)} | ({"moment": "start"} if name == "check-in-paper" else {})

    assert client_for(coordinator).get(_url(school, name, **kwargs)).status_code == 404


@pytest.mark.django_db
def test_a_mentees_page_shows_their_change_from_first_to_latest(
    school, coordinator, pairing, client_for
):
    from peermentoring.evaluation.tests.access_outcomes import answer_with

    answer_with(pairing, "start", [1, 2, 3, 4])
    answer_with(pairing, "mid", [3, 2, 5, 4])

    page = client_for(coordinator).get(_url(school, "pairing-answers", pairing_pk=pairing.pk))

    change = page.context["change"]
    assert change.rows[0] == ("I feel happy at school", 1, 3)
    assert (change.first_mean, change.latest_mean) == (2.5, 3.5)
    assert "From the first check-in to the latest" in page.text


@pytest.mark.django_db
def test_a_mentor_who_has_stepped_down_writes_no_reflection(school, mentor, client_for):
    summer_now(school)
    MentorFactory(
        school=school,
        pupil=_pupil(mentor),
        academic_year=this_year(school),
        status=Mentor.Status.STEPPED_DOWN,
    )

    page = client_for(mentor).post(_url(school, "my-reflection"), answers_body(school, REFLECTION))

    assert not Response.objects.exists()
    assert "Your answers have been sent" not in page.text


# --- Whatever pupil account the mentee or mentor was given -----------------------------------


@pytest.mark.django_db
def test_a_paired_pupil_with_a_plain_pupil_account_answers_their_check_in(school, client_for):
    # Accounts are given a role by hand; "Your mentor" shows to any pupil account, so the
    # check-in that goes with it must too.
    lily = pupil_member(school, Role.PUPIL, given_name="Lily", year_group=7).user
    pairing = pairing_of(school, mentee=_pupil(lily))
    client = client_for(lily)
    home = reverse("schools:home", args=[school.slug])
    assert "Your check-in" in client.get(home).text

    response = client.post(_url(school, "my-check-in"), _check_in_body(school, pairing))

    assert response.status_code == 200 and "Your answers have been sent" in response.text
    assert Response.objects.get(pairing=pairing).entered_by == lily


@pytest.mark.django_db
def test_a_pupil_account_that_is_no_mentee_has_no_check_in_and_cannot_answer_one(
    school, client_for, mentee, pairing
):
    sam = pupil_member(school, Role.PUPIL, given_name="Sam", year_group=8).user
    client = client_for(sam)
    assert "Your check-in" not in client.get(reverse("schools:home", args=[school.slug])).text
    assert "nothing to answer" in client.get(_url(school, "my-check-in")).text
    # Lily's pairing, posted by Sam: not his, so no such pairing.
    response = client.post(_url(school, "my-check-in"), _check_in_body(school, pairing))
    assert response.status_code == 404
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_a_mentor_account_paired_as_a_mentee_answers_its_check_in(school, client_for):
    # Nothing stops a pupil with a mentor's account being mentored too (a Year 8 mentor
    # of the Year 7s, mentored by a Year 10): they see "Your mentor", so their check-in.
    sam = pupil_member(school, Role.MENTOR, given_name="Sam", year_group=8).user
    pairing = pairing_of(school, mentee=_pupil(sam))
    client = client_for(sam)
    assert "Your check-in" in client.get(reverse("schools:home", args=[school.slug])).text

    response = client.post(_url(school, "my-check-in"), _check_in_body(school, pairing))

    assert response.status_code == 200 and "Your answers have been sent" in response.text
    assert Response.objects.get(pairing=pairing).entered_by == sam


@pytest.mark.django_db
def test_the_reflection_stays_with_the_mentor_role(school, client_for):
    # The mentor's side (duties, policies to read, the reflection) goes by the Mentor role.
    kwame = pupil_member(school, Role.PUPIL, given_name="Kwame", year_group=10).user
    summer_now(school)
    MentorFactory(
        school=school, pupil=_pupil(kwame), academic_year=this_year(school), status="trained"
    )

    response = client_for(kwame).post(
        _url(school, "my-reflection"), answers_body(school, REFLECTION)
    )

    assert response.status_code == 403
    assert not Response.objects.exists()
