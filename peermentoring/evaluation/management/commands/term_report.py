"""The term report for scripts and scheduled exports: the same figures as the page.

    manage.py term_report --school oakbrook --term autumn-2025
    manage.py term_report --school oakbrook --term autumn-2025 --format json
    manage.py term_report --school oakbrook --year 2025-26 --format csv
    manage.py term_report --school oakbrook --from 2025-09-01 --to 2025-12-19

TERM is the term's season and the year it starts in (autumn-2025, spring-2026,
summer-2026). `--format json` prints one JSON object whose top-level `meetings_held` is
the number of one-to-one meetings that happened (itemised and bulk-reported); `csv`
prints every table of the report one under the other; `text` (the default) the figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peermentoring.core.spreadsheets import neutralise
from peermentoring.evaluation import figures, report_outcomes, report_tables
from peermentoring.evaluation.figures import Span, SpanError
from peermentoring.schools.models import School

FORMATS = ("text", "csv", "json")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"“{text[:40]}” is not a date: write it like 2025-09-01.") from error


class Command(BaseCommand):
    help = "Print a school's term report (a term, a year or any dates) as text, CSV or JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's slug, as in /s/<slug>/.")
        parser.add_argument("--term", help="autumn-2025, spring-2026, summer-2026…")
        parser.add_argument("--year", help="A whole academic year: 2025-26.")
        parser.add_argument("--from", dest="first", help="The first day, 2025-09-01.")
        parser.add_argument("--to", dest="last", help="The last day, 2025-12-19.")
        parser.add_argument("--format", choices=FORMATS, default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(slug=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the slug {options['school']!r}.")
        span = self._span(school, options)
        report = figures.report(school, span)
        outcomes = report_outcomes.summary(school, span)
        if options["format"] == "json":
            data = report.as_dict() | {"outcomes": outcomes.as_dict()}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            for row in report_outcomes.all_rows(report, outcomes):
                writer.writerow([neutralise(cell) for cell in row])
        else:
            self._text(report)
            for line in report_outcomes.text_lines(outcomes):
                self.stdout.write(line)

    def _span(self, school: School, options: dict[str, Any]) -> Span:
        chosen = [k for k in ("term", "year") if options.get(k)]
        dates = options.get("first") or options.get("last")
        if len(chosen) + bool(dates) != 1:
            raise CommandError("Give one of --term, --year, or --from with --to.")
        try:
            if options.get("term"):
                return figures.parse_term(school, options["term"])
            if options.get("year"):
                return figures.parse_year(school, options["year"])
            if not (options.get("first") and options.get("last")):
                raise CommandError("Give both --from and --to.")
            return Span.for_dates(_date(options["first"]), _date(options["last"]))
        except SpanError as error:
            raise CommandError(str(error)) from error

    def _text(self, report: figures.Report) -> None:
        self.stdout.write(f"{report.school_name}: {report.span.label}")
        self.stdout.write(report.sentence)
        self.stdout.write("")
        width = max(len(label) for label in report_tables.HEADLINE_LABELS.values())
        for key, label in report_tables.HEADLINE_LABELS.items():
            self.stdout.write(f"{label:<{width}}  {report.headline[key]:>6}")
