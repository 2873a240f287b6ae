"""A bad file or a bad row refuses the whole pupil import and changes nothing."""

from __future__ import annotations

import pytest
from django.test import override_settings

from peermentoring.core.models import AuditEntry
from peermentoring.schools.models import FeederPrimary, PupilImport
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
from peermentoring.schools.services import IDENTIFIER_CLASH, MATCHED_TWICE
from peermentoring.schools.tests.pupil_import_support import (
    OR11_USERS_HEADER,
    THIS_YEAR,
    assert_refused,
    bundle,
    or_student,
    problems,
    pupils_of,
    run,
    sims_row,
    table,
    upn,
)
from tests.support.factories import PupilFactory

# --- bad files change nothing ---------------------------------------------------------------------


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
