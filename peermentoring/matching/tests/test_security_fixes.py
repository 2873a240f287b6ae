"""Issue #7: referral links that flood the queue, crafted ids, secrets in the session,
one-click actions, unaudited supersessions and unlogged reads, attacked through the pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms as django_forms
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from peermentoring.core.models import AuditEntry, ReadEntry
from peermentoring.matching import forms as matching_forms
from peermentoring.matching import services
from peermentoring.matching.models import DoNotPair, MatchRun, Pairing
from peermentoring.matching.tests.access import ACCESS, FOREIGN_POSTS, NO_ROW_FIELDS
from peermentoring.referrals import forms as referral_forms
from peermentoring.referrals import services as referral_services
from peermentoring.referrals.models import PrimaryReferralLink, Referral
from tests.support.builders import accepted_referral, make_mentor
from tests.support.factories import FeederPrimaryFactory, PupilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meadowside(school):
    return FeederPrimaryFactory(school=school, name="Meadowside Primary")


def starting_year() -> int:
    """The September a Year 6 child referred today starts Year 7."""
    today = timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


def a_fitting_birthday() -> str:
    return dt.date(starting_year() - 11, 1, 15).isoformat()


def primary_post(count: int, *, first: int = 0, **child: str) -> dict[str, str]:
    """The public form's body listing `count` children (at most 30 a post)."""
    data = {
        "referrer-referrer_name": "Mrs Patel, Year 6 teacher",
        "child-TOTAL_FORMS": str(count),
        "child-INITIAL_FORMS": "0",
        "child-MIN_NUM_FORMS": "1",
        "child-MAX_NUM_FORMS": "30",
    }
    for i in range(count):
        data |= {
            f"child-{i}-given_name": f"Child{first + i}",
            f"child-{i}-family_name": "Jones",
            f"child-{i}-date_of_birth": a_fitting_birthday(),
            f"child-{i}-priority": "routine",
            f"child-{i}-consent": "not_asked",
        }
    data.update({f"child-0-{k}": v for k, v in child.items()})
    return data


def refer_url(token: str) -> str:
    return reverse("refer:form", args=[token])


# --- Finding 4: a referral link cannot flood the queue ---------------------------------------


def test_the_coordinator_sets_how_many_children_a_link_can_refer(
    client_for, school, coordinator, meadowside
):
    client = client_for(coordinator)
    url = reverse("referrals:link-list", args=[school.slug])
    form_page = client.get(url)
    assert 'name="max_children"' in form_page.text
    assert 'value="60"' in form_page.text

    nonce = re.search(r'name="nonce" value="([^"]+)"', form_page.text).group(1)
    client.post(url, {"primary": meadowside.pk, "days": 14, "max_children": 25, "nonce": nonce})
    refused = client.post(
        url, {"primary": meadowside.pk, "days": 14, "max_children": 100000, "nonce": "another"}
    )

    assert PrimaryReferralLink.objects.get().max_children == 25
    assert refused.status_code == 200
    assert "Ensure this value is less than or equal to" in refused.text


def test_a_link_says_how_many_places_are_left_and_refuses_politely_once_full(
    client, school, coordinator, meadowside
):
    _, token = referral_services.create_referral_link(
        school=school, primary=meadowside, max_children=4, by=coordinator
    )
    url = refer_url(token)
    assert "up to 4 children" in client.get(url).text

    assert client.post(url, primary_post(3)).status_code == 302
    assert "1 more child" in client.get(url).text
    too_many = client.post(url, primary_post(2, first=3))
    assert too_many.status_code == 200
    assert "This link has room for 1 more child and you listed 2." in too_many.text
    assert Referral.objects.filter(school=school).count() == 3

    assert client.post(url, primary_post(1, first=3)).status_code == 302
    full = client.get(url)
    assert "already sent as many referrals as it can take (4)" in full.text
    assert 'name="referrer-referrer_name"' not in full.text
    refused = client.post(url, primary_post(1, first=9))
    assert "already sent as many referrals as it can take" in refused.text
    assert Referral.objects.filter(school=school).count() == 4


def test_ten_quick_posts_of_thirty_children_put_at_most_sixty_in_the_queue(
    client, school, coordinator, meadowside
):
    _, token = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )

    answers = [
        client.post(refer_url(token), primary_post(30, first=30 * i)).status_code for i in range(10)
    ]
    eleventh = client.post(refer_url(token), primary_post(1, first=999))

    assert answers[:2] == [302, 302]
    assert set(answers[2:]) == {200}
    assert eleventh.status_code == 429
    assert Referral.objects.filter(school=school).count() == 60


