"""The demo school's aims and policies, as `load_evidence_demo` makes them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from peermentoring.core.registry import todo_items
from peermentoring.core.roles import Role
from peermentoring.evaluation.evidence_demo import load_evidence_demo
from peermentoring.evaluation.evidence_pack import Period, build_pack
from peermentoring.evaluation.models import Policy, PolicyAcknowledgement, PolicyVersion
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import Membership
from tests.support.factories import MentorFactory, PupilFactory, pupil_member, this_year

pytestmark = pytest.mark.django_db


def test_the_demo_has_aims_four_policies_and_acknowledgements(school, coordinator):
    year = this_year(school)
    for _ in range(12):
        MentorFactory(
            school=school,
            pupil=PupilFactory(school=school, year_group=10),
            academic_year=year,
            status=Mentor.Status.TRAINED,
        )
    signs_in = pupil_member(school, Role.MENTOR, given_name="Demo", year_group=10)
    MentorFactory(school=school, pupil=signs_in.pupil, academic_year=year)

    load_evidence_demo(school)

    titles = set(Policy.objects.for_school(school).values_list("title", flat=True))
    assert "Aims of our peer mentoring scheme" in titles
    assert {"Safeguarding policy for the peer mentoring scheme", "Confidentiality"} <= titles
    assert {"Anti-bullying policy", "Code of conduct for peer mentors"} <= titles
    assert PolicyAcknowledgement.objects.for_school(school).count() > 12
    assert not PolicyAcknowledgement.objects.filter(pupil=signs_in.pupil).exists()
    # Mentors without a sign-in signed paper copies, each recorded by the coordinator.
    acks = PolicyAcknowledgement.objects.for_school(school)
    assert {(a.is_paper, a.by_id, timezone.localtime(a.at).hour) for a in acks} == {
        (True, coordinator.pk, 12)
    }
    membership = Membership.objects.select_related("school").get(pk=signs_in.pk)
    assert len(todo_items(membership)) >= 5
    pack = build_pack(school, Period.for_year(year))
    assert len(pack.policies) == 5


def test_the_demo_safeguarding_policy_has_two_versions_when_the_year_is_under_way(
    school, coordinator
):
    year = this_year(school)
    load_evidence_demo(school)

    safeguarding = PolicyVersion.objects.filter(
        policy__school=school, policy__title__startswith="Safeguarding"
    )
    started_long_ago = (timezone.localdate() - year.starts_on).days > 12
    assert safeguarding.count() == (2 if started_long_ago else 1)
