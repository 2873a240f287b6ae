"""Apps register home-page figures and to-do items; each role gets only its own, in order."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from peermentoring.core import registry
from peermentoring.core.registry import (
    Figure,
    TodoItem,
    home_figures,
    register_home_figure,
    register_todo,
    todo_items,
)
from peermentoring.core.roles import Role


@pytest.fixture(autouse=True)
def empty_registries(monkeypatch):
    """Each test starts from nothing registered and leaves the apps' registrations alone."""
    monkeypatch.setattr(registry, "_figures", {})
    monkeypatch.setattr(registry, "_todos", {})


def membership(role: str) -> SimpleNamespace:
    """Just what the registry reads of a membership: its role and school."""
    return SimpleNamespace(role=role, school=SimpleNamespace(slug="oakbrook"))


def test_figures_come_in_their_order_for_the_roles_they_were_registered_for():
    register_home_figure(
        key="b", order=20, label="Second", roles=[Role.COORDINATOR], value=lambda m: 2
    )
    register_home_figure(
        key="a",
        order=10,
        label="First",
        roles=[Role.COORDINATOR, Role.TRUST_LEAD],
        value=lambda m: 1,
    )

    assert home_figures(membership(Role.COORDINATOR)) == [
        Figure(label="First", value=1),
        Figure(label="Second", value=2),
    ]
    assert home_figures(membership(Role.TRUST_LEAD)) == [Figure(label="First", value=1)]
    assert home_figures(membership(Role.MENTOR)) == []


def test_a_figure_is_worked_out_for_the_viewers_membership():
    seen = []
    register_home_figure(
        key="a", order=10, label="Counted", roles=[Role.COORDINATOR], value=seen.append
    )
    viewer = membership(Role.COORDINATOR)

    home_figures(viewer)

    assert seen == [viewer]


def test_a_figure_links_to_its_school_page():
    register_home_figure(
        key="a",
        order=10,
        label="Pupils",
        roles=[Role.COORDINATOR],
        value=lambda m: 3,
        url_name="schools:pupil-list",
    )

    [figure] = home_figures(membership(Role.COORDINATOR))

    assert figure.url == "/s/oakbrook/pupils/"


def test_registering_the_same_key_again_replaces_the_figure():
    register_home_figure(
        key="a", order=10, label="Old", roles=[Role.COORDINATOR], value=lambda m: 1
    )
    register_home_figure(
        key="a", order=10, label="New", roles=[Role.COORDINATOR], value=lambda m: 5
    )

    assert home_figures(membership(Role.COORDINATOR)) == [Figure(label="New", value=5)]


def test_todo_items_come_source_by_source_in_order_and_only_for_their_roles():
    register_todo(
        key="later",
        order=20,
        roles=[Role.MENTOR, Role.PUPIL],
        items=lambda m: [TodoItem(label="Apply", url="/apply/")],
    )
    register_todo(
        key="first",
        order=10,
        roles=[Role.MENTOR],
        items=lambda m: [
            TodoItem(label="My mentee", url="/mentee/"),
            TodoItem(label="Log a meeting", url="/meet/", count=2),
        ],
    )

    assert [item.label for item in todo_items(membership(Role.MENTOR))] == [
        "My mentee",
        "Log a meeting",
        "Apply",
    ]
    assert [item.label for item in todo_items(membership(Role.PUPIL))] == ["Apply"]
    assert todo_items(membership(Role.COORDINATOR)) == []
