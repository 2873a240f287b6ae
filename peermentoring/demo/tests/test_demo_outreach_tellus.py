"""The demo's 'tell us' reports: anonymous and named, decided and waiting, one passed to the
safeguarding lead through raise_concern, one flagged and waiting; the staff who receive them
named. Loaded after the rest of the demo, as the builder will."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from peermentoring.core.models import AuditEntry, Notification
from peermentoring.core.roles import Role
from peermentoring.outreach.models import TellUsReport
from peermentoring.outreach.tellus_services import (
    UNKNOWN_ABOUT,
    named_recipients,
    reports_by_category,
)
from peermentoring.safeguarding.models import Concern
from peermentoring.schools.models import Membership, School, Term

pytestmark = pytest.mark.django_db


def test_the_demo_has_this_terms_tell_us_reports_in_every_state():
    call_command("load_demo", stdout=StringIO())
    school = School.objects.get(slug="oakbrook")

    reports = list(TellUsReport.objects.for_school(school))
    assert reports
    today = timezone.localdate()
    term = Term.objects.for_school(school).filter(starts_on__lte=today).order_by("-starts_on")[0]
    for report in reports:
        sent_on = timezone.localtime(report.created_at).date()
        assert term.starts_on <= sent_on <= min(term.ends_on, today)
        assert report.created_at <= timezone.now()
        if report.triaged_at:
            assert report.created_at < report.triaged_at <= timezone.now()
    # Anonymous ones name nobody, in their rows and their audit entries; named ones do.
    anonymous = [r for r in reports if r.is_anonymous]
    named = [r for r in reports if not r.is_anonymous]
    assert anonymous and named
    assert all(r.reporter_id is None and r.pupil_id is None for r in anonymous)
    assert all(r.reporter_id and r.pupil_id for r in named)
    sent = AuditEntry.objects.filter(action="tell_us.report_sent", school=school)
    anonymous_ids = {str(r.pk) for r in anonymous}
    assert all(e.actor_id is None for e in sent if e.target_id in anonymous_ids)
    # Every state: decided (nothing, pastoral, a concern) and waiting, one flagged.
    assert {r.status for r in reports} == {"nothing", "pastoral", "concern", "new"}
    passed_on = next(r for r in reports if r.status == "concern")
    concern = Concern.objects.get(pk=passed_on.concern_id)
    assert concern.about_name == UNKNOWN_ABOUT and concern.what_happened.startswith(
        passed_on.what_happened
    )
    assert concern.status == Concern.Status.ACKNOWLEDGED
    assert (
        Concern.objects.filter(pk__in=[r.concern_id for r in reports if r.concern_id]).count() == 1
    )
    flagged = [r for r in reports if r.is_flagged]
    assert [(r.status, r.risk_words) for r in flagged] == [("new", "knife")]
    # Named to receive them: the coordinator and the safeguarding lead, told of each.
    roles = {
        m.user_id: m.role
        for m in Membership.objects.filter(school=school, user__in=named_recipients(school))
    }
    assert sorted(roles.values()) == [Role.COORDINATOR, Role.SAFEGUARDING_LEAD]
    assert (
        Notification.objects.filter(
            school=school, title="A 'tell us' report needs your attention now"
        ).count()
        >= 2
    )
    # Counted by kind for the term report.
    counts = reports_by_category(school, term.starts_on, term.ends_on)
    assert sum(counts.values()) == len(reports)
    assert counts["physical"] == 2
