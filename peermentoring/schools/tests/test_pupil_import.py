"""Importing pupils from MIS exports (CSV/XLSX) and OneRoster files: all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import Workbook

from peermentoring.core.factories import FeederPrimaryFactory, PupilFactory
from peermentoring.core.models import AuditEntry
from peermentoring.schools.models import FeederPrimary, Pupil, PupilImport, School
from peermentoring.schools.pupil_files import (
    BAD_DATE,
    BAD_UPN,
    BAD_YEAR,
    FILE_EMPTY,
    FILE_TOO_BIG,
    FORMULA_CELL,
    MISSING_COLUMNS,
    NO_ROWS,
    NOT_A_TABLE,
    NOT_UTF8,
    REPEATED_KEY,
    megabytes,
)
from peermentoring.schools.services import IDENTIFIER_CLASH, MATCHED_TWICE, import_pupils

THIS_YEAR = dt.date.today().year

SIMS_HEADER = (
    "Adno",
    "UPN",
    "Legal Forename",
    "Preferred Forename",
    "Legal Surname",
    "Year",
    "Reg Group",
    "House",
    "Gender",
    "DOB",
    "Feeder Primary",
)

OR11_USERS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
)
OR12_USERS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
)
OR_ROLES_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "userSourcedId",
    "roleType",
    "role",
    "orgSourcedId",
    "userProfileSourcedId",
    "beginDate",
    "endDate",
)
OR_ORGS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
)
OR_DEMOGRAPHICS_HEADER = ("sourcedId", "status", "dateLastModified", "birthDate", "sex")


# --- helpers ------------------------------------------------------------------


def upn(n: int) -> str:
    """A well-formed UPN: a letter, 11 digits, then a digit."""
    return f"H{n:011d}7"


def uk_date(age: int, day: int = 14, month: int = 3) -> str:
    """A date of birth as a UK MIS writes it, for a pupil `age` this year."""
    return f"{day:02d}/{month:02d}/{THIS_YEAR - age}"


def born(age: int, day: int = 14, month: int = 3) -> dt.date:
    return dt.date(THIS_YEAR - age, month, day)


def sims_row(adno: str, **fields: str) -> dict[str, str]:
    row = {
        "Adno": adno,
        "UPN": upn(int(adno)),
        "Legal Forename": "Amelia",
        "Preferred Forename": "",
        "Legal Surname": f"Okafor{adno}",
        "Year": "Year 7",
        "Reg Group": "7A",
        "House": "Kestrel",
        "Gender": "F",
        "DOB": uk_date(12),
        "Feeder Primary": "Meadowside Primary",
    }
    row.update(fields)
    return row


def table(rows: Iterable[Mapping[str, str]], header: Iterable[str] = SIMS_HEADER) -> bytes:
    """CSV bytes with a header row, as a school's system exports them."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=list(header), restval="", extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx(rows: Iterable[Iterable[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bundle(files: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def run(
    school: School,
    data: bytes,
    filename: str = "pupils.csv",
    *,
    dry_run: bool = False,
    extra_files: dict[str, bytes] | None = None,
) -> PupilImport:
    """Import a file as the command line does (by no one)."""
    return import_pupils(
        school=school,
        data=data,
        filename=filename,
        by=None,
        dry_run=dry_run,
        extra_files=extra_files,
    )


def problems(report: PupilImport) -> list[tuple[int | None, str]]:
    return [(p["line"], p["message"]) for p in report.problems]


def pupils_of(school: School) -> list[tuple[object, ...]]:
    """Every pupil of a school with every imported field, to compare before and after."""
    return list(
        Pupil.objects.for_school(school)
        .order_by("pk")
        .values_list(
            "pk",
            "given_name",
            "family_name",
            "preferred_name",
            "year_group",
            "form_group",
            "house",
            "gender",
            "date_of_birth",
            "upn",
            "admission_number",
            "source_id",
            "feeder_primary_id",
            "is_on_roll",
        )
    )


