"""`make demo` on a database the previous version made: every row survives the migrations.

`data/previous-demo-8bad706.json.gz` is `manage.py dumpdata` of a database that
`make demo` built at commit 8bad706, the last commit before models moved between apps
(content types, permissions, sessions, axes and the task queue left out: Django and
those packages make their own). The test rolls the test database back to that
commit's migrations, loads the rows through the models as they were then, migrates
forward and finds every row, under the app each model lives in now.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

DUMP = Path(__file__).parent / "data" / "previous-demo-8bad706.json.gz"

# The migrations applied at commit 8bad706: our apps' leaves then.
PREVIOUS = [
    ("core", "0004_add_outboundemail_holds_secret"),
    ("schools", "0006_set_account_owners"),
    ("recruitment", "0002_add_rounds_applications_interviews"),
    ("training", "0001_initial"),
    ("matching", "0003_add_link_form_nonce"),
    ("mentors", None),
    ("referrals", None),
]

# Where a model of the previous version lives now.
MOVED = {
    "recruitment.mentor": "mentors.mentor",
    "matching.mentorfreewindow": "mentors.mentorfreewindow",
    "matching.referral": "referrals.referral",
    "matching.referralcategory": "referrals.referralcategory",
    "matching.primaryreferrallink": "referrals.primaryreferrallink",
}


def _records() -> list[dict[str, Any]]:
    with gzip.open(DUMP, "rt", encoding="utf-8") as f:
        return json.load(f)


def _load(apps: Any, records: list[dict[str, Any]]) -> None:
    """Write the dumped rows through the historical models (any database, any order)."""
    rows: dict[Any, list[Any]] = defaultdict(list)
    links: dict[Any, list[Any]] = defaultdict(list)
    for record in records:
        model = apps.get_model(record["model"])
        values: dict[str, Any] = {}
        for name, value in record["fields"].items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                through = field.remote_field.through
                for other in value:
                    links[through].append(
                        through(
                            **{
                                f"{field.m2m_field_name()}_id": record["pk"],
                                f"{field.m2m_reverse_field_name()}_id": other,
                            }
                        )
                    )
            elif field.is_relation:
                values[field.attname] = value
            else:
                values[name] = field.to_python(value)
        rows[model].append(model(pk=record["pk"], **values))
    with transaction.atomic():  # foreign keys are checked at commit, so order does not matter
        for model, objs in [*rows.items(), *links.items()]:
            model.objects.bulk_create(objs)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(rows)):
            cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_the_previous_demo_migrates_and_keeps_every_row(client, settings):
    # The dumped accounts' passwords were hashed by Django's default hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    records = _records()
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    _load(executor.loader.project_state([n for n in PREVIOUS if n[1]]).apps, records)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    expected: dict[str, set[Any]] = defaultdict(set)
    for record in records:
        expected[MOVED.get(record["model"], record["model"])].add(record["pk"])
    for label, pks in expected.items():
        model = current_apps.get_model(label)
        assert set(model.objects.values_list("pk", flat=True)) == pks, label

    Mentor = current_apps.get_model("mentors", "Mentor")
    Pairing = current_apps.get_model("matching", "Pairing")
    AuditEntry = current_apps.get_model("core", "AuditEntry")
    before = Counter(r["fields"]["status"] for r in records if r["model"] == "recruitment.mentor")
    assert Counter(Mentor.objects.values_list("status", flat=True)) == before
    dumped_pairs = {
        (r["pk"], r["fields"]["mentor"]) for r in records if r["model"] == "matching.pairing"
    }
    assert set(Pairing.objects.values_list("pk", "mentor_id")) == dumped_pairs
    old_mentor_entries = sum(
        1
        for r in records
        if r["model"] == "core.auditentry" and r["fields"]["target_type"] == "recruitment.Mentor"
    )
    assert old_mentor_entries > 0
    assert AuditEntry.objects.filter(target_type="mentors.Mentor").count() == old_mentor_entries
    assert not AuditEntry.objects.filter(target_type="recruitment.Mentor").exists()
    assert not AuditEntry.objects.filter(target_type__startswith="matching.Referral").exists()
    assert AuditEntry.objects.filter(target_type="referrals.Referral").count() == sum(
        1
        for r in records
        if r["model"] == "core.auditentry" and r["fields"]["target_type"] == "matching.Referral"
    )

    # Many-to-many rows follow the referrals (their tables are named after the old table).
    Referral = current_apps.get_model("referrals", "Referral")
    dumped_links = {
        (r["pk"], category)
        for r in records
        if r["model"] == "matching.referral"
        for category in r["fields"]["categories"]
    }
    assert dumped_links
    assert (
        set(Referral.categories.through.objects.values_list("referral_id", "referralcategory_id"))
        == dumped_links
    )

    # `make demo` then finds the demo already loaded and lists its log-ins.
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "The demo is already loaded." in out.getvalue()
    assert "helen.hewitt@oakbrook.example" in out.getvalue()

    # The coordinator's mentor pages work on the migrated rows.
    User = current_apps.get_model("core", "User")
    client.force_login(User.objects.get(username="helen.hewitt@oakbrook.example"))
    for path in (
        "/s/oakbrook/training/grid/",
        "/s/oakbrook/matching/",
        "/s/oakbrook/matching/referrals/",
    ):
        assert client.get(path).status_code == 200, path
