"""Migration 0006 gives each existing account to the school that made it, and only that one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("schools", "0005_membership_owner_and_invitations")]
AFTER = [("schools", "0006_set_account_owners")]


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_get_the_earliest_school_they_still_belong_to():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    state = executor.loader.project_state(BEFORE).apps
    User = state.get_model("core", "User")
    School = state.get_model("schools", "School")
    Membership = state.get_model("schools", "Membership")
    oak, elm = (School.objects.create(name=n, slug=n.lower()) for n in ("Oak", "Elm"))

    def person(name, **flags):
        return User.objects.create(
            username=f"{name}@example.org", email=f"{name}@example.org", **flags
        )

    shared, left, lead, root = (
        person("shared"),
        person("left"),
        person("lead"),
        person("root", is_superuser=True),
    )
    Membership.objects.create(user=shared, school=oak, role="coordinator")
    Membership.objects.create(user=shared, school=elm, role="coordinator")
    Membership.objects.create(user=left, school=oak, role="coordinator", is_active=False)
    Membership.objects.create(user=left, school=elm, role="coordinator")
    Membership.objects.create(user=lead, school=oak, role="trust_lead")
    Membership.objects.create(user=root, school=oak, role="coordinator")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    owners = dict(
        executor.loader.project_state(AFTER)
        .apps.get_model("schools", "Membership")
        .objects.filter(owns_account=True)
        .values_list("user__username", "school__slug")
    )
    assert owners == {"shared@example.org": "oak", "left@example.org": "elm"}
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
