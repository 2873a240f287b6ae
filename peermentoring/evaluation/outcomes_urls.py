"""The outcomes area's pages, under /s/<school>/evaluation/ (outcomes_views.py)."""

from django.urls import URLPattern, path

from peermentoring.evaluation import outcomes_views as views

urlpatterns: list[URLPattern] = [
    path("my-check-in/", views.my_check_in, name="my-check-in"),
    path("my-reflection/", views.my_reflection, name="my-reflection"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes/download/", views.outcomes_download, name="outcomes-download"),
    path("outcomes/check-ins/", views.check_ins, name="check-ins"),
    path(
        "outcomes/check-ins/<int:pairing_pk>/<slug:moment>/paper/",
        views.check_in_paper,
        name="check-in-paper",
    ),
    path(
        "outcomes/reflections/<int:mentor_pk>/paper/",
        views.reflection_paper,
        name="reflection-paper",
    ),
    path("outcomes/pairings/<int:pairing_pk>/", views.pairing_answers, name="pairing-answers"),
    path("outcomes/mentors/<int:mentor_pk>/", views.mentor_answers, name="mentor-answers"),
    path("outcomes/questions/", views.questionnaires, name="questionnaires"),
    path("outcomes/questions/<int:questionnaire_pk>/add/", views.question_add, name="question-add"),
    path("outcomes/questions/<int:question_pk>/change/", views.question_edit, name="question-edit"),
    path(
        "outcomes/questions/<int:question_pk>/remove/",
        views.question_remove,
        name="question-remove",
    ),
]
