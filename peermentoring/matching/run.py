"""Read a school's queue and mentors into a matching problem, and a proposal into plain data.

Nothing here writes: `services.run_matching` stores the result, and
`manage.py run_matching --dry-run` prints it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from peermentoring.matching.models import DoNotPair, MatchingSettings, Pairing
from peermentoring.matching.scoring import (
    MenteeFacts,
    MentorFacts,
    Problem,
    Proposal,
    Weights,
    propose,
    words,
)
from peermentoring.mentors.models import Mentor, MentorFreeWindow, able_to_mentor_ids
from peermentoring.referrals.models import Referral, ReferralCategory
from peermentoring.schools.models import AcademicYear, School, SchoolDayWindow

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _ActiveCount(TypedDict):
    active_count: int  # the mentor's active pairings


NOT_TRAINED = "has not completed every required training module"
NOT_SERVING = "is {status}"
FULL = "has no free place ({count} of {capacity} taken)"


def window_label(window: SchoolDayWindow) -> str:
    """ "Tuesday lunch", "Monday AM registration": the school's own words."""
    kind = window.get_kind_display()
    if window.kind != SchoolDayWindow.Kind.AM_REGISTRATION:
        kind = kind.lower()
    return f"{window.get_weekday_display()} {kind}"


def weights_for(school: School) -> Weights:
    """The school's weights and rules as the plain values the scorer takes."""
    s = MatchingSettings.for_school(school)
    return Weights(
        interests=s.interests_weight,
        primary=s.primary_weight,
        language=s.language_weight,
        gender=s.gender_weight,
        windows=s.windows_weight,
        experience=s.experience_weight,
        form_house=s.form_house_weight,
        form_house_rule=s.form_house_rule,
        requires_consent=s.requires_consent,
    )


def current_year(school: School, today: dt.date | None = None) -> AcademicYear | None:
    return AcademicYear.objects.for_school(school).containing(today or timezone.localdate()).first()


def queue(school: School) -> list[Referral]:
    """Accepted referrals whose child has no active mentor, most urgent first."""
    active = Pairing.objects.active().values("mentee")
    return list(
        Referral.objects.for_school(school)
        .in_queue()
        .exclude(pupil__in=active)
        .select_related("pupil", "pupil__feeder_primary", "feeder_primary")
        .prefetch_related(
            Prefetch("categories", queryset=ReferralCategory.objects.only("pk", "is_higher_need")),
            "free_windows",
        )
        .by_urgency()
    )


def free_windows(chosen: Iterable[int], active: Collection[int]) -> frozenset[int] | None:
    """The windows someone is free at; None (any window that is on) only when they ticked none.

    A ticked window that is switched off is kept but is no one's free time, so a
    person whose only ticked window is off is free at none, not at every one.
    """
    ticked = frozenset(chosen)
    return ticked & frozenset(active) if ticked else None


def mentee_facts(referral: Referral, active: Collection[int]) -> MenteeFacts:
    pupil = referral.pupil
    primary = (pupil.feeder_primary if pupil else None) or referral.feeder_primary
    windows = free_windows((w.pk for w in referral.free_windows.all()), active)
    return MenteeFacts(
        key=referral.pk,
        name=referral.child_name,
        pupil_id=pupil.pk if pupil else None,
        family_key=pupil.family_key if pupil else "",
        family_name=pupil.family_name if pupil else referral.child_family_name,
        interests=words(referral.interests),
        languages=words(referral.languages),
        primary_id=primary.pk if primary else None,
        primary_name=primary.name if primary else "",
        gender_preference=referral.gender_preference,
        windows=windows,
        is_urgent=referral.is_urgent,
        is_soon=referral.is_soon,
        is_higher_need=any(c.is_higher_need for c in referral.categories.all()),
        form_group=pupil.form_group if pupil else "",
        house=pupil.house if pupil else "",
        consent=referral.consent,
        consent_label=referral.get_consent_display(),
        is_on_roll=bool(pupil and pupil.is_on_roll),
    )


