"""Build a school's drop-in duty rota for a period from the command line.

    manage.py build_rota --school oakbrook --from 2026-01-05 --to 2026-02-13
    manage.py build_rota --school oakbrook --from 2026-01-05 --to 2026-02-13 --dry-run
    manage.py build_rota --school oakbrook --from 2026-01-05 --to 2026-02-13 --json

The rota is stored as a draft (or, for dates that are exactly an existing rota's, solved again
around its locked duties), to be published by a coordinator in the app. `--dry-run` works it
out and stores nothing. `--json` prints one JSON object and nothing else: the problem and the
answer together (`rota_plan.problem_json`), so anyone can check the rota independently.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from peermentoring.dropin import rota_services
from peermentoring.dropin.rota_plan import problem_json
from peermentoring.schools.models import School


def _date(text: str, option: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{option} {text[:20]!r} is not a date: give it as YYYY-MM-DD, like 2026-01-05."
        ) from None


class Command(BaseCommand):
    help = "Build a school's drop-in duty rota for a period (a half-term or a term)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's slug, as in /s/<slug>/.")
        parser.add_argument("--from", dest="first", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--dry-run", action="store_true", help="Work it out; store nothing.")
        parser.add_argument(
            "--json", action="store_true", help="Print only the problem and answer, as JSON."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=str(options["school"])[:100]).first()
        if school is None:
            raise CommandError(f"No school with the slug {str(options['school'])[:100]!r}.")
        first = _date(options["first"], "--from")
        last = _date(options["last"], "--to")
        dry_run = options["dry_run"]
        try:
            if dry_run:
                # The default room is made the first time the school's openings are read:
                # a dry run stores nothing, that included.
                with transaction.atomic():
                    built = rota_services.solve_period(school=school, first=first, last=last)
                    transaction.set_rollback(True)
            else:
                built = rota_services.build_rota_and_answer(
                    school=school, first=first, last=last, by=None
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        data = problem_json(built.plan.problem, built.answer)
        rota = built.rota
        if options["json"]:
            data |= {"rota": rota.pk if rota is not None and not dry_run else None}
            data |= {"dry_run": dry_run}
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self._summary(data, first, last)
        if dry_run:
            self.stdout.write("Not stored (dry run).")
        elif rota is not None:
            state = "published: the mentors moved were told" if rota.is_published else "a draft"
            self.stdout.write(f"Stored as rota {rota.pk}, {state}.")

    def _summary(self, data: dict[str, Any], first: dt.date, last: dt.date) -> None:
        openings = data["openings"]
        self.stdout.write(
            f"{first:%d %b %Y} to {last:%d %b %Y}: {len(data['duties'])} duties at "
            f"{len(openings)} openings, {len(data['mentors'])} mentors "
            f"({data['status']}, gap {data['gap']:.1%}, {data['seconds']:.1f} s)."
        )
        short = [o for o in openings if o["unstaffable"]]
        if short:
            self.stdout.write(f"{len(short)} cannot be fully staffed:")
            for opening in short:
                self.stdout.write(f"  {opening['unstaffable']}")