def test_posts_to_the_public_form_are_limited_per_link_and_per_address(
    client, settings, school, coordinator, meadowside
):
    settings.PUBLIC_FORM_RATE = "2/h"
    settings.PER_ADDRESS_RATE = "2/h"
    _, token = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )
    _, second_token = referral_services.create_referral_link(
        school=school, primary=FeederPrimaryFactory(school=school), by=coordinator
    )

    for i in range(2):
        assert client.post(refer_url(token), primary_post(1, first=i)).status_code == 302
    from_elsewhere = client.post(
        refer_url(token), primary_post(1, first=5), REMOTE_ADDR="203.0.113.9"
    )
    other_link_same_address = client.post(refer_url(second_token), primary_post(1, first=6))
    other_link_elsewhere = client.post(
        refer_url(second_token), primary_post(1, first=7), REMOTE_ADDR="198.51.100.4"
    )

    assert from_elsewhere.status_code == 429
    assert other_link_same_address.status_code == 429
    assert other_link_elsewhere.status_code == 302
    assert client.get(refer_url(token)).status_code == 200
    assert Referral.objects.filter(school=school).count() == 3


def test_a_fresh_token_for_the_same_link_shares_its_rate_limit(
    client, settings, school, coordinator, meadowside
):
    settings.PUBLIC_FORM_RATE = "1/h"
    link, token = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )
    assert client.post(refer_url(token), primary_post(1)).status_code == 302

    again = client.post(
        refer_url(referral_services.link_token(link)),
        primary_post(1, first=1),
        REMOTE_ADDR="203.0.113.9",
    )

    assert again.status_code == 429


@pytest.mark.parametrize("born", ["1800-01-01", "2099-12-31"])
def test_an_impossible_date_of_birth_is_refused_in_plain_words(
    client, school, coordinator, meadowside, born
):
    _, token = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )

    response = client.post(refer_url(token), primary_post(1, date_of_birth=born))

    year = starting_year()
    assert response.status_code == 200
    assert (
        f"A child starting Year 7 in September {year} was born between "
        f"1 September {year - 12} and 31 August {year - 11}"
    ) in response.text
    assert "one year either side" in response.text
    assert not Referral.objects.filter(school=school).exists()


def test_a_date_of_birth_one_year_out_of_the_year_group_is_accepted_and_no_further(
    client, school, coordinator, meadowside
):
    _, token = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )
    year = starting_year()
    inside = [dt.date(year - 13, 9, 1), dt.date(year - 10, 8, 31)]
    outside = [dt.date(year - 13, 8, 31), dt.date(year - 10, 9, 1)]

    for i, born in enumerate(inside):
        response = client.post(
            refer_url(token), primary_post(1, first=i, date_of_birth=born.isoformat())
        )
        assert response.status_code == 302, born
    for i, born in enumerate(outside):
        response = client.post(
            refer_url(token), primary_post(1, first=10 + i, date_of_birth=born.isoformat())
        )
        assert response.status_code == 200, born

    assert sorted(Referral.objects.values_list("child_date_of_birth", flat=True)) == inside


def test_every_free_text_field_in_the_matching_forms_has_a_maximum():
    found = []
    for module, name in [(m, n) for m in (matching_forms, referral_forms) for n in dir(m)]:
        form_class = getattr(module, name)
        if not (isinstance(form_class, type) and issubclass(form_class, django_forms.BaseForm)):
            continue
        for field_name, field in form_class.base_fields.items():
            if type(field) is django_forms.CharField:
                found.append(field_name)
                assert field.max_length and field.max_length <= 2000, (name, field_name)
    assert {"needs", "note", "given_name", "family_name", "referrer_name"} <= set(found)


def test_a_primary_teachers_name_is_at_most_100_characters(client, school, coordinator, meadowside):
    _, token = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )

    response = client.post(
        refer_url(token), {**primary_post(1), "referrer-referrer_name": "x" * 101}
    )

    assert response.status_code == 200
    assert "at most 100 characters" in response.text
    assert not Referral.objects.exists()


def test_the_referral_list_shows_fifty_a_page(client_for, school, coordinator):
    Referral.objects.bulk_create(
        Referral(
            school=school,
            child_given_name=f"Child{i:03d}",
            child_family_name="Jones",
            source=Referral.Source.PRIMARY,
        )
        for i in range(120)
    )
    client = client_for(coordinator)
    url = reverse("referrals:referral-list", args=[school.slug])

    first = client.get(url)
    last = client.get(url, {"page": 3})

    assert first.text.count(" Jones</a>") == 50
    assert "Page 1 of 3" in first.text
    assert last.text.count(" Jones</a>") == 20


def test_the_pairing_list_shows_fifty_a_page(client_for, school, coordinator):
    mentor = make_mentor(school, capacity=3)
    referrals = [accepted_referral(school, given_name=f"Mentee{i:03d}") for i in range(70)]
    Pairing.objects.bulk_create(
        Pairing(school=school, mentor=mentor, mentee=r.pupil, referral=r) for r in referrals
    )

    page = client_for(coordinator).get(reverse("matching:pairing-list", args=[school.slug]))

    assert page.text.count("Mentee0") == 50
    assert "Page 1 of 2" in page.text


