"""The rules of training: the default programme, the register, catch-ups and who counts as trained."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application
from peermentoring.recruitment.tests.conftest import pupil_of
from peermentoring.schools.services import create_school
from peermentoring.training import services
from peermentoring.training.grid import training_grid
from peermentoring.training.models import ModuleCompletion, TrainingModule
from peermentoring.training.readiness import MENTOR_NOT_TRAINED, missing_modules
from tests.support import builders

P, A = ModuleCompletion.Status.PRESENT, ModuleCompletion.Status.ABSENT


def test_a_new_school_gets_the_six_default_modules_with_safeguarding_required(db):
    school = create_school(name="Highams Park", slug="highams", by=None)

    modules = list(TrainingModule.objects.for_school(school).order_by("order"))

    assert [m.order for m in modules] == [1, 2, 3, 4, 5, 6]
    assert modules[0].title == "What is mentoring"
    assert modules[4].title == "Ground rules and safeguarding"
    assert [m.order for m in modules if m.is_required] == [5]
    assert AuditEntry.objects.filter(action="training.programme_created").count() == 1


@pytest.fixture
def programme(school):
    return services.create_default_programme(school=school, by=None)


@pytest.fixture
def trainee(school, year, programme):
    """Ruby, who accepted a place and whose parents have consented."""
    mentor = builders.mentor_in(school)
    builders.application(
        school,
        Application.Status.ACCEPTED,
        pupil=mentor.pupil,
        mentor=mentor,
        parental_consent_on=timezone.localdate(),
    )
    return Mentor.objects.get(pk=mentor.pk)


def two_days(school, year, programme, coordinator):
    day_one = services.schedule_session(
        school=school,
        academic_year=year,
        title="Day 1",
        held_on=timezone.localdate() - dt.timedelta(days=2),
        modules=programme[:3],
        by=coordinator,
    )
    day_two = services.schedule_session(
        school=school,
        academic_year=year,
        title="Day 2",
        held_on=timezone.localdate() - dt.timedelta(days=1),
        modules=programme[3:],
        by=coordinator,
    )
    return day_one, day_two


def register(session, mentor, status, by):
    marks = {(mentor.pk, m.pk): status for m in session.modules.all()}
    return services.take_register(session=session, marks=marks, by=by)


def test_a_trainee_present_at_every_module_becomes_trained(
    school, year, programme, coordinator, trainee
):
    day_one, day_two = two_days(school, year, programme, coordinator)

    register(day_one, trainee, P, coordinator)
    register(day_two, trainee, P, coordinator)

    trainee.refresh_from_db()
    assert trainee.status == Mentor.Status.TRAINED
    assert trainee.can_mentor()
    entry = AuditEntry.objects.get(action="mentor.trained")
    assert entry.changes["status"] == ["in_training", "trained"]


def test_a_trainee_who_missed_safeguarding_is_refused_with_the_module_named(
    school, year, programme, coordinator, trainee
):
    day_one, day_two = two_days(school, year, programme, coordinator)
    register(day_one, trainee, P, coordinator)
    services.take_register(
        session=day_two,
        marks={
            (trainee.pk, programme[3].pk): P,
            (trainee.pk, programme[4].pk): A,
            (trainee.pk, programme[5].pk): P,
        },
        by=coordinator,
    )

    trainee.refresh_from_db()
    assert trainee.status == Mentor.Status.IN_TRAINING
    assert not trainee.can_mentor()
    with pytest.raises(ValidationError) as refused:
        trainee.check_can_mentor()
    assert refused.value.messages == [
        MENTOR_NOT_TRAINED.format(
            mentor=trainee, missing="module 5 “Ground rules and safeguarding”"
        )
    ]


def test_a_catch_up_signed_off_by_staff_completes_the_missing_module(
    school, year, programme, coordinator, trainee, dsl
):
    day_one, day_two = two_days(school, year, programme, coordinator)
    register(day_one, trainee, P, coordinator)
    register(day_two, trainee, A, coordinator)

    services.record_catch_up(
        mentor=trainee,
        module=programme[4],
        completed_on=timezone.localdate(),
        signed_off_by=dsl,
        by=coordinator,
    )

    trainee.refresh_from_db()
    assert trainee.status == Mentor.Status.TRAINED
    completion = ModuleCompletion.objects.get(mentor=trainee, module=programme[4])
    assert (completion.status, completion.signed_off_by) == ("caught_up", dsl)


def test_a_catch_up_cannot_be_signed_off_by_a_pupil(
    school, year, programme, coordinator, trainee, mentor
):
    with pytest.raises(ValidationError) as refused:
        services.record_catch_up(
            mentor=trainee,
            module=programme[4],
            completed_on=timezone.localdate(),
            signed_off_by=mentor,
            by=coordinator,
        )
    assert refused.value.messages == [services.SIGN_OFF_BY_STAFF]


def test_a_catch_up_cannot_be_dated_in_the_future(school, year, programme, coordinator, trainee):
    with pytest.raises(ValidationError):
        services.record_catch_up(
            mentor=trainee,
            module=programme[4],
            completed_on=timezone.localdate() + dt.timedelta(days=1),
            signed_off_by=coordinator,
            by=coordinator,
        )


def test_a_later_register_never_turns_a_catch_up_back_into_an_absence(
    school, year, programme, coordinator, trainee
):
    _, day_two = two_days(school, year, programme, coordinator)
    services.record_catch_up(
        mentor=trainee,
        module=programme[4],
        completed_on=timezone.localdate(),
        signed_off_by=coordinator,
        by=coordinator,
    )

    register(day_two, trainee, A, coordinator)

    assert ModuleCompletion.objects.get(mentor=trainee, module=programme[4]).status == "caught_up"


def test_a_trainee_without_parental_consent_cannot_be_marked_present(
    school, year, programme, coordinator, trainee
):
    trainee.application.parental_consent_on = None
    trainee.application.save()
    day_one, _ = two_days(school, year, programme, coordinator)

    with pytest.raises(ValidationError, match="Parental consent"):
        register(day_one, trainee, P, coordinator)
    assert not ModuleCompletion.objects.filter(mentor=trainee).exists()


def test_making_another_module_required_sends_trained_mentors_back_to_training(
    school, year, programme, coordinator, trainee
):
    services.record_catch_up(
        mentor=trainee,
        module=programme[4],
        completed_on=timezone.localdate(),
        signed_off_by=coordinator,
        by=coordinator,
    )
    trainee.refresh_from_db()
    assert trainee.status == Mentor.Status.TRAINED
    communication = programme[2]

    services.save_module(
        school=school,
        module=communication,
        title=communication.title,
        description=communication.description,
        order=communication.order,
        is_required=True,
        by=coordinator,
    )

    trainee.refresh_from_db()
    assert trainee.status == Mentor.Status.IN_TRAINING
    assert [m.order for m in missing_modules(trainee)] == [3]


def test_a_session_needs_at_least_one_module(school, year, programme, coordinator):
    with pytest.raises(ValidationError):
        services.schedule_session(
            school=school,
            academic_year=year,
            title="Day 1",
            held_on=timezone.localdate(),
            modules=[],
            by=coordinator,
        )


def test_the_grid_shows_gaps_and_flags_experienced_mentors(
    school, year, programme, coordinator, trainee, experienced
):
    _, day_two = two_days(school, year, programme, coordinator)
    register(day_two, trainee, A, coordinator)
    second_year = Mentor.objects.create(
        school=school, pupil=pupil_of(experienced), academic_year=year
    )

    rows = {r.mentor.pk: r for r in training_grid([trainee, second_year], programme, school)}

    assert [c.css for c in rows[trainee.pk].cells] == ["", "", "", "gap", "gap", "gap"]
    assert [c.css for c in rows[second_year.pk].cells][4] == "gap"
    assert not rows[trainee.pk].is_experienced
    assert rows[second_year.pk].is_experienced
