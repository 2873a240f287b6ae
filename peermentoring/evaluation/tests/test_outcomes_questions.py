"""The default questions, made once; editing questions never changes what an old answer
answered."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models.query import QuerySet
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.evaluation.models import Answer, Question, Questionnaire
from peermentoring.evaluation.outcomes_services import (
    LAST_QUESTION,
    QuestionFields,
    change_question,
    questionnaire_for,
    remove_question,
)
from peermentoring.evaluation.tests.access_outcomes import (
    CHECK_IN,
    REFLECTION,
    answer_with,
    pairing_of,
)


@pytest.mark.django_db
def test_the_default_questions_are_made_once_for_each_school(school, other_school):
    first = questionnaire_for(school, CHECK_IN)
    again = questionnaire_for(school, CHECK_IN)
    reflection = questionnaire_for(school, REFLECTION)
    questionnaire_for(other_school, CHECK_IN)

    assert first == again
    assert [q.text for q in first.questions.current()] == [
        "I feel happy at school",
        "I know who to go to if I'm worried",
        "I have friends in my year",
        "I feel confident",
    ]
    assert all(q.is_scale for q in first.questions.current())
    assert [q.answer_type for q in reflection.questions.current()] == ["text", "scale", "text"]
    assert Questionnaire.objects.filter(school=school).count() == 2
    assert Question.objects.filter(questionnaire__school=school).count() == 7


@pytest.mark.django_db
def test_two_requests_making_the_questions_at_once_make_one_set(school, monkeypatch):
    made = questionnaire_for(school, CHECK_IN)
    real_first = QuerySet.first
    calls = {"n": 0}

    def first_misses_once(self):
        # The other request's row is not seen yet: this one tries to make its own.
        if self.model is Questionnaire and calls["n"] == 0:
            calls["n"] += 1
            return None
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)

    found = questionnaire_for(school, CHECK_IN)

    assert found == made and calls["n"] == 1
    assert Question.objects.filter(questionnaire=made).count() == 4


@pytest.mark.django_db
def test_rewording_an_answered_question_keeps_the_old_one_with_its_answers(school, coordinator):
    pairing = pairing_of(school)
    answer_with(pairing, "start", [2, 3, 4, 5])
    happy = questionnaire_for(school, CHECK_IN).questions.current().first()

    new = change_question(
        question=happy,
        fields=QuestionFields(text="I like coming to school", answer_type="scale", order=1),
        by=coordinator,
    )

    happy.refresh_from_db()
    assert happy.is_retired and happy.text == "I feel happy at school"
    assert new.pk != happy.pk and new.replaces == happy
    assert Answer.objects.get(question=happy).score == 2
    current = [q.text for q in questionnaire_for(school, CHECK_IN).questions.current()]
    assert current[0] == "I like coming to school" and "I feel happy at school" not in current
    assert questionnaire_for(school, CHECK_IN).version == 2
    assert AuditEntry.objects.filter(action="question.replaced").count() == 1


@pytest.mark.django_db
def test_a_question_nobody_answered_is_changed_in_place(school, coordinator):
    happy = questionnaire_for(school, CHECK_IN).questions.current().first()

    same = change_question(
        question=happy,
        fields=QuestionFields(text="I feel  happy at school!", answer_type="scale", order=1),
        by=coordinator,
    )

    assert same.pk == happy.pk and same.text == "I feel happy at school!"
    assert not Question.objects.filter(retired_at__isnull=False).exists()


@pytest.mark.django_db
def test_moving_an_answered_question_keeps_the_same_row(school, coordinator):
    pairing = pairing_of(school)
    answer_with(pairing, "start", [2, 3, 4, 5])
    happy = questionnaire_for(school, CHECK_IN).questions.current().first()

    moved = change_question(
        question=happy,
        fields=QuestionFields(text=happy.text, answer_type="scale", order=9),
        by=coordinator,
    )

    assert moved.pk == happy.pk and moved.order == 9 and not moved.is_retired


@pytest.mark.django_db
def test_removing_an_answered_question_retires_it_and_an_unanswered_one_goes(school, coordinator):
    pairing = pairing_of(school)
    answer_with(pairing, "start", [2, None, None, None])
    happy, worried, *_ = questionnaire_for(school, CHECK_IN).questions.current()

    remove_question(question=happy, by=coordinator)
    remove_question(question=worried, by=coordinator)

    happy.refresh_from_db()
    assert happy.is_retired and Answer.objects.filter(question=happy).exists()
    assert not Question.objects.filter(pk=worried.pk).exists()
    assert questionnaire_for(school, CHECK_IN).questions.current().count() == 2


@pytest.mark.django_db
def test_the_last_question_cannot_be_removed(school, coordinator):
    questions = list(questionnaire_for(school, CHECK_IN).questions.current())
    for question in questions[:-1]:
        remove_question(question=question, by=coordinator)

    with pytest.raises(ValidationError) as refused:
        remove_question(question=questions[-1], by=coordinator)

    assert refused.value.messages == [LAST_QUESTION]


@pytest.mark.django_db
def test_a_retired_question_cannot_be_changed_through_its_address(school, coordinator, client_for):
    pairing = pairing_of(school)
    answer_with(pairing, "start", [2, 3, 4, 5])
    happy = questionnaire_for(school, CHECK_IN).questions.current().first()
    remove_question(question=happy, by=coordinator)
    url = reverse("evaluation:question-edit", args=[school.slug, happy.pk])

    response = client_for(coordinator).post(
        url, {"text": "Changed", "answer_type": "scale", "order": "1"}
    )

    assert response.status_code == 404
    assert Question.objects.get(pk=happy.pk).text == "I feel happy at school"


@pytest.mark.django_db
def test_a_question_too_long_is_refused_with_a_message(school, coordinator, client_for):
    questionnaire = questionnaire_for(school, CHECK_IN)
    url = reverse("evaluation:question-add", args=[school.slug, questionnaire.pk])

    response = client_for(coordinator).post(
        url, {"text": "x" * 5000, "answer_type": "scale", "order": "5"}
    )

    assert response.status_code == 400 and "200 characters" in response.text
    assert questionnaire.questions.count() == 4


@pytest.mark.django_db
def test_a_question_sent_twice_is_added_once(school, coordinator, client_for):
    questionnaire = questionnaire_for(school, CHECK_IN)
    url = reverse("evaluation:question-add", args=[school.slug, questionnaire.pk])
    body = {"text": "I enjoy my lessons", "answer_type": "scale", "order": "5"}
    client = client_for(coordinator)

    first = client.post(url, body)
    again = client.post(url, {**body, "text": "i enjoy my lessons"})

    assert first.status_code == 302
    assert "already asks that question" in again.text
    assert questionnaire.questions.current().filter(text__iexact="I enjoy my lessons").count() == 1


@pytest.mark.django_db
def test_a_strange_kind_of_answer_is_refused_without_being_echoed(school, coordinator, client_for):
    questionnaire = questionnaire_for(school, CHECK_IN)
    url = reverse("evaluation:question-add", args=[school.slug, questionnaire.pk])
    strange = "zz" + "q" * 200_000

    response = client_for(coordinator).post(
        url, {"text": "I enjoy my lessons", "answer_type": strange, "order": "5"}
    )

    assert response.status_code == 400
    assert "Choose one of the kinds of answer listed." in response.text
    assert strange not in response.text