def load_problem(
    school: School,
    *,
    locked: set[tuple[int, int]] | None = None,
    forbidden: set[tuple[int, int]] | None = None,
) -> tuple[Problem, list[dict[str, str]]]:
    """Everything the scorer needs for one school, and the mentors left out with why."""
    year = current_year(school)
    # MentorQuerySet yields plain Mentors to the type checker, annotation or not.
    mentors = cast(
        "list[WithAnnotations[Mentor, _ActiveCount]]",
        list(
            Mentor.objects.for_school(school)
            .filter(academic_year=year)
            .select_related("pupil")
            .annotate(
                active_count=Count("pairings", filter=Q(pairings__status=Pairing.Status.ACTIVE))
            )
        ),
    )
    able = able_to_mentor_ids(mentors)
    labels = {w.pk: window_label(w) for w in SchoolDayWindow.objects.for_school(school).active()}
    windows: dict[int, set[int]] = defaultdict(set)
    for mentor_id, window_id in MentorFreeWindow.objects.filter(
        mentor__in=[m.pk for m in mentors]
    ).values_list("mentor_id", "window_id"):
        windows[mentor_id].add(window_id)
    left_out: list[dict[str, str]] = []
    facts: list[MentorFacts] = []
    for m in mentors:
        if not m.is_serving:
            left_out.append(
                {
                    "mentor": str(m),
                    "reason": NOT_SERVING.format(status=m.get_status_display().lower()),
                }
            )
            continue
        if m.pk not in able:
            left_out.append({"mentor": str(m), "reason": NOT_TRAINED})
            continue
        places = max(m.capacity - m.active_count, 0)
        if places == 0:
            left_out.append(
                {"mentor": str(m), "reason": FULL.format(count=m.active_count, capacity=m.capacity)}
            )
            continue
        facts.append(
            MentorFacts(
                key=m.pk,
                name=str(m),
                pupil_id=m.pupil_id,
                family_key=m.pupil.family_key,
                family_name=m.pupil.family_name,
                interests=words(m.interests),
                languages=words(m.languages),
                primary_id=m.pupil.feeder_primary_id,
                gender=m.pupil.gender if m.pupil.gender in ("female", "male") else "",
                windows=free_windows(windows[m.pk], labels),
                is_experienced=m.is_experienced,
                form_group=m.pupil.form_group,
                house=m.pupil.house,
                places=places,
            )
        )
    pairs = DoNotPair.objects.for_school(school).values_list("pupil_id", "other_id")
    problem = Problem(
        mentees=[mentee_facts(r, labels) for r in queue(school)],
        mentors=facts,
        weights=weights_for(school),
        window_labels=labels,
        do_not_pair={frozenset(p) for p in pairs},
        forbidden=forbidden or set(),
        locked=locked or set(),
    )
    return problem, left_out


def proposal_data(proposal: Proposal, left_out: list[dict[str, str]]) -> dict[str, Any]:
    """The proposal as JSON-ready data: what the page shows and `--json` prints."""
    return {
        "pairs": [
            {
                "referral": p.mentee.key,
                "mentee": p.mentee.name,
                "form_group": p.mentee.form_group,
                "mentor_id": p.mentor.key,
                "mentor": p.mentor.name,
                "score": round(p.score, 2),
                "reasons": p.reasons,
                "locked": p.is_locked,
            }
            for p in proposal.pairs
        ],
        "unmatched": [
            {"referral": m.key, "mentee": m.name, "reason": reason}
            for m, reason in proposal.unmatched
        ],
        "spare_places": [
            {"mentor_id": m.key, "mentor": m.name, "places": n} for m, n in proposal.spare
        ],
        "mentors_left_out": left_out,
        "dropped_locks": [list(pair) for pair in proposal.dropped_locks],
        "total_score": round(proposal.total_score, 2),
    }


def build_proposal(
    school: School,
    *,
    locked: set[tuple[int, int]] | None = None,
    forbidden: set[tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """Load, score, solve and describe: the whole run for one school, writing nothing."""
    problem, left_out = load_problem(school, locked=locked, forbidden=forbidden)
    return proposal_data(propose(problem), left_out)


def forbidden_labels(run: Any) -> list[dict[str, Any]]:
    """The pairs a coordinator forbade on a proposal, with the two names."""
    # Ids past a database integer's range (stored before adjust bounded them) name no row.
    biggest = 2**63 - 1
    pairs = [
        (int(a), int(b))
        for a, b in run.forbidden
        if 0 < int(a) <= biggest and 0 < int(b) <= biggest
    ]
    referrals = {
        r.pk: r.child_name
        for r in Referral.objects.for_school(run.school_id)
        .filter(pk__in=[a for a, _ in pairs])
        .select_related("pupil")
    }
    mentors = {
        m.pk: str(m)
        for m in Mentor.objects.for_school(run.school_id)
        .filter(pk__in=[b for _, b in pairs])
        .select_related("pupil")
    }
    return [
        {
            "referral": a,
            "mentor_id": b,
            "mentee": referrals.get(a, "?"),
            "mentor": mentors.get(b, "?"),
        }
        for a, b in pairs
    ]
