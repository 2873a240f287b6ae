"""Importing pupils from an Excel workbook: the same as the CSV, and formulas refused."""

from __future__ import annotations

import datetime as dt

from peermentoring.schools.models import Pupil, PupilImport, School
from peermentoring.schools.pupil_files import FORMULA_CELL
from peermentoring.schools.tests.pupil_import_support import (
    SIMS_HEADER,
    assert_refused,
    born,
    pupils_of,
    run,
    sims_row,
    table,
    uk_date,
    xlsx,
)

# --- Excel ----------------------------------------------------------------------------------------


def test_an_xlsx_file_imports_the_same_as_the_csv(school, other_school):
    rows = [
        sims_row("1001", Year="Year 7", Gender="F", DOB=uk_date(12, day=14, month=3)),
        sims_row("1002", Year="Y9", Gender="M", DOB=uk_date(14, day=2, month=11)),
    ]
    sheet: list[list[object]] = [list(SIMS_HEADER)]
    for row in rows:
        cells: list[object] = [row[name] for name in SIMS_HEADER]
        cells[0] = int(row["Adno"])  # Excel holds admission numbers as numbers
        day, month, year = (int(part) for part in row["DOB"].split("/"))
        cells[9] = dt.datetime(year, month, day)  # and dates as dates
        sheet.append(cells)

    from_excel = run(school, xlsx(sheet), filename="pupils.xlsx")
    from_csv = run(other_school, table(rows), filename="pupils.csv")

    assert from_excel.outcome == PupilImport.Outcome.IMPORTED
    assert from_excel.file_format == "Excel"
    assert (from_excel.created, from_csv.created) == (2, 2)

    def fields(school: School) -> list[tuple[object, ...]]:
        return [row[1:-2] for row in pupils_of(school)]  # without pk, feeder primary, on roll

    assert fields(school) == fields(other_school)
    assert Pupil.objects.get(school=school, admission_number="1002").date_of_birth == born(
        14, day=2, month=11
    )
    # And the CSV re-imported over the Excel import finds nothing to change.
    again = run(school, table(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_formula_in_an_xlsx_file_refuses_it(school, existing):
    before = pupils_of(school)
    sheet: list[list[object]] = [list(SIMS_HEADER)]
    sheet.append([sims_row("1001")[name] for name in SIMS_HEADER])
    bad = [sims_row("1002")[name] for name in SIMS_HEADER]
    bad[2] = '=HYPERLINK("http://x","y")'
    sheet.append(bad)

    report = run(school, xlsx(sheet), filename="pupils.xlsx")

    assert_refused(
        report, [(3, FORMULA_CELL.format(column="given name (Forename)", char="="))], before
    )
