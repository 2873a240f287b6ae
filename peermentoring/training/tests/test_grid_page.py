"""The training grid page: each trainee's row, cell by cell, and the way to their pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear
from peermentoring.training.models import ModuleCompletion, TrainingModule
from tests.support.factories import MentorFactory, ModuleCompletionFactory, PupilFactory, this_year

pytestmark = pytest.mark.django_db


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_each_trainee_s_row_shows_every_module_and_the_way_to_their_pages(
    client_for, school, coordinator
):
    year = this_year(school)
    rules = TrainingModule.objects.create(
        school=school, order=1, title="Ground rules, safeguarding and telling", is_required=True
    )
    games = TrainingModule.objects.create(school=school, order=2, title="Games")
    tolu = MentorFactory(
        school=school,
        pupil=PupilFactory(
            school=school, given_name="Tolu", family_name="Adeyemi", form_group="10A"
        ),
        status=Mentor.Status.TRAINED,
    )
    ModuleCompletionFactory(mentor=tolu, module=rules)
    ModuleCompletionFactory(
        mentor=tolu, module=games, status="caught_up", completed_on=dt.date(2026, 3, 4)
    )
    bea = MentorFactory(
        school=school,
        pupil=PupilFactory(school=school, given_name="Bea", family_name="Zeller", form_group="10C"),
        status=Mentor.Status.IN_TRAINING,
    )
    ModuleCompletionFactory(mentor=bea, module=games, status=ModuleCompletion.Status.ABSENT)
    last_year = AcademicYear.objects.create(
        school=school,
        name="Last year",
        starts_on=dt.date(year.starts_on.year - 1, 9, 1),
        ends_on=year.starts_on - dt.timedelta(days=1),
    )
    MentorFactory(school=school, pupil=bea.pupil, academic_year=last_year)  # she mentored before

    page = client_for(coordinator).get(reverse("training:grid", args=[school.slug])).content
    shown = rows(page.decode())

    def link(name, mentor):
        return reverse(f"training:{name}", args=[school.slug, mentor.pk])

    assert sorted(shown) == sorted(
        [
            '<th scope="row">Tolu Adeyemi <span class="muted small">10A</span></th> '
            '<td data-label="Status"><span class="tag tag-good">Trained</span></td> '
            '<td class="done" data-label="1* Ground rules, safeguarding …">Present</td>'
            '<td class="caught-up" data-label="2 Games">Caught up 4 Mar</td> '
            f'<td class="print-hide" data-label="Actions"><a href="{link("catch-up", tolu)}">'
            f'Record catch-up</a> · <a href="{link("certificate", tolu)}">Certificate</a></td>',
            '<th scope="row">Bea Zeller <span class="muted small">10C</span> '
            '<span class="tag">Experienced</span></th> '
            '<td data-label="Status"><span class="tag tag-warn">In training</span></td> '
            '<td class="gap" data-label="1* Ground rules, safeguarding …">Missing</td>'
            '<td class="gap" data-label="2 Games">Absent</td> '
            f'<td class="print-hide" data-label="Actions"><a href="{link("catch-up", bea)}">'
            "Record catch-up</a></td>",
        ]
    )


def test_a_cohort_with_no_trainees_says_so(client_for, school, coordinator):
    this_year(school)
    TrainingModule.objects.create(school=school, order=1, title="Ground rules")

    page = client_for(coordinator).get(reverse("training:grid", args=[school.slug])).content

    assert '<td colspan="4">No trainees in this cohort.</td>' in page.decode()
