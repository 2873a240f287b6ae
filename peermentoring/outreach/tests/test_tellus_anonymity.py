"""An anonymous "tell us" report carries no identity, anywhere the request that sends it writes.

The pupil here has an id, a username, names, an address, a browser and a session key found
nowhere else. Every table of every model (sessions, sign-in attempts, the outbox, messages,
the audit trail and the report's own included) and the cache are read before and after the
POST: no row it added or changed, and no cache entry, holds any of those values; the
session row is exactly as it was; no log line written during the request names them.
"""

from __future__ import annotations

import logging
import pickle
import uuid
from typing import Any

import pytest
from django.apps import apps
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from peermentoring.core import page_cache
from peermentoring.core.models import AuditEntry, Notification, OutboundEmail
from peermentoring.core.privacy import is_anonymous_path
from peermentoring.core.roles import Role
from peermentoring.outreach.models import TellUsReport
from tests.support.factories import MembershipFactory, PupilFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
BROWSER = "QuenbyPhone/7.7 (zx-probe-browser)"
MINUTE = 60


class FakeClock:
    def __init__(self) -> None:
        self.at = 1_800_000_000.0

    def __call__(self) -> float:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr("peermentoring.core.sessions.now", fake)
    return fake


@pytest.fixture
def staff(school):
    """The staff told of reports: made first, so the pupil's ids stand apart from theirs."""
    helen = UserFactory(first_name="Helen", email="helen.hewitt@oakbrook.example")
    MembershipFactory(user=helen, school=school, role=Role.COORDINATOR)
    priya = UserFactory(first_name="Priya", email="priya.shah@oakbrook.example")
    MembershipFactory(user=priya, school=school, role=Role.SAFEGUARDING_LEAD)
    return [helen, priya]


