"""Hostile pupil files posted to the import page: bombs, lying zips and hidden formulas.

Each is refused with a message in plain words (never a 500), and nothing is created.
Speed and memory figures for the same files are in `make bench`, not here.
"""

from __future__ import annotations

import html
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from peermentoring.core.spreadsheets import (
    DAMAGED_FILE,
    MAX_ZIP_MEMBERS,
    TOO_MANY_FILES_IN_ZIP,
    UNZIPS_TOO_BIG,
)
from peermentoring.schools import pupil_files
from peermentoring.schools.models import FeederPrimary, Pupil, PupilImport
from peermentoring.schools.pupil_files import (
    FORMULA_CELL,
    MAX_COLUMNS,
    MAX_LINES,
    MAX_ROWS,
    TOO_MANY_LINES,
    TOO_MANY_ROWS,
    megabytes,
)
from peermentoring.schools.tests.pupil_import_support import (
    OR11_USERS_HEADER,
    SIMS_HEADER,
    bundle,
    or_student,
    sims_row,
    table,
    xlsx,
)

SHEET_PATH = "xl/worksheets/sheet1.xml"
SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_CLOSE = b"</sheetData></worksheet>"


def inline_row(number: int, values: list[str]) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def xlsx_with_sheet(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A real Excel file (made by openpyxl) whose first sheet is replaced by `sheet_xml`."""
    original = zipfile.ZipFile(io.BytesIO(xlsx([["placeholder"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in original.infolist():
            data = sheet_xml if info.filename == SHEET_PATH else original.read(info)
            archive.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def million_row_xlsx() -> bytes:
    """The spreadsheet bomb of issue #7: 1,000,000 rows in well under 1 MB."""
    header = inline_row(1, list(SIMS_HEADER))
    body = b"<row><c><v>1</v></c></row>" * 1_000_000
    return xlsx_with_sheet(SHEET_OPEN + header + body + SHEET_CLOSE)


def lie_about_sizes(data: bytes, member: str, declared: int) -> bytes:
    """The zip with `member`'s uncompressed size rewritten to `declared` in both headers."""
    patched = bytearray(data)
    name = member.encode()
    # Offsets of the uncompressed size, the name's length and the name in the local
    # file header and in the central directory entry (the one zipfile believes).
    headers = ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46))
    for signature, size_at, length_at, name_at in headers:
        start = 0
        while (start := patched.find(signature, start)) != -1:
            name_length = struct.unpack_from("<H", patched, start + length_at)[0]
            if patched[start + name_at : start + name_at + name_length] == name:
                struct.pack_into("<I", patched, start + size_at, declared)
            start += 4
    return bytes(patched)


def post_file(client, school, data: bytes, filename: str):
    """Post a pupil file through the import page, following the redirect to its report."""
    url = reverse("schools:pupil-import", kwargs={"school_slug": school.slug})
    upload = SimpleUploadedFile(filename, data, content_type="application/octet-stream")
    return client.post(url, {"file": upload}, follow=True)


def assert_refused_with(response, message: str) -> None:
    assert response.status_code == 200
    report = PupilImport.objects.latest("pk")
    assert report.outcome == PupilImport.Outcome.REFUSED
    assert [p["message"] for p in report.problems] == [message]
    assert html.escape(message) in response.content.decode()
    assert not Pupil.objects.exists()
    assert not FeederPrimary.objects.exists()


@pytest.fixture
def admin_client(client_for, school_admin):
    return client_for(school_admin)


# --- Finding 3: a spreadsheet bomb ---------------------------------------------


def test_a_million_row_xlsx_is_refused_after_reading_only_the_rows_allowed(
    admin_client, school, monkeypatch
):
    data = million_row_xlsx()
    assert len(data) < 1_000_000
    sheet_size = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET_PATH).file_size
    unpacked = 0
    read = zipfile.ZipExtFile.read

    def counting_read(self, *args, **kwargs):
        nonlocal unpacked
        chunk = read(self, *args, **kwargs)
        if self.name == SHEET_PATH:
            unpacked += len(chunk)
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)

    response = post_file(admin_client, school, data, "pupils.xlsx")

    assert_refused_with(response, TOO_MANY_ROWS.format(limit=MAX_ROWS))
    # Rows are read until one past the limit: about 20,000 of the 1,000,000 rows.
    assert unpacked < sheet_size / 10


def test_an_xlsx_of_blank_rows_is_refused_without_reading_them_all(admin_client, school):
    header = inline_row(1, list(SIMS_HEADER))
    # One cell far below the last row of an Excel sheet: every row before it is read as blank.
    last = b'<row r="5000000"><c><v>1</v></c></row>'
    data = xlsx_with_sheet(SHEET_OPEN + header + last + SHEET_CLOSE)

    response = post_file(admin_client, school, data, "pupils.xlsx")

    assert_refused_with(response, TOO_MANY_LINES.format(limit=MAX_LINES))


