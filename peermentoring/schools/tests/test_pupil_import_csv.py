"""Importing pupils from a SIMS-style CSV: every field read, dry runs, and years outside the scheme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from peermentoring.core.models import AuditEntry
from peermentoring.schools.models import FeederPrimary, Pupil, PupilImport
from peermentoring.schools.pupil_files import BAD_YEAR
from peermentoring.schools.services import import_pupils
from peermentoring.schools.tests.pupil_import_support import (
    THIS_YEAR,
    born,
    problems,
    pupils_of,
    run,
    sims_row,
    table,
    uk_date,
    upn,
)

# --- a SIMS-style CSV -----------------------------------------------------------------------------


def test_a_sims_csv_creates_pupils_with_every_field_right(school, school_admin):
    data = table(
        [
            sims_row(
                "1001",
                **{
                    "Legal Forename": "Amara",
                    "Preferred Forename": "Mara",
                    "Legal Surname": "Okafor",
                    "Year": "Year 7",
                    "Reg Group": "7A",
                    "House": "Kestrel",
                    "Gender": "F",
                    "DOB": uk_date(12, day=14, month=3),
                    "Feeder Primary": "Meadowside Primary",
                },
            ),
            sims_row(
                "1002",
                **{
                    "Legal Forename": "Ben",
                    "Legal Surname": "Hughes",
                    "Year": "Y9",
                    "Reg Group": "9C",
                    "House": "Osprey",
                    "Gender": "M",
                    "DOB": uk_date(14, day=2, month=11),
                    "Feeder Primary": "Meadowside Primary",
                },
            ),
            sims_row(
                "1003",
                **{
                    "UPN": "",
                    "Legal Forename": "Chen",
                    "Legal Surname": "Li",
                    "Year": "11",
                    "Reg Group": "11B",
                    "House": "",
                    "Gender": "",
                    "DOB": "",
                    "Feeder Primary": "",
                },
            ),
        ]
    )

    report = import_pupils(school=school, data=data, filename="sims.csv", by=school_admin)

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert (report.created, report.updated, report.unchanged, report.skipped) == (3, 0, 0, 0)
    assert report.file_format == "CSV"
    assert report.problems == []
    meadowside = FeederPrimary.objects.get(school=school)
    assert meadowside.name == "Meadowside Primary"
    amara = Pupil.objects.get(school=school, admission_number="1001")
    assert (
        amara.given_name,
        amara.preferred_name,
        amara.family_name,
        amara.year_group,
        amara.form_group,
        amara.house,
        amara.gender,
        amara.date_of_birth,
        amara.upn,
        amara.source_id,
        amara.feeder_primary,
        amara.is_on_roll,
    ) == (
        "Amara",
        "Mara",
        "Okafor",
        7,
        "7A",
        "Kestrel",
        Pupil.Gender.FEMALE,
        born(12, day=14, month=3),
        upn(1001),
        "",
        meadowside,
        True,
    )
    assert amara.full_name == "Mara Okafor"
    ben = Pupil.objects.get(school=school, admission_number="1002")
    assert (ben.year_group, ben.form_group, ben.house, ben.gender, ben.date_of_birth) == (
        9,
        "9C",
        "Osprey",
        Pupil.Gender.MALE,
        born(14, day=2, month=11),
    )
    assert ben.feeder_primary == meadowside
    chen = Pupil.objects.get(school=school, admission_number="1003")
    assert (chen.year_group, chen.upn, chen.gender, chen.date_of_birth, chen.feeder_primary) == (
        11,
        "",
        Pupil.Gender.NOT_STATED,
        None,
        None,
    )
    assert AuditEntry.objects.filter(school=school, action="pupil.imported").count() == 3
    summary = AuditEntry.objects.get(school=school, action="pupils.imported")
    assert summary.actor == school_admin
    assert summary.changes == {"created": 3, "updated": 0}
    assert PupilImport.objects.get(pk=report.pk).by == school_admin


@pytest.mark.parametrize("year", ["Year 7", "Y7", "07", "7", "Yr 7", "year 7"])
def test_a_year_group_is_read_however_the_school_system_writes_it(school, year):
    report = run(school, table([sims_row("1001", Year=year)]))

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert Pupil.objects.get(school=school).year_group == 7


def test_a_csv_saved_by_excel_with_a_byte_order_mark_and_semicolons_imports(school):
    dob = f"01/09/{THIS_YEAR - 13}"
    data = f"\ufeffAdno;Forename;Surname;Year;Form;DOB\r\n1001;Zoë;Brontë;Y8;8B;{dob}\r\n".encode()

    report = run(school, data)

    assert report.outcome == PupilImport.Outcome.IMPORTED
    pupil = Pupil.objects.get(school=school)
    assert (pupil.admission_number, pupil.given_name, pupil.family_name, pupil.year_group) == (
        "1001",
        "Zoë",
        "Brontë",
        8,
    )
    assert pupil.date_of_birth == dt.date(THIS_YEAR - 13, 9, 1)


# --- dry run --------------------------------------------------------------------------------------


def test_a_dry_run_reports_what_it_would_do_and_changes_nothing(school, existing):
    before = pupils_of(school)
    audit_count = AuditEntry.objects.count()
    data = table(
        [
            sims_row(
                "9001",
                UPN=upn(9001),
                **{
                    "Legal Forename": "Zara",
                    "Legal Surname": "Existing",
                    "Year": "9",
                    "Reg Group": "9Y",
                    "House": "",
                    "Gender": "",
                    "DOB": existing.date_of_birth.strftime("%d/%m/%Y"),
                    "Feeder Primary": "",
                },
            ),
            sims_row("1001", **{"Feeder Primary": "Brookside Primary"}),
            sims_row("1002"),
            sims_row("1003", Year="Year 12"),
        ]
    )

    report = run(school, data, dry_run=True)

    assert report.outcome == PupilImport.Outcome.CHECKED
    assert (report.created, report.updated, report.unchanged, report.skipped) == (2, 1, 0, 1)
    assert report.problems == []
    assert pupils_of(school) == before
    assert not FeederPrimary.objects.exists()
    assert AuditEntry.objects.count() == audit_count
    assert PupilImport.objects.get(pk=report.pk).outcome == PupilImport.Outcome.CHECKED


def test_a_dry_run_of_a_bad_file_is_refused(school):
    report = run(school, table([sims_row("1001", Year="42")]), dry_run=True)

    assert report.outcome == PupilImport.Outcome.REFUSED
    assert problems(report) == [(2, BAD_YEAR.format(value="42"))]
    assert not Pupil.objects.exists()


# --- years outside the scheme ---------------------------------------------------------------------


def test_each_skipped_row_is_reported_with_its_line_and_why(school, client_for, school_admin):
    data = table(
        [
            sims_row("1001", Year="Year 7"),
            sims_row("1002", Year="Year 12", DOB=uk_date(17)),
        ]
    )

    report = run(school, data)
    page = client_for(school_admin).get(
        reverse("schools:import-detail", args=[school.slug, report.pk])
    )

    assert report.skipped_rows == [
        {"line": 3, "message": "Year 12 is not part of the scheme (Years 7 to 11)."}
    ]
    assert '<td class="num" data-label="Line">3</td>' in page.text
    assert "Year 12 is not part of the scheme (Years 7 to 11)." in page.text


def test_year_12_and_13_rows_are_skipped_not_errors(school):
    data = table(
        [
            sims_row("1001", Year="Year 7"),
            sims_row("1002", Year="Year 12", DOB=uk_date(17)),
            sims_row("1003", Year="13", DOB=uk_date(18)),
        ]
    )

    report = run(school, data)

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert (report.created, report.skipped) == (1, 2)
    assert report.problems == []
    assert list(Pupil.objects.for_school(school).values_list("admission_number", flat=True)) == [
        "1001"
    ]
