"""Removing a paper record made by mistake (the wrong mentor, the wrong day): only by the
coordinator or school admin, only a paper record, only of the version in force, once, with
an audit line saying what it said; the mentor is then asked to read it again."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.core.roles import Role
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.models import PolicyAcknowledgement
from peermentoring.evaluation.tests.access_evidence import (
    current_version,
    make_policy,
    mentor_pupil,
    published_days_ago,
)
from peermentoring.schools.models import Membership
from tests.support.factories import (
    MembershipFactory,
    MentorFactory,
    UserFactory,
    pupil_member,
    this_year,
)

pytestmark = pytest.mark.django_db

REMOVED = "evaluation.paper_acknowledgement_removed"


def _url(name: str, school, **kwargs) -> str:
    return reverse(f"evaluation:{name}", kwargs={"school_slug": school.slug, **kwargs})


def _remove_url(ack: PolicyAcknowledgement, school=None) -> str:
    school = school or ack.school
    return _url("policy-paper-remove", school, policy_pk=ack.version.policy_id, ack_pk=ack.pk)


def _text(response) -> str:
    """The page as a reader sees it (Django escapes the apostrophes of the messages)."""
    return html.unescape(response.content.decode())


def _on_paper(policy, pupil, by, day: dt.date | None = None) -> PolicyAcknowledgement:
    return services.record_paper_acknowledgement(
        version=current_version(policy),
        pupil=pupil,
        signed_on=day or timezone.localdate(),
        by=by,
    )


@pytest.fixture
def helen(coordinator):
    coordinator.last_name = "Hewitt"
    coordinator.save(update_fields=["last_name"])
    return coordinator


# --- Removing -------------------------------------------------------------------------


def test_the_coordinator_removes_a_paper_record_and_the_audit_log_keeps_what_it_said(
    school, helen, client_for
):
    policy = make_policy(school)
    published_days_ago(policy, 30)
    amara = mentor_pupil(school)
    signed = timezone.localdate() - dt.timedelta(days=10)
    ack = _on_paper(policy, amara, helen, signed)

    response = client_for(helen).post(_remove_url(ack), follow=True)

    assert response.redirect_chain[-1][0] == _url("policy", school, policy_pk=policy.pk)
    assert "The paper record for Amara Okafor was removed." in _text(response)
    assert not PolicyAcknowledgement.objects.exists()
    entry = AuditEntry.objects.get(action=REMOVED)
    assert entry.actor == helen and entry.school == school
    assert entry.target_id == str(policy.pk)
    assert entry.changes == {
        "version": 1,
        "pupil": amara.pk,
        "signed_on": signed.isoformat(),
        "acknowledgement": ack.pk,
    }


def test_the_mentor_is_then_not_yet_read_and_can_be_recorded_again(school, helen, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    ack = _on_paper(policy, amara, helen)
    client = client_for(helen)

    page = client.post(_remove_url(ack), follow=True).content.decode()
    paper_url = _url("policy-paper", school, policy_pk=policy.pk)
    again = client.post(
        paper_url,
        {"pupil": str(amara.pk), "signed_on": timezone.localdate().isoformat(), "version": "1"},
    )

    assert "<strong>Not yet</strong>" in page and "0 of 1 have read" in page
    assert f"{paper_url}?pupil={amara.pk}" in page
    assert again.status_code == 302
    assert PolicyAcknowledgement.objects.get().pupil == amara


def test_a_school_admin_may_remove_too(school, helen, school_admin, client_for):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)

    response = client_for(school_admin).post(_remove_url(ack))

    assert response.status_code == 302
    assert not PolicyAcknowledgement.objects.exists()
    assert AuditEntry.objects.get(action=REMOVED).actor == school_admin


def test_the_mentors_own_policies_ask_them_to_read_it_again(school, helen, mentor, client_for):
    policy = make_policy(school)
    membership = Membership.objects.get(user=mentor, school=school)
    MentorFactory(school=school, pupil=membership.pupil, academic_year=this_year(school))
    ack = _on_paper(policy, membership.pupil, helen)

    client_for(helen).post(_remove_url(ack))

    listing = client_for(mentor).get(_url("my-policies", school)).content.decode()
    assert "To read" in listing


def test_the_get_asks_once_and_deletes_nothing(school, helen, client_for):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    audit_before = AuditEntry.objects.count()

    response = client_for(helen).get(_remove_url(ack))

    text = _text(response)
    assert response.status_code == 200
    assert "Remove the paper record for Amara Okafor?" in text
    assert "Safeguarding policy, version 1" in text
    assert "back among the mentors who have not read version 1" in text
    assert 'name="csrfmiddlewaretoken"' in text and 'method="post"' in text
    assert "Remove the paper record</button>" in text
    assert PolicyAcknowledgement.objects.filter(pk=ack.pk).exists()
    assert AuditEntry.objects.count() == audit_before


# --- The policy page -------------------------------------------------------------------


def test_the_policy_page_offers_remove_beside_paper_records_only(school, helen, mentor, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    paper = _on_paper(policy, amara, helen)
    membership = Membership.objects.get(user=mentor, school=school)
    MentorFactory(school=school, pupil=membership.pupil, academic_year=this_year(school))
    own = services.acknowledge(version=current_version(policy), membership=membership)

    page = client_for(helen).get(_url("policy", school, policy_pk=policy.pk)).content.decode()

    assert f'href="{_remove_url(paper)}"' in page
    assert 'Remove<span class="visually-hidden"> the paper record for Amara Okafor' in page
    assert f"/paper/{own.pk}/remove/" not in page
    assert page.count("/remove/") == 1


def test_the_policy_page_offers_no_remove_for_a_replaced_versions_record(school, helen, client_for):
    policy = make_policy(school)
    amara, bea = mentor_pupil(school), mentor_pupil(school, "Bea", "Second")
    old = _on_paper(policy, amara, helen)
    services.publish_version(policy=policy, text="Version two.", based_on=1, by=helen)
    new = _on_paper(policy, bea, helen)

    page = client_for(helen).get(_url("policy", school, policy_pk=policy.pk)).content.decode()

    assert f"/paper/{old.pk}/remove/" not in page
    assert f'href="{_remove_url(new)}"' in page


@pytest.mark.parametrize("role", [Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD])
def test_safeguarding_leads_see_the_record_but_no_remove_and_are_refused(
    role, school, helen, client_for
):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    lead = MembershipFactory(school=school, role=role, user=UserFactory(first_name="Priya")).user
    client = client_for(lead)

    page = client.get(_url("policy", school, policy_pk=policy.pk)).content.decode()

    assert "On paper" in page and "/remove/" not in page
    assert client.get(_remove_url(ack)).status_code == 403
    assert client.post(_remove_url(ack)).status_code == 403
    assert PolicyAcknowledgement.objects.filter(pk=ack.pk).exists()
    assert not AuditEntry.objects.filter(action=REMOVED).exists()


@pytest.mark.parametrize("who", ["mentor", "mentee", "pupil", "trust lead"])
def test_pupils_and_the_trust_lead_are_refused(who, school, helen, request, client_for):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    if who == "pupil":
        user = pupil_member(school, Role.PUPIL, given_name="Zara", year_group=8).user
    elif who == "trust lead":
        user = MembershipFactory(
            user=UserFactory(first_name="Tess"), school=school, role=Role.TRUST_LEAD
        ).user
    else:
        user = request.getfixturevalue(who)
    client = client_for(user)

    assert client.get(_remove_url(ack)).status_code == 403
    assert client.post(_remove_url(ack)).status_code == 403
    assert PolicyAcknowledgement.objects.filter(pk=ack.pk).exists()


# --- Refusals -------------------------------------------------------------------------


def test_the_same_form_sent_twice_removes_once_and_says_so(school, helen, client_for):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    client = client_for(helen)

    first = client.post(_remove_url(ack))
    second = client.post(_remove_url(ack), follow=True)

    assert first.status_code == 302 and second.status_code == 200
    assert "The paper record for Amara Okafor was already removed." in _text(second)
    assert AuditEntry.objects.filter(action=REMOVED).count() == 1


def test_two_requests_at_once_remove_once_not_a_server_error(school, helen):
    """The second of two simultaneous requests loaded the row before the first deleted it."""
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    loaded_twice = PolicyAcknowledgement.objects.get(pk=ack.pk)

    services.remove_paper_acknowledgement(acknowledgement=ack, by=helen)
    with pytest.raises(services.AlreadyRemoved):
        services.remove_paper_acknowledgement(acknowledgement=loaded_twice, by=helen)

    assert AuditEntry.objects.filter(action=REMOVED).count() == 1


def test_the_view_says_already_removed_when_the_row_goes_while_it_works(
    school, helen, client_for, monkeypatch
):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    real = services.remove_paper_acknowledgement

    def a_colleague_got_there_first(*, acknowledgement, by):
        real(acknowledgement=acknowledgement, by=by)
        real(acknowledgement=acknowledgement, by=by)

    monkeypatch.setattr(services, "remove_paper_acknowledgement", a_colleague_got_there_first)

    response = client_for(helen).post(_remove_url(ack), follow=True)

    assert response.status_code == 200
    assert "The paper record for Amara Okafor was already removed." in _text(response)
    assert AuditEntry.objects.filter(action=REMOVED).count() == 1


def test_a_mentors_own_tick_is_a_404_and_stays(school, helen, mentor, client_for):
    policy = make_policy(school)
    membership = Membership.objects.get(user=mentor, school=school)
    MentorFactory(school=school, pupil=membership.pupil, academic_year=this_year(school))
    own = services.acknowledge(version=current_version(policy), membership=membership)
    client = client_for(helen)

    assert client.get(_remove_url(own)).status_code == 404
    assert client.post(_remove_url(own)).status_code == 404
    assert PolicyAcknowledgement.objects.filter(pk=own.pk).exists()
    assert not AuditEntry.objects.filter(action=REMOVED).exists()


def test_the_service_refuses_a_mentors_own_tick_whoever_calls_it(school, helen, mentor):
    policy = make_policy(school)
    membership = Membership.objects.get(user=mentor, school=school)
    own = services.acknowledge(version=current_version(policy), membership=membership)

    with pytest.raises(ValidationError) as refused:
        services.remove_paper_acknowledgement(acknowledgement=own, by=helen)

    assert services.NOT_PAPER in refused.value.messages
    assert PolicyAcknowledgement.objects.filter(pk=own.pk).exists()


def test_a_replaced_versions_record_is_kept_as_evidence(school, helen, client_for):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    services.publish_version(policy=policy, text="Version two.", based_on=1, by=helen)
    client = client_for(helen)

    opened = client.get(_remove_url(ack), follow=True)
    posted = client.post(_remove_url(ack), follow=True)

    refusal = services.NOT_CURRENT_REMOVE.format(number=1)
    assert opened.status_code == posted.status_code == 200
    assert refusal in _text(opened) and refusal in _text(posted)
    assert "Remove the paper record for" not in _text(opened)
    assert PolicyAcknowledgement.objects.filter(pk=ack.pk).exists()
    assert not AuditEntry.objects.filter(action=REMOVED).exists()


def test_the_service_refuses_a_replaced_versions_record_whoever_calls_it(school, helen):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    services.publish_version(policy=policy, text="Version two.", based_on=1, by=helen)

    with pytest.raises(ValidationError) as refused:
        services.remove_paper_acknowledgement(acknowledgement=ack, by=helen)

    assert services.NOT_CURRENT_REMOVE.format(number=1) in refused.value.messages
    assert PolicyAcknowledgement.objects.filter(pk=ack.pk).exists()


def test_a_version_published_after_the_page_was_opened_keeps_the_record(school, helen):
    """The row was loaded while version 1 was in force; version 2 came before the click."""
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    loaded = PolicyAcknowledgement.objects.select_related("version").get(pk=ack.pk)
    services.publish_version(policy=policy, text="Version two.", based_on=1, by=helen)

    with pytest.raises(ValidationError):
        services.remove_paper_acknowledgement(acknowledgement=loaded, by=helen)

    assert loaded.version.is_current  # what the caller saw was stale
    assert PolicyAcknowledgement.objects.filter(pk=ack.pk).exists()


def test_another_schools_record_in_the_address_is_a_404(
    school, other_school, helen, other_school_coordinator, client_for
):
    ours = make_policy(school)
    their_policy = make_policy(other_school, "Their policy")
    theirs = _on_paper(their_policy, mentor_pupil(other_school, "Olu", "Elmstead"), helen)
    client = client_for(helen)

    urls = [
        _remove_url(theirs, school),  # their policy and record under our address
        _url("policy-paper-remove", school, policy_pk=ours.pk, ack_pk=theirs.pk),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert PolicyAcknowledgement.objects.filter(pk=theirs.pk).exists()
    assert not AuditEntry.objects.filter(action=REMOVED).exists()


def test_another_schools_removed_record_is_a_404_not_already_removed(
    school, other_school, helen, other_school_coordinator, client_for
):
    """Their audit log is not ours: their removal must not name their mentor to us."""
    ours = make_policy(school)
    their_policy = make_policy(other_school, "Their policy")
    theirs = _on_paper(their_policy, mentor_pupil(other_school, "Olu", "Elmstead"), helen)
    services.remove_paper_acknowledgement(acknowledgement=theirs, by=other_school_coordinator)
    assert AuditEntry.objects.filter(action=REMOVED, school=other_school).exists()
    client = client_for(helen)

    for url in [
        _remove_url(theirs, school),
        _url("policy-paper-remove", school, policy_pk=ours.pk, ack_pk=theirs.pk),
    ]:
        response = client.post(url)
        assert response.status_code == 404
        assert "Elmstead" not in response.content.decode()


def test_a_record_of_another_policy_of_the_school_is_a_404(school, helen, client_for):
    safeguarding = make_policy(school)
    conduct = make_policy(school, "Code of conduct")
    ack = _on_paper(conduct, mentor_pupil(school), helen)

    url = _url("policy-paper-remove", school, policy_pk=safeguarding.pk, ack_pk=ack.pk)
    response = client_for(helen).post(url)

    assert response.status_code == 404
    assert PolicyAcknowledgement.objects.filter(pk=ack.pk).exists()


def test_a_removed_record_is_already_removed_only_under_its_own_policy(school, helen, client_for):
    safeguarding = make_policy(school)
    conduct = make_policy(school, "Code of conduct")
    ack = _on_paper(conduct, mentor_pupil(school), helen)
    client = client_for(helen)
    client.post(_remove_url(ack))

    url = _url("policy-paper-remove", school, policy_pk=safeguarding.pk, ack_pk=ack.pk)

    assert client.post(url).status_code == 404


@pytest.mark.parametrize("ack_pk", [10**30, 10**18, 0])
def test_a_huge_or_missing_record_id_is_a_404(ack_pk, school, helen, client_for):
    policy = make_policy(school)
    url = _url("policy-paper-remove", school, policy_pk=policy.pk, ack_pk=ack_pk)
    client = client_for(helen)

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_opening_the_address_again_after_removing_says_so_and_writes_nothing(
    school, helen, client_for
):
    policy = make_policy(school)
    ack = _on_paper(policy, mentor_pupil(school), helen)
    client = client_for(helen)
    client.post(_remove_url(ack), follow=True)  # reads the "removed" message

    response = client.get(_remove_url(ack), follow=True)

    assert response.redirect_chain[-1][0] == _url("policy", school, policy_pk=policy.pk)
    assert "The paper record for Amara Okafor was already removed." in _text(response)
    assert AuditEntry.objects.filter(action=REMOVED).count() == 1
