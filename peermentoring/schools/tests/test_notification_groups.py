"""The messages page: grouped by kind, dated with the year when not this year, and marked read
all at once or one kind at a time, only ever the viewer's own messages in this school."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peermentoring.core.models import Notification
from peermentoring.core.notifications import notify
from peermentoring.schools.tests.views_support import text, url

pytestmark = pytest.mark.django_db

PANEL = Notification.Kind.INTERVIEWS
PAIRS = Notification.Kind.PAIRINGS


def message(school, person, title, kind=Notification.Kind.GENERAL, **fields):
    return Notification.objects.create(
        school=school, recipient=person, title=title, kind=kind, **fields
    )


def test_messages_are_grouped_under_their_kind_with_unread_ones_marked(
    client_for, school, coordinator
):
    message(school, coordinator, "You are on an interview panel: Mon 2 Mar", PANEL)
    message(school, coordinator, "Lily has a mentor", PAIRS, read_at=timezone.now())
    message(school, coordinator, "Welcome to the scheme")

    page = text(client_for(coordinator).get(url("schools:notification-list", school)))

    assert page.index("Interview panels") < page.index("You are on an interview panel")
    assert page.index("Mentors and mentees") < page.index("Lily has a mentor")
    assert page.index("Other messages") < page.index("Welcome to the scheme")
    # Unread groups come first; an unread message says so in words, not only in colour.
    assert page.index("Interview panels") < page.index("Mentors and mentees")
    assert page.count(">Unread</span>") == 2
    assert page.count("Mark these read") == 2  # not for the group with nothing unread
    assert 'class="link-button"' in page


def test_a_message_from_an_earlier_year_shows_its_year(client_for, school, coordinator):
    now = timezone.localtime()
    message(school, coordinator, "Old news", created_at=now.replace(year=now.year - 1))
    message(school, coordinator, "New news", created_at=now)

    page = text(client_for(coordinator).get(url("schools:notification-list", school)))

    assert f"{now:%-d %b} {now.year - 1}, {now:%H:%M}" in page
    assert f"{now:%-d %b}, {now:%H:%M}" in page


def test_mark_these_read_marks_one_kind_of_the_viewers_own_messages(
    client_for, school, other_school, coordinator, dsl
):
    mine = message(school, coordinator, "Panel on Monday", PANEL)
    other_kind = message(school, coordinator, "A new pairing", PAIRS)
    someone_elses = message(school, dsl, "Panel on Tuesday", PANEL)
    another_school = message(other_school, coordinator, "Panel at Elmstead", PANEL)
    client = client_for(coordinator)

    answer = client.post(url("schools:notification-read-all", school), {"kind": PANEL}, follow=True)
    again = client.post(url("schools:notification-read-all", school), {"kind": PANEL}, follow=True)

    assert "1 message marked as read." in text(answer)
    assert "There were no unread messages to mark." in text(again)
    for row in (mine, other_kind, someone_elses, another_school):
        row.refresh_from_db()
    assert mine.read_at is not None
    assert other_kind.read_at is None
    assert someone_elses.read_at is None
    assert another_school.read_at is None


def test_marking_twice_keeps_the_first_time(client_for, school, coordinator):
    first = message(school, coordinator, "Panel on Monday", PANEL)
    client = client_for(coordinator)

    client.post(url("schools:notification-read-all", school))
    read_at = Notification.objects.get(pk=first.pk).read_at
    client.post(url("schools:notification-read-all", school))

    assert read_at is not None
    assert Notification.objects.get(pk=first.pk).read_at == read_at


def test_an_unknown_kind_marks_nothing(client_for, school, coordinator):
    unread = message(school, coordinator, "Panel on Monday", PANEL)

    answer = client_for(coordinator).post(
        url("schools:notification-read-all", school), {"kind": "everything"}, follow=True
    )

    assert "nothing was marked as read" in text(answer)
    assert Notification.objects.get(pk=unread.pk).read_at is None


def test_a_long_group_shows_its_newest_and_links_to_all_of_them(client_for, school, coordinator):
    start = timezone.now() - dt.timedelta(days=40)
    for day in range(12):
        message(
            school,
            coordinator,
            f"Panel number {day:02d}",
            PANEL,
            created_at=start + dt.timedelta(day),
        )
    client = client_for(coordinator)

    page = text(client.get(url("schools:notification-list", school)))
    everything = text(client.get(url("schools:notification-list", school) + f"?kind={PANEL}"))

    assert "Panel number 11" in page and "Panel number 00" not in page
    assert f'href="?kind={PANEL}"' in page and "See all 12" in page
    assert all(f"Panel number {day:02d}" in everything for day in range(12))
    assert "All messages" in everything


def test_the_page_takes_the_same_queries_however_many_kinds_and_messages(
    client_for, school, coordinator, django_assert_max_num_queries
):
    client = client_for(coordinator)
    client.get(url("schools:notification-list", school))
    with CaptureQueriesContext(connection) as few:
        client.get(url("schools:notification-list", school))
    expected = len(few.captured_queries)  # read now: the next request empties the log
    for kind in Notification.Kind.values:
        for n in range(15):
            message(school, coordinator, f"{kind} {n}", kind)
    # The new messages change the school, so the next page reads the person's membership
    # afresh instead of from the cache (core/page_cache.py): the page after it is compared.
    client.get(url("schools:notification-list", school))
    with django_assert_max_num_queries(expected):
        client.get(url("schools:notification-list", school))


def test_notify_refuses_a_kind_nobody_groups(school, coordinator):
    with pytest.raises(ValueError):
        notify(recipient=coordinator, school=school, title="Hello", kind="gossip")


@pytest.mark.django_db(transaction=True)
def test_messages_sent_before_kinds_existed_get_theirs(school, coordinator):
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0004_add_outboundemail_holds_secret")])
    old_apps = executor.loader.project_state([("core", "0004_add_outboundemail_holds_secret")]).apps
    OldNotification = old_apps.get_model("core", "Notification")
    made = {
        title: OldNotification.objects.create(
            school_id=school.pk, recipient_id=coordinator.pk, title=title, url=link
        ).pk
        for title, link in [
            (
                "You are on an interview panel: Mon 2 Mar 2026 13:19",
                "/s/oak/recruitment/interviews/4/",
            ),
            ("Your application", "/s/oak/recruitment/3/apply/"),
            ("You have a new mentee", "/s/oak/matching/my-mentee/"),
            ("Welcome", ""),
        ]
    }

    # Every app forward again, not core alone: going back to core 0004 also took back each
    # app whose migrations stand on a later core one, and later tests need their tables.
    call_command("migrate", verbosity=0)

    kinds = dict(Notification.objects.values_list("pk", "kind"))
    assert [kinds[made[t]] for t in made] == ["interviews", "applications", "pairings", "general"]
