"""One gatherer per area of the Approved Provider Standard: what the scheme recorded.

The term report's figures come from the one definition in `figures.py` (`by_school`'s
headline figures), so the pack and the report never disagree; the records figures.py
does not count (rounds, training sessions, matching runs, policies) are counted here.
Counts are the database's (aggregations, a fixed number of queries however many rows);
dated lists and samples name pupils only through the pack's `Names`. Nothing here reads
what a safeguarding concern says: concerns are counted, never shown. Nor are free-text
notes about pupils (referral needs, review notes, supervision problems, pairing notes).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from peermentoring.core.roles import Role
from peermentoring.dropin.models import Room
from peermentoring.evaluation import figures
from peermentoring.evaluation.evidence_pack import Area, Names, Period, Table
from peermentoring.evaluation.evidence_policies_in_force import (
    PolicyInForce,
    acknowledgements,
    day,
    mentors_in,
    policy_table,
)
from peermentoring.matching.models import MatchRun, Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application, RecruitmentRound
from peermentoring.referrals.models import Referral
from peermentoring.schools.models import Membership, School, Term
from peermentoring.supervision.models import Session, SessionMentor, SupervisionGroup
from peermentoring.training.models import ModuleCompletion, TrainingModule, TrainingSession

NOT_RECORDED = "Not recorded in the product"
Headline = dict[str, int]


# --- The ten areas ---------------------------------------------------------------------


def _aims(
    school: School, period: Period, policies: list[PolicyInForce], mentors: int, names: Names
) -> Area:
    area = Area(
        1,
        "aims",
        "Clear aims",
        "The scheme has clear, written aims that staff, mentors and mentees know.",
    )
    aims = [p for p in policies if p.is_aims]
    area.facts.append(("Aims recorded", f"Yes, version {aims[0].number}" if aims else "No"))
    if aims and aims[0].is_for_mentors:
        area.facts.append(
            ("Mentors who acknowledged the aims", f"{aims[0].acknowledged} of {mentors}")
        )
    area.facts.append(("Policies in force", len(policies) - len(aims)))
    area.tables.append(policy_table(policies, mentors))
    area.tables.append(acknowledgements(school, period, policies, names))
    area.notes.append("The texts in force are printed at the end of this pack.")
    return area


def _resources(school: School, period: Period, mentors: Any) -> Area:
    area = Area(
        2,
        "resources",
        "Resources",
        "The scheme has the people, time and places it needs.",
    )
    counts = mentors.aggregate(
        all=Count("pk"), trained=Count("pk", filter=Q(status=Mentor.Status.TRAINED))
    )
    roles = dict(
        Membership.objects.for_school(school)
        .active()
        .manageable()
        .filter(role__in=[Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD])
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    area.facts += [
        ("Peer mentors in the period's year(s)", counts["all"]),
        ("Of whom trained now", counts["trained"]),
        ("Coordinators", roles.get(Role.COORDINATOR, 0)),
        ("Training modules", TrainingModule.objects.for_school(school).count()),
        ("Supervision groups", SupervisionGroup.objects.for_school(school).count()),
        ("Drop-in rooms open", Room.objects.for_school(school).filter(is_active=True).count()),
    ]
    return area


def _safety(
    school: School, period: Period, policies: list[PolicyInForce], headline: Headline
) -> Area:
    area = Area(
        3,
        "safety",
        "Safety of staff, mentors and mentees",
        "Safeguarding arrangements are in place, known and followed.",
    )
    leads = dict(
        Membership.objects.for_school(school)
        .active()
        .manageable()
        .filter(role__in=[Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD])
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    # Counts only: nothing a concern says ever leaves the safeguarding pages.
    raised = headline["concerns_raised"]
    area.facts += [
        ("Safeguarding leads", leads.get(Role.SAFEGUARDING_LEAD, 0)),
        ("Deputy safeguarding leads", leads.get(Role.DEPUTY_SAFEGUARDING_LEAD, 0)),
        ("Safeguarding concerns raised through the scheme", raised),
        (
            "Of which acknowledged by a safeguarding lead",
            raised - headline["concerns_not_acknowledged"],
        ),
        ("Acknowledged within an hour", headline["concerns_acknowledged_within_hour"]),
        ("Staff DBS checks and safeguarding training", NOT_RECORDED),
        ("Policies mentors read and acknowledge", sum(1 for p in policies if p.is_for_mentors)),
    ]
    area.notes.append(
        "Concerns are counted only; what they say stays with the safeguarding lead. Staff "
        "DBS checks are kept in the school's single central record."
    )
    return area


def _referrals(school: School, period: Period) -> Any:
    return Referral.objects.for_school(school).filter(
        referred_at__date__range=(period.first, period.last)
    )


def _referral(school: School, period: Period, names: Names, headline: Headline) -> Area:
    area = Area(
        4,
        "referral",
        "Referral process",
        "There is a clear way for pupils to be referred, and referrals are dealt with.",
    )
    referrals = _referrals(school, period)
    by_source = dict(
        referrals.values_list("source").annotate(n=Count("pk")).values_list("source", "n")
    )
    area.facts.append(("Referrals received", headline["referrals_received"]))
    for value, label in Referral.Source.choices:
        area.facts.append((f"From: {label.lower()}", by_source.get(value, 0)))
    area.facts.append(("Waiting for a mentor today", headline["mentees_waiting"]))
    table = Table(
        "referrals.csv",
        "Referrals received in the period",
        ["Referred on", "Pupil", "From", "Priority", "Status now", "Reviewed on"],
    )
    for r in referrals.order_by("referred_at", "pk"):
        child = f"{r.child_given_name} {r.child_family_name}"
        table.rows.append(
            [
                day(r.referred_at),
                names.mentee(r.pupil_id, referral_id=r.pk, child=child),
                r.get_source_display(),
                r.get_priority_display(),
                r.get_status_display(),
                day(r.reviewed_at),
            ]
        )
    area.tables.append(table)
    return area


def _needs(school: School, period: Period) -> Area:
    area = Area(
        5,
        "needs",
        "Needs assessment",
        "Each referral's needs are assessed before a pupil is matched.",
    )
    referrals = _referrals(school, period)
    reviewed = Referral.objects.for_school(school).filter(
        reviewed_at__date__range=(period.first, period.last)
    )
    outcomes = dict(
        reviewed.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    area.facts.append(("Referrals reviewed in the period", sum(outcomes.values())))
    for value, label in Referral.Status.choices:
        if outcomes.get(value):
            area.facts.append((f"Reviewed, now: {label.lower()}", outcomes[value]))
    consent = dict(
        referrals.values_list("consent").annotate(n=Count("pk")).values_list("consent", "n")
    )
    area.facts.append(
        ("Referrals with parental consent given", consent.get(Referral.Consent.GIVEN, 0))
    )
    table = Table(
        "needs.csv",
        "Needs recorded on the period's referrals (the school's categories)",
        ["Category", "Referrals"],
    )
    for name, n in (
        referrals.values_list("categories__name")
        .annotate(n=Count("pk"))
        .filter(categories__isnull=False)
        .order_by("-n", "categories__name")
        .values_list("categories__name", "n")
    ):
        table.rows.append([name, n])
    priority = dict(
        referrals.values_list("priority").annotate(n=Count("pk")).values_list("priority", "n")
    )
    for value, label in Referral.Priority.choices:
        area.facts.append((f"Priority: {label.lower()}", priority.get(value, 0)))
    area.tables.append(table)
    return area


def _recruitment(school: School, period: Period, headline: Headline) -> Area:
    area = Area(
        6,
        "recruitment",
        "Safe recruitment and selection",
        "Mentors are recruited openly and selected fairly and safely.",
    )
    submitted = ~Q(applications__status=Application.Status.DRAFT)
    rounds = (
        RecruitmentRound.objects.for_school(school)
        .filter(opens_on__lte=period.last, closes_on__gte=period.first)
        .annotate(
            applied=Count("applications", filter=submitted, distinct=True),
            interviewed=Count("applications__interview", distinct=True),
            offered=Count(
                "applications", filter=Q(applications__offered_at__isnull=False), distinct=True
            ),
            accepted=Count(
                "applications",
                filter=Q(applications__status=Application.Status.ACCEPTED),
                distinct=True,
            ),
            references=Count("applications__reference", distinct=True),
            answered=Count(
                "applications__reference",
                filter=Q(applications__reference__answered_at__isnull=False),
                distinct=True,
            ),
            consent=Count(
                "applications",
                filter=Q(applications__parental_consent_on__isnull=False),
                distinct=True,
            ),
        )
        .order_by("opens_on", "pk")
    )
    table = Table(
        "recruitment.csv",
        "Recruitment rounds open in the period",
        [
            "Round",
            "Opened",
            "Closed",
            "Places",
            "Applications",
            "Interviews",
            "Offers",
            "Accepted",
            "Tutor references asked",
            "Tutor references received",
            "Parental consent recorded",
        ],
    )
    columns = ["applied", "interviewed", "offered", "accepted", "references", "answered", "consent"]
    for r in rounds.values("title", "opens_on", "closes_on", "places", *columns):
        table.rows.append(
            [r["title"], day(r["opens_on"]), day(r["closes_on"]), r["places"]]
            + [r[c] for c in columns]
        )
    area.facts += [
        ("Recruitment rounds", len(table.rows)),
        ("Applications submitted in the period", headline["applications"]),
        ("Interviews held in the period", headline["interviews"]),
        ("Offers made in the period", headline["offers"]),
    ]
    area.tables.append(table)
    return area


def _training(school: School, period: Period) -> Area:
    area = Area(
        7,
        "training",
        "Induction and training",
        "Mentors are trained before they mentor, in the modules the scheme requires.",
    )
    done = Q(
        completions__status__in=ModuleCompletion.COMPLETE,
        completions__completed_on__range=(period.first, period.last),
    )
    modules = (
        TrainingModule.objects.for_school(school)
        .annotate(completed=Count("completions", filter=done))
        .order_by("order", "pk")
    )
    table = Table(
        "training-modules.csv",
        "Training modules and completions in the period",
        ["Module", "Required", "Mentors who completed it in the period"],
        [[m.title, "Yes" if m.is_required else "No", getattr(m, "completed", 0)] for m in modules],
    )
    sessions = (
        TrainingSession.objects.for_school(school)
        .filter(held_on__range=(period.first, period.last))
        .annotate(
            modules_n=Count("modules", distinct=True),
            present=Count(
                "completions",
                filter=Q(completions__status=ModuleCompletion.Status.PRESENT),
                distinct=True,
            ),
        )
        .order_by("held_on", "pk")
    )
    dated = Table(
        "training-sessions.csv",
        "Training sessions held in the period",
        ["Held on", "Session", "Modules covered", "Module attendances"],
        [[day(s.held_on), s.title, s.modules_n, s.present] for s in sessions],
    )
    area.facts += [
        ("Training sessions held", len(dated.rows)),
        ("Module completions", sum(row[2] for row in table.rows)),
    ]
    area.tables += [dated, table]
    return area


def _supervision(school: School, period: Period, headline: Headline) -> Area:
    area = Area(
        8,
        "supervision",
        "Support for mentors (supervision)",
        "Mentors are supervised regularly and their problems are acted on.",
    )
    present = Q(mentor_rows__attendance=SessionMentor.Attendance.PRESENT)
    absent = Q(
        mentor_rows__attendance__in=[
            SessionMentor.Attendance.ABSENT,
            SessionMentor.Attendance.EXCUSED,
        ]
    )
    sessions = (
        Session.objects.for_school(school)
        .filter(held_on__range=(period.first, period.last))
        .select_related("group")
        .annotate(
            present=Count("mentor_rows", filter=present), absent=Count("mentor_rows", filter=absent)
        )
        .order_by("held_on", "pk")
    )
    table = Table(
        "supervision.csv",
        "Supervision sessions held in the period",
        ["Held on", "Group", "Mentors present", "Mentors absent"],
        [
            [day(s["held_on"]), s["group__name"], s["present"], s["absent"]]
            for s in sessions.values("held_on", "group__name", "present", "absent")
        ],
    )
    area.facts += [
        ("Supervision sessions", headline["supervision_sessions"]),
        ("Mentors present", headline["supervision_present"]),
        ("Mentors absent", headline["supervision_absent"]),
        ("Actions agreed", headline["actions_opened"]),
        ("Actions completed", headline["actions_closed"]),
    ]
    area.tables.append(table)
    return area


def _matching(school: School, period: Period, names: Names, headline: Headline) -> Area:
    area = Area(
        9,
        "matching",
        "Clear and consistent matching",
        "Mentors and mentees are matched the same way each time, for stated reasons.",
    )
    runs = (
        MatchRun.objects.for_school(school)
        .filter(
            status=MatchRun.Status.CONFIRMED,
            confirmed_at__date__range=(period.first, period.last),
        )
        .annotate(pairings_n=Count("pairings"))
        .order_by("confirmed_at", "pk")
    )
    dated = Table(
        "matching-runs.csv",
        "Matching proposals confirmed in the period",
        ["Confirmed on", "Pairings made"],
        [[day(r.confirmed_at), getattr(r, "pairings_n", 0)] for r in runs],
    )
    pairings = (
        Pairing.objects.for_school(school)
        .filter(started_on__lte=period.last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.first))
        .select_related("mentor")
        .order_by("started_on", "pk")
    )
    sample = Table(
        "pairings.csv",
        "Pairings running in the period",
        ["Mentor", "Mentee", "Started on", "Ended on", "Why it ended", "Made by a matching run"],
    )
    for p in pairings:
        sample.rows.append(
            [
                names.mentor(p.mentor.pupil_id),
                names.mentee(p.mentee_id),
                day(p.started_on),
                day(p.ended_on),
                p.get_end_reason_display() if p.end_reason else "",
                "Yes" if p.match_run_id else "No",
            ]
        )
    area.facts += [
        ("Matching proposals confirmed", len(dated.rows)),
        ("Pairings started in the period", headline["pairings_started"]),
        ("Pairings running in the period", headline["pairings_active"]),
        ("Pairings ended in the period", headline["pairings_ended"]),
    ]
    area.tables += [dated, sample]
    return area


def _monitoring(school: School, period: Period, headline: Headline) -> Area:
    area = Area(
        10,
        "monitoring",
        "Monitoring of progress and outcomes",
        "Meetings and progress are recorded, and outcomes are measured.",
    )
    area.facts += [
        ("One-to-one meetings that happened", headline["meetings_held"]),
        ("Of which reported as 'met N times'", headline["meetings_bulk_reported"]),
        ("Meetings that did not happen", headline["meetings_did_not_happen"]),
        ("Mentees who met their mentor", headline["mentees_supported"]),
        ("Mentors who met a mentee", headline["mentors_meeting"]),
        ("Drop-in visits", headline["dropin_visits"]),
    ]
    terms = (
        Term.objects.for_school(school)
        .filter(starts_on__lte=period.last, ends_on__gte=period.first)
        .select_related("academic_year")
    )
    table = Table(
        "meetings-by-term.csv",
        "One-to-one meetings by term (within the period)",
        ["Term", "From", "To", "Meetings that happened"],
    )
    for term in terms.order_by("starts_on"):
        first, last = max(term.starts_on, period.first), min(term.ends_on, period.last)
        held = figures.meetings_held(school, figures.Span(first, last, str(term)))
        table.rows.append([str(term), day(first), day(last), held])
    area.tables.append(table)
    area.notes.append(
        "Counts include meetings logged one by one and those reported as 'met N times', "
        "each pairing's week counted once."
    )
    return area


def gather(
    school: School, period: Period, names: Names, policies: list[PolicyInForce]
) -> list[Area]:
    """The ten areas, in the standard's order."""
    mentors = mentors_in(school, period)
    mentor_count = mentors.values("pupil_id").distinct().count()
    headline = headline_figures(school, period)
    return [
        _aims(school, period, policies, mentor_count, names),
        _resources(school, period, mentors),
        _safety(school, period, policies, headline),
        _referral(school, period, names, headline),
        _needs(school, period),
        _recruitment(school, period, headline),
        _training(school, period),
        _supervision(school, period, headline),
        _matching(school, period, names, headline),
        _monitoring(school, period, headline),
    ]


def headline_figures(school: School, period: Period) -> Headline:
    """The term report's headline figures of the school in the period (figures.py's)."""
    span = figures.Span(period.first, period.last, period.label)
    row = figures.by_school(School.objects.filter(pk=school.pk), span)[school.pk]
    return {key: int(value or 0) for key, value in row.items()}
