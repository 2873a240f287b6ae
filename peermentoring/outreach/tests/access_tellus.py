"""Who may reach each page of the tellus area, and what a POST to it changes.

The pupils' form is the pupils' alone (a member of staff gets 403: a worried adult raises a
safeguarding concern instead); the reports are read by the coordinator and the safeguarding
lead and deputies only: every pupil role, the school admin and the trust lead get 403 on
every report page. Who receives reports is set up by the coordinator or school admin."""

from __future__ import annotations

import uuid
from typing import Any

from peermentoring.core.roles import PUPIL_ROLES, Role
from peermentoring.outreach.models import TellUsRecipient, TellUsReport
from tests.support.access import GET, GET_POST, SETUP, Access, ForeignPost, school_of, viewer_of
from tests.support.factories import MembershipFactory, TellUsReportFactory, UserFactory

PUPILS = frozenset(PUPIL_ROLES)
READERS = frozenset({Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD})


def _report_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "submission_key": str(uuid.uuid4()),
        "about": "me",
        "category": "online",
        "what_happened": "Someone in my form keeps posting about me in the class group chat.",
        "where": "Online",
        "sender": "named",
    }


def _report_sent(response: Any, kwargs: dict[str, int]) -> None:
    assert response.status_code == 200
    report = TellUsReport.objects.get(school=school_of(response))
    assert report.reporter == viewer_of(response)
    assert report.category == TellUsReport.Category.ONLINE


def _a_report(school: Any, viewer: Any) -> dict[str, int]:
    return {"report_pk": TellUsReportFactory(school=school).pk}


def _triage_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"decision": "pastoral", "note": "Spoke to the form tutor."}


def _triaged(response: Any, kwargs: dict[str, int]) -> None:
    report = TellUsReport.objects.get(pk=kwargs["report_pk"])
    assert report.status == TellUsReport.Status.PASTORAL
    assert report.triaged_by == viewer_of(response)


def _recipients_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    lead = MembershipFactory(
        school=school, role=Role.SAFEGUARDING_LEAD, user=UserFactory(first_name="Priya")
    ).user
    return {"recipients": [lead.pk]}


def _recipients_saved(response: Any, kwargs: dict[str, int]) -> None:
    named = TellUsRecipient.objects.get(school=school_of(response))
    assert named.user.first_name == "Priya"


ACCESS: dict[str, Access] = {
    "outreach:tell-us": Access(PUPILS, None, GET_POST, _report_sent, _report_body),
    "outreach:tellus-reports": Access(READERS, None, GET),
    "outreach:tellus-report": Access(READERS, _a_report, GET_POST, _triaged, _triage_body),
    "outreach:tellus-recipients": Access(
        SETUP, None, GET_POST, _recipients_saved, _recipients_body
    ),
}


def _foreign_recipient(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's coordinator named to receive this school's reports: refused."""
    theirs = MembershipFactory(school=other_school, role=Role.COORDINATOR).user

    def unchanged(response: Any) -> None:
        assert response.status_code == 200
        assert not TellUsRecipient.objects.exists()

    return ForeignPost({}, {"recipients": [theirs.pk]}, unchanged)


FOREIGN_POSTS: dict[str, Any] = {"outreach:tellus-recipients": _foreign_recipient}
# The form and the triage name no row in their bodies (the report is in the address).
NO_ROW_FIELDS: set[str] = {"outreach:tell-us", "outreach:tellus-report"}
