"""Who may reach each matching page and what a POST to it changes; merged into
schools/tests/test_access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peermentoring.core.roles import Role
from peermentoring.matching.models import DoNotPair, MatchingSettings, MatchRun, Pairing
from peermentoring.mentors.models import Mentor, MentorFreeWindow
from peermentoring.schools.models import SchoolDayWindow
from tests.support.access import (
    GET,
    GET_POST,
    POST,
    STAFF,
    Access,
    ForeignPost,
    school_of,
)
from tests.support.builders import accepted_referral, make_mentor
from tests.support.factories import PupilFactory

SETUP = frozenset({Role.COORDINATOR, Role.SCHOOL_ADMIN})
MENTOR = frozenset({Role.MENTOR})


def _mentor(school: Any, viewer: Any) -> dict[str, int]:
    return {"mentor_pk": make_mentor(school).pk}


def _do_not_pair(school: Any, viewer: Any) -> dict[str, int]:
    entry = DoNotPair.objects.create(
        school=school, pupil=PupilFactory(school=school), other=PupilFactory(school=school)
    )
    return {"entry_pk": entry.pk}


def _run(school: Any, viewer: Any) -> dict[str, int]:
    """A proposal with one pair, so its confirmation page has something to confirm."""
    referral, mentor = accepted_referral(school), make_mentor(school)
    pair = {
        "referral": referral.pk,
        "mentee": referral.child_name,
        "form_group": referral.pupil.form_group,
        "mentor_id": mentor.pk,
        "mentor": str(mentor),
        "score": 1.0,
        "reasons": [],
        "locked": False,
    }
    run = MatchRun.objects.create(
        school=school, proposal={"pairs": [pair], "unmatched": [], "total_score": 1.0}
    )
    return {"run_pk": run.pk}


def _pairing(school: Any, viewer: Any) -> dict[str, int]:
    referral = accepted_referral(school)
    pairing = Pairing.objects.create(
        school=school, mentor=make_mentor(school), mentee=referral.pupil, referral=referral
    )
    return {"pairing_pk": pairing.pk}


# --- What an allowed POST sends and changes --------------------------------------------


def _weights_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    weights = ("interests", "primary", "language", "gender", "windows", "experience", "form_house")
    return {f"{name}_weight": 5 for name in weights} | {"form_house_rule": "same_house"}


def _weights_saved(response: Any, kwargs: dict[str, int]) -> None:
    saved = MatchingSettings.objects.get(school=school_of(response))
    assert (saved.interests_weight, saved.form_house_rule) == (5, "same_house")
    assert not saved.requires_consent  # an unticked box is a change too


def _mentor_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"capacity": 2, "free_windows": [_their_window(school).pk]}


def _mentor_saved(response: Any, kwargs: dict[str, int]) -> None:
    mentor = Mentor.objects.get(pk=kwargs["mentor_pk"])
    assert mentor.capacity == 2
    windows = MentorFreeWindow.objects.filter(mentor=mentor).values_list("window", flat=True)
    assert list(windows) == [_their_window(mentor.school).pk]


def _do_not_pair_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    pupil, other = PupilFactory(school=school), PupilFactory(school=school)
    return {"pupil": pupil.pk, "other": other.pk, "kind": "conflict", "note": "Fell out"}


def _do_not_pair_added(response: Any, kwargs: dict[str, int]) -> None:
    entry = DoNotPair.objects.get(school=school_of(response))
    assert (entry.kind, entry.note) == ("conflict", "Fell out")


def _do_not_pair_gone(response: Any, kwargs: dict[str, int]) -> None:
    assert not DoNotPair.objects.filter(pk=kwargs["entry_pk"]).exists()


def _run_made(response: Any, kwargs: dict[str, int]) -> None:
    run = MatchRun.objects.get(school=school_of(response))
    assert response["Location"].endswith(f"/matching/runs/{run.pk}/")


def _proposed_pair(kwargs: dict[str, int]) -> list[int]:
    pair = MatchRun.objects.get(pk=kwargs["run_pk"]).proposal["pairs"][0]
    return [pair["referral"], pair["mentor_id"]]


def _forbid_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    referral, mentor = _proposed_pair(kwargs)
    return {"action": "forbid", "referral": referral, "mentor": mentor}


def _pair_forbidden(response: Any, kwargs: dict[str, int]) -> None:
    run = MatchRun.objects.get(pk=kwargs["run_pk"])
    assert len(run.forbidden) == 1 and run.locked == []


def _run_confirmed(response: Any, kwargs: dict[str, int]) -> None:
    run = MatchRun.objects.get(pk=kwargs["run_pk"])
    assert run.status == MatchRun.Status.CONFIRMED
    assert Pairing.objects.filter(school=run.school).active().count() == 1


def _end_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"reason": Pairing.EndReason.COMPLETED, "note": "A good year"}


def _pairing_ended(response: Any, kwargs: dict[str, int]) -> None:
    pairing = Pairing.objects.get(pk=kwargs["pairing_pk"])
    assert (pairing.status, pairing.end_reason) == (
        Pairing.Status.ENDED,
        Pairing.EndReason.COMPLETED,
    )


ACCESS: dict[str, Access] = {
    "matching:home": Access(SETUP, None, GET),
    "matching:settings": Access(SETUP, None, GET_POST, _weights_saved, _weights_body),
    "matching:mentor-list": Access(SETUP, None, GET),
    "matching:mentor-edit": Access(SETUP, _mentor, GET_POST, _mentor_saved, _mentor_body),
    "matching:do-not-pair": Access(SETUP, None, GET_POST, _do_not_pair_added, _do_not_pair_body),
    "matching:do-not-pair-remove": Access(SETUP, _do_not_pair, POST, _do_not_pair_gone),
    "matching:run-start": Access(SETUP, None, POST, _run_made),
    "matching:run-detail": Access(SETUP, _run, GET),
    "matching:run-adjust": Access(SETUP, _run, POST, _pair_forbidden, _forbid_body),
    "matching:run-confirm": Access(SETUP, _run, GET_POST, _run_confirmed),
    "matching:pairing-list": Access(STAFF, None, GET),
    "matching:pairing-end": Access(SETUP, _pairing, GET_POST, _pairing_ended, _end_body),
    "matching:my-mentee": Access(MENTOR, None, GET, moved_to="meetings:my-mentee"),
}


# --- Another school's rows named in POST bodies ------------------------------------------


def _their_window(school: Any) -> SchoolDayWindow:
    window, _ = SchoolDayWindow.objects.get_or_create(
        school=school,
        weekday=SchoolDayWindow.Weekday.TUESDAY,
        kind=SchoolDayWindow.Kind.LUNCH,
        defaults={"start_time": dt.time(12, 30), "end_time": dt.time(13, 15)},
    )
    return window


def _refused_on_the_form(response: Any) -> None:
    assert response.status_code == 200, response.status_code
    assert "Select a valid choice" in response.text


def _foreign_mentor_windows(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    window = _their_window(other_school)
    url_kwargs = _mentor(school, viewer)

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not MentorFreeWindow.objects.filter(window=window).exists()
        assert not MentorFreeWindow.objects.filter(mentor_id=url_kwargs["mentor_pk"]).exists()

    return ForeignPost(url_kwargs, {"capacity": 2, "free_windows": [window.pk]}, unchanged)


def _foreign_do_not_pair(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    pupil, other = PupilFactory(school=other_school), PupilFactory(school=other_school)
    PupilFactory(school=school)

    def unchanged(response: Any) -> None:
        _refused_on_the_form(response)
        assert not DoNotPair.objects.exists()

    data = {"pupil": pupil.pk, "other": other.pk, "kind": "conflict", "note": ""}
    return ForeignPost({}, data, unchanged)


def _foreign_adjust(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    url_kwargs = _run(school, viewer)
    referral, mentor = accepted_referral(other_school), make_mentor(other_school)

    def unchanged(response: Any) -> None:
        assert response.status_code == 302, response.status_code
        run = MatchRun.objects.get(pk=url_kwargs["run_pk"])
        assert (run.locked, run.forbidden) == ([], [])

    data = {"action": "forbid", "referral": referral.pk, "mentor": mentor.pk}
    return ForeignPost(url_kwargs, data, unchanged)


FOREIGN_POSTS = {
    "matching:mentor-edit": _foreign_mentor_windows,
    "matching:do-not-pair": _foreign_do_not_pair,
    "matching:run-adjust": _foreign_adjust,
}
NO_ROW_FIELDS = {
    "matching:settings",
    "matching:do-not-pair-remove",
    "matching:run-start",
    "matching:run-confirm",
    "matching:pairing-end",
}