def test_a_csv_longer_than_the_limit_is_refused_as_it_is_read(admin_client, school):
    data = table(sims_row(str(1000 + n)) for n in range(MAX_ROWS + 5))

    response = post_file(admin_client, school, data, "pupils.csv")

    assert_refused_with(response, TOO_MANY_ROWS.format(limit=MAX_ROWS))


def test_a_csv_of_blank_lines_is_refused_as_it_is_read(admin_client, school):
    data = table([sims_row("1001")]) + b"\n" * 2_000_000  # under the 5 MB upload limit

    response = post_file(admin_client, school, data, "pupils.csv")

    assert_refused_with(response, TOO_MANY_LINES.format(limit=MAX_LINES))


def test_a_csv_with_a_million_columns_reads_only_the_first_ones(admin_client, school, monkeypatch):
    # Without a column limit every row would be matched against a million column names.
    rows = table(sims_row(str(1000 + n)) for n in range(500))
    data = rows.replace(b"\r\n", b"," * 1_000_000 + b"\r\n", 1)
    names_read = 0
    squash = pupil_files.squash

    def counting_squash(name: str) -> str:
        nonlocal names_read
        names_read += 1
        return squash(name)

    monkeypatch.setattr(pupil_files, "squash", counting_squash)

    response = post_file(admin_client, school, data, "pupils.csv")

    assert response.status_code == 200
    assert PupilImport.objects.latest("pk").outcome == PupilImport.Outcome.IMPORTED
    assert Pupil.objects.count() == 500
    assert names_read <= 2 * MAX_COLUMNS


@override_settings(PUPIL_IMPORT_MAX_UNZIPPED_BYTES=5_000_000)
def test_an_xlsx_that_unpacks_past_the_limit_is_refused_before_it_is_read(admin_client, school):
    padding = b" " * 6_000_000  # compresses to a few kilobytes
    sheet = SHEET_OPEN + inline_row(1, list(SIMS_HEADER)) + padding + SHEET_CLOSE
    data = xlsx_with_sheet(sheet)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())

    response = post_file(admin_client, school, data, "pupils.xlsx")

    assert_refused_with(response, UNZIPS_TOO_BIG.format(size=megabytes(unpacked), limit="5"))


@override_settings(PUPIL_IMPORT_MAX_UNZIPPED_BYTES=5_000_000)
def test_a_oneroster_zip_that_unpacks_past_the_limit_is_refused(admin_client, school):
    users = table([or_student("stu-1")], OR11_USERS_HEADER)
    blank = b"\r\n" * 1_500_000  # each under the single-file limit, together past the cap
    data = bundle({"users.csv": users, "orgs.csv": blank, "roles.csv": blank})
    unpacked = len(users) + 2 * len(blank)

    response = post_file(admin_client, school, data, "oneroster.zip")

    assert_refused_with(response, UNZIPS_TOO_BIG.format(size=megabytes(unpacked), limit="5"))


@pytest.mark.parametrize("filename", ["oneroster.zip", "pupils.xlsx"])
def test_a_zip_of_thousands_of_files_is_refused(admin_client, school, filename):
    files = {"users.csv": table([or_student("stu-1")], OR11_USERS_HEADER)}
    files |= {f"padding/{n}.txt": b"" for n in range(5_000)}
    data = bundle(files) if filename.endswith(".zip") else xlsx_with_sheet(b"", files)

    response = post_file(admin_client, school, data, filename)

    count = len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert_refused_with(response, TOO_MANY_FILES_IN_ZIP.format(count=count, limit=MAX_ZIP_MEMBERS))


@pytest.mark.parametrize("declared", [10, 1_000_000])
def test_a_oneroster_zip_that_lies_about_its_sizes_is_refused_not_a_crash(
    admin_client, school, declared
):
    users = table([or_student(f"stu-{n}") for n in range(50)], OR11_USERS_HEADER)
    data = lie_about_sizes(bundle({"users.csv": users}), "users.csv", declared)

    response = post_file(admin_client, school, data, "oneroster.zip")

    assert_refused_with(response, DAMAGED_FILE)


def test_an_xlsx_that_lies_about_its_sheet_size_is_refused_not_a_crash(admin_client, school):
    rows = [list(SIMS_HEADER)] + [
        [sims_row(str(1000 + n))[c] for c in SIMS_HEADER] for n in range(50)
    ]
    data = lie_about_sizes(xlsx(rows), SHEET_PATH, 100)

    response = post_file(admin_client, school, data, "pupils.xlsx")

    assert_refused_with(response, DAMAGED_FILE)


def test_a_file_that_only_starts_like_a_zip_is_refused_as_damaged(admin_client, school):
    response = post_file(admin_client, school, b"PK\x03\x04" + b"\x00" * 200, "oneroster.zip")

    assert_refused_with(response, DAMAGED_FILE)


# --- Finding 7: formulas behind leading spaces ----------------------------------