def assert_refused(
    report: PupilImport, expected: list[tuple[int | None, str]], before: list[tuple[object, ...]]
) -> None:
    """The file was refused with exactly these problems, and the school's pupils are as they were."""
    assert report.outcome == PupilImport.Outcome.REFUSED
    assert problems(report) == expected
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert pupils_of(report.school) == before
    assert PupilImport.objects.get(pk=report.pk).outcome == PupilImport.Outcome.REFUSED


@pytest.fixture
def existing(school: School) -> Pupil:
    """A pupil already on the school's roll before any file arrives."""
    return PupilFactory(
        school=school,
        given_name="Zara",
        family_name="Existing",
        admission_number="9001",
        upn=upn(9001),
        year_group=9,
        form_group="9Z",
    )


# --- a SIMS-style CSV ---------------------------------------------------------


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


# --- re-importing -------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(school):
    data = table([sims_row("1001"), sims_row("1002", Year="Y8"), sims_row("1003")])
    first = run(school, data)
    audit_count = AuditEntry.objects.count()
    before = pupils_of(school)

    again = run(school, data)

    assert first.created == 3
    assert again.outcome == PupilImport.Outcome.IMPORTED
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert pupils_of(school) == before
    assert Pupil.objects.for_school(school).count() == 3
    assert FeederPrimary.objects.for_school(school).count() == 1
    assert not AuditEntry.objects.filter(action="pupil.updated_by_import").exists()
    # Only the summary of the second import was written.
    assert AuditEntry.objects.count() == audit_count + 1


def test_a_changed_form_group_is_an_update_with_before_and_after_in_the_audit_trail(school):
    run(school, table([sims_row("1001", **{"Reg Group": "7A"}), sims_row("1002")]))
    pupil = Pupil.objects.get(school=school, admission_number="1001")

    report = run(school, table([sims_row("1001", **{"Reg Group": "7C"}), sims_row("1002")]))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    pupil.refresh_from_db()
    assert pupil.form_group == "7C"
    assert Pupil.objects.for_school(school).count() == 2
    entry = AuditEntry.objects.get(action="pupil.updated_by_import")
    assert entry.school == school
    assert entry.target_type == "schools.Pupil"
    assert entry.target_id == str(pupil.pk)
    assert entry.changes == {"form_group": ["7A", "7C"]}


def test_a_pupil_whose_upn_changed_is_still_matched_by_admission_number(school):
    pupil = PupilFactory(school=school, admission_number="1001", upn=upn(1))

    report = run(school, table([sims_row("1001", UPN=upn(2))]))

    assert (report.created, report.updated) == (0, 1)
    pupil.refresh_from_db()
    assert pupil.upn == upn(2)
    assert Pupil.objects.for_school(school).count() == 1


def test_a_pupil_without_a_matching_admission_number_is_matched_by_upn(school):
    pupil = PupilFactory(school=school, admission_number="", upn=upn(1001))

    report = run(school, table([sims_row("1001", UPN=upn(1001).lower())]))

    assert (report.created, report.updated) == (0, 1)
    pupil.refresh_from_db()
    assert (pupil.admission_number, pupil.upn) == ("1001", upn(1001))
    assert Pupil.objects.for_school(school).count() == 1


def test_a_pupil_with_neither_admission_number_nor_upn_is_matched_by_sourced_id(school):
    pupil = PupilFactory(
        school=school, admission_number="", upn="", source_id="stu-1", year_group=7
    )
    users = table(
        [
            {
                "sourcedId": "stu-1",
                "status": "active",
                "enabledUser": "true",
                "role": "student",
                "givenName": "Amelia",
                "familyName": pupil.family_name,
                "grades": "07",
            }
        ],
        OR11_USERS_HEADER,
    )

    report = run(school, users, filename="users.csv")

    assert (report.created, report.updated) == (0, 1)
    pupil.refresh_from_db()
    assert pupil.year_group == 8
    assert Pupil.objects.for_school(school).count() == 1


def test_an_empty_identifier_in_the_file_never_wipes_the_one_on_record(school):
    run(school, table([sims_row("1001")]))

    report = run(school, table([sims_row("1001", UPN="")]))

    assert (report.updated, report.unchanged) == (0, 1)
    assert Pupil.objects.get(school=school).upn == upn(1001)


