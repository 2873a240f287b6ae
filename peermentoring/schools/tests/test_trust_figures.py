"""The trust lead's figures: each school's scheme side by side, and one school's on a page of
its own. Counts only, never a name; the queries do not grow with the number of schools."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import School
from peermentoring.schools.tests.views_support import text, url
from tests.support.builders import make_mentor
from tests.support.factories import (
    MembershipFactory,
    PairingFactory,
    PupilFactory,
    ReferralFactory,
    SchoolFactory,
    TrustFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trust(school):
    trust = TrustFactory(name="Riverside Learning Trust", slug="riverside")
    school.trust = trust
    school.save(update_fields=["trust"])
    return trust


@pytest.fixture
def lead(trust, school) -> User:
    user = UserFactory(first_name="Anne")
    MembershipFactory(user=user, school=school, role=Role.TRUST_LEAD)
    return user


def the_scheme(school: School, *, named: str = "Evangeline") -> None:
    """Two trained mentors (one paired), one in training; referrals waiting 3 days, 3 weeks
    and 8 weeks; one more pupil accepted and waiting for a mentor."""
    paired = make_mentor(school, given_name=named, family_name="Thistlewood")
    make_mentor(school, given_name="Kofi")
    make_mentor(school, trained=False, status=Mentor.Status.IN_TRAINING)
    PairingFactory(
        school=school, mentor=paired, referral__status="matched", referral__pupil__given_name=named
    )
    for days in (3, 21, 56):
        ReferralFactory(
            school=school,
            status="new",
            referred_at=timezone.now() - dt.timedelta(days=days),
            pupil__given_name=named,
        )
    ReferralFactory(school=school, status="accepted", pupil__given_name=named)


def row_of(page: str, school: School) -> dict[str, str]:
    """A school's row of the trust table: each cell's label and value."""
    row = re.search(rf"<tr>\s*<th scope=\"row\">.*?{school.name}.*?</tr>", page, re.S).group(0)
    return dict(re.findall(r'<td class="num" data-label="([^"]+)">(\d+)</td>', row))


def test_the_trust_sees_each_schools_scheme_side_by_side(client_for, trust, school, lead):
    other = SchoolFactory(name="Hillside School", slug="hillside", trust=trust)
    MembershipFactory(user=lead, school=other, role=Role.TRUST_LEAD)
    the_scheme(school)
    PupilFactory(school=other, year_group=7)

    page = text(client_for(lead).get(f"/t/{trust.slug}/"))

    assert row_of(page, school) == {
        "Pupils on roll (Years 7–11)": "8",
        "Year 7": "5",
        "Feeder primaries": "0",
        "Trained peer mentors this year": "2",
        "Mentees with a mentor": "1",
        "Mentees waiting for a mentor": "1",
        "Referrals waiting for review under 2 weeks": "1",
        "Referrals waiting for review 2 to 6 weeks": "1",
        "Referrals waiting for review over 6 weeks": "1",
        "Safeguarding concerns open": "0",
        "Safeguarding concerns raised since 1 September": "0",
    }
    assert set(row_of(page, other).values()) == {"0", "1"}
    assert "Evangeline" not in page and "Thistlewood" not in page


def test_school_names_link_to_their_own_figures_for_the_lead(client_for, trust, school, lead):
    SchoolFactory(name="Hillside School", slug="hillside", trust=trust)  # not the lead's (yet)

    page = text(client_for(lead).get(f"/t/{trust.slug}/"))

    figures = url("schools:trust-school-figures", school)
    assert f'<a href="{figures}">Oakbrook Academy</a>' in page
    assert '<th scope="row">Hillside School</th>' in page


def test_a_schools_own_figures_page_shows_counts_and_no_names(client_for, trust, school, lead):
    the_scheme(school)

    response = client_for(lead).get(url("schools:trust-school-figures", school))

    page = text(response)
    assert response.status_code == 200
    stats = dict(
        (label, value)
        for value, label in re.findall(
            r'<span class="stat-value">(\d+)</span><span class="stat-label">([^<]+)</span>', page
        )
    )
    assert stats["Trained peer mentors this year"] == "2"
    assert stats["Referrals waiting for review over 6 weeks"] == "1"
    assert stats["Pupils on roll (Years 7–11)"] == "8"
    assert f'href="/t/{trust.slug}/"' in page
    assert "Evangeline" not in page and "Thistlewood" not in page


def test_the_lead_of_another_trust_gets_404_from_a_schools_figures(client_for, trust, school):
    other = SchoolFactory(name="Elm School", slug="elm", trust=TrustFactory(slug="elm-trust"))
    stranger = MembershipFactory(user=UserFactory(), school=other, role=Role.TRUST_LEAD).user

    response = client_for(stranger).get(url("schools:trust-school-figures", school))

    assert response.status_code == 404


def test_the_schools_own_staff_are_sent_to_their_home_page_not_this_one(
    client_for, trust, school, coordinator
):
    assert (
        client_for(coordinator).get(url("schools:trust-school-figures", school)).status_code == 403
    )


def test_the_trust_pages_queries_do_not_grow_with_the_schools(
    client_for, trust, school, lead, django_assert_max_num_queries
):
    the_scheme(school)
    client = client_for(lead)
    with CaptureQueriesContext(connection) as one_school:
        assert client.get(f"/t/{trust.slug}/").status_code == 200

    for n in range(4):
        more = SchoolFactory(trust=trust)
        MembershipFactory(user=lead, school=more, role=Role.TRUST_LEAD)
        the_scheme(more, named=f"Pupil{n}")
    with django_assert_max_num_queries(len(one_school)):
        page = text(client.get(f"/t/{trust.slug}/"))

    assert page.count('<th scope="row">') == 5
