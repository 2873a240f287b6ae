"""Cached pages (core/page_cache.py): a write shows at once, nobody sees another person's
page, and a page is not served after the day it was made.

The home pages and the main lists are served from the cache; each test first shows the
cache is in use (a write that sends no signal is not seen), then that the ways a page is
emptied work: a save, a delete, the one QuerySet.update() that bumps itself, a POST.
"""

from __future__ import annotations

import datetime as dt
import re
import types

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peermentoring.core import page_cache
from peermentoring.core.models import Notification
from peermentoring.core.roles import Role
from peermentoring.schools.models import Membership, Pupil
from peermentoring.schools.tests.views_support import text, url
from tests.support.factories import (
    MembershipFactory,
    NotificationFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    TrustFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache (the per-process cache outlives a test)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def without_token(response) -> str:
    """The page without its CSRF token (masked afresh on every request)."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode())


def year7_on_roll(response) -> int:
    """The staff home's "Year 7" figure under "Pupils on roll"."""
    found = re.search(r'stat-value">(\d+)</span><span class="stat-label">Year 7<', text(response))
    assert found, "no Year 7 figure on the page"
    return int(found.group(1))


def test_the_home_page_is_served_from_the_cache(school, coordinator):
    """The first view works the page out; the next reads it back, until the school changes.
    A change that sends no signal (a raw UPDATE) is not seen: the cache is in use."""
    client = signed_in(coordinator)
    home = url("schools:home", school)
    pupil = PupilFactory(school=school, year_group=7)
    assert year7_on_roll(client.get(home)) == 1
    with CaptureQueriesContext(connection) as first:
        client.get(home)
    Pupil.objects.filter(pk=pupil.pk).update(is_on_roll=False)  # no signal, no bump
    assert year7_on_roll(client.get(home)) == 1
    page_cache.bump(school.pk)
    with CaptureQueriesContext(connection) as worked_out:
        assert year7_on_roll(client.get(home)) == 0
    assert len(first) < len(worked_out)


def test_a_saved_row_shows_at_once(school, coordinator):
    client = signed_in(coordinator)
    home = url("schools:home", school)
    assert year7_on_roll(client.get(home)) == 0
    PupilFactory(school=school, year_group=7)
    assert year7_on_roll(client.get(home)) == 1
    pupil = Pupil.objects.get(school=school)
    pupil.is_on_roll = False
    pupil.save()
    assert year7_on_roll(client.get(home)) == 0


def test_a_deleted_row_shows_at_once(school, coordinator):
    client = signed_in(coordinator)
    pupil_list = url("schools:pupil-list", school)
    pupil = PupilFactory(school=school, year_group=8, given_name="Zainab")
    assert "Zainab" in text(client.get(pupil_list))
    pupil.delete()
    assert "Zainab" not in text(client.get(pupil_list))


def test_a_changed_role_shows_at_once(school):
    user = UserFactory(first_name="Helen")
    membership = MembershipFactory(user=user, school=school, role=Role.COORDINATOR)
    client = signed_in(user)
    home = url("schools:home", school)
    assert "Coordinator" in text(client.get(home))
    membership.role = Role.SAFEGUARDING_LEAD
    membership.save()
    page = text(client.get(home))
    assert "Safeguarding lead" in page
    assert "Coordinator" not in page


def test_a_person_renamed_shows_everywhere(school, coordinator):
    """A person belongs to no one school: changing them empties every school's pages."""
    client = signed_in(coordinator)
    home = url("schools:home", school)
    assert "Helen" in text(client.get(home))
    coordinator.first_name = "Helena"
    coordinator.save()
    assert "Helena" in text(client.get(home))


def test_marking_messages_read_updates_every_pages_count(school, coordinator):
    """mark_all_read writes through QuerySet.update() (no signal) and bumps the school
    itself; the POST bumps it too (PageCacheMiddleware)."""
    NotificationFactory(school=school, recipient=coordinator)
    client = signed_in(coordinator)
    home = url("schools:home", school)
    assert "1 unread" in text(client.get(home))
    client.post(url("schools:notification-read-all", school))
    client.get(url("schools:notification-list", school))  # shows the "marked read" message
    assert "unread" not in text(client.get(home))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_bumps_the_school_without_a_request(school, coordinator):
    from peermentoring.core import notifications

    NotificationFactory(school=school, recipient=coordinator)
    client = signed_in(coordinator)
    home = url("schools:home", school)
    assert "1 unread" in text(client.get(home))
    notifications.mark_all_read(recipient=coordinator, school=school)
    assert "unread" not in text(client.get(home))


def test_each_person_and_role_sees_their_own_page(school, coordinator, dsl, mentor):
    """A coordinator, then a safeguarding lead, then a mentor on the same school, then the
    coordinator again: each sees their own name, role and to-do list, never the others'."""
    ReferralFactory(school=school, status="new", priority="urgent", referred_at=timezone.now())
    ReferralFactory(school=school, status="new", referred_at=timezone.now())
    home = url("schools:home", school)
    # All signed in first: signing in saves the person (last_login), which empties the cache.
    clients = {user.pk: signed_in(user) for user in (coordinator, dsl, mentor)}
    pages = {}
    for user in (coordinator, dsl, mentor, coordinator):
        clients[user.pk].get(home)
        pages[user.pk] = text(clients[user.pk].get(home))  # the second view: from the cache
    helen, priya, kwame = pages[coordinator.pk], pages[dsl.pk], pages[mentor.pk]
    assert "Helen" in helen and "Priya" not in helen and "Kwame" not in helen
    assert "Priya" in priya and "Helen" not in priya
    assert "Kwame" in kwame and "Helen" not in kwame and "Priya" not in kwame
    assert "<br>Coordinator" in helen
    assert "<br>Safeguarding lead" in priya
    # The coordinator's to-do list counts every referral waiting; the safeguarding lead's
    # shows only the urgent one; the mentor has no referrals at all.
    assert "2 referrals waiting for review" in helen or "1 other referral" in helen
    assert "2 referrals waiting for review" not in priya
    assert "1 other referral" not in priya
    assert "referral" not in kwame.lower()


def test_the_role_is_in_the_key(school, coordinator):
    """The same person, address, day and generations in another role: another page."""
    request = RequestFactory().get(url("schools:home", school))
    request.user = coordinator
    as_coordinator = page_cache.page_key(
        request, "school-home", role=Role.COORDINATOR, schools=[school.pk]
    )
    as_lead = page_cache.page_key(
        request, "school-home", role=Role.SAFEGUARDING_LEAD, schools=[school.pk]
    )
    assert as_coordinator is not None and as_lead is not None
    assert as_coordinator != as_lead
    assert as_coordinator == page_cache.page_key(
        request, "school-home", role=Role.COORDINATOR, schools=[school.pk]
    )


def test_a_membership_is_read_from_the_cache_until_it_changes(school, coordinator):
    """The access check's membership comes from the cache (one query fewer), and an ended
    membership or a changed role shuts the door at once."""
    client = signed_in(coordinator)
    grid = url("training:grid", school)
    client.get(grid)  # this process learns which school the address names
    client.get(grid)  # stores the membership
    with CaptureQueriesContext(connection) as cached:
        assert client.get(grid).status_code == 200
    assert not any("schools_membership" in q["sql"] for q in cached.captured_queries)
    membership = Membership.objects.get(user=coordinator, school=school)
    membership.role = Role.SAFEGUARDING_LEAD  # not one of the grid's roles
    membership.save()
    assert client.get(grid).status_code == 403
    membership.is_active = False
    membership.save()
    assert client.get(url("schools:home", school)).status_code == 404


def test_the_person_is_in_the_key(school):
    """Two people in the same role: the same page address, never the same page."""
    first = MembershipFactory(
        user=UserFactory(first_name="Helen"), school=school, role=Role.COORDINATOR
    ).user
    second = MembershipFactory(
        user=UserFactory(first_name="Oluwaseun"), school=school, role=Role.COORDINATOR
    ).user
    NotificationFactory(school=school, recipient=first)
    home = url("schools:home", school)
    # Both signed in first: signing in saves the person (last_login), which empties the cache.
    first_client, second_client = signed_in(first), signed_in(second)
    assert "1 unread" in text(first_client.get(home))
    page = text(second_client.get(home))
    assert "Oluwaseun" in page and "Helen" not in page and "unread" not in page


def test_the_day_is_in_the_key(school, coordinator, monkeypatch):
    """ "Waiting for review for 3 days" becomes "for 4 days" the next day, with no write.

    Tomorrow comes for the cache's key and the referrals' to-do items only (the whole
    site's clock would sign the coordinator out)."""
    from peermentoring.referrals import home as referrals_home

    ReferralFactory(school=school, status="new", referred_at=timezone.now() - dt.timedelta(days=3))
    client = signed_in(coordinator)
    home = url("schools:home", school)
    assert "waiting for review for 3 days" in text(client.get(home))
    assert "waiting for review for 3 days" in text(client.get(home))
    tomorrow = types.SimpleNamespace(
        now=lambda: timezone.now() + dt.timedelta(days=1),
        localdate=lambda: timezone.localdate() + dt.timedelta(days=1),
    )
    monkeypatch.setattr(referrals_home, "timezone", tomorrow)
    monkeypatch.setattr(page_cache, "timezone", tomorrow)
    assert "waiting for review for 4 days" in text(client.get(home))


def test_a_cached_page_carries_this_browsers_csrf_token(school, coordinator):
    """The same person in two browsers: each page's form works in its own browser."""
    NotificationFactory(school=school, recipient=coordinator)
    home = url("schools:home", school)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(coordinator)
    second.force_login(coordinator)
    first.get(home)
    page = second.get(home).content.decode()  # from the cache, made for the first browser
    assert page_cache.CSRF_PLACEHOLDER not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    answer = second.post(
        url("schools:notification-read-all", school), {"csrfmiddlewaretoken": token.group(1)}
    )
    assert answer.status_code == 302


def test_a_waiting_message_is_shown_not_a_cached_page(school, coordinator):
    client = signed_in(coordinator)
    home = url("schools:home", school)
    client.get(home)
    client.post(url("schools:notification-read-all", school))  # "Nothing to mark" message
    page = text(client.get(home))
    assert 'class="flash' in page
    assert 'class="flash' not in text(client.get(home))  # shown once


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("schools:pupil-list", Role.COORDINATOR),
        ("training:grid", Role.COORDINATOR),
        ("referrals:referral-list", Role.COORDINATOR),
        ("matching:home", Role.COORDINATOR),
        ("matching:pairing-list", Role.COORDINATOR),
    ],
)
def test_each_list_shows_a_new_row_at_once(school, name, role):
    """The lists the page benchmark measures are cached and emptied by a write."""
    user = MembershipFactory(user=UserFactory(), school=school, role=role).user
    client = signed_in(user)
    page = url(name, school)
    first = client.get(page)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert without_token(client.get(page)) == without_token(first)
    ReferralFactory(school=school, status="new", referred_at=timezone.now())
    PupilFactory(school=school, year_group=9, given_name="Zainab")
    with CaptureQueriesContext(connection) as worked_out:
        changed = without_token(client.get(page))
    assert len(cached) < len(worked_out)
    if name in ("schools:pupil-list", "referrals:referral-list", "matching:home"):
        assert changed != without_token(first)


def test_the_trust_dashboard_shows_a_write_in_any_of_its_schools():
    """Keyed by every school of the trust, led by this person or not."""
    trust = TrustFactory()
    led, neighbour = SchoolFactory(trust=trust), SchoolFactory(trust=trust)
    lead = MembershipFactory(user=UserFactory(), school=led, role=Role.TRUST_LEAD).user
    client = signed_in(lead)
    dashboard = f"/t/{trust.slug}/"
    first = client.get(dashboard)
    assert first.status_code == 200
    assert without_token(client.get(dashboard)) == without_token(first)
    PupilFactory(school=neighbour, year_group=7)
    assert without_token(client.get(dashboard)) != without_token(first)
    # Leading none of the trust's schools any more: no dashboard, at once.
    Membership.objects.filter(user=lead).delete()
    assert client.get(dashboard).status_code == 404
