"""Run matching for one school from the command line (a trust's data manager scripts it).

    manage.py run_matching --school oakbrook              # store a proposal to confirm in the app
    manage.py run_matching --school oakbrook --dry-run    # compute and print; store nothing
    manage.py run_matching --school oakbrook --json       # the proposal as JSON

Nobody is paired by this command: a proposal is confirmed by a coordinator.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from peermentoring.matching import services
from peermentoring.matching.run import build_proposal
from peermentoring.schools.models import School


class Command(BaseCommand):
    help = "Propose mentor–mentee pairs for a school's matching queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's slug, as in /s/<slug>/.")
        parser.add_argument("--dry-run", action="store_true", help="Compute only; store nothing.")
        parser.add_argument("--json", action="store_true", help="Print the proposal as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the slug {options['school']!r}.")
        with transaction.atomic():
            if options["dry_run"]:
                proposal = build_proposal(school)
            else:
                run = services.run_matching(school=school, by=None)
                proposal = run.proposal
        if options["json"]:
            self.stdout.write(json.dumps(proposal, indent=2, ensure_ascii=False))
            return
        for pair in proposal["pairs"]:
            why = "; ".join(pair["reasons"]) or "no factor in common"
            self.stdout.write(f"{pair['mentee']} — {pair['mentor']} ({pair['score']}): {why}")
        for item in proposal["unmatched"]:
            self.stdout.write(f"Not matched: {item['mentee']}: {item['reason']}")
        stored = "not stored (dry run)" if options["dry_run"] else "stored: confirm it in the app"
        self.stdout.write(
            f"{len(proposal['pairs'])} pairs, {len(proposal['unmatched'])} not matched; {stored}."
        )