def test_a_pupil_off_roll_who_is_in_the_file_is_back_on_roll(school):
    pupil = PupilFactory(
        school=school,
        admission_number="1001",
        upn=upn(1001),
        given_name="Amelia",
        family_name="Okafor1001",
        house="Kestrel",
        gender=Pupil.Gender.FEMALE,
        date_of_birth=born(12),
        feeder_primary=FeederPrimaryFactory(school=school, name="Meadowside Primary"),
        is_on_roll=False,
    )

    report = run(school, table([sims_row("1001")]))

    assert report.updated == 1
    pupil.refresh_from_db()
    assert pupil.is_on_roll is True
    entry = AuditEntry.objects.get(action="pupil.updated_by_import")
    assert entry.changes == {"is_on_roll": [False, True]}


def test_a_file_without_optional_columns_keeps_what_the_school_holds_for_them(school):
    run(school, table([sims_row("1001", **{"Preferred Forename": "Mia"})]))
    before = Pupil.objects.get(school=school)
    header = ("Adno", "Forename", "Surname", "Year", "Form")
    minimal = {"Adno": "1001", "Forename": "Amelia", "Surname": "Okafor1001", "Year": "8"}

    report = run(school, table([{**minimal, "Form": "8K"}], header))

    assert (report.updated, report.unchanged) == (1, 0)
    pupil = Pupil.objects.get(school=school)
    assert (pupil.year_group, pupil.form_group) == (8, "8K")
    assert (
        pupil.preferred_name,
        pupil.house,
        pupil.gender,
        pupil.date_of_birth,
        pupil.upn,
        pupil.feeder_primary,
    ) == ("Mia", "Kestrel", "female", born(12), upn(1001), before.feeder_primary)
    entry = AuditEntry.objects.get(action="pupil.updated_by_import")
    assert entry.changes == {"year_group": [7, 8], "form_group": ["7A", "8K"]}


def test_an_empty_cell_in_a_column_the_file_has_clears_the_value(school):
    run(school, table([sims_row("1001", House="Kestrel")]))

    report = run(school, table([sims_row("1001", House="")]))

    assert report.updated == 1
    assert Pupil.objects.get(school=school).house == ""


# --- Excel --------------------------------------------------------------------


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


# --- OneRoster ----------------------------------------------------------------


def or_student(sourced_id: str, **fields: str) -> dict[str, str]:
    row = {
        "sourcedId": sourced_id,
        "status": "active",
        "dateLastModified": "2026-09-01T08:00:00Z",
        "enabledUser": "true",
        "orgSourcedIds": "org-oak",
        "primaryOrgSourcedId": "org-oak",
        "role": "student",
        "username": f"{sourced_id}@oakbrook.example",
        "givenName": "Amelia",
        "familyName": f"Okafor-{sourced_id}",
        "grades": "07",
    }
    row.update(fields)
    return row


def or_teacher(sourced_id: str) -> dict[str, str]:
    return or_student(
        sourced_id,
        role="teacher",
        givenName="Helen",
        familyName="Marsh",
        grades="",
        email="h.marsh@oakbrook.example",
    )


def test_a_oneroster_1_1_users_csv_imports_students_by_us_grade_and_ignores_teachers(school):
    users = table(
        [
            or_teacher("tch-1"),
            or_student(
                "stu-1",
                grades="06",
                userIds=f"{{UPN:{upn(1)}}},{{AdmissionNumber:2001}}",
                preferredGivenName="Mia",
            ),
            or_student("stu-2", grades="10", identifier="2002"),
            or_student("stu-3", grades="11", identifier="2003"),
        ],
        OR11_USERS_HEADER,
    )

    report = run(school, users, filename="users.csv")

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert report.file_format == "OneRoster"
    assert (report.created, report.skipped) == (2, 1)
    first = Pupil.objects.get(school=school, source_id="stu-1")
    assert (first.year_group, first.upn, first.admission_number, first.family_name) == (
        7,
        upn(1),
        "2001",
        "Okafor-stu-1",
    )
    second = Pupil.objects.get(school=school, source_id="stu-2")
    assert (second.year_group, second.admission_number) == (11, "2002")
    assert not Pupil.objects.filter(source_id__in=["stu-3", "tch-1"]).exists()
    assert not Pupil.objects.filter(family_name="Marsh").exists()


