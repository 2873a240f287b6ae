"""The demo's visits to the feeder primaries: last summer's four, recorded, by last year's
trained mentors, on school days, with a follow-up that became a referral; this year's
(when the summer term is still to come) planned and sent; and the pages show them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from peermentoring.core.roles import Role
from peermentoring.dropin.schedule import teaching_days
from peermentoring.mentors.models import able_to_mentor_ids
from peermentoring.outreach.models import PrimaryVisit, VisitFollowUp
from peermentoring.outreach.visit_services import lesson_time
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import AcademicYear, FeederPrimary, Membership, School, Term

pytestmark = pytest.mark.django_db


def test_the_demo_visits_keep_every_rule_and_show_on_the_pages(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    call_command("load_demo", stdout=StringIO())
    school = School.objects.get(slug="oakbrook")
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    summer = last_year.terms.get(name=Term.Name.SUMMER)

    last = list(
        PrimaryVisit.objects.for_school(school)
        .filter(visit_on__range=(summer.starts_on, summer.ends_on))
        .prefetch_related("mentors")
    )
    # One visit to each of the four feeder primaries, done and recorded.
    assert {v.primary for v in last} == set(FeederPrimary.objects.for_school(school))
    assert len(last) == 4
    for visit in last:
        assert visit.status == PrimaryVisit.Status.DONE
        assert 0 < visit.year6_met <= 500 and visit.questions and visit.notes
        assert teaching_days(school, visit.visit_on, visit.visit_on) == [visit.visit_on]
        assert visit.released_from_lessons or not lesson_time(
            school, visit.visit_on, visit.starts_at, visit.ends_at
        )
        mentors = list(visit.mentors.all())
        assert len(mentors) == 3
        assert {m.academic_year_id for m in mentors} == {last_year.pk}
        assert able_to_mentor_ids(mentors) == {m.pk for m in mentors}
    # Nobody in two places at once.
    going = [(v.visit_on, m.pk) for v in last for m in v.mentors.all()]
    assert len(going) == len(set(going))

    # A follow-up became a referral for September from that primary; another was ticked off.
    wants = VisitFollowUp.objects.get(school=school, kind=VisitFollowUp.Kind.WANTS_MENTOR)
    referral = wants.referral
    assert referral is not None
    assert referral.source == Referral.Source.PRIMARY
    assert referral.feeder_primary == wants.visit.primary
    assert referral.status == Referral.Status.ACCEPTED
    assert referral.referred_at.date() == wants.visit.visit_on
    assert VisitFollowUp.objects.filter(
        school=school, kind=VisitFollowUp.Kind.OTHER, done_at__isnull=False
    ).exists()

    # This year's, when planned: sent, one answered with another date.
    coming = PrimaryVisit.objects.for_school(school).filter(
        visit_on__range=(this_year.starts_on, this_year.ends_on)
    )
    if coming:
        assert {v.status for v in coming} == {
            PrimaryVisit.Status.OTHER_DATE,
            PrimaryVisit.Status.PLANNED,
        }
        assert all(v.link_sent_at for v in coming)

    # The pages show them.
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    client.force_login(coordinator, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    listing = client.get(
        reverse("outreach:visits", args=[school.slug]) + f"?year={last_year.pk}"
    ).text
    for primary in FeederPrimary.objects.for_school(school):
        assert primary.name.replace("'", "&#x27;") in listing
    detail = client.get(reverse("outreach:visit", args=[school.slug, wants.visit.pk])).text
    assert "Referral for September" in detail
    home = client.get(reverse("schools:home", args=[school.slug])).text
    if coming:
        assert "Meadowside Primary School asked for another date" in home