def test_the_link_and_do_not_pair_lists_show_fifty_a_page(client_for, school, coordinator):
    now = timezone.now()
    primary = FeederPrimaryFactory(school=school, name="Hillside Primary")
    PrimaryReferralLink.objects.bulk_create(
        PrimaryReferralLink(
            school=school, primary=primary, created_at=now, expires_at=now + dt.timedelta(days=5)
        )
        for _ in range(60)
    )
    pupils = [PupilFactory(school=school, given_name=f"Pupil{i:03d}") for i in range(120)]
    DoNotPair.objects.bulk_create(
        DoNotPair(school=school, pupil=pupils[2 * i], other=pupils[2 * i + 1]) for i in range(60)
    )
    client = client_for(coordinator)

    links = client.get(reverse("referrals:link-list", args=[school.slug]))
    entries = client.get(reverse("matching:do-not-pair", args=[school.slug]))

    assert links.text.count('<td data-label="Primary">Hillside Primary</td>') == 50
    assert "Page 1 of 2" in links.text
    assert "Page 1 of 2" in entries.text


# --- Finding 8: crafted numbers in a run's adjust -----------------------------------------------


@pytest.mark.parametrize("field", ["referral", "mentor"])
@pytest.mark.parametrize("action", ["forbid", "lock"])
def test_a_thirty_digit_id_in_adjust_is_refused_and_the_run_page_still_opens(
    client_for, school, coordinator, field, action
):
    referral = accepted_referral(school, given_name="Lily")
    mentor = make_mentor(school, given_name="Kwame")
    run = services.run_matching(school=school, by=coordinator)
    client = client_for(coordinator)
    body = {"action": action, "referral": referral.pk, "mentor": mentor.pk}
    body[field] = "1" * 30

    response = client.post(reverse("matching:run-adjust", args=[school.slug, run.pk]), body)

    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.locked, run.forbidden) == ([], [])
    page = client.get(reverse("matching:run-detail", args=[school.slug, run.pk]))
    assert page.status_code == 200


def test_adjust_refuses_another_schools_referral_and_mentor(
    client_for, school, other_school, coordinator
):
    accepted_referral(school)
    make_mentor(school)
    run = services.run_matching(school=school, by=coordinator)
    theirs = accepted_referral(other_school, given_name="Zephyrine")
    their_mentor = make_mentor(other_school, given_name="Xanthe")

    client_for(coordinator).post(
        reverse("matching:run-adjust", args=[school.slug, run.pk]),
        {"action": "forbid", "referral": theirs.pk, "mentor": their_mentor.pk},
    )

    run.refresh_from_db()
    assert run.forbidden == []


# --- Finding 11: a new link is shown once and never kept in the session store --------------------


def test_a_new_link_is_shown_in_the_answer_and_never_stored_in_the_session(
    client_for, client, school, coordinator, meadowside
):
    from django.conf import settings

    staff = client_for(coordinator)
    url = reverse("referrals:link-list", args=[school.slug])
    nonce = re.search(r'name="nonce" value="([^"]+)"', staff.get(url).text).group(1)

    made = staff.post(url, {"primary": meadowside.pk, "days": 14, "nonce": nonce})

    assert made.status_code == 200
    shown = re.findall(
        rf'id="new-link" value="{re.escape(settings.SITE_URL)}/refer/([^"/]+)/"', made.text
    )
    assert len(shown) == 1
    assert "shown once" in made.text
    token = shown[0]
    for row in Session.objects.all():
        assert token not in repr(row.get_decoded())
        assert "/refer/" not in repr(row.get_decoded())
    assert 'id="new-link"' not in staff.get(url).text
    # Sending the same form again (a refresh) makes no second link.
    again = staff.post(url, {"primary": meadowside.pk, "days": 14, "nonce": nonce})
    assert PrimaryReferralLink.objects.count() == 1
    assert "already made" in again.text
    assert 'id="new-link"' not in again.text
    client.logout()
    assert client.get(f"/refer/{token}/").status_code == 200


# --- Confirmation before revoking a link, confirming a run ----------------------------------------