def test_a_oneroster_1_2_users_csv_takes_roles_from_roles_csv(school):
    users = table([or_teacher("tch-1"), or_student("stu-1")], OR12_USERS_HEADER)
    roles = table(
        [
            {"sourcedId": "r1", "userSourcedId": "tch-1", "role": "teacher", "orgSourcedId": "o"},
            {"sourcedId": "r2", "userSourcedId": "stu-1", "role": "student", "orgSourcedId": "o"},
        ],
        OR_ROLES_HEADER,
    )

    report = run(school, users, filename="users.csv", extra_files={"roles.csv": roles})

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert report.created == 1
    assert list(Pupil.objects.for_school(school).values_list("source_id", flat=True)) == ["stu-1"]


def test_oneroster_demographics_give_date_of_birth_and_sex(school):
    users = table(
        [or_student("stu-1", grades="06"), or_student("stu-2", grades="08")], OR11_USERS_HEADER
    )
    demographics = table(
        [
            {"sourcedId": "stu-1", "birthDate": f"{THIS_YEAR - 12}-05-04", "sex": "female"},
            {"sourcedId": "stu-2", "birthDate": f"{THIS_YEAR - 14}-12-30", "sex": "male"},
        ],
        OR_DEMOGRAPHICS_HEADER,
    )

    report = run(
        school, users, filename="users.csv", extra_files={"demographics.csv": demographics}
    )

    assert report.created == 2
    first = Pupil.objects.get(school=school, source_id="stu-1")
    second = Pupil.objects.get(school=school, source_id="stu-2")
    assert (first.date_of_birth, first.gender) == (born(12, day=4, month=5), "female")
    assert (second.date_of_birth, second.gender) == (born(14, day=30, month=12), "male")


def test_oneroster_orgs_csv_leaves_out_another_schools_students_by_urn(school):
    users = table(
        [
            or_student("stu-1", orgSourcedIds="org-oak"),
            or_student("stu-2", orgSourcedIds="org-elm"),
        ],
        OR11_USERS_HEADER,
    )
    orgs = table(
        [
            {
                "sourcedId": "org-oak",
                "name": school.name,
                "type": "school",
                "identifier": school.urn,
            },
            {"sourcedId": "org-elm", "name": "Elmstead", "type": "school", "identifier": "999999"},
        ],
        OR_ORGS_HEADER,
    )

    report = run(school, users, filename="users.csv", extra_files={"orgs.csv": orgs})

    assert (report.created, report.skipped) == (1, 1)
    assert list(Pupil.objects.for_school(school).values_list("source_id", flat=True)) == ["stu-1"]


def test_a_oneroster_zip_bundle_imports_with_its_roles_orgs_and_demographics(school):
    users = table(
        [
            or_teacher("tch-1"),
            or_student("stu-1", grades="06", identifier="2001"),
            or_student("stu-2", grades="09", primaryOrgSourcedId="org-elm", identifier="2002"),
        ],
        OR12_USERS_HEADER,
    )
    roles = table(
        [
            {"sourcedId": "r1", "userSourcedId": "tch-1", "role": "teacher"},
            {"sourcedId": "r2", "userSourcedId": "stu-1", "role": "student"},
            {"sourcedId": "r3", "userSourcedId": "stu-2", "role": "student"},
        ],
        OR_ROLES_HEADER,
    )
    orgs = table(
        [
            {"sourcedId": "org-oak", "type": "school", "identifier": school.urn},
            {"sourcedId": "org-elm", "type": "school", "identifier": "999999"},
        ],
        OR_ORGS_HEADER,
    )
    demographics = table(
        [{"sourcedId": "stu-1", "birthDate": f"{THIS_YEAR - 12}-05-04", "sex": "female"}],
        OR_DEMOGRAPHICS_HEADER,
    )
    data = bundle(
        {
            "oneroster/manifest.csv": b"propertyName,value\r\noneroster.version,1.2\r\n",
            "oneroster/users.csv": users,
            "oneroster/roles.csv": roles,
            "oneroster/orgs.csv": orgs,
            "oneroster/demographics.csv": demographics,
        }
    )

    report = run(school, data, filename="oneroster.zip")

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert report.file_format == "OneRoster"
    assert (report.created, report.skipped) == (1, 1)
    pupil = Pupil.objects.get(school=school)
    assert (
        pupil.source_id,
        pupil.admission_number,
        pupil.year_group,
        pupil.date_of_birth,
        pupil.gender,
    ) == ("stu-1", "2001", 7, born(12, day=4, month=5), Pupil.Gender.FEMALE)


