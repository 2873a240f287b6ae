"""A school's home page shows what the apps registered for the viewer's role, and nothing else."""

from __future__ import annotations

import re

import pytest

from peermentoring.core import registry
from peermentoring.core.registry import TodoItem, register_todo
from peermentoring.core.roles import Role
from peermentoring.schools.tests.views_support import text, url
from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SCHEME_FIGURES = [
    "Trained peer mentors",
    "Mentees with a mentor",
    "Meetings this term",
    "Drop-in visits this term",
    "Referrals waiting for review",
    "Mentees waiting for a mentor",
]


def figure_labels(page: str) -> list[str]:
    """The labels of the figures under "The scheme at a glance", in order."""
    section = page.split("The scheme at a glance", 1)[1].split("These fill in", 1)[0]
    return re.findall(r'<span class="stat-label">([^<]*)</span>', section)


@pytest.fixture
def own_todos(monkeypatch):
    """The apps' to-do sources, in a copy this test may add to."""
    monkeypatch.setattr(registry, "_todos", dict(registry._todos))


@pytest.mark.parametrize(
    "role", [Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN, Role.TRUST_LEAD]
)
def test_staff_and_the_trust_lead_see_the_scheme_figures_in_order(client_for, school, role):
    viewer = MembershipFactory(user=UserFactory(), school=school, role=role).user

    page = text(client_for(viewer).get(url("schools:home", school)))

    assert figure_labels(page) == SCHEME_FIGURES


def test_a_mentor_is_shown_the_way_to_their_mentee(client_for, school, mentor):
    page = text(client_for(mentor).get(url("schools:home", school)))

    assert f'<a href="{url("meetings:my-mentee", school)}">My mentee</a>' in page


def test_a_mentee_is_not_shown_a_mentors_items(client_for, school, mentee):
    page = text(client_for(mentee).get(url("schools:home", school)))

    assert "My mentee" not in page
    assert "The scheme at a glance" not in page


def test_an_item_registered_for_coordinators_shows_only_on_their_home_page(
    client_for, school, coordinator, dsl, own_todos
):
    register_todo(
        key="test-referrals-to-review",
        order=5,
        roles=[Role.COORDINATOR],
        items=lambda m: [TodoItem(label="Review referrals", url="/review/", count=3)],
    )

    page = text(client_for(coordinator).get(url("schools:home", school)))
    other = text(client_for(dsl).get(url("schools:home", school)))

    assert '<a href="/review/">Review referrals</a> <span class="badge">3</span>' in page
    assert "Review referrals" not in other


def test_an_item_with_its_own_partial_is_shown_through_it(client_for, school, mentee, own_todos):
    register_todo(
        key="test-own-card",
        order=5,
        roles=[Role.MENTEE],
        items=lambda m: [
            TodoItem(
                label="Your interview panels",
                url="/panels/",
                template="recruitment/_todo_panels.html",
            )
        ],
    )

    page = text(client_for(mentee).get(url("schools:home", school)))

    assert (
        '<p class="card"><a href="/panels/">Your interview panels</a>: '
        "score the applicants you interview.</p>"
    ) in page
