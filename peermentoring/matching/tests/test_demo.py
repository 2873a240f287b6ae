"""The matching demo pairs whatever trained mentors exist, and makes none itself."""

from __future__ import annotations

import pytest

from peermentoring.matching.demo import load_matching_demo
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.referrals.models import Referral
from tests.support.builders import make_mentor, this_year, year_6_birthday
from tests.support.factories import FeederPrimaryFactory, PupilFactory

pytestmark = pytest.mark.django_db


def year_7_from(school, primaries, count):
    for n in range(count):
        PupilFactory(
            school=school,
            year_group=7,
            feeder_primary=primaries[n % len(primaries)],
            date_of_birth=year_6_birthday(),
        )


def test_the_demo_refers_from_every_primary_and_pairs_the_trained_mentors(school, coordinator):
    primaries = [FeederPrimaryFactory(school=school) for _ in range(2)]
    year_7_from(school, primaries, 20)
    trained = [make_mentor(school) for _ in range(3)]
    untrained = make_mentor(school, trained=False)

    load_matching_demo(school=school, coordinator=coordinator)

    sources = set(Referral.objects.values_list("feeder_primary", flat=True))
    assert {p.pk for p in primaries} <= sources
    assert Referral.objects.filter(pupil=None).exists()  # next year's Year 6, not on roll yet
    paired = set(Pairing.objects.active().values_list("mentor", flat=True))
    assert paired == {m.pk for m in trained}
    assert untrained.pk not in paired
    assert Mentor.objects.count() == 4


def test_the_demo_without_mentors_still_makes_referrals_and_no_pairings(school, coordinator):
    this_year(school)
    year_7_from(school, [FeederPrimaryFactory(school=school)], 10)

    load_matching_demo(school=school, coordinator=coordinator)

    assert Referral.objects.exists()
    assert not Pairing.objects.exists()
    assert not Mentor.objects.exists()
