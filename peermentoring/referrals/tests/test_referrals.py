"""Referrals: the primary schools' link, staff highlights, review, reconciliation, and what mentors see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import AuditEntry
from peermentoring.matching.models import Pairing
from peermentoring.referrals import services
from peermentoring.referrals.models import PrimaryReferralLink, Referral, ReferralCategory
from tests.support.builders import accepted_referral, make_mentor, year_6_birthday
from tests.support.factories import FeederPrimaryFactory, PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meadowside(school):
    return FeederPrimaryFactory(school=school, name="Meadowside Primary")


@pytest.fixture
def link_token(school, meadowside, coordinator):
    _, token = services.create_referral_link(school=school, primary=meadowside, by=coordinator)
    return token


def primary_post(**child) -> dict[str, str]:
    data = {
        "referrer-referrer_name": "Mrs Patel, Year 6 teacher",
        "child-TOTAL_FORMS": "3",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "30",
        "child-0-given_name": "Noor",
        "child-0-family_name": "Haddad",
        "child-0-date_of_birth": year_6_birthday().isoformat(),
        "child-0-needs": "Very anxious about the move; older brother left last year.",
        "child-0-priority": "soon",
        "child-0-consent": "given",
        "child-1-priority": "routine",
        "child-1-consent": "not_asked",
        "child-2-priority": "routine",
        "child-2-consent": "not_asked",
    }
    data.update({f"child-0-{k}": v for k, v in child.items()})
    return data


# --- The primary school's link -------------------------------------------------------------


def test_a_primary_teacher_refers_a_child_without_an_account(
    client, school, meadowside, link_token
):
    url = reverse("refer:form", args=[link_token])
    worries = ReferralCategory.objects.for_school(school)
    assert client.get(url).status_code == 200

    response = client.post(url, primary_post(categories=[str(worries.first().pk)]))

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.school == school
    assert referral.feeder_primary == meadowside
    assert referral.source == Referral.Source.PRIMARY
    assert referral.referrer_name == "Mrs Patel, Year 6 teacher (Meadowside Primary)"
    assert referral.pupil is None
    assert referral.status == Referral.Status.NEW
    assert [c.name for c in referral.categories.all()] == ["Transition worries"]
    assert AuditEntry.objects.filter(action="referral.created", actor=None).count() == 1


def test_nothing_a_primary_submitted_is_shown_back_to_them(client, link_token):
    url = reverse("refer:form", args=[link_token])

    thanks = client.post(url, primary_post(), follow=True)
    again = client.get(url)

    assert "1 referral sent" in thanks.text
    for page in (thanks, again):
        assert "Noor" not in page.text
        assert "Haddad" not in page.text
        assert "anxious" not in page.text


def test_a_primary_link_stops_working_when_it_expires(client, school, meadowside, coordinator):
    link, token = services.create_referral_link(
        school=school, primary=meadowside, days=1, by=coordinator
    )
    PrimaryReferralLink.objects.filter(pk=link.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3),
        expires_at=timezone.now() - dt.timedelta(days=2),
    )
    url = reverse("refer:form", args=[token])

    response = client.post(url, primary_post())

    assert response.status_code == 410
    assert services.LINK_EXPIRED in response.text
    assert not Referral.objects.exists()


def test_a_primary_link_older_than_any_link_may_live_is_refused_by_its_signature(
    school, meadowside, coordinator
):
    _, token = services.create_referral_link(school=school, primary=meadowside, by=coordinator)
    later = timezone.now() + dt.timedelta(days=services.LINK_MAX_DAYS + 1)

    with pytest.raises(ValidationError) as error, pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.time", lambda: later.timestamp())
        services.open_referral_link(token)

    assert error.value.messages == [services.LINK_EXPIRED]


def test_a_switched_off_link_no_longer_works(client, school, meadowside, coordinator):
    link, token = services.create_referral_link(school=school, primary=meadowside, by=coordinator)
    services.revoke_referral_link(link=link, by=coordinator)

    response = client.post(reverse("refer:form", args=[token]), primary_post())

    assert response.status_code == 410
    assert not Referral.objects.exists()


def test_a_link_edited_to_name_another_school_is_refused(
    client, school, other_school, meadowside, link_token
):
    # Someone alters the token to point at another school: the signature breaks.
    data = signing.loads(link_token, salt=services.LINK_SALT)
    forged = signing.dumps({**data, "s": other_school.pk}, salt="not-the-salt", compress=True)

    response = client.post(reverse("refer:form", args=[forged]), primary_post())

    assert response.status_code == 410
    assert services.LINK_INVALID in response.text
    assert not Referral.objects.exists()


def test_a_link_is_only_made_for_the_schools_own_primary(school, other_school, coordinator):
    elsewhere = FeederPrimaryFactory(school=other_school)

    with pytest.raises(ValidationError):
        services.create_referral_link(school=school, primary=elsewhere, by=coordinator)


def test_a_primary_referral_lands_in_the_linked_school_only(
    client, school, other_school, link_token
):
    client.post(reverse("refer:form", args=[link_token]), primary_post())

    assert Referral.objects.for_school(other_school).count() == 0
    assert Referral.objects.for_school(school).count() == 1


# --- Reconciling Year 6 referrals ------------------------------------------------------------


def test_importing_the_new_year_7_links_a_primary_referral_to_the_pupil(
    client, school, link_token, school_admin
):
    client.post(reverse("refer:form", args=[link_token]), primary_post())
    born = year_6_birthday()
    csv = (
        "Adno,UPN,Legal Forename,Legal Surname,Year,Reg Group,DOB\n"
        f"5001,A123456789012,Noor,Haddad,7,7B,{born:%d/%m/%Y}\n"
        f"5002,B123456789012,Noor,Haddad,7,7D,09/09/{born.year - 1}\n"
    ).encode()
    from peermentoring.schools.services import import_pupils

    import_pupils(school=school, data=csv, filename="y7.csv", by=school_admin)

    referral = Referral.objects.get()
    assert referral.pupil.admission_number == "5001"
    assert AuditEntry.objects.filter(action="referral.reconciled").count() == 1


def test_a_referral_with_two_possible_pupils_stays_unreconciled(school, coordinator):
    for _ in range(2):
        PupilFactory(school=school, given_name="Noor", family_name="Haddad", year_group=7)
    Referral.objects.create(
        school=school, child_given_name="Noor", child_family_name="Haddad", source="primary"
    )

    assert services.reconcile_referrals(school=school, by=coordinator) == 0
    assert Referral.objects.get().pupil is None


# --- Staff highlight and review ----------------------------------------------------------------


def test_a_member_of_staff_highlights_a_year_7_pupil_from_their_page(client_for, school, dsl):
    pupil = PupilFactory(school=school, given_name="Ella", year_group=7)
    client = client_for(dsl)
    page = client.get(reverse("schools:pupil-detail", args=[school.slug, pupil.pk]))
    url = reverse("referrals:referral-create", args=[school.slug, pupil.pk])
    assert url in page.text

    response = client.post(
        url, {"source": "parent", "priority": "urgent", "consent": "given", "needs": "Isolated"}
    )

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.pupil, referral.source, referral.referred_by) == (pupil, "parent", dsl)
    assert referral.priority == Referral.Priority.URGENT


def test_the_review_queue_puts_urgent_first_then_the_longest_waiting(
    client_for, school, coordinator
):
    now = timezone.now()
    old_routine = Referral.objects.create(
        school=school,
        pupil=PupilFactory(school=school, given_name="Ada"),
        source="staff",
        referred_at=now - dt.timedelta(days=30),
    )
    new_urgent = Referral.objects.create(
        school=school,
        pupil=PupilFactory(school=school, given_name="Bea"),
        source="staff",
        priority="urgent",
        referred_at=now,
    )
    old_urgent = Referral.objects.create(
        school=school,
        pupil=PupilFactory(school=school, given_name="Cal"),
        source="staff",
        priority="urgent",
        referred_at=now - dt.timedelta(days=2),
    )

    order = list(Referral.objects.for_school(school).waiting_for_review().by_urgency())

    assert order == [old_urgent, new_urgent, old_routine]
    page = client_for(coordinator).get(reverse("referrals:referral-list", args=[school.slug]))
    assert page.text.index("Cal ") < page.text.index("Bea ") < page.text.index("Ada ")


@pytest.mark.parametrize(
    ("decision", "note", "status"),
    [
        ("accept", "", Referral.Status.ACCEPTED),
        ("decline", "Already supported by the SENCo", Referral.Status.DECLINED),
        ("more_info", "Which friendships?", Referral.Status.MORE_INFO),
    ],
)
def test_the_coordinator_reviews_a_referral(
    client_for, school, coordinator, decision, note, status
):
    referral = Referral.objects.create(
        school=school, pupil=PupilFactory(school=school), source="staff"
    )

    client_for(coordinator).post(
        reverse("referrals:referral-review", args=[school.slug, referral.pk]),
        {"decision": decision, "note": note},
    )

    referral.refresh_from_db()
    assert (referral.status, referral.review_note, referral.reviewed_by) == (
        status,
        note,
        coordinator,
    )


def test_declining_needs_a_reason(school, coordinator):
    referral = Referral.objects.create(
        school=school, pupil=PupilFactory(school=school), source="staff"
    )

    with pytest.raises(ValidationError) as error:
        services.decline_referral(referral=referral, reason=" ", by=coordinator)

    assert error.value.messages == [services.DECLINE_NEEDS_REASON]


def test_the_coordinator_edits_the_reasons_a_school_offers(client_for, school, coordinator):
    client = client_for(coordinator)

    client.post(
        reverse("referrals:category-list", args=[school.slug]),
        {"name": "Young carer", "is_higher_need": "on", "is_active": "on", "order": "8"},
    )

    assert (
        ReferralCategory.objects.for_school(school)
        .filter(name="Young carer", is_higher_need=True)
        .exists()
    )


# --- What a mentor sees -----------------------------------------------------------------------


def test_a_mentor_sees_their_mentees_first_name_form_and_free_windows_but_no_reasons(
    client_for, school, mentor, coordinator
):
    record = make_mentor(school, mentor.memberships.get().pupil)
    referral = accepted_referral(
        school,
        given_name="Lily",
        family_name="Thistlewood",
        form_group="7C",
        needs="Bereavement in the family",
    )
    referral.categories.add(ReferralCategory.objects.create(school=school, name="Bullying"))
    tuesday_lunch = school.windows.get(weekday=1, kind="lunch")
    referral.free_windows.add(tuesday_lunch)
    Pairing.objects.create(school=school, mentor=record, mentee=referral.pupil, referral=referral)

    page = client_for(mentor).get(reverse("meetings:my-mentee", args=[school.slug]))

    assert page.status_code == 200
    assert "Lily" in page.text
    assert "7C" in page.text
    assert "Tuesday lunch" in page.text
    assert "Thistlewood" not in page.text
    assert "Bereavement" not in page.text
    assert "Bullying" not in page.text


def test_a_mentor_without_a_mentee_is_told_so(client_for, school, mentor):
    page = client_for(mentor).get(reverse("meetings:my-mentee", args=[school.slug]))

    assert "You have no mentee yet" in page.text


def test_another_mentors_mentee_is_not_shown(client_for, school, mentor):
    referral = accepted_referral(school, given_name="Zephyrine")
    Pairing.objects.create(
        school=school, mentor=make_mentor(school), mentee=referral.pupil, referral=referral
    )

    page = client_for(mentor).get(reverse("meetings:my-mentee", args=[school.slug]))

    assert "Zephyrine" not in page.text


# --- Pages ---------------------------------------------------------------------------------------


def test_the_coordinator_runs_matching_forbids_a_pair_and_confirms_from_the_pages(
    client_for, school, coordinator
):
    referral = accepted_referral(school, given_name="Lily", interests="chess")
    first = make_mentor(school, given_name="Kwame", interests="chess")
    second = make_mentor(school, given_name="Ama")
    client = client_for(coordinator)

    run_page = client.post(reverse("matching:run-start", args=[school.slug]), follow=True)
    assert "both like chess" in run_page.text
    run_url = run_page.redirect_chain[-1][0]
    run_pk = int(run_url.rstrip("/").split("/")[-1])
    client.post(
        reverse("matching:run-adjust", args=[school.slug, run_pk]),
        {"action": "forbid", "referral": referral.pk, "mentor": first.pk},
    )
    client.post(reverse("matching:run-confirm", args=[school.slug, run_pk]))

    pairing = Pairing.objects.get()
    assert (pairing.mentee, pairing.mentor) == (referral.pupil, second)


def test_the_weights_page_saves_weights_from_0_to_5_only(client_for, school, coordinator):
    client = client_for(coordinator)
    data = {
        "interests_weight": 5,
        "primary_weight": 0,
        "language_weight": 2,
        "gender_weight": 4,
        "windows_weight": 3,
        "experience_weight": 3,
        "form_house_weight": 6,
        "form_house_rule": "same_house",
        "requires_consent": "on",
    }

    refused = client.post(reverse("matching:settings", args=[school.slug]), data)
    client.post(reverse("matching:settings", args=[school.slug]), {**data, "form_house_weight": 1})

    assert refused.status_code == 200
    from peermentoring.matching.models import MatchingSettings

    saved = MatchingSettings.objects.get(school=school)
    assert (saved.interests_weight, saved.primary_weight, saved.form_house_weight) == (5, 0, 1)


def test_ending_a_pairing_from_its_page_requeues_the_mentee(client_for, school, coordinator):
    referral = accepted_referral(school)
    pairing = Pairing.objects.create(
        school=school, mentor=make_mentor(school), mentee=referral.pupil, referral=referral
    )

    client_for(coordinator).post(
        reverse("matching:pairing-end", args=[school.slug, pairing.pk]),
        {"reason": "moved_school", "still_needs_mentor": "on"},
    )

    pairing.refresh_from_db()
    referral.refresh_from_db()
    assert (pairing.status, pairing.end_reason) == ("ended", "moved_school")
    assert referral.status == Referral.Status.ACCEPTED


def test_the_staff_home_page_counts_referrals_waiting_and_mentees_with_a_mentor(
    client_for, school, coordinator
):
    Referral.objects.create(school=school, pupil=PupilFactory(school=school), source="staff")
    paired = accepted_referral(school)
    paired.status = Referral.Status.MATCHED
    paired.save()
    accepted_referral(school)
    Pairing.objects.create(
        school=school, mentor=make_mentor(school), mentee=paired.pupil, referral=paired
    )

    page = client_for(coordinator).get(reverse("schools:home", args=[school.slug]))

    assert (
        '<span class="stat-value">1</span><span class="stat-label">Mentees with a mentor'
        in page.text
    )
    # One waiting for review and one accepted without a mentor; the matched one is not waiting.
    assert (
        '<span class="stat-value">1</span><span class="stat-label">Referrals waiting for review'
        in page.text
    )
    assert (
        '<span class="stat-value">1</span><span class="stat-label">Mentees waiting for a mentor'
        in page.text
    )


def test_the_coordinator_makes_a_link_that_works_once_copied(
    client_for, client, school, meadowside, coordinator
):
    import re

    from django.conf import settings

    staff = client_for(coordinator)
    list_url = reverse("referrals:link-list", args=[school.slug])
    nonce = re.search(r'name="nonce" value="([^"]+)"', staff.get(list_url).text).group(1)
    response = staff.post(
        list_url, {"primary": meadowside.pk, "days": 14, "nonce": nonce}, follow=True
    )

    pattern = rf'id="new-link" value="{re.escape(settings.SITE_URL)}(/refer/[^"]+)"'
    shown = re.findall(pattern, response.text)
    assert len(shown) == 1
    # Shown once: a refresh shows the list without it and makes no second link.
    assert 'id="new-link"' not in staff.get(list_url).text
    client.logout()
    page = client.get(shown[0])
    assert page.status_code == 200
    assert "For Meadowside Primary" in page.text


def test_a_family_id_column_in_the_pupil_file_keeps_siblings_apart(school, school_admin):
    from peermentoring.matching.run import build_proposal
    from peermentoring.schools.models import Pupil
    from peermentoring.schools.services import import_pupils

    csv = (
        b"Adno,UPN,Legal Forename,Legal Surname,Year,Reg Group,DOB,Family ID\n"
        b"6001,A123456789012,Maya,Shah,7,7A,03/02/2015,FAM-88\n"
        b"6002,B123456789012,Rohan,Shah,10,10B,09/09/2011,FAM-88\n"
    )
    import_pupils(school=school, data=csv, filename="sims.csv", by=school_admin)
    maya, rohan = (
        Pupil.objects.get(admission_number="6001"),
        Pupil.objects.get(admission_number="6002"),
    )
    assert maya.family_key == rohan.family_key == "FAM-88"
    accepted_referral(school, maya)
    make_mentor(school, rohan)

    # A later file without the column keeps the reference.
    import_pupils(
        school=school,
        data=b"Adno,Legal Forename,Legal Surname,Year,Reg Group\n6001,Maya,Shah,7,7A\n",
        filename="sims2.csv",
        by=school_admin,
    )
    maya.refresh_from_db()
    assert maya.family_key == "FAM-88"
    assert build_proposal(school)["pairs"] == []


def test_a_primary_link_takes_at_most_thirty_children_in_one_go(school, coordinator, client):
    from django.urls import reverse

    from peermentoring.referrals import services as matching_services
    from peermentoring.referrals.models import Referral
    from tests.support.factories import FeederPrimaryFactory

    primary = FeederPrimaryFactory(school=school)
    _, token = matching_services.create_referral_link(
        school=school, primary=primary, by=coordinator
    )
    data = {
        "referrer-referrer_name": "Mrs Patel",
        "child-TOTAL_FORMS": "60",
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "30",
    }
    for i in range(60):
        data |= {
            f"child-{i}-given_name": f"Child{i}",
            f"child-{i}-family_name": "Jones",
            f"child-{i}-priority": "routine",
            f"child-{i}-consent": "not_asked",
        }
    response = client.post(reverse("refer:form", args=[token]), data)
    assert response.status_code == 200
    assert not Referral.objects.filter(school=school).exists()
