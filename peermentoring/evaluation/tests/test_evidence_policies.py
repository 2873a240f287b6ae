"""Aims and policies: versions kept, mentors' "read and understood", and who sees what."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.core.registry import todo_items
from peermentoring.core.roles import Role
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.evidence_home import policies_to_read
from peermentoring.evaluation.models import Policy, PolicyAcknowledgement, PolicyVersion
from peermentoring.evaluation.tests.access_evidence import (
    SAFEGUARDING_TEXT,
    current_version,
    make_policy,
)
from peermentoring.schools.models import Membership
from tests.support.factories import MentorFactory, pupil_member, this_year

pytestmark = pytest.mark.django_db


def _url(name: str, school, **kwargs) -> str:
    return reverse(f"evaluation:{name}", kwargs={"school_slug": school.slug, **kwargs})


def _membership(user, school) -> Membership:
    return Membership.objects.select_related("school", "pupil").get(user=user, school=school)


def _publish(policy, text, based_on, *, by=None, key=None):
    return services.publish_version(
        policy=policy, text=text, based_on=based_on, submission_key=key, by=by
    )


# --- Versions ------------------------------------------------------------------------


def test_publishing_a_new_version_keeps_the_old_one_readable(school, coordinator, client_for):
    policy = make_policy(school, by=coordinator)

    _publish(policy, "Version two: tell the coordinator the same day.", 1, by=coordinator)

    versions = list(PolicyVersion.objects.filter(policy=policy).order_by("number"))
    assert [(v.number, v.is_current) for v in versions] == [(1, False), (2, True)]
    old = client_for(coordinator).get(_url("policy-version", school, policy_pk=policy.pk, number=1))
    assert old.status_code == 200
    assert "They never promise to keep a secret." in old.content.decode()
    assert "A later version has replaced it." in old.content.decode()


def test_the_edit_page_publishes_version_two_and_says_so(school, coordinator, client_for):
    policy = make_policy(school)

    response = client_for(coordinator).post(
        _url("policy-edit", school, policy_pk=policy.pk),
        {"text": "New words.", "is_for_mentors": "on", "based_on": "1"},
        follow=True,
    )

    assert "version 2 is in force" in response.content.decode()
    assert AuditEntry.objects.filter(action="evaluation.policy_published").count() == 1


def test_publishing_the_same_text_again_is_refused(school):
    policy = make_policy(school)

    with pytest.raises(ValidationError) as refused:
        _publish(policy, SAFEGUARDING_TEXT, 1)

    assert services.TEXT_UNCHANGED in str(refused.value)
    assert PolicyVersion.objects.filter(policy=policy).count() == 1


def test_an_edit_based_on_an_older_version_is_shown_the_newer_one_not_overwriting_it(
    school, coordinator, client_for
):
    policy = make_policy(school)
    _publish(policy, "Published meanwhile by a colleague.", 1)

    response = client_for(coordinator).post(
        _url("policy-edit", school, policy_pk=policy.pk),
        {"text": "My change to version one.", "based_on": "1"},
    )

    assert response.status_code == 400
    assert "Published meanwhile by a colleague." in response.content.decode()
    assert current_version(policy).text == "Published meanwhile by a colleague."
    assert PolicyVersion.objects.filter(policy=policy).count() == 2


def test_the_same_publish_form_sent_twice_publishes_once(school, coordinator, client_for):
    policy = make_policy(school)
    body = {"text": "Twice sent.", "based_on": "1", "submission_key": str(uuid.uuid4())}
    client = client_for(coordinator)

    first = client.post(_url("policy-edit", school, policy_pk=policy.pk), body)
    second = client.post(_url("policy-edit", school, policy_pk=policy.pk), body)

    assert first.status_code == second.status_code == 302
    assert PolicyVersion.objects.filter(policy=policy).count() == 2


def test_the_same_add_form_sent_twice_adds_one_policy(school, coordinator, client_for):
    body = {
        "title": "Confidentiality",
        "kind": Policy.Kind.POLICY,
        "text": "What a mentee tells you stays private, unless someone is unsafe.",
        "submission_key": str(uuid.uuid4()),
    }
    client = client_for(coordinator)

    first = client.post(_url("policy-add", school), body)
    second = client.post(_url("policy-add", school), body)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Policy.objects.for_school(school).count() == 1


def test_a_second_policy_with_the_same_title_is_refused_with_a_message(
    school, coordinator, client_for
):
    make_policy(school, "Anti-bullying policy")

    response = client_for(coordinator).post(
        _url("policy-add", school),
        {"title": "Anti-bullying policy", "kind": Policy.Kind.POLICY, "text": "Other words."},
    )

    assert response.status_code == 400
    assert "already has a policy called" in response.content.decode()


def test_megabytes_of_text_are_refused_with_a_clear_message(school, coordinator, client_for):
    response = client_for(coordinator).post(
        _url("policy-add", school),
        {"title": "Huge", "kind": Policy.Kind.POLICY, "text": "x" * 2_000_000},
    )

    assert response.status_code == 400
    assert "at most 100,000 characters (it has 2,000,000)" in response.content.decode()
    assert not Policy.objects.exists()


def test_one_version_is_current_whatever_the_order_of_publishing(school):
    policy = make_policy(school)
    for n in range(1, 5):
        _publish(policy, f"Version {n + 1}", n)

    assert list(
        PolicyVersion.objects.filter(policy=policy, is_current=True).values_list("number")
    ) == [(5,)]


# --- Mentors' "read and understood" ---------------------------------------------------


def test_a_mentor_is_asked_to_read_each_policy_for_mentors_on_their_home_page(school, mentor):
    make_policy(school, "Safeguarding policy")
    make_policy(school, "Staff recruitment", is_for_mentors=False)
    make_policy(school, "Our aims", kind=Policy.Kind.AIMS)

    labels = [item.label for item in todo_items(_membership(mentor, school))]

    assert "Read and acknowledge: Safeguarding policy" in labels
    assert "Read and acknowledge: Our aims" in labels
    assert not any("Staff recruitment" in label for label in labels)


def test_ticking_read_and_understood_removes_the_to_do(school, mentor, client_for):
    policy = make_policy(school)
    client = client_for(mentor)

    page = client.get(_url("policy-read", school, policy_pk=policy.pk))
    response = client.post(
        _url("policy-read", school, policy_pk=policy.pk), {"understood": "on", "version": "1"}
    )

    assert "They never promise to keep a secret." in page.content.decode()
    assert response.status_code == 302
    assert PolicyAcknowledgement.objects.filter(version__policy=policy).count() == 1
    assert not any("Safeguarding" in i.label for i in todo_items(_membership(mentor, school)))


def test_a_new_version_asks_the_mentor_again(school, mentor):
    policy = make_policy(school)
    membership = _membership(mentor, school)
    services.acknowledge(version=current_version(policy), membership=membership)
    assert not any("Safeguarding" in i.label for i in todo_items(membership))

    _publish(policy, "Version two.", 1)

    labels = [item.label for item in todo_items(membership)]
    assert "Read and acknowledge: Safeguarding policy (a new version)" in labels


def test_a_tick_on_a_replaced_version_is_refused_and_the_new_one_shown(school, mentor, client_for):
    policy = make_policy(school)
    _publish(policy, "Version two words.", 1)

    response = client_for(mentor).post(
        _url("policy-read", school, policy_pk=policy.pk), {"understood": "on", "version": "1"}
    )

    assert response.status_code == 400
    assert "Version two words." in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_a_tick_on_a_version_replaced_after_it_was_loaded_is_refused_in_the_mentors_words(
    school, mentor
):
    # The request loaded version 1 as in force; a colleague published version 2 since.
    policy = make_policy(school)
    loaded = current_version(policy)
    _publish(policy, "Version two words.", 1)
    assert loaded.is_current  # as the request saw it

    with pytest.raises(ValidationError) as refused:
        services.acknowledge(version=loaded, membership=_membership(mentor, school))

    assert refused.value.messages == [services.NOT_CURRENT]
    assert not PolicyAcknowledgement.objects.exists()


def test_ticking_twice_acknowledges_once(school, mentor, client_for):
    policy = make_policy(school)
    client = client_for(mentor)
    url = _url("policy-read", school, policy_pk=policy.pk)

    client.post(url, {"understood": "on", "version": "1"})
    again = client.post(url, {"understood": "on", "version": "1"})

    assert again.status_code == 302
    assert PolicyAcknowledgement.objects.count() == 1
    assert AuditEntry.objects.filter(action="evaluation.policy_acknowledged").count() == 1


def test_the_tick_box_must_be_ticked(school, mentor, client_for):
    policy = make_policy(school)

    response = client_for(mentor).post(
        _url("policy-read", school, policy_pk=policy.pk), {"version": "1"}
    )

    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_a_policy_not_meant_for_mentors_is_not_theirs_to_open(school, mentor, client_for):
    policy = make_policy(school, "Staff recruitment", is_for_mentors=False)

    response = client_for(mentor).get(_url("policy-read", school, policy_pk=policy.pk))

    assert response.status_code == 404


def test_only_a_mentor_can_acknowledge(school, mentee):
    policy = make_policy(school)

    with pytest.raises(ValidationError):
        services.acknowledge(
            version=current_version(policy), membership=_membership(mentee, school)
        )


def test_the_coordinator_sees_who_has_and_has_not_read_the_current_version(
    school, coordinator, client_for
):
    year = this_year(school)
    read = pupil_member(school, Role.MENTOR, given_name="Ayodele", family_name="Read")
    unread = pupil_member(school, Role.MENTOR, given_name="Bronwen", family_name="Unread")
    for member in (read, unread):
        MentorFactory(school=school, pupil=member.pupil, academic_year=year)
    policy = make_policy(school)
    services.acknowledge(version=current_version(policy), membership=read)

    page = client_for(coordinator).get(_url("policy", school, policy_pk=policy.pk))
    listing = client_for(coordinator).get(_url("policies", school))

    html = page.content.decode()
    assert "1 of 2 have read and understood it" in html
    assert html.index("Bronwen Unread") < html.index("Ayodele Read")  # not yet read first
    assert "1 of 2" in listing.content.decode()

    _publish(policy, "Version two.", 1)
    again = client_for(coordinator).get(_url("policy", school, policy_pk=policy.pk))
    assert "0 of 2 have read and understood it" in again.content.decode()


# --- Who may see what ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["policies", "policy-add", "evidence-pack"])
def test_a_mentor_is_kept_out_of_the_staff_pages(name, school, mentor, client_for):
    assert client_for(mentor).get(_url(name, school)).status_code == 403


def test_a_mentor_cannot_open_the_staff_page_of_a_policy(school, mentor, client_for):
    policy = make_policy(school)
    client = client_for(mentor)

    assert client.get(_url("policy", school, policy_pk=policy.pk)).status_code == 403
    assert client.get(_url("policy-edit", school, policy_pk=policy.pk)).status_code == 403


def test_another_schools_policy_is_a_404_in_every_address(
    school, other_school, coordinator, mentor, client_for
):
    theirs = make_policy(other_school, "Their policy")
    staff = client_for(coordinator)

    assert staff.get(_url("policy", school, policy_pk=theirs.pk)).status_code == 404
    assert staff.get(_url("policy-edit", school, policy_pk=theirs.pk)).status_code == 404
    assert (
        staff.get(_url("policy-version", school, policy_pk=theirs.pk, number=1)).status_code == 404
    )
    pupil = client_for(mentor)
    assert pupil.get(_url("policy-read", school, policy_pk=theirs.pk)).status_code == 404
    pupil.post(
        _url("policy-read", school, policy_pk=theirs.pk), {"understood": "on", "version": "1"}
    )
    assert not PolicyAcknowledgement.objects.exists()


def test_thirty_digit_ids_are_a_404_or_refused(school, coordinator, mentor, client_for):
    huge = 10**30
    staff = client_for(coordinator)
    policy = make_policy(school)

    assert staff.get(_url("policy", school, policy_pk=huge)).status_code == 404
    assert (
        staff.get(_url("policy-version", school, policy_pk=policy.pk, number=huge)).status_code
        == 404
    )
    response = staff.post(
        _url("policy-edit", school, policy_pk=policy.pk), {"text": "New.", "based_on": str(huge)}
    )
    assert response.status_code == 400
    assert client_for(mentor).get(_url("policy-read", school, policy_pk=huge)).status_code == 404


def test_the_mentors_to_do_is_one_query_however_many_policies_and_versions(
    school, mentor, django_assert_num_queries
):
    membership = _membership(mentor, school)
    for n in range(6):
        policy = make_policy(school, f"Policy {n}")
        _publish(policy, "Second version.", 1)
        services.acknowledge(version=current_version(policy), membership=membership)
        _publish(policy, "Third version.", 2)
    with django_assert_num_queries(1):
        items = policies_to_read(membership)

    assert len(items) == 6