def test_a_oneroster_metadata_year_group_overrides_the_us_grade(school):
    header = (*OR11_USERS_HEADER, "metadata.yearGroup", "metadata.formGroup", "metadata.house")
    users = table(
        [
            or_student(
                "stu-1",
                grades="06",
                **{"metadata.yearGroup": "Year 8", "metadata.formGroup": "8R"},
            ),
            or_student(
                "stu-2",
                grades="11",
                **{
                    "metadata.yearGroup": "Y11",
                    "metadata.formGroup": "11K",
                    "metadata.house": "Osprey",
                },
            ),
        ],
        header,
    )

    report = run(school, users, filename="users.csv")

    assert (report.created, report.skipped) == (2, 0)
    first = Pupil.objects.get(school=school, source_id="stu-1")
    second = Pupil.objects.get(school=school, source_id="stu-2")
    assert (first.year_group, first.form_group) == (8, "8R")
    assert (second.year_group, second.form_group, second.house) == (11, "11K", "Osprey")


def test_a_oneroster_sync_without_forms_or_demographics_keeps_those_from_the_mis(school):
    run(school, table([sims_row("1001", **{"Reg Group": "7A", "Preferred Forename": "Mia"})]))
    users = table(
        [or_student("stu-1", identifier="1001", givenName="Amelia", familyName="Okafor1001")],
        OR11_USERS_HEADER,
    )

    report = run(school, users, filename="users.csv")

    assert (report.created, report.updated) == (0, 1)
    pupil = Pupil.objects.get(school=school)
    assert (pupil.source_id, pupil.year_group) == ("stu-1", 8)
    assert (
        pupil.form_group,
        pupil.house,
        pupil.preferred_name,
        pupil.gender,
        pupil.date_of_birth,
    ) == ("7A", "Kestrel", "Mia", Pupil.Gender.FEMALE, born(12))


def test_a_oneroster_phone_number_starting_with_plus_does_not_refuse_the_file(school):
    users = table(
        [or_student("stu-1", phone="+447700900123", sms="+447700900123")], OR11_USERS_HEADER
    )

    report = run(school, users, filename="users.csv")

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert report.created == 1


def test_a_formula_in_a_oneroster_name_refuses_the_file(school, existing):
    before = pupils_of(school)
    users = table(
        [or_student("stu-1"), or_student("stu-2", familyName="=cmd|' /C calc'!A0")],
        OR11_USERS_HEADER,
    )

    report = run(school, users, filename="users.csv")

    assert_refused(report, [(3, FORMULA_CELL.format(column="familyname", char="="))], before)


# --- bad files change nothing --------------------------------------------------


def test_a_file_that_is_not_utf8_is_refused(school, existing):
    before = pupils_of(school)
    data = "Adno,Forename,Surname,Year,Form\r\n1001,Zoé,Martin,7,7A\r\n".encode("cp1252")

    report = run(school, data)

    assert_refused(report, [(None, NOT_UTF8)], before)
    assert report.file_format == "unreadable"


def test_a_file_missing_required_columns_is_refused_and_the_message_names_them(school, existing):
    before = pupils_of(school)
    data = table(
        [{"Adno": "1001", "Forename": "Amelia", "Surname": "Okafor"}],
        ("Adno", "Forename", "Surname"),
    )

    report = run(school, data)

    message = MISSING_COLUMNS.format(columns="year group (Year), form group (Reg group)")
    assert_refused(report, [(None, message)], before)
    assert "year group" in message and "form group" in message


def test_a_oneroster_file_missing_required_columns_is_refused(school, existing):
    before = pupils_of(school)
    users_without_names = b"sourcedId,role,grades\r\nstu-1,student,07\r\n"

    report = run(school, bundle({"users.csv": users_without_names}), filename="or.zip")

    assert_refused(
        report, [(None, MISSING_COLUMNS.format(columns="givenname, familyname"))], before
    )


