"""Who may reach each safeguarding page and what a POST to it changes (merged into
schools/tests/test_access.py). Only the safeguarding lead opens a concern."""

from __future__ import annotations

import uuid
from typing import Any

from peermentoring.core.roles import Role
from peermentoring.safeguarding.models import (
    ChronologyEntry,
    Concern,
    EscalationContact,
    SafeguardingSettings,
)
from tests.support.access import GET, GET_POST, Access, ForeignPost, school_of, viewer_of
from tests.support.factories import ChronologyEntryFactory, ConcernFactory, PupilFactory

LEAD = frozenset({Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD})
# Anyone in the school raises a concern, but the trust lead (figures only).
RAISERS = frozenset(Role) - {Role.TRUST_LEAD}


def _concern(school, viewer):
    return {"concern_pk": ConcernFactory(school=school).pk}


def _pupil(school, viewer):
    return {"pupil_pk": ConcernFactory(school=school).pupil_id}


def _own_concern(school, viewer):
    return {"concern_pk": ConcernFactory(school=school, raised_by=viewer).pk}


def _raise_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "about_name": "Sam in 7C",
        "what_happened": "Sam was crying at break and said he is scared to go home.",
        "told_staff": "no",
        "urgency": "today",
    }


def _raised(response: Any, kwargs: dict[str, int]) -> None:
    concern = Concern.objects.for_school(school_of(response)).get()
    assert concern.raised_by == viewer_of(response)
    assert concern.entries.get().kind == ChronologyEntry.Kind.RAISED
    assert response.status_code == 302


def _entry_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"kind": "action", "text": "Phoned home; spoke to mum."}


def _entry_added(response: Any, kwargs: dict[str, int]) -> None:
    entry = ChronologyEntry.objects.filter(concern_id=kwargs["concern_pk"]).get()
    assert (entry.kind, entry.text) == ("action", "Phoned home; spoke to mum.")
    assert entry.written_by == viewer_of(response)


def _settings_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"acknowledge_within_minutes": 45, "day_ends_at": "15:10", "contacts": [viewer.pk]}


def _settings_saved(response: Any, kwargs: dict[str, int]) -> None:
    conf = SafeguardingSettings.objects.get(school=school_of(response))
    assert conf.acknowledge_within_minutes == 45
    assert list(
        EscalationContact.objects.filter(school=school_of(response)).values_list("user", flat=True)
    ) == [viewer_of(response).pk]


ACCESS = {
    "safeguarding:concern-list": Access(LEAD, None, GET),
    "safeguarding:concern-raise": Access(RAISERS, None, GET_POST, _raised, _raise_body),
    "safeguarding:concern-received": Access(RAISERS, _own_concern, GET),
    "safeguarding:concern-detail": Access(LEAD, _concern, GET_POST, _entry_added, _entry_body),
    "safeguarding:access-log": Access(LEAD, None, GET),
    "safeguarding:concern-print": Access(LEAD, _concern, GET),
    "safeguarding:concern-json": Access(LEAD, _concern, GET),
    "safeguarding:pupil-chronology": Access(LEAD, _pupil, GET),
    "safeguarding:pupil-json": Access(LEAD, _pupil, GET),
    "safeguarding:concern-status": Access(frozenset({Role.COORDINATOR}), None, GET),
    "safeguarding:settings": Access(LEAD, None, GET_POST, _settings_saved, _settings_body),
}


def _foreign_pupil(school, other_school, viewer):
    theirs = PupilFactory(school=other_school)

    def unchanged(response):
        assert response.status_code == 404
        assert not Concern.objects.exists()

    data = _raise_body(school, viewer, {})
    return ForeignPost({}, {**data, "pupil": theirs.pk}, unchanged)


def _foreign_correction(school, other_school, viewer):
    ours = ConcernFactory(school=school)
    theirs = ChronologyEntryFactory(concern=ConcernFactory(school=other_school))

    def unchanged(response):
        assert response.status_code == 200  # the form refuses an entry not of this concern
        assert not ours.entries.exists()
        assert not theirs.corrections.exists()

    data = {"kind": "correction", "text": "Wrong day", "corrects": theirs.pk}
    return ForeignPost({"concern_pk": ours.pk}, data, unchanged)


def _foreign_contact(school, other_school, viewer):
    from tests.support.factories import MembershipFactory, UserFactory

    theirs = MembershipFactory(user=UserFactory(), school=other_school, role=Role.COORDINATOR)

    def unchanged(response):
        assert response.status_code == 200  # refused: not one of this school's staff
        assert not EscalationContact.objects.exists()

    data = {"acknowledge_within_minutes": 30, "day_ends_at": "15:30", "contacts": [theirs.user_id]}
    return ForeignPost({}, data, unchanged)


FOREIGN_POSTS = {
    "safeguarding:settings": _foreign_contact,
    "safeguarding:concern-raise": _foreign_pupil,
    "safeguarding:concern-detail": _foreign_correction,
}
