"""Who may reach each page of the evidence area, and what a POST to it changes.

Staff read the aims and policies; the coordinator and the school admin add them, publish
new versions, record a mentor's signed paper copy (and remove one recorded by mistake) and
download the evidence pack; a peer mentor reads the policies meant for
them and acknowledges each. Also the helpers the evidence tests share.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.core.roles import Role
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.models import Policy, PolicyAcknowledgement, PolicyVersion
from tests.support.access import (
    GET,
    GET_POST,
    SETUP,
    STAFF,
    Access,
    ForeignPost,
    school_of,
    viewer_of,
)
from tests.support.factories import MentorFactory, PupilFactory, this_year

MENTOR = frozenset({Role.MENTOR})

SAFEGUARDING_TEXT = (
    "Peer mentors pass on at once anything that worries them about a pupil's safety.\n"
    "They never promise to keep a secret."
)


def make_policy(
    school: Any,
    title: str = "Safeguarding policy",
    text: str = SAFEGUARDING_TEXT,
    *,
    kind: str = Policy.Kind.POLICY,
    is_for_mentors: bool = True,
    by: Any = None,
) -> Policy:
    """A policy of the school with its first version published, as the add page makes it."""
    return services.add_policy(
        school=school,
        fields=services.PolicyFields(
            title=title, kind=kind, is_for_mentors=is_for_mentors, text=text
        ),
        by=by,
    )


def current_version(policy: Policy) -> PolicyVersion:
    return PolicyVersion.objects.get(policy=policy, is_current=True)


_titles = itertools.count(1)


def mentor_pupil(school: Any, given: str = "Amara", family: str = "Okafor") -> Any:
    """A pupil serving as a mentor this year, with no account (as many paper signers are)."""
    pupil = PupilFactory(school=school, given_name=given, family_name=family, form_group="10A")
    return MentorFactory(school=school, pupil=pupil, academic_year=this_year(school)).pupil


def published_days_ago(policy: Policy, days: int) -> PolicyVersion:
    """The policy's version in force, dated as published `days` ago."""
    version = current_version(policy)
    version.published_at = timezone.now() - dt.timedelta(days=days)
    version.save(update_fields=["published_at"])
    return version


def _policy_row(school: Any, viewer: Any) -> dict[str, int]:
    return {"policy_pk": make_policy(school, f"Safeguarding policy {next(_titles)}").pk}


def _version_row(school: Any, viewer: Any) -> dict[str, int]:
    return {**_policy_row(school, viewer), "number": 1}


def _add_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "title": "Code of conduct for peer mentors",
        "kind": Policy.Kind.POLICY,
        "is_for_mentors": "on",
        "text": "Be kind, be on time, keep what you hear private unless someone is unsafe.",
    }


def _added(response: Any, kwargs: dict[str, int]) -> None:
    policy = Policy.objects.for_school(school_of(response)).get(
        title="Code of conduct for peer mentors"
    )
    version = current_version(policy)
    assert version.number == 1 and version.published_by == viewer_of(response)


def _edit_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"text": "A clearer text.", "is_for_mentors": "on", "based_on": "1"}


def _published(response: Any, kwargs: dict[str, int]) -> None:
    versions = PolicyVersion.objects.filter(policy_id=kwargs["policy_pk"]).order_by("number")
    assert [(v.number, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert versions[1].text == "A clearer text." and versions[0].text == SAFEGUARDING_TEXT


def _read_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"understood": "on", "version": "1"}


def _acknowledged(response: Any, kwargs: dict[str, int]) -> None:
    pupil = viewer_of(response).memberships.get(school=school_of(response)).pupil
    assert PolicyAcknowledgement.objects.filter(
        version__policy_id=kwargs["policy_pk"], pupil=pupil
    ).exists()


def _paper_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    mentor = MentorFactory(school=school, academic_year=this_year(school))
    return {
        "pupil": str(mentor.pupil_id),
        "signed_on": timezone.localdate().isoformat(),
        "version": "1",
    }


def _recorded_on_paper(response: Any, kwargs: dict[str, int]) -> None:
    ack = PolicyAcknowledgement.objects.get(version__policy_id=kwargs["policy_pk"])
    assert ack.is_paper and ack.by == viewer_of(response)


def record_on_paper(school: Any, by: Any, policy: Policy | None = None) -> PolicyAcknowledgement:
    """A paper record, today, of a new mentor of this year for the policy's version in force."""
    policy = policy or make_policy(school, f"Safeguarding policy {next(_titles)}")
    mentor = MentorFactory(school=school, academic_year=this_year(school))
    return services.record_paper_acknowledgement(
        version=current_version(policy),
        pupil=mentor.pupil,
        signed_on=timezone.localdate(),
        by=by,
    )


def _paper_row(school: Any, viewer: Any) -> dict[str, int]:
    ack = record_on_paper(school, viewer)
    return {"policy_pk": ack.version.policy_id, "ack_pk": ack.pk}


def _paper_removed(response: Any, kwargs: dict[str, int]) -> None:
    assert not PolicyAcknowledgement.objects.filter(pk=kwargs["ack_pk"]).exists()
    entry = AuditEntry.objects.get(school=school_of(response), action=services.PAPER_REMOVED)
    assert (
        entry.actor == viewer_of(response) and entry.changes["acknowledgement"] == kwargs["ack_pk"]
    )


PACK_DOWNLOADED = "evaluation.evidence_pack_downloaded"


def _pack_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"period": f"year-{this_year(school).pk}", "include_names": "on"}