@override_settings(PUPIL_IMPORT_MAX_BYTES=1_000_000)
def test_a_file_larger_than_the_limit_is_refused(school, existing):
    before = pupils_of(school)
    data = table([sims_row("1001")]) + b"\r\n" * 600_000  # blank lines: readable, but too big

    report = run(school, data)

    assert_refused(
        report, [(None, FILE_TOO_BIG.format(size=megabytes(len(data)), limit="1"))], before
    )
    with override_settings(PUPIL_IMPORT_MAX_BYTES=2_000_000):
        assert run(school, data).outcome == PupilImport.Outcome.IMPORTED


@override_settings(PUPIL_IMPORT_MAX_BYTES=1_000_000)
def test_a_zip_holding_a_users_csv_larger_than_the_limit_is_refused(school, existing):
    before = pupils_of(school)
    users = table([or_student("stu-1")], OR11_USERS_HEADER) + b"\r\n" * 1_000_000
    data = bundle({"users.csv": users})
    assert len(data) < 1_000_000

    report = run(school, data, filename="oneroster.zip")

    assert_refused(
        report, [(None, FILE_TOO_BIG.format(size=megabytes(len(users)), limit="1"))], before
    )


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b"\xef\xbb\xbf", b",,,\r\n,,\r\n"])
def test_an_empty_file_is_refused(school, existing, data):
    before = pupils_of(school)

    report = run(school, data)

    assert_refused(report, [(None, FILE_EMPTY)], before)


def test_a_file_with_column_names_but_no_pupils_is_refused(school, existing):
    before = pupils_of(school)

    report = run(school, table([]))

    assert_refused(report, [(None, NO_ROWS)], before)


def test_an_old_xls_file_is_refused(school, existing):
    before = pupils_of(school)
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512

    report = run(school, data, filename="pupils.xls")

    detail = "old .xls files are not read; save as .xlsx or CSV."
    assert_refused(report, [(None, NOT_A_TABLE.format(detail=detail))], before)


def test_a_damaged_xlsx_file_is_refused(school, existing):
    before = pupils_of(school)
    data = b"PK\x03\x04" + b"\x00" * 200

    report = run(school, data, filename="pupils.xlsx")

    assert report.problems[0]["line"] is None
    assert report.problems[0]["message"].startswith("The file could not be read as CSV or Excel")
    assert_refused(report, problems(report), before)


