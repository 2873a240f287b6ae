"""The coordinator's meetings pages: the term's figures, a pairing's meetings, "met N
times" for a week, topics, and the home to-do. The clock is Wednesday 19 November 2025."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peermentoring.meetings import services
from peermentoring.meetings.home import quiet_items
from peermentoring.meetings.models import Meeting, Topic, UsualWindow, WeekCount
from peermentoring.meetings.topics import NONE_OFFERED, TopicChange, save_topics
from peermentoring.schools.models import SchoolDayWindow
from tests.support.factories import MembershipFactory, UserFactory
from tests.support.meetings import at, pairing_in, window

BREAK, LUNCH = SchoolDayWindow.Kind.BREAK, SchoolDayWindow.Kind.LUNCH
MON_10_NOV = dt.date(2025, 11, 10)
CANARY = "Canary-note-7Q"


@pytest.fixture
def pairing(school, monkeypatch):
    at(monkeypatch)
    return pairing_in(school)


def log(pairing, day, kind=BREAK, **extra):
    return services.log_meeting(
        pairing=pairing,
        held_on=day,
        window=window(pairing.school, day.weekday(), kind),
        by=None,
        **extra,
    )


def url(name, school, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"school_slug": school.slug, **kwargs})


# --- The Meetings page -------------------------------------------------------------------


def test_the_term_total_counts_did_not_happen_apart(pairing, coordinator, client_for):
    log(pairing, dt.date(2025, 11, 10))
    log(pairing, dt.date(2025, 11, 11))
    log(pairing, dt.date(2025, 11, 12), status=Meeting.Status.MENTEE_ABSENT)

    page = client_for(coordinator).get(url("staff-overview", pairing.school))

    assert page.context["total"] == 2
    assert page.context["missed_total"] == 1
    assert ("Mentee absent", 1) in page.context["missed"]
    assert b'id="term-total">2<' in page.content


def test_a_weekly_count_and_the_meetings_logged_that_week_count_the_larger(
    pairing, coordinator, client_for
):
    log(pairing, dt.date(2025, 11, 10))
    services.record_week_count(pairing=pairing, week_of=MON_10_NOV, count=3, by=None)
    log(pairing, dt.date(2025, 11, 3))
    log(pairing, dt.date(2025, 11, 4))
    services.record_week_count(pairing=pairing, week_of=dt.date(2025, 11, 3), count=1, by=None)

    page = client_for(coordinator).get(url("staff-overview", pairing.school))

    weeks = {monday: n for _, n, monday in page.context["weeks"]}
    assert weeks[MON_10_NOV] == 3  # 1 logged, "met 3": 3, not 4
    assert weeks[dt.date(2025, 11, 3)] == 2  # 2 logged, "met 1": 2
    assert page.context["total"] == 5
    assert page.context["mentors"][0]["count"] == 5


def test_the_chart_has_every_school_week_of_the_term_and_none_of_half_term(
    pairing, coordinator, client_for
):
    page = client_for(coordinator).get(url("staff-overview", pairing.school))

    mondays = [monday for _, _, monday in page.context["weeks"]]
    assert mondays[0] == dt.date(2025, 9, 1)
    assert dt.date(2025, 10, 27) not in mondays  # half-term
    assert mondays[-1] == dt.date(2025, 11, 17)
    assert b"<progress" in page.content and b"style=" not in page.content


def test_a_quiet_pairing_is_listed_with_a_link_to_log_a_meeting(pairing, coordinator, client_for):
    busy = pairing_in(pairing.school)
    log(busy, dt.date(2025, 11, 12))

    page = client_for(coordinator).get(url("staff-overview", pairing.school))

    assert [p.pk for p in page.context["quiet"]] == [pairing.pk]
    assert url("staff-log", pairing.school, pairing_pk=pairing.pk).encode() in page.content
    assert url("staff-log", pairing.school, pairing_pk=busy.pk).encode() not in page.content


def test_the_coordinators_home_says_how_many_pairings_are_quiet(pairing, coordinator):
    pairing_in(pairing.school)
    membership = coordinator.memberships.get()

    items = quiet_items(membership)

    assert [i.label for i in items] == ["2 pairings with no meeting for two school weeks"]
    assert items[0].url.endswith("/meetings/#quiet")


def test_no_quiet_item_once_every_pair_has_met(pairing, coordinator):
    log(pairing, dt.date(2025, 11, 12))

    assert quiet_items(coordinator.memberships.get()) == []


# --- A pairing's meetings ------------------------------------------------------------------


def test_notes_are_read_by_the_coordinator_and_safeguarding_lead_only(
    pairing, coordinator, dsl, school_admin, client_for
):
    log(pairing, dt.date(2025, 11, 12), note=CANARY)
    address = url("staff-pairing", pairing.school, pairing_pk=pairing.pk)

    for reader in (coordinator, dsl):
        assert CANARY.encode() in client_for(reader).get(address).content
    page = client_for(school_admin).get(address)
    assert page.status_code == 200
    assert CANARY.encode() not in page.content
    assert b"Correct" not in page.content


def test_a_deputy_reads_the_notes_too(pairing, client_for):
    from peermentoring.core.roles import Role

    deputy = UserFactory()
    MembershipFactory(user=deputy, school=pairing.school, role=Role.DEPUTY_SAFEGUARDING_LEAD)
    log(pairing, dt.date(2025, 11, 12), note=CANARY)

    page = client_for(deputy).get(url("staff-pairing", pairing.school, pairing_pk=pairing.pk))

    assert CANARY.encode() in page.content


def test_usual_windows_default_to_those_both_are_free_and_can_be_set(
    pairing, coordinator, client_for
):
    client = client_for(coordinator)
    address = url("staff-pairing", pairing.school, pairing_pk=pairing.pk)
    page = client.get(address)
    every_on = SchoolDayWindow.objects.for_school(pairing.school).filter(is_active=True)
    assert not page.context["usual_chosen"]
    assert {w.pk for w in page.context["usual"]} == {w.pk for w in every_on}

    tuesday_lunch = window(pairing.school, 1, LUNCH)
    client.post(
        url("staff-pairing-windows", pairing.school, pairing_pk=pairing.pk),
        {"windows": [tuesday_lunch.pk]},
    )

    assert list(UsualWindow.objects.values_list("window", flat=True)) == [tuesday_lunch.pk]
    page = client.get(address)
    assert page.context["usual_chosen"] and page.context["usual"] == [tuesday_lunch]


def test_the_coordinator_logs_a_meeting_for_any_pairing(pairing, coordinator, client_for):
    key = uuid.uuid4()
    body = {
        "held_on": "2025-11-18",
        "window": window(pairing.school, 1, LUNCH).pk,
        "status": "happened",
        "minutes": 10,
        "submission_key": key,
    }
    address = url("staff-log", pairing.school, pairing_pk=pairing.pk)

    client = client_for(coordinator)
    first = client.post(address, body)
    client.post(address, body)  # sent twice

    assert first.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.minutes, meeting.logged_by) == (10, coordinator)


def test_a_meeting_in_half_term_is_refused_with_the_reason(pairing, coordinator, client_for):
    body = {
        "held_on": "2025-10-28",
        "window": window(pairing.school, 1, LUNCH).pk,
        "status": "happened",
    }

    page = client_for(coordinator).post(
        url("staff-log", pairing.school, pairing_pk=pairing.pk), body
    )

    assert page.status_code == 200
    assert "half-term" in page.content.decode()
    assert not Meeting.objects.exists()


def test_the_coordinator_corrects_a_meeting_by_the_same_rules(pairing, coordinator, client_for):
    meeting = log(pairing, dt.date(2025, 11, 12), mood=2)
    address = url("staff-correct", pairing.school, meeting_pk=meeting.pk)
    client = client_for(coordinator)

    refused = client.post(
        address,
        {
            "held_on": "2025-11-22",
            "window": window(pairing.school, 5 - 1, BREAK).pk,
            "status": "happened",
        },
    )
    assert refused.status_code == 200
    assert Meeting.objects.get().held_on == dt.date(2025, 11, 12)

    client.post(
        address,
        {
            "held_on": "2025-11-12",
            "window": meeting.window_id,
            "status": Meeting.Status.MENTOR_ABSENT,
        },
    )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.mood, meeting.changed_by) == (
        "mentor_absent",
        None,
        coordinator,
    )


# --- "Met N times" ---------------------------------------------------------------------


def test_the_week_page_defaults_to_last_school_week_and_shows_both_counts(
    pairing, coordinator, client_for
):
    log(pairing, dt.date(2025, 11, 11))
    log(pairing, dt.date(2025, 11, 12))
    services.record_week_count(pairing=pairing, week_of=MON_10_NOV, count=1, by=None)

    page = client_for(coordinator).get(url("staff-week", pairing.school))

    assert page.context["week"] == MON_10_NOV
    [row] = page.context["rows"]
    assert (row["logged"], row["reported"], row["counted"]) == (2, 1, 2)
    assert "never both added" in page.content.decode()


def test_a_blank_box_changes_nothing_and_a_number_is_saved(pairing, coordinator, client_for):
    other = pairing_in(pairing.school)
    services.record_week_count(pairing=other, week_of=MON_10_NOV, count=2, by=None)

    response = client_for(coordinator).post(
        url("staff-week", pairing.school),
        {"week": "2025-11-10", f"count-{pairing.pk}": "3", f"count-{other.pk}": ""},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["Saved the count for 1 pairing."]

    assert WeekCount.objects.get(pairing=pairing).count == 3
    assert WeekCount.objects.get(pairing=other).count == 2


def test_sending_the_week_page_twice_does_not_double_count(pairing, coordinator, client_for):
    log(pairing, dt.date(2025, 11, 11))
    client = client_for(coordinator)
    body = {"week": "2025-11-10", f"count-{pairing.pk}": "3"}

    client.post(url("staff-week", pairing.school), body)
    client.post(url("staff-week", pairing.school), body)

    assert WeekCount.objects.count() == 1
    page = client.get(url("staff-overview", pairing.school))
    assert page.context["total"] == 3


def test_a_week_not_in_the_list_is_refused(pairing, coordinator, client_for):
    response = client_for(coordinator).post(
        url("staff-week", pairing.school), {"week": "2025-10-27", f"count-{pairing.pk}": "3"}
    )

    assert response.status_code == 302
    assert not WeekCount.objects.exists()


def test_a_week_asked_for_that_is_not_a_school_week_shows_no_boxes(
    pairing, coordinator, client_for
):
    page = client_for(coordinator).get(url("staff-week", pairing.school) + "?week=2025-10-27")

    assert page.status_code == 200
    assert page.context["week"] is None and page.context["rows"] == []
    assert "Choose one of the school weeks listed." in page.content.decode()


def test_a_count_over_fifteen_is_refused(pairing, coordinator, client_for):
    page = client_for(coordinator).post(
        url("staff-week", pairing.school), {"week": "2025-11-10", f"count-{pairing.pk}": "16"}
    )

    assert page.status_code == 200
    assert "from 0 to 15" in page.content.decode()
    assert not WeekCount.objects.exists()


# --- Topics ------------------------------------------------------------------------------


def test_the_coordinator_renames_reorders_switches_off_and_adds_topics(
    school, coordinator, client_for
):
    topics = services.topics_for(school)
    body = {}
    for n, topic in enumerate(topics):
        body |= {f"name-{topic.pk}": topic.name, f"order-{topic.pk}": n + 1, f"on-{topic.pk}": "on"}
    first, last = topics[0], topics[-1]
    body |= {f"name-{first.pk}": "Starting secondary", f"order-{first.pk}": 99}
    del body[f"on-{last.pk}"]
    body["new-1"] = "Revision"

    response = client_for(coordinator).post(url("staff-topics", school), body)

    assert response.status_code == 302
    now = list(Topic.objects.for_school(school))
    assert now[-2].name == "Starting secondary" and now[-1].name == "Revision"
    assert not Topic.objects.get(pk=last.pk).is_active
    offered = [t.name for t in Topic.objects.for_school(school).in_use()]
    assert last.name not in offered and "Revision" in offered


def test_two_topics_may_swap_names(school):
    a, b = services.topics_for(school)[:2]

    save_topics(
        school=school,
        changes=[
            TopicChange(a.pk, b.name, a.order, True),
            TopicChange(b.pk, a.name, b.order, True),
        ],
        new=[],
        by=None,
    )

    assert Topic.objects.get(pk=a.pk).name == b.name


@pytest.mark.parametrize(
    ("rename", "words"),
    [("", "Give each topic a name"), ("friendships", "is in the list twice"), ("x" * 61, "60")],
)
def test_a_topic_needs_its_own_name(school, rename, words):
    topic = services.topics_for(school)[0]

    with pytest.raises(ValidationError) as caught:
        save_topics(
            school=school, changes=[TopicChange(topic.pk, rename, 0, True)], new=[], by=None
        )

    assert words in " ".join(caught.value.messages)


def test_at_least_one_topic_stays_offered(school):
    changes = [TopicChange(t.pk, t.name, t.order, False) for t in services.topics_for(school)]

    with pytest.raises(ValidationError) as caught:
        save_topics(school=school, changes=changes, new=[], by=None)

    assert caught.value.messages == [NONE_OFFERED]


def test_another_schools_topic_is_refused(school, other_school):
    theirs = services.topics_for(other_school)[0]

    with pytest.raises(ValidationError):
        save_topics(
            school=school, changes=[TopicChange(theirs.pk, "Mine", 0, True)], new=[], by=None
        )

    assert Topic.objects.get(pk=theirs.pk).name == theirs.name


def test_mentors_never_reach_the_coordinators_pages(pairing, mentor, client_for):
    client = client_for(mentor)

    for name in ("staff-overview", "staff-week", "staff-topics"):
        assert client.get(url(name, pairing.school)).status_code == 403
