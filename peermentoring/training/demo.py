"""Last year's training at Oakbrook, built through the domain functions.

Called by `demo.builder.load_demo` with the mentors recruitment's demo accepted: the
two training days of activities week, where one trainee missed module 5 and caught
up at the end of the week.
"""

from __future__ import annotations

import datetime as dt

from peermentoring.core.roles import Role
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Membership, School, Term
from peermentoring.training import services
from peermentoring.training.models import ModuleCompletion, TrainingModule


def load_training_demo(school: School, *, mentors: list[Mentor], missed: Mentor) -> None:
    """Train last year's recruits; `missed` is absent from module 5 and catches up."""
    coordinator = Membership.objects.get(school=school, role=Role.COORDINATOR).user
    dsl = Membership.objects.get(school=school, role=Role.SAFEGUARDING_LEAD).user
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]

    # Activities week: two days in the last week of the summer term.
    summer = last_year.terms.get(name=Term.Name.SUMMER)
    monday = summer.ends_on - dt.timedelta(days=summer.ends_on.weekday())
    modules = list(TrainingModule.objects.for_school(school).order_by("order"))
    for offset, title, covered in ((0, "Day 1", modules[:3]), (1, "Day 2", modules[3:])):
        session = services.schedule_session(
            school=school,
            academic_year=this_year,
            title=f"Peer mentor training: {title}",
            held_on=monday + dt.timedelta(days=offset),
            modules=covered,
            by=coordinator,
        )
        marks = {
            (mentor.pk, module.pk): (
                ModuleCompletion.Status.ABSENT
                if mentor == missed and module.order == 5
                else ModuleCompletion.Status.PRESENT
            )
            for mentor in mentors
            for module in covered
        }
        services.take_register(session=session, marks=marks, by=coordinator)
    services.record_catch_up(
        mentor=missed,
        module=modules[4],
        completed_on=monday + dt.timedelta(days=3),
        signed_off_by=dsl,
        by=coordinator,
    )
