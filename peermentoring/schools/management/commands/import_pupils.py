"""Import pupils from a school information system's CSV/XLSX export or a OneRoster file.

    manage.py import_pupils pupils.csv --school oakbrook [--dry-run]
    manage.py import_pupils oneroster/users.csv --school oakbrook --orgs oneroster/orgs.csv \
        --demographics oneroster/demographics.csv

All or nothing in one transaction: if any row has a problem, nothing changes and
every problem is listed with its line number. Exits 1 when the file was refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peermentoring.schools.models import PupilImport, School
from peermentoring.schools.services import import_pupils


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", required=True, help="The school's slug, e.g. oakbrook")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; change nothing."
        )
        parser.add_argument("--orgs", type=Path, help="OneRoster orgs.csv (optional)")
        parser.add_argument(
            "--demographics", type=Path, help="OneRoster demographics.csv (optional)"
        )
        parser.add_argument("--roles", type=Path, help="OneRoster 1.2 roles.csv (optional)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the slug {options['school']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        extra = {}
        for key, name in (
            ("orgs", "orgs.csv"),
            ("demographics", "demographics.csv"),
            ("roles", "roles.csv"),
        ):
            if options[key]:
                extra[name] = options[key].read_bytes()
        report = import_pupils(
            school=school,
            data=path.read_bytes(),
            filename=path.name,
            by=None,
            dry_run=options["dry_run"],
            extra_files=extra,
        )
        self.stdout.write(
            f"{report.get_outcome_display()}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.skipped} skipped ({report.file_format})."
        )
        for problem in report.problems:
            where = f"line {problem['line']}: " if problem["line"] else ""
            self.stderr.write(f"  {where}{problem['message']}")
        if report.outcome == PupilImport.Outcome.REFUSED:
            raise CommandError("Nothing was imported.")
