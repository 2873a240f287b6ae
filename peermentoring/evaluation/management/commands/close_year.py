"""Close a school's academic year from the command line (a trust's data manager scripts it).

    manage.py close_year --school oakbrook --dry-run            # print every change; change nothing
    manage.py close_year --school oakbrook                      # close this academic year
    manage.py close_year --school oakbrook --year 2025-26 --continue 41 --continue 57

The year is written as on screen ("2025–26") or with a plain hyphen ("2025-26"); without
--year, the year holding today. --continue keeps a running pairing (by its number) going
into next year. The changes are those of the page: `year_services.close_year`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from peermentoring.evaluation import year_services as services
from peermentoring.schools.models import AcademicYear, School

NO_SCHOOL = "No school with the slug {slug!r}."
NO_YEAR = "{school} has no academic year {year!r}. Its years: {names}."
NO_YEAR_TODAY = "{school} has no academic year holding today: name one with --year."


def _year(school: School, text: str | None) -> AcademicYear:
    years = AcademicYear.objects.for_school(school)
    if not text:
        year = services.year_to_close(school)
        if year is None:
            raise CommandError(NO_YEAR_TODAY.format(school=school.name))
        return year
    wanted = text.strip().replace("-", "–")
    year = years.filter(name=wanted).first()
    if year is None:
        names = ", ".join(y.name.replace("–", "-") for y in years) or "none"
        raise CommandError(NO_YEAR.format(school=school.name, year=text, names=names))
    return year


class Command(BaseCommand):
    help = "Close a school's academic year: end its pairings, leavers leave, set up next year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's slug, as in /s/<slug>/.")
        parser.add_argument("--year", help='The year to close, "2025-26"; default: this year.')
        parser.add_argument(
            "--dry-run", action="store_true", help="Print every change; change nothing."
        )
        parser.add_argument(
            "--continue",
            dest="continue_ids",
            type=int,
            action="append",
            default=[],
            metavar="PAIRING",
            help="A running pairing (its number) to keep going into next year; repeatable.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(NO_SCHOOL.format(slug=options["school"]))
        year = _year(school, options["year"])
        try:
            plan = services.plan_close(school, year, continue_ids=options["continue_ids"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if plan.is_closed:
            raise CommandError(plan.refusal)
        for line in plan.lines():
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
            return
        try:
            closed = services.close_year(
                school=school, year=year, continue_ids=options["continue_ids"], by=None
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Closed {year.name}; next year is {closed.next_year.name}. The annual report is kept."
        )
