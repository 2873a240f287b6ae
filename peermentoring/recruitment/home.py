"""Recruitment on a pupil's home page: registered in RecruitmentConfig.ready(), shown by schools.

Each advert, application and the interview panels are one to-do item shown as a card
of its own (the partials in `recruitment/templates/recruitment/_todo_*.html`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from peermentoring.core.registry import TodoItem
from peermentoring.recruitment.models import Application, Interview, RecruitmentRound

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


def pupil_recruitment(membership: Membership) -> list[TodoItem]:
    """The pupil's open adverts, their applications, and any interview panels they sit on."""
    school, today, pupil = membership.school, timezone.localdate(), membership.pupil
    if pupil is None:
        return []
    applications = list(
        Application.objects.for_school(school)
        .filter(pupil=pupil)
        .select_related("round__academic_year")
    )
    applied = {a.round_id for a in applications}
    # Last year's application is history, not news: a mentor who accepted a place
    # last spring and has since trained should not still read "training comes next".
    applications = [a for a in applications if a.round.academic_year.ends_on >= today]
    # Only the adverts this pupil may answer: a Year 7 is not asked to apply for Year 9's round.
    adverts = [
        r
        for r in RecruitmentRound.objects.for_school(school)
        .open_on(today)
        .filter(year_group=pupil.year_group)
        if r.pk not in applied
    ]

    def apply_url(round_: RecruitmentRound) -> str:
        return reverse("recruitment:apply", args=[school.slug, round_.pk])

    items = [
        TodoItem(
            label=r.title,
            url=apply_url(r),
            template="recruitment/_todo_advert.html",
            detail=r,
        )
        for r in adverts
    ]
    items += [
        TodoItem(
            label=f"Your application: {a.round.title}",
            url=apply_url(a.round),
            template="recruitment/_todo_application.html",
            detail=a,
        )
        for a in applications
        if (a.status != a.Status.DRAFT or a.round.closes_on >= today)
        # Accepting made them a mentor: the mentors app's status card follows them from here.
        and a.mentor_id is None
    ]
    # A pupil's panels: only interviews still undecided (see Interview.answers_visible_to_pupils).
    # A pupil sits on a panel only as one of its pupils (the member of staff is one of the
    # school's staff: see InterviewForm), so their own record finds their panels; most sit
    # on none, which a look at the panels' pupils alone answers.
    panels = Interview.panel_pupils.through.objects.filter(pupil=pupil)
    if (
        panels.exists()
        and Interview.objects.filter(
            pk__in=panels.values("interview_id"), application__round__school=school
        )
        .open_to_pupils()
        .exists()
    ):
        items.append(
            TodoItem(
                label="Your interview panels",
                url=reverse("recruitment:panel-list", args=[school.slug]),
                template="recruitment/_todo_panels.html",
            )
        )
    return items