def _pack_downloaded(response: Any, kwargs: dict[str, int]) -> None:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    entry = AuditEntry.objects.get(school=school_of(response), action=PACK_DOWNLOADED)
    assert entry.actor == viewer_of(response) and entry.changes["include_names"] is True


ACCESS: dict[str, Access] = {
    "evaluation:policies": Access(STAFF, None, GET),
    "evaluation:policy-add": Access(SETUP, None, GET_POST, _added, _add_body),
    "evaluation:policy": Access(STAFF, _policy_row, GET),
    "evaluation:policy-edit": Access(SETUP, _policy_row, GET_POST, _published, _edit_body),
    "evaluation:policy-version": Access(STAFF, _version_row, GET),
    "evaluation:policy-paper": Access(
        SETUP, _policy_row, GET_POST, _recorded_on_paper, _paper_body
    ),
    "evaluation:policy-paper-remove": Access(SETUP, _paper_row, GET_POST, _paper_removed),
    "evaluation:my-policies": Access(MENTOR, None, GET),
    "evaluation:policy-read": Access(MENTOR, _policy_row, GET_POST, _acknowledged, _read_body),
    "evaluation:evidence-pack": Access(SETUP, None, GET_POST, _pack_downloaded, _pack_body),
}


def _foreign_edit(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's policy named in the body of this school's edit: only ours changes."""
    kwargs = _policy_row(school, viewer)
    theirs = make_policy(other_school, "Their safeguarding policy")
    body = _edit_body(school, viewer, kwargs) | {"policy": theirs.pk, "policy_pk": theirs.pk}

    def unchanged(response: Any) -> None:
        assert list(PolicyVersion.objects.filter(policy=theirs).values_list("number")) == [(1,)]

    return ForeignPost(kwargs, body, unchanged)


def _foreign_read(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's version named in a mentor's tick: nothing of theirs acknowledged."""
    kwargs = _policy_row(school, viewer)
    theirs = make_policy(other_school, "Their safeguarding policy")
    version = current_version(theirs)
    body = {"understood": "on", "version": str(version.pk), "policy_pk": theirs.pk}

    def unchanged(response: Any) -> None:
        assert not PolicyAcknowledgement.objects.filter(version__policy=theirs).exists()

    return ForeignPost(kwargs, body, unchanged)


def _foreign_paper(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's mentor, and its policy, named in this school's paper form: refused,
    no acknowledgement of anyone's."""
    kwargs = _policy_row(school, viewer)
    theirs = make_policy(other_school, "Their safeguarding policy")
    their_mentor = MentorFactory(school=other_school, academic_year=this_year(other_school))
    body = {
        "pupil": str(their_mentor.pupil_id),
        "signed_on": timezone.localdate().isoformat(),
        "version": "1",
        "policy_pk": theirs.pk,
    }

    def unchanged(response: Any) -> None:
        assert response.status_code == 400
        assert not PolicyAcknowledgement.objects.exists()

    return ForeignPost(kwargs, body, unchanged)


def _foreign_paper_remove(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's paper record, mentor and policy named in the body of this school's
    remove: theirs stays (only the record in the address, ours, may go)."""
    kwargs = _paper_row(school, viewer)
    theirs = record_on_paper(other_school, viewer)
    body = {
        "ack_pk": theirs.pk,
        "acknowledgement": theirs.pk,
        "pupil": theirs.pupil_id,
        "policy_pk": theirs.version.policy_id,
    }

    def unchanged(response: Any) -> None:
        assert PolicyAcknowledgement.objects.filter(pk=theirs.pk).exists()

    return ForeignPost(kwargs, body, unchanged)


def _foreign_pack(school: Any, other_school: Any, viewer: Any) -> ForeignPost:
    """Another school's term or year as the pack's period: refused, no pack, no audit entry."""
    theirs = this_year(other_school)
    term = theirs.terms.order_by("starts_on")[0]
    this_year(school)
    body = {"period": f"term-{term.pk}", "include_names": "on"}

    def unchanged(response: Any) -> None:
        assert response.status_code in (400, 404)
        assert response["Content-Type"] != "application/zip"
        assert not AuditEntry.objects.filter(action=PACK_DOWNLOADED).exists()

    return ForeignPost({}, body, unchanged)


FOREIGN_POSTS: dict[str, Any] = {
    "evaluation:policy-edit": _foreign_edit,
    "evaluation:policy-read": _foreign_read,
    "evaluation:policy-paper": _foreign_paper,
    "evaluation:policy-paper-remove": _foreign_paper_remove,
    "evaluation:evidence-pack": _foreign_pack,
}
# The add form names no row: a policy is made in the school of the address.
NO_ROW_FIELDS: set[str] = {"evaluation:policy-add"}