def test_switching_off_a_link_asks_first(client_for, school, coordinator, meadowside):
    link, _ = referral_services.create_referral_link(
        school=school, primary=meadowside, by=coordinator
    )
    client = client_for(coordinator)
    url = reverse("referrals:link-revoke", args=[school.slug, link.pk])

    asked = client.get(url)
    link.refresh_from_db()
    assert asked.status_code == 200
    assert "Meadowside Primary" in asked.text
    assert "no longer" in asked.text
    assert link.revoked_at is None

    client.post(url)
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_confirming_a_run_asks_first_and_says_what_mentors_are_told(
    client_for, school, coordinator
):
    accepted_referral(school, given_name="Lily")
    accepted_referral(school, given_name="Noor")
    make_mentor(school, given_name="Kwame")
    make_mentor(school, given_name="Ama")
    run = services.run_matching(school=school, by=coordinator)
    client = client_for(coordinator)
    url = reverse("matching:run-confirm", args=[school.slug, run.pk])
    detail = client.get(reverse("matching:run-detail", args=[school.slug, run.pk]))
    assert f'href="{url}"' in detail.text

    asked = client.get(url)
    assert asked.status_code == 200
    assert (
        "This pairs 2 mentees with mentors; each mentor is told their mentee&#x27;s first name "
        "and form."
    ) in asked.text
    assert not Pairing.objects.exists()

    done = client.post(url)
    assert done.status_code == 302
    assert Pairing.objects.count() == 2


# --- Audit: superseded proposals -----------------------------------------------------------------


def test_running_matching_again_records_the_proposal_it_replaces(client_for, school, coordinator):
    accepted_referral(school)
    make_mentor(school)
    client = client_for(coordinator)
    start = reverse("matching:run-start", args=[school.slug])

    client.post(start)
    first = MatchRun.objects.get()
    client.post(start)

    first.refresh_from_db()
    assert first.status == MatchRun.Status.SUPERSEDED
    entry = AuditEntry.objects.get(action="match_run.superseded")
    assert entry.target_id == str(first.pk)
    assert entry.actor == coordinator
    assert entry.school == school


# --- The read log ----------------------------------------------------------------------------------


def test_opening_the_referral_list_writes_one_read_entry(client_for, school, coordinator):
    for _ in range(3):
        accepted_referral(school)

    client_for(coordinator).get(reverse("referrals:referral-list", args=[school.slug]))

    entry = ReadEntry.objects.get()
    assert (entry.kind, entry.school, entry.reader) == (
        ReadEntry.Kind.REFERRAL_LIST,
        school,
        coordinator,
    )


@pytest.mark.parametrize("url_name", ["referrals:referral-detail", "referrals:referral-edit"])
def test_opening_a_referral_writes_one_read_entry_naming_it(
    client_for, school, coordinator, url_name
):
    referral = accepted_referral(school, needs="Finds lunchtimes hard.")

    response = client_for(coordinator).get(reverse(url_name, args=[school.slug, referral.pk]))

    assert response.status_code == 200
    entry = ReadEntry.objects.get()
    assert (entry.kind, entry.target_id) == (ReadEntry.Kind.REFERRAL, str(referral.pk))


# --- Another school's rows in POST bodies ------------------------------------------------------------


def test_every_matching_post_url_is_checked_for_another_schools_rows():
    posts = {name for name, access in ACCESS.items() if "post" in access.methods}
    assert posts == set(FOREIGN_POSTS) | NO_ROW_FIELDS
    assert not set(FOREIGN_POSTS) & NO_ROW_FIELDS


@pytest.mark.parametrize("name", sorted(FOREIGN_POSTS))
def test_another_schools_rows_in_a_post_body_are_refused(
    name, school, other_school, school_admin, client_for
):
    spec = FOREIGN_POSTS[name](school, other_school, school_admin)
    url = reverse(name, kwargs={"school_slug": school.slug, **spec.url_kwargs})

    response = client_for(school_admin).post(url, spec.data)

    assert response.status_code < 500
    spec.unchanged(response)


def test_a_run_holding_a_crafted_id_from_before_the_fix_still_opens(
    client_for, school, coordinator
):
    run = MatchRun.objects.create(
        school=school,
        proposal={"pairs": [], "unmatched": [], "total_score": 0},
        forbidden=[[int("1" * 30), 1], [1, int("9" * 30)]],
    )

    page = client_for(coordinator).get(reverse("matching:run-detail", args=[school.slug, run.pk]))

    assert page.status_code == 200


def test_the_default_referral_reasons_are_added_with_an_audit_entry(
    client_for, school, coordinator
):
    client = client_for(coordinator)
    url = reverse("referrals:category-list", args=[school.slug])

    client.get(url)
    client.get(url)

    entry = AuditEntry.objects.get(action="referral_category.defaults_added")
    assert entry.school == school
    assert "Transition worries" in entry.changes["categories"]


def test_a_link_form_posted_without_its_one_time_value_makes_no_link(
    client_for, school, coordinator, meadowside
):
    url = reverse("referrals:link-list", args=[school.slug])
    staff = client_for(coordinator)

    for _ in range(2):
        response = staff.post(url, {"primary": meadowside.pk, "days": 14})

    assert response.status_code == 200
    assert "out of date" in response.text
    assert not PrimaryReferralLink.objects.exists()