@pytest.fixture
def quenby(school, staff):
    """A Year 8 pupil whose every identifying value is found nowhere else."""
    pupil = PupilFactory(
        school=school,
        pk=57_302_164,
        given_name="Quenby",
        family_name="Marchbanks-Oduya",
        admission_number="AD771903",
        year_group=8,
        form_group="8Q",
    )
    user = UserFactory(
        pk=48_213_977,
        username="quenby.zx7",
        first_name="Quenby",
        last_name="Marchbanks-Oduya",
        email="",
    )
    membership = MembershipFactory(
        pk=66_120_493, user=user, school=school, role=Role.MENTEE, pupil=pupil
    )
    return membership


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER, HTTP_X_FORWARDED_FOR=FORWARDED)
    client.force_login(user, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    return client


def identity(membership, client: Client) -> list[str]:
    user, pupil = membership.user, membership.pupil
    return [
        str(user.pk),
        str(pupil.pk),
        str(membership.pk),
        user.username,
        "Quenby",
        "Marchbanks",
        pupil.admission_number,
        ADDRESS,
        FORWARDED,
        BROWSER,
        "QuenbyPhone",
        client.session.session_key,
    ]


def every_row() -> dict[str, dict[Any, dict[str, Any]]]:
    """Each model's table (many-to-many tables too): its rows by primary key."""
    tables: dict[str, dict[Any, dict[str, Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in tables:
            continue
        pk = meta.pk.attname
        tables[meta.db_table] = {row[pk]: row for row in model._base_manager.values()}
    return tables


def touched(before: dict, after: dict) -> list[tuple[str, dict[str, Any]]]:
    """The rows added or changed between two readings, with their tables."""
    return [
        (table, row)
        for table, rows in after.items()
        for key, row in rows.items()
        if before.get(table, {}).get(key) != row
    ]


def cache_entries() -> dict[str, bytes]:
    return dict(cache._cache)  # type: ignore[attr-defined]  # LocMemCache, as in the tests


def found_in(text: str, values: list[str]) -> list[str]:
    lowered = text.lower()
    return [value for value in values if value.lower() in lowered]


def form_key(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.context["form"]["submission_key"].value())


def anonymous_post(key: str) -> dict[str, str]:
    return {
        "submission_key": key,
        "about": "someone_else",
        "category": "physical",
        "what_happened": "Two boys in Year 9 push a smaller boy into the lockers every morning.",
        "where": "The corridor by the sports hall",
        "sender": "anonymous",
    }


def test_an_anonymous_report_leaves_no_identity_in_any_table_the_cache_or_the_log(
    school, staff, quenby, clock, caplog
):
    client = signed_in(quenby.user)
    url = reverse("outreach:tell-us", args=[school.slug])
    assert is_anonymous_path(url)
    key = form_key(client, url)
    values = identity(quenby, client)
    session_before = Session.objects.values().get(session_key=client.session.session_key)
    # Five minutes on: a request now would write the session's last-seen time, and a change in
    # the school (anyone's) means the access check reads the membership again.
    clock.at += 5 * MINUTE
    page_cache.bump(school.pk)
    rows_before, cache_before = every_row(), cache_entries()

    with caplog.at_level(logging.DEBUG):
        response = client.post(url, anonymous_post(key))

    assert response.status_code == 200
    assert "Thank you for telling us" in response.content.decode()
    report = TellUsReport.objects.get()
    assert report.is_anonymous and report.reporter is None and report.pupil is None
    changed = touched(rows_before, every_row())
    tables = {table for table, _ in changed}
    # The reading sees what the request wrote: the report, its audit entry, the staff's messages.
    for model in (TellUsReport, AuditEntry, Notification, OutboundEmail):
        assert model._meta.db_table in tables
    leaks = {
        f"{table}: {row}": found for table, row in changed if (found := found_in(str(row), values))
    }
    assert leaks == {}
    assert Session.objects.values().get(session_key=session_before["session_key"]) == (
        session_before
    )
    new_cache = {k: v for k, v in cache_entries().items() if cache_before.get(k) != v}
    cache_leaks = {
        key: found
        for key, value in new_cache.items()
        # Our own cache, written by the request under test.
        if (found := found_in(f"{key} {pickle.loads(value)!r}", values))  # noqa: S301
    }
    assert cache_leaks == {}
    logged = [f"{r.name}: {r.getMessage()} {r.args!r}" for r in caplog.records]
    assert [line for line in logged if found_in(line, values)] == []


def test_its_audit_entry_names_nobody(school, staff, quenby, clock):
    client = signed_in(quenby.user)
    url = reverse("outreach:tell-us", args=[school.slug])

    client.post(url, anonymous_post(form_key(client, url)))

    entry = AuditEntry.objects.get(action="tell_us.report_sent")
    assert entry.actor is None
    assert entry.changes == {
        "anonymous": True,
        "category": "Hitting, pushing or hurting",
        "flagged": False,
    }


def test_a_message_waiting_in_the_session_is_kept_and_the_session_not_written(
    school, staff, quenby, clock, settings
):
    # Messages kept in the session (by default only those too long for their cookie are).
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    client = signed_in(quenby.user)
    url = reverse("outreach:tell-us", args=[school.slug])
    key = form_key(client, url)
    session = client.session
    session["_messages"] = MessageEncoder().encode([Message(constants.INFO, "Password changed.")])
    session.save()
    before = Session.objects.values().get(session_key=session.session_key)

    response = client.post(url, anonymous_post(key))

    assert response.status_code == 200
    assert Session.objects.values().get(session_key=session.session_key) == before
    # Not lost either: the next page shows it.
    assert (
        "Password changed."
        in client.get(reverse("schools:home", args=[school.slug])).content.decode()
    )


def test_the_staffs_messages_and_emails_say_only_that_a_report_waits(school, staff, quenby, clock):
    client = signed_in(quenby.user)
    url = reverse("outreach:tell-us", args=[school.slug])

    client.post(url, anonymous_post(form_key(client, url)))

    report = TellUsReport.objects.get()
    link = reverse("outreach:tellus-report", args=[school.slug, report.pk])
    assert sorted(n.recipient.first_name for n in Notification.objects.all()) == ["Helen", "Priya"]
    for note in Notification.objects.all():
        assert note.title == "A new 'tell us' report"
        assert note.url == link
    emails = list(OutboundEmail.objects.order_by("to_address"))
    assert [e.to_address for e in emails] == [
        "helen.hewitt@oakbrook.example",
        "priya.shah@oakbrook.example",
    ]
    for email in emails:
        assert email.subject == "A new 'tell us' report"
        assert "lockers" not in email.body and "sports hall" not in email.body
        assert "Year 9" not in email.body
        assert link in email.body


def test_a_named_report_stores_who_sent_it(school, staff, quenby, clock):
    client = signed_in(quenby.user)
    url = reverse("outreach:tell-us", args=[school.slug])

    response = client.post(url, anonymous_post(form_key(client, url)) | {"sender": "named"})

    assert response.status_code == 200
    report = TellUsReport.objects.get()
    assert not report.is_anonymous
    assert report.reporter == quenby.user
    assert report.pupil == quenby.pupil
    assert AuditEntry.objects.get(action="tell_us.report_sent").actor == quenby.user
    assert "a member of staff may come and talk to you" in response.content.decode()


def test_the_pupils_page_is_an_anonymous_address_and_the_staffs_are_not(school):
    assert is_anonymous_path(reverse("outreach:tell-us", args=[school.slug]))
    for name, args in (
        ("outreach:tellus-reports", []),
        ("outreach:tellus-report", [1]),
        ("outreach:tellus-recipients", []),
    ):
        assert not is_anonymous_path(reverse(name, args=[school.slug, *args]))


def test_the_submission_key_is_random_not_the_pupils(school, staff, quenby, clock):
    client = signed_in(quenby.user)
    url = reverse("outreach:tell-us", args=[school.slug])

    first, second = form_key(client, url), form_key(client, url)

    assert first != second
    assert uuid.UUID(first).version == 4


def test_the_form_page_is_never_kept_in_the_page_cache(school, staff, quenby, clock):
    client = signed_in(quenby.user)
    url = reverse("outreach:tell-us", args=[school.slug])
    before = cache_entries()

    client.get(url)
    client.get(url)

    pages = [k for k in cache_entries() if k not in before and f"{page_cache.PREFIX}:page:" in k]
    assert pages == []