HIDDEN_FORMULAS = [
    (' =HYPERLINK("http://evil.example","Click")', "="),
    ("\n=1+cmd|' /C calc'!A0", "="),
    ("\u00a0@SUM(A1)", "@"),
    ("\u2007=1+1", "="),
    ("\u202f-cmd|' /C calc'!A0", "-"),
]


@pytest.mark.parametrize(("value", "char"), HIDDEN_FORMULAS)
@pytest.mark.parametrize(
    ("column", "label"),
    [
        ("Legal Forename", "given name (Forename)"),
        ("Legal Surname", "family name (Surname)"),
        ("Feeder Primary", "Feeder primary"),
    ],
)
def test_a_formula_behind_leading_space_is_refused_and_creates_no_feeder_primary(
    admin_client, school, value, char, column, label
):
    data = table([sims_row("1001"), sims_row("1002", **{column: value})])

    response = post_file(admin_client, school, data, "pupils.csv")

    assert response.status_code == 200
    report = PupilImport.objects.latest("pk")
    assert report.outcome == PupilImport.Outcome.REFUSED
    message = FORMULA_CELL.format(column=label, char=char)
    assert report.problems == [{"line": 3, "message": message}]
    assert html.escape(message) in response.content.decode()
    assert not Pupil.objects.exists()
    assert not FeederPrimary.objects.exists()


@pytest.mark.parametrize(("value", "char"), HIDDEN_FORMULAS)
def test_a_formula_behind_leading_space_in_an_xlsx_feeder_primary_is_refused(
    admin_client, school, value, char
):
    sheet = [
        list(SIMS_HEADER),
        [sims_row("1001", **{"Feeder Primary": value})[c] for c in SIMS_HEADER],
    ]

    response = post_file(admin_client, school, xlsx(sheet), "pupils.xlsx")

    report = PupilImport.objects.latest("pk")
    assert response.status_code == 200
    assert report.problems == [
        {"line": 2, "message": FORMULA_CELL.format(column="Feeder primary", char=char)}
    ]
    assert not FeederPrimary.objects.exists()


def test_a_formula_behind_leading_space_in_a_oneroster_name_is_refused(admin_client, school):
    users = table(
        [or_student("stu-1"), or_student("stu-2", givenName="\u00a0@SUM(A1)")], OR11_USERS_HEADER
    )

    response = post_file(admin_client, school, users, "users.csv")

    report = PupilImport.objects.latest("pk")
    assert response.status_code == 200
    assert report.problems == [
        {"line": 3, "message": FORMULA_CELL.format(column="givenname", char="@")}
    ]
    assert not Pupil.objects.exists()


def test_a_formula_inside_oneroster_user_ids_is_refused(admin_client, school):
    # The userIds cell starts with "{", but the admission number taken from it would not.
    users = table(
        [or_student("stu-1"), or_student("stu-2", userIds="{AdmissionNumber: =1+cmd}")],
        OR11_USERS_HEADER,
    )

    response = post_file(admin_client, school, users, "users.csv")

    report = PupilImport.objects.latest("pk")
    assert response.status_code == 200
    assert report.problems == [
        {"line": 3, "message": FORMULA_CELL.format(column="admission number (Adno)", char="=")}
    ]
    assert not Pupil.objects.exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Legal Surname", "Smith-Jones"),
        ("Preferred Forename", "-"),
        ("Feeder Primary", "St Mary's C of E Primary - Upper Site"),
    ],
)
def test_hyphens_and_placeholder_dashes_are_not_taken_for_formulas(
    admin_client, school, column, value
):
    data = table([sims_row("1001", **{column: value})])

    response = post_file(admin_client, school, data, "pupils.csv")

    assert response.status_code == 200
    assert PupilImport.objects.latest("pk").outcome == PupilImport.Outcome.IMPORTED
    assert Pupil.objects.count() == 1


# --- The probe after the fixes: one huge shared string quoted on every row ---------


def test_a_huge_cell_repeated_on_every_row_gives_a_small_report(admin_client, school):
    # openpyxl stores one shared string however many cells use it: a small file whose
    # Year, UPN and date of birth cells all hold the same 200,000 characters.
    huge = "Y" * 200_000
    rows = [list(SIMS_HEADER)] + [
        [str(4000 + n), huge, "Amelia", "", f"Okafor{n}", huge, "7A", "", "F", huge, ""]
        for n in range(300)
    ]
    data = xlsx(rows)
    assert len(data) < 100_000

    response = post_file(admin_client, school, data, "pupils.xlsx")

    assert response.status_code == 200
    report = PupilImport.objects.latest("pk")
    assert report.outcome == PupilImport.Outcome.REFUSED
    stored = sum(len(p["message"]) for p in report.problems)
    assert stored < 200_000, f"the report holds {stored:,} characters"
    assert len(report.problems) <= 501
    assert "more problems not listed" in report.problems[-1]["message"]
    assert not Pupil.objects.exists()
