"""Events: the rules every path to an event keeps (event_services.py)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError

from peermentoring.core.models import AuditEntry
from peermentoring.outreach import event_services as services
from peermentoring.outreach.event_services import EventFields, StaleEvent
from peermentoring.outreach.models import Event
from peermentoring.outreach.tests.outreach_support import (
    event,
    trained_mentor,
    year_2024,
    year_2025,
)
from tests.support.factories import AcademicYearFactory, MentorFactory, PupilFactory

pytestmark = pytest.mark.django_db

WEEK = EventFields(
    kind=Event.Kind.ANTI_BULLYING_WEEK,
    name="Anti-Bullying Week 2025",
    starts_on=dt.date(2025, 11, 10),
    ends_on=dt.date(2025, 11, 14),
    audience="The whole school",
    reach=1100,
)


def fields(**changes: object) -> EventFields:
    base = {
        "kind": Event.Kind.ASSEMBLY,
        "name": "Year 7 assembly",
        "starts_on": dt.date(2025, 10, 8),
        "ends_on": dt.date(2025, 10, 8),
        "audience": "Year 7",
        "reach": 180,
    }
    return EventFields(**(base | changes))  # type: ignore[arg-type]


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {k: [str(m) for m in v] for k, v in error.message_dict.items()}


# --- Anti-Bullying Week's suggested dates -------------------------------------------------


@pytest.mark.parametrize(
    ("start_year", "monday"),
    [
        (2019, dt.date(2019, 11, 11)),
        (2020, dt.date(2020, 11, 16)),
        (2021, dt.date(2021, 11, 15)),
        (2022, dt.date(2022, 11, 14)),
        (2023, dt.date(2023, 11, 13)),
        (2024, dt.date(2024, 11, 11)),
        (2025, dt.date(2025, 11, 10)),
    ],
)
def test_the_suggested_week_is_the_national_weeks_monday_to_friday(school, start_year, monday):
    year = AcademicYearFactory(
        school=school, starts_on=dt.date(start_year, 9, 1), ends_on=dt.date(start_year + 1, 8, 31)
    )

    assert services.suggested_anti_bullying_week(year) == (monday, monday + dt.timedelta(days=4))
    assert services.anti_bullying_week_name(year) == f"Anti-Bullying Week {start_year}"


def test_no_week_is_suggested_for_a_year_without_that_november(school):
    year = AcademicYearFactory(
        school=school, starts_on=dt.date(2025, 12, 1), ends_on=dt.date(2026, 8, 31)
    )

    assert services.suggested_anti_bullying_week(year) is None


# --- Adding ---------------------------------------------------------------------------------


def test_adding_an_event_keeps_its_mentors_and_writes_the_audit_entry(school, coordinator):
    kwame = trained_mentor(school, "Kwame")

    made = services.create_event(
        school=school,
        academic_year=year_2025(school),
        fields=fields(mentors=[kwame], name="  Year 7 assembly  "),
        by=coordinator,
    )

    assert made.name == "Year 7 assembly" and made.created_by == coordinator
    assert list(made.mentors.all()) == [kwame]
    entry = AuditEntry.objects.get(action="outreach.event_added")
    assert entry.school == school and entry.actor == coordinator


def test_the_same_form_sent_twice_adds_one_event(school, coordinator):
    key = uuid.uuid4()
    year = year_2025(school)

    first = services.create_event(
        school=school, academic_year=year, fields=fields(), submission_key=key, by=coordinator
    )
    again = services.create_event(
        school=school, academic_year=year, fields=fields(), submission_key=key, by=coordinator
    )

    assert again.pk == first.pk
    assert Event.objects.count() == 1


def test_a_second_anti_bullying_week_in_a_year_is_refused_in_words(school, coordinator):
    year = year_2025(school)
    services.create_event(school=school, academic_year=year, fields=WEEK, by=coordinator)

    with pytest.raises(ValidationError) as refused:
        services.create_event(school=school, academic_year=year, fields=WEEK, by=coordinator)

    assert messages_of(refused.value) == {
        "kind": [
            "2025–26 already has its Anti-Bullying Week (Anti-Bullying Week 2025, 10 to 14 "
            "November 2025). Change that one instead, or choose another kind of event."
        ]
    }
    assert Event.objects.count() == 1


def test_the_database_refusing_a_second_week_is_said_in_words_too(school, coordinator, monkeypatch):
    # Two coordinators adding the week at the same moment: both pass the check, the
    # database's unique constraint stops the second.
    year = year_2025(school)
    services.create_event(school=school, academic_year=year, fields=WEEK, by=coordinator)
    real = services.anti_bullying_week_of
    calls: list[object] = []

    def missed_first_time(school_, year_):
        calls.append(year_)
        return None if len(calls) == 1 else real(school_, year_)

    monkeypatch.setattr(services, "anti_bullying_week_of", missed_first_time)

    with pytest.raises(ValidationError) as refused:
        services.create_event(school=school, academic_year=year, fields=WEEK, by=coordinator)

    assert "2025–26 already has its Anti-Bullying Week" in refused.value.message_dict["kind"][0]
    assert len(calls) == 2  # the check missed it; the constraint's refusal named it
    assert Event.objects.count() == 1


def test_each_year_has_its_own_anti_bullying_week(school, coordinator):
    services.create_event(school=school, academic_year=year_2025(school), fields=WEEK, by=None)
    last = EventFields(
        kind=Event.Kind.ANTI_BULLYING_WEEK,
        name="Anti-Bullying Week 2024",
        starts_on=dt.date(2024, 11, 11),
        ends_on=dt.date(2024, 11, 15),
    )

    services.create_event(school=school, academic_year=year_2024(school), fields=last, by=None)

    assert Event.objects.filter(kind=Event.Kind.ANTI_BULLYING_WEEK).count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"starts_on": dt.date(2025, 8, 29), "ends_on": dt.date(2025, 9, 2)},
            "starts_on",
            "Choose a day within the academic year 2025–26 (1 September 2025 to 31 August 2026).",
        ),
        (
            {"ends_on": dt.date(2026, 9, 1)},
            "ends_on",
            "Choose a day within the academic year 2025–26 (1 September 2025 to 31 August 2026).",
        ),
        ({"ends_on": dt.date(2025, 10, 7)}, "ends_on", services.LAST_BEFORE_FIRST),
        ({"reach": 5001}, "reach", services.REACH_OUT_OF_RANGE),
        ({"reach": -1}, "reach", services.REACH_OUT_OF_RANGE),
        ({"name": "   "}, "name", services.NAME_NEEDED),
        ({"name": "x" * 151}, "name", "Keep the event's name to 150 characters (it has 151)."),
        ({"notes": "x" * 4001}, "notes", "Keep the notes to 4,000 characters (they have 4,001)."),
        ({"kind": "party"}, "kind", services.KIND_UNKNOWN),
    ],
)
def test_bad_fields_are_refused_in_words_and_nothing_is_made(
    school, coordinator, changes, field, message
):
    with pytest.raises(ValidationError) as refused:
        services.create_event(
            school=school, academic_year=year_2025(school), fields=fields(**changes), by=None
        )

    assert message in messages_of(refused.value)[field]
    assert not Event.objects.exists()


def test_another_schools_mentor_is_refused(school, other_school):
    theirs = MentorFactory(
        school=other_school,
        pupil=PupilFactory(school=other_school, year_group=10),
        academic_year=year_2025(other_school),
    )

    with pytest.raises(ValidationError) as refused:
        services.create_event(
            school=school, academic_year=year_2025(school), fields=fields(mentors=[theirs]), by=None
        )

    assert messages_of(refused.value) == {
        "mentors": ["Choose mentors of this school serving in 2025–26."]
    }


def test_a_mentor_of_another_year_is_refused(school):
    last_years = MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, year_group=11),
        academic_year=year_2024(school),
    )

    with pytest.raises(ValidationError) as refused:
        services.create_event(
            school=school,
            academic_year=year_2025(school),
            fields=fields(mentors=[last_years]),
            by=None,
        )

    assert "mentors" in refused.value.message_dict


def test_another_schools_year_is_refused(school, other_school):
    with pytest.raises(ValidationError):
        services.create_event(
            school=school, academic_year=year_2025(other_school), fields=fields(), by=None
        )

    assert not Event.objects.exists()


# --- Changing and deleting ------------------------------------------------------------------


def test_a_change_moves_the_version_on(school, coordinator):
    made = event(school)
    kwame = trained_mentor(school, "Kwame")

    changed = services.change_event(
        event=made, version=1, fields=fields(reach=210, mentors=[kwame]), by=coordinator
    )

    changed.refresh_from_db()
    assert (changed.reach, changed.version) == (210, 2)
    assert list(changed.mentors.all()) == [kwame]
    assert AuditEntry.objects.filter(action="outreach.event_changed").count() == 1


def test_the_second_of_two_editors_is_told_who_changed_it_and_overwrites_nothing(
    school, coordinator, school_admin
):
    made = event(school)
    services.change_event(
        event=Event.objects.get(pk=made.pk), version=1, fields=fields(reach=210), by=coordinator
    )

    with pytest.raises(StaleEvent) as stale:
        services.change_event(
            event=Event.objects.get(pk=made.pk),
            version=1,
            fields=fields(reach=999, name="Overwritten"),
            by=school_admin,
        )

    assert stale.value.messages[0].startswith("Helen changed this event at ")
    assert stale.value.current.reach == 210
    made.refresh_from_db()
    assert (made.name, made.reach, made.version) == ("Year 7 assembly", 210, 2)


def test_an_event_cannot_be_made_a_second_anti_bullying_week(school):
    event(school, kind=Event.Kind.ANTI_BULLYING_WEEK, name="Anti-Bullying Week 2025")
    assembly = event(school)

    with pytest.raises(ValidationError) as refused:
        services.change_event(
            event=assembly, version=1, fields=fields(kind=Event.Kind.ANTI_BULLYING_WEEK), by=None
        )

    assert "already has its Anti-Bullying Week" in refused.value.message_dict["kind"][0]
    assembly.refresh_from_db()
    assert assembly.kind == Event.Kind.ASSEMBLY and assembly.version == 1


def test_the_anti_bullying_week_itself_can_be_changed(school):
    week = event(
        school,
        kind=Event.Kind.ANTI_BULLYING_WEEK,
        name="Anti-Bullying Week 2025",
        starts_on=dt.date(2025, 11, 10),
        ends_on=dt.date(2025, 11, 14),
    )

    services.change_event(event=week, version=1, fields=WEEK, by=None)

    week.refresh_from_db()
    assert week.reach == 1100


def test_deleting_writes_the_audit_entry_first(school, coordinator):
    made = event(school)

    services.delete_event(event=made, by=coordinator)

    assert not Event.objects.exists()
    entry = AuditEntry.objects.get(action="outreach.event_deleted")
    assert entry.target_label == "Year 7 assembly" and entry.school == school
