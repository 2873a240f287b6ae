"""A mentor's signed paper copy of a policy, recorded by the coordinator or school admin:
once, for the version in force, for this school's mentors only, dated the day signed."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.core.registry import todo_items
from peermentoring.core.roles import Role
from peermentoring.evaluation import evidence_services as services
from peermentoring.evaluation.evidence_forms import NEWER_VERSION_PUBLISHED
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
    PupilFactory,
    UserFactory,
    pupil_member,
    this_year,
)

pytestmark = pytest.mark.django_db

PAPER = "evaluation.policy_acknowledged_on_paper"


def _url(name: str, school, **kwargs) -> str:
    return reverse(f"evaluation:{name}", kwargs={"school_slug": school.slug, **kwargs})


def _text(response) -> str:
    """The page as a reader sees it (Django escapes the apostrophes of the messages)."""
    return html.unescape(response.content.decode())


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _post(client, school, policy, pupil, day: dt.date, version: int = 1):
    return client.post(
        _url("policy-paper", school, policy_pk=policy.pk),
        {"pupil": str(pupil.pk), "signed_on": day.isoformat(), "version": str(version)},
    )


@pytest.fixture
def helen(coordinator):
    coordinator.last_name = "Hewitt"
    coordinator.save(update_fields=["last_name"])
    return coordinator


# --- Recording ------------------------------------------------------------------------


def test_the_coordinator_records_a_paper_copy_dated_the_day_signed(school, helen, client_for):
    policy = make_policy(school)
    version = published_days_ago(policy, 30)
    amara = mentor_pupil(school)
    signed = _days_ago(10)

    response = _post(client_for(helen), school, policy, amara, signed)

    assert response.status_code == 302
    ack = PolicyAcknowledgement.objects.get()
    assert (ack.version, ack.pupil, ack.is_paper, ack.by) == (version, amara, True, helen)
    assert timezone.localtime(ack.at) == timezone.make_aware(
        dt.datetime.combine(signed, dt.time(12))
    )
    entry = AuditEntry.objects.get(action=PAPER)
    assert entry.actor == helen and entry.school == school
    assert entry.changes == {"version": 1, "pupil": amara.pk, "signed_on": signed.isoformat()}


def test_the_policy_page_shows_it_on_paper_with_who_recorded_it(school, helen, client_for):
    policy = make_policy(school)
    published_days_ago(policy, 30)
    amara = mentor_pupil(school)
    signed = _days_ago(10)
    client = client_for(helen)
    _post(client, school, policy, amara, signed)

    html = client.get(_url("policy", school, policy_pk=policy.pk)).content.decode()

    assert f"On paper, {_long(signed)}, recorded by Helen Hewitt" in html
    assert "1 of 1 have read and understood it" in html
    assert "Record a signed paper copy" not in html  # nobody left to record


def test_a_school_admin_may_record_too(school, school_admin, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)

    response = _post(client_for(school_admin), school, policy, amara, timezone.localdate())

    assert response.status_code == 302
    assert PolicyAcknowledgement.objects.get().by == school_admin


def test_the_not_yet_read_list_links_each_mentor_to_the_form_chosen(school, helen, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    read = pupil_member(school, Role.MENTOR, given_name="Bea", family_name="Read")
    MentorFactory(school=school, pupil=read.pupil, academic_year=this_year(school))
    services.acknowledge(version=current_version(policy), membership=read)
    client = client_for(helen)

    page = client.get(_url("policy", school, policy_pk=policy.pk)).content.decode()
    paper_url = _url("policy-paper", school, policy_pk=policy.pk)
    form = client.get(f"{paper_url}?pupil={amara.pk}").content.decode()

    assert f"{paper_url}?pupil={amara.pk}" in page
    assert f"?pupil={read.pupil_id}" not in page  # read already: no link
    assert f'<option value="{amara.pk}" selected>Amara Okafor (10A)</option>' in form
    assert "Bea Read" not in form  # the list offers only those still to read it
    assert f'value="{timezone.localdate().isoformat()}"' in form  # today by default


def test_the_mentors_own_policies_then_show_it_as_read(school, helen, mentor, client_for):
    policy = make_policy(school)
    membership = Membership.objects.get(user=mentor, school=school)
    MentorFactory(school=school, pupil=membership.pupil, academic_year=this_year(school))
    assert any("Safeguarding" in i.label for i in todo_items(membership))

    _post(client_for(helen), school, policy, membership.pupil, timezone.localdate())

    kwame = client_for(mentor)
    listing = kwame.get(_url("my-policies", school)).content.decode()
    reading = kwame.get(_url("policy-read", school, policy_pk=policy.pk)).content.decode()
    assert '<span class="tag">Read</span>' in listing and "To read" not in listing
    assert f"You signed a paper copy on {_long(timezone.localdate())}" in reading
    assert not any("Safeguarding" in i.label for i in todo_items(membership))


# --- Refusals -------------------------------------------------------------------------


def test_the_same_form_sent_twice_records_once_and_says_so(school, helen, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    client = client_for(helen)

    first = _post(client, school, policy, amara, timezone.localdate())
    second = client.post(
        _url("policy-paper", school, policy_pk=policy.pk),
        {"pupil": str(amara.pk), "signed_on": timezone.localdate().isoformat(), "version": "1"},
        follow=True,
    )

    assert first.status_code == 302 and second.status_code == 200
    assert "Amara Okafor had already read version 1 (on paper" in second.content.decode()
    assert "nothing changed" in second.content.decode()
    assert PolicyAcknowledgement.objects.count() == 1
    assert AuditEntry.objects.filter(action=PAPER).count() == 1


def test_a_mentor_who_ticked_on_their_account_is_not_recorded_again(
    school, helen, mentor, client_for
):
    policy = make_policy(school)
    membership = Membership.objects.get(user=mentor, school=school)
    MentorFactory(school=school, pupil=membership.pupil, academic_year=this_year(school))
    services.acknowledge(version=current_version(policy), membership=membership)

    response = client_for(helen).post(
        _url("policy-paper", school, policy_pk=policy.pk),
        {
            "pupil": str(membership.pupil_id),
            "signed_on": timezone.localdate().isoformat(),
            "version": "1",
        },
        follow=True,
    )

    assert "had already read version 1 (on their account" in response.content.decode()
    ack = PolicyAcknowledgement.objects.get()
    assert not ack.is_paper and ack.by == mentor


def test_two_requests_at_once_make_one_row_not_a_server_error(school, helen, monkeypatch):
    """The second of two simultaneous requests passes the check, then meets the constraint."""
    policy = make_policy(school)
    amara = mentor_pupil(school)
    version = current_version(policy)
    today = timezone.localdate()
    services.record_paper_acknowledgement(version=version, pupil=amara, signed_on=today, by=helen)
    empty = PolicyAcknowledgement.objects.none()
    real_filter = PolicyAcknowledgement.objects.filter
    calls = iter([empty])

    def first_call_sees_nothing(*args, **kwargs):
        return next(calls, None) or real_filter(*args, **kwargs)

    monkeypatch.setattr(PolicyAcknowledgement.objects, "filter", first_call_sees_nothing)

    with pytest.raises(services.AlreadyAcknowledged) as already:
        services.record_paper_acknowledgement(
            version=version, pupil=amara, signed_on=today, by=helen
        )

    assert already.value.acknowledgement.is_paper
    assert PolicyAcknowledgement.objects.count() == 1


def test_a_day_in_the_future_is_refused(school, helen, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)

    response = _post(client_for(helen), school, policy, amara, _days_ago(-1))

    assert response.status_code == 400
    assert services.SIGNED_IN_FUTURE in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_a_day_before_the_version_was_published_is_refused(school, helen, client_for):
    policy = make_policy(school)
    version = published_days_ago(policy, 5)
    amara = mentor_pupil(school)

    response = _post(client_for(helen), school, policy, amara, _days_ago(6))

    published = _long(timezone.localdate(version.published_at))
    assert response.status_code == 400
    assert f"Version 1 was published on {published}" in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_a_form_for_a_replaced_version_is_refused(school, helen, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    services.publish_version(policy=policy, text="Version two.", based_on=1, by=helen)

    response = _post(client_for(helen), school, policy, amara, timezone.localdate(), version=1)

    assert response.status_code == 400
    assert NEWER_VERSION_PUBLISHED.format(number=2) in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_only_the_version_in_force_can_be_recorded(school, helen):
    policy = make_policy(school)
    first = current_version(policy)
    services.publish_version(policy=policy, text="Version two.", based_on=1, by=helen)
    first.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        services.record_paper_acknowledgement(
            version=first, pupil=mentor_pupil(school), signed_on=timezone.localdate(), by=helen
        )

    assert "only the version in force can be recorded" in str(refused.value)
    assert not PolicyAcknowledgement.objects.exists()


def test_a_version_replaced_after_the_form_was_loaded_is_refused(school, helen):
    # The version the request loaded says "in force"; a colleague has published another
    # since. The service reads it again under the policy's lock.
    policy = make_policy(school)
    loaded = current_version(policy)
    services.publish_version(policy=policy, text="Version two.", based_on=1, by=helen)
    assert loaded.is_current  # as the request saw it

    with pytest.raises(ValidationError) as refused:
        services.record_paper_acknowledgement(
            version=loaded, pupil=mentor_pupil(school), signed_on=timezone.localdate(), by=helen
        )

    assert "only the version in force can be recorded" in str(refused.value)
    assert not PolicyAcknowledgement.objects.exists()
    assert not AuditEntry.objects.filter(action=PAPER).exists()


def test_a_copy_signed_this_morning_is_never_dated_after_it_was_recorded(
    school, helen, monkeypatch
):
    policy = make_policy(school)
    published_days_ago(policy, 30)
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(9, 5)))
    monkeypatch.setattr(timezone, "now", lambda: morning)

    ack = services.record_paper_acknowledgement(
        version=current_version(policy),
        pupil=mentor_pupil(school),
        signed_on=timezone.localdate(),
        by=helen,
    )

    # Recorded at 09:05: dated then, not at midday (still to come); the day is the same.
    assert ack.at == morning
    yesterday = services.record_paper_acknowledgement(
        version=current_version(policy),
        pupil=mentor_pupil(school, given="Ben"),
        signed_on=timezone.localdate() - dt.timedelta(days=1),
        by=helen,
    )
    assert timezone.localtime(yesterday.at).time() == dt.time(12)


def test_a_pupil_who_is_not_a_mentor_this_year_is_refused(school, helen, client_for):
    policy = make_policy(school)
    not_a_mentor = PupilFactory(school=school, given_name="Tom")

    response = _post(client_for(helen), school, policy, not_a_mentor, timezone.localdate())

    assert response.status_code == 400
    assert services.NOT_THIS_SCHOOLS_MENTOR in _text(response)
    assert not PolicyAcknowledgement.objects.exists()


def test_another_schools_mentor_in_the_form_is_refused(school, other_school, helen, client_for):
    policy = make_policy(school)
    theirs = mentor_pupil(other_school, "Olu", "Elmstead")

    response = _post(client_for(helen), school, policy, theirs, timezone.localdate())

    assert response.status_code == 400
    assert services.NOT_THIS_SCHOOLS_MENTOR in _text(response)
    assert "Olu Elmstead" not in response.content.decode()
    assert not PolicyAcknowledgement.objects.exists()


def test_the_service_refuses_another_schools_pupil_whoever_calls_it(school, other_school, helen):
    policy = make_policy(school)

    with pytest.raises(ValidationError):
        services.record_paper_acknowledgement(
            version=current_version(policy),
            pupil=mentor_pupil(other_school),
            signed_on=timezone.localdate(),
            by=helen,
        )

    assert not PolicyAcknowledgement.objects.exists()


def test_another_schools_policy_in_the_address_is_a_404(
    school, other_school, helen, other_school_coordinator, client_for
):
    theirs = make_policy(other_school, "Their policy")
    their_mentor = mentor_pupil(other_school)
    ours = make_policy(school)

    url = _url("policy-paper", school, policy_pk=theirs.pk)
    staff = client_for(helen)
    assert staff.get(url).status_code == 404
    assert _post(staff, school, theirs, their_mentor, timezone.localdate()).status_code == 404
    # Their coordinator, under their own school's address, cannot reach ours either.
    other = client_for(other_school_coordinator)
    assert other.get(_url("policy-paper", other_school, policy_pk=ours.pk)).status_code == 404
    assert not PolicyAcknowledgement.objects.exists()


def test_a_policy_mentors_are_not_asked_to_read_is_a_404(school, helen, client_for):
    policy = make_policy(school, "Staff recruitment", is_for_mentors=False)

    response = _post(client_for(helen), school, policy, mentor_pupil(school), timezone.localdate())

    assert response.status_code == 404
    assert not PolicyAcknowledgement.objects.exists()


@pytest.mark.parametrize("role", [Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD])
def test_safeguarding_leads_see_who_signed_but_cannot_record(role, school, helen, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    signed = mentor_pupil(school, "Bea", "Signed")
    services.record_paper_acknowledgement(
        version=current_version(policy), pupil=signed, signed_on=timezone.localdate(), by=helen
    )
    lead = MembershipFactory(school=school, role=role, user=UserFactory(first_name="Priya")).user
    client = client_for(lead)

    page = client.get(_url("policy", school, policy_pk=policy.pk))
    form = client.get(_url("policy-paper", school, policy_pk=policy.pk))
    posted = _post(client, school, policy, amara, timezone.localdate())

    assert page.status_code == 200
    assert (
        "On paper" in page.content.decode() and "recorded by Helen Hewitt" in page.content.decode()
    )
    assert "Record a signed paper copy" not in page.content.decode()
    assert form.status_code == posted.status_code == 403
    assert PolicyAcknowledgement.objects.count() == 1


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_pupils_are_refused(who, school, request, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    client = client_for(request.getfixturevalue(who))

    assert client.get(_url("policy-paper", school, policy_pk=policy.pk)).status_code == 403
    assert _post(client, school, policy, amara, timezone.localdate()).status_code == 403
    assert not PolicyAcknowledgement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pupil", str(10**30)),
        ("pupil", "-1"),
        ("pupil", "x" * 10_000),
        ("signed_on", "31/02/2026"),
        ("signed_on", "9" * 10_000),
        ("version", str(10**30)),
        ("version", ""),
    ],
)
def test_nonsense_in_any_field_is_refused_without_a_server_error(
    field, value, school, helen, client_for
):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    body = {"pupil": str(amara.pk), "signed_on": timezone.localdate().isoformat(), "version": "1"}

    response = client_for(helen).post(
        _url("policy-paper", school, policy_pk=policy.pk), body | {field: value}
    )

    assert response.status_code == 400
    assert not PolicyAcknowledgement.objects.exists()


def test_a_thirty_digit_policy_id_is_a_404(school, helen, client_for):
    response = client_for(helen).get(_url("policy-paper", school, policy_pk=10**30))

    assert response.status_code == 404


def test_with_everyone_read_the_form_says_there_is_nobody_to_record(school, helen, client_for):
    policy = make_policy(school)
    amara = mentor_pupil(school)
    client = client_for(helen)
    _post(client, school, policy, amara, timezone.localdate())

    html = client.get(_url("policy-paper", school, policy_pk=policy.pk)).content.decode()

    assert "there is nobody to record" in html
    assert 'name="pupil"' not in html
