"""Who may reach each supervision page and what a POST to it changes; merged into
schools/tests/test_access.py. A colleague covering a session is tested in test_views.py."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from peermentoring.core.roles import Role
from peermentoring.schools.models import SchoolDayWindow
from peermentoring.supervision.models import Action, Session, SessionMentor, SupervisionGroup
from tests.support.access import GET, GET_POST, POST, Access, ForeignPost, school_of
from tests.support.builders import make_mentor
from tests.support.factories import MembershipFactory, UserFactory

COORDINATOR = frozenset({Role.COORDINATOR})


def staff_of(school: Any, first_name: str = "Helen") -> Any:
    return MembershipFactory(
        user=UserFactory(first_name=first_name), school=school, role=Role.COORDINATOR
    ).user


def a_window(school: Any) -> SchoolDayWindow:
    window, _ = SchoolDayWindow.objects.get_or_create(
        school=school,
        weekday=SchoolDayWindow.Weekday.TUESDAY,
        kind=SchoolDayWindow.Kind.LUNCH,
        defaults={"start_time": dt.time(12, 30), "end_time": dt.time(13, 15)},
    )
    return window


def a_group(school: Any, name: str = "") -> SupervisionGroup:
    name = name or f"Tuesday group {SupervisionGroup.objects.count() + 1}"
    group = SupervisionGroup.objects.create(
        school=school, name=name, coordinator=staff_of(school), window=a_window(school)
    )
    group.members.set([make_mentor(school)])
    return group


def a_session(school: Any) -> Session:
    group = a_group(school)
    session = Session.objects.create(
        school=school,
        group=group,
        week_of=dt.date(2025, 11, 17),
        held_on=dt.date(2025, 11, 18),
        led_by=group.coordinator,
    )
    for mentor in group.members.all():
        SessionMentor.objects.create(session=session, mentor=mentor)
    return session


def _group(school: Any, viewer: Any) -> dict[str, int]:
    return {"group_pk": a_group(school).pk}


def _session(school: Any, viewer: Any) -> dict[str, int]:
    return {"session_pk": a_session(school).pk}


def _action(school: Any, viewer: Any) -> dict[str, int]:
    session = a_session(school)
    action = Action.objects.create(
        school=school, group=session.group, session=session, text="Ask the tutor"
    )
    return {"action_pk": action.pk}


# --- What an allowed POST sends and changes --------------------------------------------


def _group_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "name": "Thursday group",
        "coordinator": viewer.pk,
        "window": a_window(school).pk,
        "members": [make_mentor(school).pk],
    }


def _group_made(response: Any, kwargs: dict[str, int]) -> None:
    group = SupervisionGroup.objects.get(school=school_of(response), name="Thursday group")
    assert group.members.count() == 1


def _session_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    row = SessionMentor.objects.get(session=kwargs["session_pk"])
    return {
        "version": 1,
        "submission_key": str(uuid.uuid4()),
        f"m{row.mentor_id}-attendance": "present",
        f"m{row.mentor_id}-action": "Ask the tutor",
        f"m{row.mentor_id}-who": "Mr Patel",
    }


def _session_saved(response: Any, kwargs: dict[str, int]) -> None:
    assert SessionMentor.objects.get(session=kwargs["session_pk"]).attendance == "present"
    assert Action.objects.get(session=kwargs["session_pk"]).owner_name == "Mr Patel"
    assert Session.objects.get(pk=kwargs["session_pk"]).version == 2


def _cover_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"colleague": staff_of(school, "Sunita").pk}


def _covered(response: Any, kwargs: dict[str, int]) -> None:
    assert Session.objects.get(pk=kwargs["session_pk"]).led_by.first_name == "Sunita"


def _closed(response: Any, kwargs: dict[str, int]) -> None:
    assert Action.objects.get(pk=kwargs["action_pk"]).closed_at is not None


ACCESS: dict[str, Access] = {
    "supervision:group-list": Access(COORDINATOR, None, GET),
    "supervision:group-create": Access(COORDINATOR, None, GET_POST, _group_made, _group_body),
    "supervision:group-edit": Access(COORDINATOR, _group, GET_POST, _group_made, _group_body),
    "supervision:group-week": Access(COORDINATOR, _group, GET),
    "supervision:session-detail": Access(
        COORDINATOR, _session, GET_POST, _session_saved, _session_body
    ),
    "supervision:session-cover": Access(COORDINATOR, _session, GET_POST, _covered, _cover_body),
    "supervision:action-list": Access(COORDINATOR, None, GET),
    "supervision:action-close": Access(COORDINATOR, _action, POST, _closed),
}


# --- Another school's rows named in POST bodies ------------------------------------------


def _refused_on_the_form(response: Any) -> None:
    assert response.status_code == 200, response.status_code
    assert "Select a valid choice" in response.text


def _foreign_member(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    theirs = make_mentor(other_school)
    data = {
        "name": "Thursday group",
        "coordinator": viewer.pk,
        "window": a_window(school).pk,
        "members": [theirs.pk],
    }

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not SupervisionGroup.objects.filter(members=theirs).exists()

    return ForeignPost({}, data, unchanged)


def _foreign_coordinator(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    group = a_group(school)
    theirs = staff_of(other_school, "Owen")
    data = {"name": "Renamed", "coordinator": theirs.pk, "window": a_window(other_school).pk}

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        group.refresh_from_db()
        assert group.name != "Renamed"
        assert group.coordinator_id != theirs.pk

    return ForeignPost({"group_pk": group.pk}, data, unchanged)


def _foreign_owner(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    session = a_session(school)
    row = SessionMentor.objects.get(session=session)
    theirs = staff_of(other_school, "Owen")
    data = {
        "version": 1,
        "submission_key": str(uuid.uuid4()),
        f"m{row.mentor_id}-action": "Ask the tutor",
        f"m{row.mentor_id}-owner": theirs.pk,
    }

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not Action.objects.exists()
        assert Session.objects.get(pk=session.pk).version == 1

    return ForeignPost({"session_pk": session.pk}, data, unchanged)


def _foreign_colleague(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    session = a_session(school)
    theirs = staff_of(other_school, "Owen")

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert Session.objects.get(pk=session.pk).led_by_id != theirs.pk

    return ForeignPost({"session_pk": session.pk}, {"colleague": theirs.pk}, unchanged)


FOREIGN_POSTS = {
    "supervision:group-create": _foreign_member,
    "supervision:group-edit": _foreign_coordinator,
    "supervision:session-detail": _foreign_owner,
    "supervision:session-cover": _foreign_colleague,
}
NO_ROW_FIELDS = {"supervision:action-close"}
