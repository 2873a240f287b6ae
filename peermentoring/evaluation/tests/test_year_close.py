"""Closing the year: the plan (dry run) and the close, on a school closing 2025–26 in July 2026."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from peermentoring.core.models import AuditEntry
from peermentoring.core.roles import Role
from peermentoring.evaluation import year_services as services
from peermentoring.evaluation.models import ClosedYear
from peermentoring.evaluation.tests.access_year import academic_year
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import AcademicYear, Membership, Pupil, Term
from tests.support.factories import (
    MentorFactory,
    ModuleCompletionFactory,
    PairingFactory,
    PupilFactory,
    TrainingModuleFactory,
    pupil_member,
)

JULY = dt.date(2026, 7, 10)  # a Friday, a week before the summer term of 2025–26 ends
FIGURES = {"meetings_held": 527, "span": {"first": "2025-09-01", "last": "2026-08-31"}}


@pytest.fixture(autouse=True)
def figures(monkeypatch):
    """The annual report's figures are the report area's; here a fixed dict stands for them
    (test_year_figures.py reads the real ones)."""
    monkeypatch.setattr(services, "annual_figures", lambda school, year: dict(FIGURES))


class Scheme:
    """Oakbrook in July 2026: 2025–26's mentors, their mentees, Year 11, next year's recruits."""

    def __init__(self, school: Any, *, next_year: bool = False) -> None:
        self.school = school
        self.year = academic_year(school, 2025)
        self.next = academic_year(school, 2026) if next_year else None
        self.module = TrainingModuleFactory(school=school)

        def mentor(name: str, year_group: int = 10, status: str = "trained") -> Mentor:
            membership = pupil_member(school, Role.MENTOR, given_name=name, year_group=year_group)
            m: Mentor = MentorFactory(
                school=school, pupil=membership.pupil, academic_year=self.year, status=status
            )
            return m

        self.ada, self.ben = mentor("Ada"), mentor("Ben")
        self.cat = mentor("Cat", year_group=11)  # an experienced mentor, leaving
        self.dan = mentor("Dan", status="stepped_down")
        self.ada_pairing = self.pair(self.ada, "Mo")
        self.ben_pairing = self.pair(self.ben, "Noor")
        self.cat_pairing = self.pair(self.cat, "Ola")
        self.ended = self.pair(self.ben, "Pia")
        Pairing.objects.filter(pk=self.ended.pk).update(
            status="ended", ended_on=dt.date(2026, 2, 1), end_reason="no_longer_needed"
        )
        self.leaver = PupilFactory(school=school, given_name="Rhys", year_group=11)
        self.gone = PupilFactory(school=school, given_name="Sam", year_group=11, is_on_roll=False)

    def pair(self, mentor: Mentor, mentee: str) -> Pairing:
        pupil = PupilFactory(school=self.school, given_name=mentee, year_group=7)
        pairing: Pairing = PairingFactory(
            school=self.school,
            mentor=mentor,
            referral__pupil=pupil,
            started_on=dt.date(2025, 9, 22),
        )
        return pairing

    def recruit(self, name: str, *, trained: bool) -> Mentor:
        assert self.next is not None
        membership = pupil_member(self.school, Role.MENTOR, given_name=name, year_group=9)
        m: Mentor = MentorFactory(
            school=self.school, pupil=membership.pupil, academic_year=self.next
        )
        if trained:
            ModuleCompletionFactory(mentor=m, module=self.module, completed_on=JULY)
        return m


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by model: a dry run must leave this exactly as it was."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


# --- The plan -------------------------------------------------------------------------


def test_the_plan_lists_the_years_running_pairings_the_mentors_the_leavers_and_next_year(school):
    s = Scheme(school)

    plan = services.plan_close(school, s.year, today=JULY)

    assert {p.pk for p in plan.pairings_to_end} == {
        s.ada_pairing.pk,
        s.ben_pairing.pk,
        s.cat_pairing.pk,
    }
    assert {m.pk for m in plan.experienced} == {s.ada.pk, s.ben.pk}
    assert {p.name for p in plan.leavers} == {"Cat " + s.cat.pupil.family_name, s.leaver.full_name}
    assert plan.next_year is not None and not plan.next_year.exists
    assert plan.next_year.name == "2026–27"
    assert plan.pairings_end_on == JULY
    assert plan.refusal == ""


def test_a_pairing_with_a_leaver_cannot_continue(school):
    s = Scheme(school)

    plan = services.plan_close(school, s.year, today=JULY)

    cat = next(p for p in plan.pairings if p.pk == s.cat_pairing.pk)
    assert cat.why_not_continue == services.MENTOR_LEAVING
    with pytest.raises(ValidationError) as error:
        services.plan_close(school, s.year, continue_ids=[s.cat_pairing.pk], today=JULY)
    assert services.MENTOR_LEAVING in error.value.messages[0]


def test_a_year_cannot_be_closed_before_the_last_four_weeks_of_its_summer_term(school, coordinator):
    s = Scheme(school)
    summer = s.year.terms.get(name=Term.Name.SUMMER)
    first_day = summer.ends_on - dt.timedelta(days=27)

    early = services.plan_close(school, s.year, today=first_day - dt.timedelta(days=1))
    on_time = services.plan_close(school, s.year, today=first_day)

    assert early.refusal.startswith("2025–26 can be closed from")
    assert on_time.refusal == ""
    with pytest.raises(ValidationError):
        services.close_year(
            school=school, year=s.year, by=coordinator, today=first_day - dt.timedelta(days=1)
        )
    assert not ClosedYear.objects.exists()


def test_another_schools_year_is_refused(school, other_school, coordinator):
    theirs = academic_year(other_school, 2025)

    with pytest.raises(ValidationError):
        services.plan_close(school, theirs, today=JULY)
    with pytest.raises(ValidationError):
        services.close_year(school=school, year=theirs, by=coordinator, today=JULY)


def test_another_schools_pairing_cannot_be_kept_going(school, other_school, coordinator):
    s = Scheme(school)
    theirs = Scheme(other_school)

    with pytest.raises(ValidationError) as error:
        services.close_year(
            school=school,
            year=s.year,
            continue_ids=[theirs.ada_pairing.pk],
            by=coordinator,
            today=JULY,
        )

    assert error.value.messages == [services.NOT_THIS_YEARS_PAIRING.format(year="2025–26")]
    assert not ClosedYear.objects.exists()
    assert Pairing.objects.get(pk=theirs.ada_pairing.pk).is_active


# --- The dry run changes nothing and is what the close does ------------------------------


def test_the_dry_run_changes_nothing(school):
    s = Scheme(school, next_year=True)
    s.recruit("Zoe", trained=True)
    before = snapshot()

    services.plan_close(school, s.year, continue_ids=[s.ada_pairing.pk], today=JULY)

    assert snapshot() == before


def test_the_close_does_exactly_what_the_dry_run_listed(school, coordinator):
    s = Scheme(school, next_year=True)
    zoe = s.recruit("Zoe", trained=True)
    yusuf = s.recruit("Yusuf", trained=False)
    plan = services.plan_close(school, s.year, continue_ids=[s.ada_pairing.pk], today=JULY)
    active_before = set(Pairing.objects.active().values_list("pk", flat=True))
    on_roll_before = set(Pupil.objects.on_roll().values_list("pk", flat=True))

    closed = services.close_year(
        school=school,
        year=s.year,
        continue_ids=[s.ada_pairing.pk],
        by=coordinator,
        digest=plan.digest,
        today=JULY,
    )

    ended = active_before - set(Pairing.objects.active().values_list("pk", flat=True))
    assert ended == {p.pk for p in plan.pairings_to_end} == {s.ben_pairing.pk, s.cat_pairing.pk}
    left = on_roll_before - set(Pupil.objects.on_roll().values_list("pk", flat=True))
    assert left == {p.pk for p in plan.leavers} == {s.cat.pupil_id, s.leaver.pk}
    trained = set(
        Mentor.objects.filter(status="trained", academic_year=s.next).values_list("pk", flat=True)
    )
    assert trained == {m.pk for m in plan.becoming_trained} == {zoe.pk}
    assert [m.pk for m in plan.still_training] == [yusuf.pk]
    assert closed.changes["pairings_ended"] == [p.pk for p in plan.pairings_to_end]
    assert closed.changes["counts"] == plan.counts()
    assert closed.next_year == s.next and closed.figures == FIGURES


def test_nothing_is_deleted(school, coordinator):
    s = Scheme(school, next_year=True)
    s.recruit("Zoe", trained=True)
    before = counts()

    services.close_year(school=school, year=s.year, by=coordinator, today=JULY)

    after = counts()
    shrunk = {label: (n, after[label]) for label, n in before.items() if after[label] < n}
    assert shrunk == {}
    assert after["evaluation.ClosedYear"] == before["evaluation.ClosedYear"] + 1


# --- What closing changes -----------------------------------------------------------------


def test_the_years_pairings_end_completed_unless_kept_going(school, coordinator):
    s = Scheme(school)

    services.close_year(
        school=school, year=s.year, continue_ids=[s.ada_pairing.pk], by=coordinator, today=JULY
    )

    ben = Pairing.objects.select_related("referral").get(pk=s.ben_pairing.pk)
    assert (ben.status, ben.end_reason, ben.ended_on) == ("ended", "completed", JULY)
    assert ben.referral.status == Referral.Status.CLOSED
    assert Pairing.objects.get(pk=s.ada_pairing.pk).is_active
    earlier = Pairing.objects.get(pk=s.ended.pk)
    assert (earlier.end_reason, earlier.ended_on) == ("no_longer_needed", dt.date(2026, 2, 1))
    assert AuditEntry.objects.filter(action="pairing.ended", target_id=str(ben.pk)).exists()
    assert AuditEntry.objects.filter(
        action="pairing.continued", target_id=str(s.ada_pairing.pk)
    ).exists()


def test_a_late_close_ends_the_pairings_on_the_last_day_of_the_summer_term(school, coordinator):
    s = Scheme(school)
    summer = s.year.terms.get(name=Term.Name.SUMMER)

    services.close_year(school=school, year=s.year, by=coordinator, today=dt.date(2026, 8, 20))

    assert set(
        Pairing.objects.filter(pk__in=[s.ada_pairing.pk, s.ben_pairing.pk]).values_list(
            "ended_on", flat=True
        )
    ) == {summer.ends_on}


def test_a_pairing_kept_going_ends_when_the_next_year_closes(school, coordinator):
    s = Scheme(school)
    services.close_year(
        school=school, year=s.year, continue_ids=[s.ada_pairing.pk], by=coordinator, today=JULY
    )
    following = AcademicYear.objects.get(school=school, name="2026–27")

    plan = services.plan_close(school, following, today=dt.date(2027, 7, 12))

    assert [p.pk for p in plan.pairings] == [s.ada_pairing.pk]


def test_this_years_mentors_are_next_years_experienced_mentors(school, coordinator):
    s = Scheme(school, next_year=True)
    # Ben is on next year's team as well, recorded before he was known to be experienced.
    again = MentorFactory(school=school, pupil=s.ben.pupil, academic_year=s.next, status="trained")

    services.close_year(school=school, year=s.year, by=coordinator, today=JULY)

    assert Mentor.objects.get(pk=again.pk).is_experienced
    experienced = set(
        Mentor.objects.for_school(school)
        .experienced_for(s.next.starts_on)
        .values_list("pupil_id", flat=True)
    )
    assert {s.ada.pupil_id, s.ben.pupil_id} <= experienced
    assert Mentor.objects.get(pk=s.dan.pk).status == Mentor.Status.STEPPED_DOWN


def test_year_11_leavers_leave_the_scheme_and_their_rows_stay(school, coordinator):
    s = Scheme(school, next_year=True)
    cat_next = MentorFactory(
        school=school, pupil=s.cat.pupil, academic_year=s.next, status="trained"
    )

    services.close_year(school=school, year=s.year, by=coordinator, today=JULY)

    cat = Pupil.objects.get(pk=s.cat.pupil_id)
    assert not cat.is_on_roll
    assert not Membership.objects.get(pupil=cat).is_active
    assert Mentor.objects.get(pk=s.cat.pk).status == Mentor.Status.TRAINED  # this year's: history
    assert Mentor.objects.get(pk=cat_next.pk).status == Mentor.Status.STEPPED_DOWN
    assert Pairing.objects.get(pk=s.cat_pairing.pk).end_reason == "completed"
    assert not Pupil.objects.get(pk=s.leaver.pk).is_on_roll
    assert Membership.objects.get(pupil=s.ada.pupil).is_active
    assert AuditEntry.objects.filter(action="pupil.left", target_id=str(cat.pk)).exists()


def test_leavers_are_not_taken_off_roll_once_the_year_has_ended(school, coordinator):
    s = Scheme(school)

    plan = services.plan_close(school, s.year, today=dt.date(2026, 10, 1))
    services.close_year(school=school, year=s.year, by=coordinator, today=dt.date(2026, 10, 1))

    assert plan.leavers == [] and plan.leavers_note
    assert Pupil.objects.get(pk=s.leaver.pk).is_on_roll


def test_next_year_is_set_up_with_this_years_terms_moved_on_52_weeks(school, coordinator):
    s = Scheme(school)

    closed = services.close_year(school=school, year=s.year, by=coordinator, today=JULY)

    new = closed.next_year
    assert (new.name, new.starts_on, new.ends_on) == (
        "2026–27",
        dt.date(2026, 9, 1),
        dt.date(2027, 8, 31),
    )
    old = {t.name: t for t in s.year.terms.all()}
    terms = list(new.terms.order_by("starts_on"))
    assert [t.name for t in terms] == ["autumn", "spring", "summer"]
    for term in terms:
        before = old[term.name]
        assert term.starts_on - before.starts_on == dt.timedelta(weeks=52)
        assert term.starts_on.weekday() == before.starts_on.weekday()
        assert term.ends_on.weekday() == before.ends_on.weekday()
        assert term.half_term_starts_on - before.half_term_starts_on == dt.timedelta(weeks=52)
        assert new.starts_on <= term.starts_on < term.ends_on <= new.ends_on
    for earlier, later in zip(terms, terms[1:], strict=False):
        assert earlier.ends_on < later.starts_on
    assert s.year.ends_on < new.starts_on


def test_terms_that_would_start_before_the_new_year_move_on_53_weeks(school, coordinator):
    s = Scheme(school)
    Term.objects.filter(academic_year=s.year, name="autumn").update(starts_on=dt.date(2025, 9, 1))

    plan = services.plan_close(school, s.year, today=JULY)

    assert plan.next_year is not None and plan.next_year.weeks_moved == 53
    autumn = plan.next_year.terms[0]
    assert autumn.starts_on == dt.date(2026, 9, 7) and autumn.starts_on.weekday() == 0


def test_a_year_already_set_up_is_kept_as_it_is(school, coordinator):
    s = Scheme(school, next_year=True)
    assert s.next is not None
    terms_before = list(s.next.terms.values())

    closed = services.close_year(school=school, year=s.year, by=coordinator, today=JULY)

    assert closed.next_year == s.next
    assert list(s.next.terms.values()) == terms_before
    assert AcademicYear.objects.for_school(school).count() == 2


def test_a_second_close_is_refused_and_changes_nothing(school, coordinator):
    s = Scheme(school)
    services.close_year(school=school, year=s.year, by=coordinator, today=JULY)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        services.close_year(school=school, year=s.year, by=coordinator, today=JULY)

    assert "2025–26 was closed on" in error.value.messages[0]
    assert snapshot() == before


def test_a_plan_that_changed_since_it_was_shown_is_refused(school, coordinator):
    s = Scheme(school)
    shown = services.plan_close(school, s.year, today=JULY)
    s.pair(s.ada, "Quinn")  # a pairing made meanwhile (Ada has room for two)
    before = snapshot()

    with pytest.raises(ValidationError) as error:
        services.close_year(
            school=school, year=s.year, by=coordinator, digest=shown.digest, today=JULY
        )

    assert error.value.messages == [services.PLAN_CHANGED]
    assert snapshot() == before


def test_closing_is_in_the_audit_trail(school, coordinator):
    s = Scheme(school)

    services.close_year(school=school, year=s.year, by=coordinator, today=JULY)

    entry = AuditEntry.objects.get(action="academic_year.closed")
    assert entry.actor == coordinator and entry.school == school
    assert entry.changes["pairings_ended"] == 3 and entry.changes["next_year"] == "2026–27"


def test_a_year_without_its_three_terms_is_followed_by_the_usual_term_dates(school):
    year = AcademicYear.objects.create(
        school=school, name="2025–26", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )

    plan = services.plan_close(school, year, today=JULY)

    assert plan.next_year is not None
    assert [t.name for t in plan.next_year.terms] == ["autumn", "spring", "summer"]
    assert plan.next_year.terms[0].starts_on == dt.date(2026, 9, 3)


def test_a_name_taken_by_a_year_that_does_not_follow_is_refused_in_words(school, coordinator):
    s = Scheme(school)
    AcademicYear.objects.create(
        school=school, name="2026–27", starts_on=dt.date(2019, 9, 1), ends_on=dt.date(2020, 8, 31)
    )

    plan = services.plan_close(school, s.year, today=JULY)

    assert plan.next_year is None
    assert plan.refusal.startswith("The school already has a year called 2026–27")
    with pytest.raises(ValidationError):
        services.close_year(school=school, year=s.year, by=coordinator, today=JULY)
    assert not ClosedYear.objects.exists()