@pytest.mark.parametrize(
    ("value", "char"),
    [
        ('=HYPERLINK("http://x","y")', "="),
        ("+1+1", "+"),
        ("-2+3", "-"),
        ("@SUM(A1:A2)", "@"),
        ("\t=1+1", "tab"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_refuses_the_file(
    school, existing, value, char
):
    before = pupils_of(school)
    data = table(
        [
            sims_row("1001"),
            sims_row("1002", **{"Legal Forename": value}),
            sims_row("1003", **{"Feeder Primary": "Evil Primary", "Reg Group": value}),
        ]
    )

    report = run(school, data)

    assert_refused(
        report,
        [
            (3, FORMULA_CELL.format(column="given name (Forename)", char=char)),
            (4, FORMULA_CELL.format(column="form group (Reg group)", char=char)),
        ],
        before,
    )
    assert not FeederPrimary.objects.exists()


def test_a_year_group_of_42_refuses_the_file(school, existing):
    before = pupils_of(school)
    data = table([sims_row("1001"), sims_row("1002", Year="42")])

    report = run(school, data)

    assert_refused(report, [(3, BAD_YEAR.format(value="42"))], before)


def test_a_bad_upn_refuses_the_file(school, existing):
    before = pupils_of(school)
    data = table([sims_row("1001", UPN="a1234"), sims_row("1002")])

    report = run(school, data)

    assert_refused(report, [(2, BAD_UPN.format(value="A1234"))], before)


def test_a_bad_date_of_birth_refuses_the_file(school, existing):
    before = pupils_of(school)
    bad = f"31/02/{THIS_YEAR - 12}"
    data = table([sims_row("1001"), sims_row("1002"), sims_row("1003", DOB=bad)])

    report = run(school, data)

    assert_refused(report, [(4, BAD_DATE.format(value=bad))], before)


def test_an_admission_number_twice_in_the_file_refuses_it_naming_the_first_line(school, existing):
    before = pupils_of(school)
    data = table(
        [
            sims_row("1001"),
            sims_row("1002"),
            sims_row("1001", UPN=upn(5555), **{"Legal Surname": "Other"}),
        ]
    )

    report = run(school, data)

    assert_refused(
        report, [(4, REPEATED_KEY.format(label="Admission number", value="1001", line=2))], before
    )


def test_a_upn_belonging_to_a_different_existing_pupil_refuses_the_file(school, existing):
    run(school, table([sims_row("1001"), sims_row("1002")]))
    before = pupils_of(school)
    # Line 2 is unchanged; line 3 is pupil 1002 but carries `existing`'s UPN.
    data = table([sims_row("1001"), sims_row("1002", UPN=upn(9001))])

    report = run(school, data)

    message = IDENTIFIER_CLASH.format(label="UPN", value=upn(9001), pupil=existing)
    assert_refused(report, [(3, message)], before)
    assert "Zara Existing" in message


def test_a_sourced_id_belonging_to_a_different_existing_pupil_refuses_the_file(school, existing):
    PupilFactory(school=school, admission_number="", upn="", source_id="stu-9")
    before = pupils_of(school)
    users = table([or_student("stu-9", identifier="9001")], OR11_USERS_HEADER)

    report = run(school, users, filename="users.csv")

    assert report.outcome == PupilImport.Outcome.REFUSED
    assert [line for line, _ in problems(report)] == [2]
    assert problems(report)[0][1].startswith("sourcedId stu-9 already belongs to")
    assert pupils_of(school) == before


def test_two_rows_matching_the_same_existing_pupil_refuse_the_file(school, existing):
    before = pupils_of(school)
    # Line 2 finds `existing` by UPN (new admission number); line 3 by admission number.
    data = table(
        [
            sims_row("1001", UPN=upn(9001)),
            sims_row("9001", UPN=upn(1234)),
        ]
    )

    report = run(school, data)

    assert_refused(report, [(3, MATCHED_TWICE.format(line=2, pupil="Zara Existing"))], before)


def test_one_bad_row_among_good_rows_refuses_the_whole_file_and_lists_every_problem(
    school, existing
):
    before = pupils_of(school)
    data = table(
        [
            sims_row("1001"),
            sims_row("1002", Year="42"),
            sims_row("1003"),
            sims_row("1004", UPN="X1", DOB="yesterday"),
            sims_row("1005"),
        ]
    )

    report = run(school, data)

    assert_refused(
        report,
        [
            (3, BAD_YEAR.format(value="42")),
            (5, BAD_DATE.format(value="yesterday")),
            (5, BAD_UPN.format(value="X1")),
        ],
        before,
    )
    assert not FeederPrimary.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="pupil").exists()


def test_problem_lines_count_blank_lines_as_lines_of_the_file(school):
    lines = table([sims_row("1001"), sims_row("1002", Year="Reception")]).split(b"\r\n")
    lines.insert(2, b"")  # a blank line between the two pupils

    report = run(school, b"\r\n".join(lines))

    assert problems(report) == [(4, BAD_YEAR.format(value="Reception"))]


# --- dry run ------------------------------------------------------------------


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


# --- years outside the scheme -------------------------------------------------


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


# --- the management command ---------------------------------------------------


def test_the_import_pupils_command_imports_a_file(school, tmp_path: Path):
    path = tmp_path / "pupils.csv"
    path.write_bytes(table([sims_row("1001"), sims_row("1002", Year="Y8")]))
    out = io.StringIO()

    call_command("import_pupils", str(path), school="oakbrook", stdout=out)

    assert Pupil.objects.for_school(school).count() == 2
    assert "Imported: 2 created, 0 updated, 0 unchanged, 0 skipped (CSV)." in out.getvalue()
    report = PupilImport.objects.get(school=school)
    assert (report.outcome, report.by, report.filename) == (
        PupilImport.Outcome.IMPORTED,
        None,
        "pupils.csv",
    )


def test_the_import_pupils_command_reads_oneroster_companion_files(school, tmp_path: Path):
    users = tmp_path / "users.csv"
    users.write_bytes(table([or_student("stu-1"), or_student("stu-2")], OR12_USERS_HEADER))
    roles = tmp_path / "roles.csv"
    roles.write_bytes(
        table(
            [
                {"sourcedId": "r1", "userSourcedId": "stu-1", "role": "student"},
                {"sourcedId": "r2", "userSourcedId": "stu-2", "role": "teacher"},
            ],
            OR_ROLES_HEADER,
        )
    )
    demographics = tmp_path / "demographics.csv"
    demographics.write_bytes(
        table(
            [{"sourcedId": "stu-1", "birthDate": f"{THIS_YEAR - 12}-05-04", "sex": "male"}],
            OR_DEMOGRAPHICS_HEADER,
        )
    )

    call_command(
        "import_pupils",
        str(users),
        "--school",
        "oakbrook",
        "--roles",
        str(roles),
        "--demographics",
        str(demographics),
        stdout=io.StringIO(),
    )

    pupil = Pupil.objects.get(school=school)
    assert (pupil.source_id, pupil.gender, pupil.date_of_birth) == (
        "stu-1",
        Pupil.Gender.MALE,
        born(12, day=4, month=5),
    )


def test_the_import_pupils_command_dry_run_changes_nothing(school, tmp_path: Path):
    path = tmp_path / "pupils.csv"
    path.write_bytes(table([sims_row("1001")]))
    out = io.StringIO()

    call_command("import_pupils", str(path), "--dry-run", school="oakbrook", stdout=out)

    assert not Pupil.objects.exists()
    assert not FeederPrimary.objects.exists()
    assert "1 created" in out.getvalue()
    assert PupilImport.objects.get(school=school).outcome == PupilImport.Outcome.CHECKED


def test_the_import_pupils_command_raises_on_a_refused_file(school, tmp_path: Path):
    path = tmp_path / "pupils.csv"
    path.write_bytes(table([sims_row("1001"), sims_row("1002", Year="42")]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_pupils", str(path), school="oakbrook", stdout=io.StringIO(), stderr=err
        )

    assert not Pupil.objects.exists()
    assert f"line 3: {BAD_YEAR.format(value='42')}" in err.getvalue()


def test_the_import_pupils_command_raises_for_an_unknown_school(school, tmp_path: Path):
    path = tmp_path / "pupils.csv"
    path.write_bytes(table([sims_row("1001")]))

    with pytest.raises(CommandError, match="No school with the slug 'nowhere'"):
        call_command("import_pupils", str(path), school="nowhere")

    assert not Pupil.objects.exists()
    assert not PupilImport.objects.exists()


def test_the_import_pupils_command_raises_for_a_missing_file(school, tmp_path: Path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_pupils", str(tmp_path / "nothing.csv"), school="oakbrook")


# --- other schools ------------------------------------------------------------


def test_another_schools_pupils_are_never_matched_or_changed(school, other_school):
    theirs = PupilFactory(
        school=other_school,
        admission_number="1001",
        upn=upn(1001),
        source_id="stu-1",
        form_group="7Z",
    )
    FeederPrimaryFactory(school=other_school, name="Meadowside Primary")
    theirs_before = pupils_of(other_school)

    report = run(school, table([sims_row("1001", **{"Reg Group": "7A"})]))
    report_or = run(
        school,
        table([or_student("stu-1", identifier="2001", grades="08")], OR11_USERS_HEADER),
        filename="users.csv",
    )

    assert (report.created, report.updated) == (1, 0)
    assert (report_or.created, report_or.updated) == (1, 0)
    assert pupils_of(other_school) == theirs_before
    ours = Pupil.objects.get(school=school, admission_number="1001")
    assert ours.pk != theirs.pk
    assert ours.form_group == "7A"
    assert ours.feeder_primary.school == school
    assert FeederPrimary.objects.filter(name="Meadowside Primary").count() == 2
    assert not AuditEntry.objects.filter(
        target_type="schools.Pupil", target_id=str(theirs.pk)
    ).exists()
