"""Outcomes on pupils' home pages: a mentee's "Your check-in" card while one is due, and a
mentor's "Your reflection" card in the second half of the summer term.

Each costs the home page one query when it may be due (the mentee's: their pairings with
their years and answered moments, however many; the mentor's: their record of the year
with its summer term and whether they answered) and the mentor's none before May.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.core.roles import PUPIL_ROLES, Role
from peermentoring.evaluation import outcomes_due
from peermentoring.evaluation.models import Response
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import Term

# A check-in follows the pupil's records, not their account's role: any pupil account with a
# pairing as mentee gets it, as any pupil account with one sees "Your mentor". The mentor's
# side of the scheme (duties, policies to read, the reflection) goes by the Mentor role.
CHECK_IN_ROLES = PUPIL_ROLES
REFLECTION_ROLES = (Role.MENTOR,)
CHECK_IN_CARD = "evaluation/outcomes/_check_in_card.html"
REFLECTION_CARD = "evaluation/outcomes/_reflection_card.html"
# The second half of the summer term starts after the May half-term, never before May; the
# year ends by August's end.
REFLECTION_MONTHS = range(5, 9)


def check_in_card(membership: Any) -> list[TodoItem]:
    """ "Your check-in": four quick questions, while one is due and not answered."""
    if membership.pupil_id is None:
        return []
    pairings = Pairing.objects.filter(school=membership.school_id, mentee=membership.pupil_id)
    if not outcomes_due.due_check_ins(pairings, timezone.localdate()):
        return []
    url = school_url(membership, "evaluation:my-check-in")
    return [TodoItem(label="Your check-in", url=url, template=CHECK_IN_CARD)] if url else []


def reflection_card(membership: Any) -> list[TodoItem]:
    """ "Your reflection" for a mentor of this year who has not written it, once it is due."""
    today = timezone.localdate()
    if membership.pupil_id is None or today.month not in REFLECTION_MONTHS:
        return []
    summer = Term.objects.filter(academic_year=OuterRef("academic_year"), name=Term.Name.SUMMER)
    mentor: Any = (
        Mentor.objects.filter(
            school=membership.school_id,
            pupil=membership.pupil_id,
            academic_year__starts_on__lte=today,
            academic_year__ends_on__gte=today,
        )
        .exclude(status=Mentor.Status.STEPPED_DOWN)
        .annotate(
            answered=Exists(Response.objects.filter(mentor=OuterRef("pk"))),
            summer_starts_on=Subquery(summer.values("starts_on")[:1]),
            summer_ends_on=Subquery(summer.values("ends_on")[:1]),
            summer_half_term_ends_on=Subquery(summer.values("half_term_ends_on")[:1]),
        )
        .select_related("academic_year")
        .first()
    )
    if mentor is None or mentor.answered or mentor.summer_starts_on is None:
        return []
    term = Term(
        name=Term.Name.SUMMER,
        starts_on=mentor.summer_starts_on,
        ends_on=mentor.summer_ends_on,
        half_term_ends_on=mentor.summer_half_term_ends_on,
    )
    if not outcomes_due.reflection_due_on(term, mentor.academic_year, today):
        return []
    url = school_url(membership, "evaluation:my-reflection")
    return [TodoItem(label="Your reflection", url=url, template=REFLECTION_CARD)] if url else []
