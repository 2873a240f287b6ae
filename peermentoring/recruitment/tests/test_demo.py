"""The demo's last spring: forty applicants, panels with experienced mentors, fifteen trained."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application, InterviewScore, RecruitmentRound
from peermentoring.recruitment.services import experienced_pupils
from peermentoring.schools.models import AcademicYear, Membership, School
from peermentoring.training.models import ModuleCompletion


def test_the_demo_recruits_and_trains_last_years_year_9_including_the_demo_mentors(db):
    call_command("load_demo", stdout=StringIO())
    oakbrook = School.objects.get(slug="oakbrook")
    this_year, last_year = AcademicYear.objects.for_school(oakbrook)[:2]
    round_ = RecruitmentRound.objects.for_school(oakbrook).get(academic_year=last_year)
    applications = Application.objects.filter(round=round_)

    assert applications.count() == 40
    assert applications.filter(status="accepted").count() == 15 == round_.places
    assert applications.filter(status="not_successful").exclude(decision_reason="").count() == 16
    panel = {p.pk for p in experienced_pupils(round_)}
    pupil_scorers = InterviewScore.objects.filter(
        interview__application__round=round_, scorer__memberships__pupil__isnull=False
    )
    assert pupil_scorers.count() == 24
    assert {s.scorer.memberships.get().pupil_id for s in pupil_scorers} <= panel
    mentors = Mentor.objects.for_school(oakbrook).for_year(this_year)
    assert mentors.trained().count() == 15
    demo_accounts = Membership.objects.for_school(oakbrook).filter(role="mentor")
    assert set(mentors.values_list("pupil", flat=True)) >= set(
        demo_accounts.values_list("pupil", flat=True)
    )
    caught_up = ModuleCompletion.objects.get(status="caught_up")
    assert caught_up.module.order == 5 and caught_up.mentor.status == "trained"
    assert caught_up.completed_on > caught_up.mentor.completions.get(module__order=4).completed_on
    assert RecruitmentRound.objects.for_school(oakbrook).filter(academic_year=this_year).exists()
