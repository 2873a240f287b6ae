"""A concern nobody acknowledges in time is escalated: the deadline counts only minutes of
the school day; the task queue (the database backend, as in production and `make demo`)
runs the escalation at the deadline, once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from peermentoring.core.models import Notification
from peermentoring.core.roles import Role
from peermentoring.safeguarding import services
from peermentoring.safeguarding.escalation import school_day_deadline
from peermentoring.safeguarding.models import ChronologyEntry, Concern, EscalationContact
from peermentoring.schools.models import AcademicYear, Term
from tests.support.factories import ConcernFactory, MembershipFactory, UserFactory

ZONE = timezone.get_default_timezone()
DAY_END = dt.time(15, 30)


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=ZONE)


@pytest.fixture
def autumn(school):
    year = AcademicYear.objects.create(
        school=school, name="2026-27", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 8, 31)
    )
    Term.objects.create(
        academic_year=year,
        name="autumn",
        starts_on=dt.date(2026, 9, 3),
        ends_on=dt.date(2026, 12, 18),
        half_term_starts_on=dt.date(2026, 10, 26),
        half_term_ends_on=dt.date(2026, 10, 30),
    )
    return school


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        # A Wednesday morning: thirty minutes later.
        (("2026-11-25", "10:00"), ("2026-11-25", "10:30")),
        # Ten minutes before the day ends: the other twenty from AM registration next day.
        (("2026-11-25", "15:20"), ("2026-11-26", "09:00")),
        # Friday after school and a Saturday: Monday, thirty minutes into the day.
        (("2026-11-27", "16:00"), ("2026-11-30", "09:10")),
        (("2026-11-28", "11:00"), ("2026-11-30", "09:10")),
        # Before the day starts: counted from AM registration.
        (("2026-11-25", "07:15"), ("2026-11-25", "09:10")),
        # The Friday before half-term: the Monday after it.
        (("2026-10-23", "16:00"), ("2026-11-02", "09:10")),
        # The last half hour of term, exactly.
        (("2026-12-18", "15:00"), ("2026-12-18", "15:30")),
    ],
)
def test_the_deadline_counts_only_the_school_day(autumn, raised, due):
    assert school_day_deadline(autumn, at(*raised), 30, DAY_END) == at(*due)


def test_a_school_without_a_calendar_counts_plain_minutes(school):
    assert school_day_deadline(school, at("2026-11-28", "11:00"), 30, DAY_END) == at(
        "2026-11-28", "11:30"
    )


@pytest.fixture
def on_the_database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def raise_one(school, by):
    return services.raise_concern(
        school=school,
        raised_by=by,
        role=Role.COORDINATOR,
        about_name="Jo in 7B",
        what_happened="Bruises on both arms, said they fell.",
        told_staff="no",
        urgency="today",
        submission_key=uuid.uuid4(),
    )


@pytest.mark.django_db(transaction=True)
def test_raising_a_concern_schedules_its_escalation_at_the_deadline(
    on_the_database_backend, autumn, coordinator, dsl
):
    concern = raise_one(autumn, coordinator)

    task = DBTaskResult.objects.get(task_path="peermentoring.safeguarding.tasks.escalate_concern")
    assert task.run_after == services.escalation_deadline(concern)
    assert task.args_kwargs["args"] == [concern.pk]


@pytest.mark.django_db(transaction=True)
def test_the_worker_escalates_an_unacknowledged_concern_once_its_time_comes(
    on_the_database_backend, school, coordinator, dsl
):
    head = UserFactory(first_name="Martin", email="head@oakbrook.example")
    MembershipFactory(user=head, school=school, role=Role.SCHOOL_ADMIN)
    EscalationContact.objects.create(school=school, user=head, order=0)
    concern = raise_one(school, coordinator)
    task = DBTaskResult.objects.get(task_path="peermentoring.safeguarding.tasks.escalate_concern")

    # Not yet due: the worker leaves it.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    concern.refresh_from_db()
    assert concern.escalated_at is None

    # The deadline passes (the clock moves on): the worker escalates it.
    DBTaskResult.objects.filter(pk=task.pk).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    concern.refresh_from_db()
    assert concern.escalated_at is not None
    entry = concern.entries.get(kind=ChronologyEntry.Kind.ESCALATED)
    assert entry.written_by is None
    assert "Martin" in entry.text
    told = set(concern.alerts.filter(escalation=True).values_list("recipient", flat=True))
    assert told == {dsl.pk, head.pk}
    assert Notification.objects.filter(recipient=head, kind="safeguarding").count() == 1


def test_an_acknowledged_concern_is_not_escalated_and_escalation_runs_once(school, dsl):
    done = ConcernFactory(school=school)
    services.acknowledge(concern=done, by=dsl)
    assert services.escalate(done.pk) == "acknowledged in time"
    waiting = ConcernFactory(school=school)
    assert services.escalate(waiting.pk) == "escalated"
    assert services.escalate(waiting.pk) == "escalated already"
    assert waiting.entries.filter(kind="escalated").count() == 1
    assert Concern.objects.get(pk=waiting.pk).escalated_at is not None


def test_a_contact_who_lost_access_is_skipped_for_the_next(school, dsl):
    gone = MembershipFactory(user=UserFactory(), school=school, role=Role.COORDINATOR)
    gone.is_active = False
    gone.save()
    next_one = MembershipFactory(user=UserFactory(), school=school, role=Role.COORDINATOR)
    EscalationContact.objects.create(school=school, user=gone.user, order=0)
    EscalationContact.objects.create(school=school, user=next_one.user, order=1)

    assert services.escalation_recipients(school) == [dsl, next_one.user]


@pytest.mark.django_db(transaction=True)
def test_with_e_mail_down_the_concern_is_kept_and_the_alert_goes_once_e_mail_is_back(
    on_the_database_backend, settings, school, coordinator, dsl
):
    from django.core import mail

    from peermentoring.core.models import OutboundEmail

    settings.EMAIL_BACKEND = "peermentoring.safeguarding.tests.test_escalation.DownBackend"
    concern = raise_one(school, coordinator)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert Concern.objects.filter(pk=concern.pk).exists()
    alert_mail = OutboundEmail.objects.get(to_address=dsl.email)
    assert alert_mail.status == OutboundEmail.Status.RETRYING
    assert Notification.objects.filter(recipient=dsl, kind="safeguarding").exists()

    # The mail server is back; the retry's time comes.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(task_path="peermentoring.core.tasks.deliver_email").update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    alert_mail.refresh_from_db()
    assert alert_mail.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[dsl.email]]


class DownBackend:
    """A mail server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
