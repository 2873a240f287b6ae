"""Read a pupil file from a school information system into checked rows.

Accepted: a CSV or XLSX export with one pupil per row (SIMS, Arbor, Bromcom… all
name their columns slightly differently; the common names are recognised), or
a OneRoster 1.1/1.2 `users.csv`, alone or in a zip bundle with `orgs.csv`,
`demographics.csv` and `roles.csv` (which a 1.2 `users.csv` needs: it has no role
column, so alone it cannot tell pupils from staff). Nothing here touches the database: the
result is a list of rows and a list of problems, each with its line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peermentoring.core.spreadsheets import (
    SpreadsheetError,
    formula_trigger,
    megabytes,
    open_zip,
    read_member,
    xlsx_rows,
)

FILE_TOO_BIG = "The file is {size} MB; the largest pupil file accepted is {limit} MB."
FILE_EMPTY = "The file is empty."
NOT_UTF8 = (
    "The file is not UTF-8 text. In Excel choose File › Save As › “CSV UTF-8 (comma "
    "delimited)”, or upload the .xlsx file itself."
)
NOT_A_TABLE = "The file could not be read as CSV or Excel: {detail}"
MISSING_COLUMNS = "The file has no column for: {columns}. The first row must hold column names."
NO_ROWS = "The file has column names but no pupils."
ZIP_WITHOUT_USERS = "The zip file holds no OneRoster users.csv."
# OneRoster 1.2 moved each person's role (pupil, teacher, administrator…) out of
# users.csv into roles.csv: without it a users file cannot tell pupils from staff.
ONEROSTER_WITHOUT_ROLES = (
    "This is a OneRoster 1.2 users.csv: upload it with roles.csv from the same export, which "
    "says who is a pupil. Put both in one zip file (the OneRoster export usually is one) and "
    "upload that."
)
ROLES_MISSING_COLUMNS = "The roles.csv file has no column for: {columns}."
FORMULA_CELL = "The {column} cell starts with “{char}”, which a spreadsheet would run as a formula."
BAD_YEAR = "Year group “{value}” is not a year group; the scheme takes Years 7 to 11."
BAD_DATE = "Date of birth “{value}” is not a date (use DD/MM/YYYY)."
UNLIKELY_DATE = "Date of birth {value} is not a secondary pupil's."
BAD_UPN = "UPN “{value}” is not 13 characters: a letter, 11 digits, then a digit or letter."
BAD_EMAIL = "“{value}” is not an e-mail address (name@school.sch.uk)."
NO_IDENTIFIER = "The row has no admission number or UPN, so it cannot be matched later."
REPEATED_KEY = "{label} {value} is also on line {line}."
REQUIRED_VALUE = "The {column} is empty."
# A problem quotes at most this much of a cell: a megabyte cell repeated on every
# row must not become a report of gigabytes.
QUOTE_LIMIT = 40


def quoted(value: str) -> str:
    """A cell's text as a problem quotes it: cut short with an ellipsis past QUOTE_LIMIT."""
    return value if len(value) <= QUOTE_LIMIT else value[: QUOTE_LIMIT - 1] + "…"


TOO_LONG = "The {column} is longer than {limit} characters."
TOO_MANY_ROWS = (
    "The file has more than {limit:,} rows of pupils; the most accepted is {limit:,}. "
    "Split it, for example by year group."
)
TOO_MANY_LINES = (
    "The file has more than {limit:,} lines, counting blank ones; the most accepted is {limit:,}."
)

UPN_PATTERN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_ROWS = 20_000
# Blank lines are skipped but still read, so they have a limit of their own: the
# number of rows in an Excel sheet.
MAX_LINES = 1_048_576
# Columns past this are not read: no school's export has so many.
MAX_COLUMNS = 200
DEFAULT_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
ONEROSTER_FILES = frozenset({"users.csv", "orgs.csv", "demographics.csv", "roles.csv"})


class PupilFileError(ValueError):
    """The file as a whole cannot be read; nothing in it is used."""


# The rows of a file that are not blank, each with its line number in the file.
NumberedRows = list[tuple[int, list[str]]]


@dataclass
class PupilRow:
    line: int
    given_name: str
    family_name: str
    preferred_name: str = ""
    year_group: int = 0
    form_group: str = ""
    house: str = ""
    gender: str = "not_stated"
    date_of_birth: dt.date | None = None
    upn: str = ""
    admission_number: str = ""
    source_id: str = ""
    feeder_primary: str = ""
    family_key: str = ""
    # The pupil's school e-mail address: their account signs in with it through the
    # school's Google or Microsoft (school single sign-on).
    email: str = ""


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class ParsedFile:
    file_format: str
    rows: list[PupilRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    # PupilRow fields the file has no column for: it says nothing about them.
    absent: frozenset[str] = frozenset()


# Column names as schools' systems write them, squashed to lower-case letters and digits.
MIS_COLUMNS: dict[str, tuple[str, ...]] = {
    "given_name": ("forename", "legalforename", "givenname", "firstname", "legalfirstname"),
    "family_name": ("surname", "legalsurname", "familyname", "lastname"),
    "preferred_name": ("preferredforename", "preferredname", "preferredfirstname", "knownas"),
    "year_group": ("year", "yeargroup", "ncyear", "ncyearactual", "curriculumyear", "yr"),
    "form_group": ("form", "formgroup", "reggroup", "registrationgroup", "tutorgroup"),
    "house": ("house",),
    "gender": ("gender", "sex"),
    "date_of_birth": ("dob", "dateofbirth", "birthdate"),
    "upn": ("upn", "uniquepupilnumber"),
    "admission_number": ("adno", "admissionnumber", "admissionno", "admno"),
    "feeder_primary": ("feederprimary", "feederprimaryschool", "previousschool", "primaryschool"),
    "family_key": ("familyid", "familyreference", "familykey", "contactid", "primarycontactid"),
    "email": ("email", "emailaddress", "schoolemail", "pupilemail", "studentemail"),
}
MIS_REQUIRED = ("given_name", "family_name", "year_group", "form_group", "admission_number")
COLUMN_LABELS = {
    "given_name": "given name (Forename)",
    "family_name": "family name (Surname)",
    "preferred_name": "Preferred name",
    "year_group": "year group (Year)",
    "form_group": "form group (Reg group)",
    "house": "House",
    "gender": "Gender",
    "date_of_birth": "Date of birth",
    "upn": "UPN",
    "admission_number": "admission number (Adno)",
    "feeder_primary": "Feeder primary",
    "family_key": "Family ID",
    "email": "E-mail",
}
# The PupilRow fields kept as text: none may hold anything a spreadsheet would run.
STORED_TEXT_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "form_group",
    "house",
    "upn",
    "admission_number",
    "source_id",
    "feeder_primary",
    "family_key",
    "email",
)
FIELD_LIMITS = {
    "given_name": 100,
    "family_name": 100,
    "preferred_name": 100,
    "form_group": 20,
    "house": 50,
    "admission_number": 20,
    "source_id": 100,
    "feeder_primary": 150,
    "family_key": 50,
    "email": 254,
}

# OneRoster grades are US grades (CEDS codes): grade 6 is roughly Year 7.
US_GRADE_TO_NC_YEAR = {f"{grade:02d}": grade + 1 for grade in range(1, 13)}
# UK exports often add the school's own year and form in metadata columns.
ONEROSTER_YEAR_COLUMNS = ("metadatayeargroup", "metadatancyear", "metadatayear", "yeargroup")
ONEROSTER_FORM_COLUMNS = ("metadataformgroup", "metadataregistrationgroup", "metadataform")
ONEROSTER_HOUSE_COLUMNS = ("metadatahouse",)
# The users.csv columns read into a pupil: only these are checked for formulas.
ONEROSTER_READ_COLUMNS = (
    "sourcedid",
    "givenname",
    "familyname",
    "preferredgivenname",
    "identifier",
    "userids",
    "grades",
    *ONEROSTER_YEAR_COLUMNS,
    *ONEROSTER_FORM_COLUMNS,
    *ONEROSTER_HOUSE_COLUMNS,
    "email",
)


def squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.strip().lower())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PupilFileError(NOT_UTF8) from None


def _read_csv(data: bytes) -> NumberedRows:
    text = _decode(data)
    if "\x00" in text:
        raise PupilFileError(NOT_A_TABLE.format(detail="it holds binary data."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _take_rows(enumerate(csv.reader(io.StringIO(text), dialect), start=1))
    except csv.Error as error:
        raise PupilFileError(NOT_A_TABLE.format(detail=str(error))) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _take_rows(rows: Iterable[tuple[int, Sequence[object]]]) -> NumberedRows:
    """The rows that are not blank, as text with their line numbers, within the limits.

    Rows are taken one by one so a file of a million rows is refused after the
    first MAX_ROWS of them, not after all of them are in memory.
    """
    taken: NumberedRows = []
    for number, row in rows:
        if number > MAX_LINES:
            raise PupilFileError(TOO_MANY_LINES.format(limit=MAX_LINES))
        cells = [_cell_text(value) for value in row[:MAX_COLUMNS]]
        if any(cell.strip() for cell in cells):
            if len(taken) > MAX_ROWS:  # the column names, then MAX_ROWS pupils
                raise PupilFileError(TOO_MANY_ROWS.format(limit=MAX_ROWS))
            taken.append((number, cells))
    return taken


def _read_xlsx(data: bytes, max_unzipped: int) -> NumberedRows:
    try:
        return _take_rows(xlsx_rows(data, max_unzipped=max_unzipped, max_columns=MAX_COLUMNS))
    except SpreadsheetError as error:
        raise PupilFileError(str(error)) from None


def _unzip(data: bytes, limit: int, max_unzipped: int) -> dict[str, bytes]:
    try:
        bundle = open_zip(data, max_unzipped=max_unzipped)
        files: dict[str, bytes] = {}
        for info in bundle.infolist():
            name = info.filename.rsplit("/", 1)[-1].lower()
            if name in ONEROSTER_FILES:
                if info.file_size > limit:
                    raise PupilFileError(
                        FILE_TOO_BIG.format(size=megabytes(info.file_size), limit=megabytes(limit))
                    )
                files[name] = read_member(bundle, info)
        return files
    except SpreadsheetError as error:
        raise PupilFileError(str(error)) from None


def _records(numbered: NumberedRows) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if not numbered:
        raise PupilFileError(FILE_EMPTY)
    header = [squash(name) for name in numbered[0][1]]
    records = []
    for number, row in numbered[1:]:
        padded = row + [""] * (len(header) - len(row))
        records.append((number, {header[i]: padded[i] for i in range(len(header)) if header[i]}))
    if not records:
        raise PupilFileError(NO_ROWS)
    return header, records


def parse_year(value: str) -> int | None:
    """7 from "7", "07", "Year 7", "Y7", "Yr 7"; None when it is no year group at all."""
    match = re.fullmatch(r"(?:year|yr|y)?\s*(\d{1,2})", value.strip().lower())
    if not match:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= 14 else None


def parse_date(value: str) -> dt.date | None:
    text = value.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_gender(value: str) -> str:
    text = value.strip().lower()
    if text in {"m", "male", "boy"}:
        return "male"
    if text in {"f", "female", "girl"}:
        return "female"
    if text in {"x", "o", "other", "non-binary", "nonbinary"}:
        return "other"
    return "not_stated"


def _formula_problem(line: int, column: str, *values: str) -> Problem | None:
    """A problem if any of the values (as in the file, as stored) is formula-like."""
    for value in values:
        if trigger := formula_trigger(value):
            return Problem(line, FORMULA_CELL.format(column=column, char=trigger))
    return None


def _stored_formula_problems(row: PupilRow) -> list[Problem]:
    """Formula-like text in the values a row would store, whichever column they came from."""
    return [
        p
        for name in STORED_TEXT_FIELDS
        if (p := _formula_problem(row.line, COLUMN_LABELS.get(name, name), getattr(row, name)))
    ]


def _check_row(row: PupilRow, year_text: str, dob_text: str, today: dt.date) -> list[str]:
    """The problems with one row, as messages."""
    messages = []
    for name in ("given_name", "family_name"):
        if not getattr(row, name):
            messages.append(REQUIRED_VALUE.format(column=COLUMN_LABELS[name]))
    for name, limit in FIELD_LIMITS.items():
        if len(getattr(row, name)) > limit:
            messages.append(TOO_LONG.format(column=COLUMN_LABELS.get(name, name), limit=limit))
    if row.year_group == 0:
        messages.append(BAD_YEAR.format(value=quoted(year_text)))
    if dob_text and row.date_of_birth is None:
        messages.append(BAD_DATE.format(value=quoted(dob_text)))
    elif row.date_of_birth and not (
        dt.date(today.year - 25, 1, 1) <= row.date_of_birth <= dt.date(today.year - 8, 12, 31)
    ):
        messages.append(UNLIKELY_DATE.format(value=row.date_of_birth.strftime("%d/%m/%Y")))
    if row.upn and not UPN_PATTERN.match(row.upn):
        messages.append(BAD_UPN.format(value=quoted(row.upn)))
    if row.email and not EMAIL_PATTERN.match(row.email):
        messages.append(BAD_EMAIL.format(value=quoted(row.email)))
    if not row.upn and not row.admission_number and not row.source_id:
        messages.append(NO_IDENTIFIER)
    return messages


def _finish(
    parsed: ParsedFile, candidates: list[tuple[PupilRow, str, str]], today: dt.date
) -> ParsedFile:
    """Check every row, set aside years outside the scheme, and catch repeated identifiers."""
    seen: dict[tuple[str, str], int] = {}
    for row, year_text, dob_text in candidates:
        messages = _check_row(row, year_text, dob_text, today)
        if not messages and not 7 <= row.year_group <= 11:
            parsed.skipped.append(
                Problem(
                    row.line, f"Year {row.year_group} is not part of the scheme (Years 7 to 11)."
                )
            )
            continue
        for label, value in (
            ("Admission number", row.admission_number),
            ("UPN", row.upn),
            ("sourcedId", row.source_id),
        ):
            if value:
                key = (label, value.lower())
                if key in seen:
                    messages.append(
                        REPEATED_KEY.format(label=label, value=quoted(value), line=seen[key])
                    )
                else:
                    seen[key] = row.line
        if messages:
            parsed.problems.extend(Problem(row.line, m) for m in messages)
        else:
            parsed.rows.append(row)
    return parsed


def _parse_mis(rows: NumberedRows, today: dt.date, file_format: str) -> ParsedFile:
    header, records = _records(rows)
    columns: dict[str, str] = {}
    for name, aliases in MIS_COLUMNS.items():
        for alias in aliases:
            if alias in header:
                columns[name] = alias
                break
    missing = [COLUMN_LABELS[name] for name in MIS_REQUIRED if name not in columns]
    if missing:
        raise PupilFileError(MISSING_COLUMNS.format(columns=", ".join(missing)))
    parsed = ParsedFile(file_format=file_format, absent=frozenset(MIS_COLUMNS) - columns.keys())
    candidates = []
    for line, record in records:
        values = {name: record.get(column, "").strip() for name, column in columns.items()}
        formula = [
            p
            for name, value in values.items()
            if (
                p := _formula_problem(
                    line, COLUMN_LABELS[name], record.get(columns[name], ""), value
                )
            )
        ]
        if formula:
            parsed.problems.extend(formula)
            continue
        year = parse_year(values.get("year_group", ""))
        dob_text = values.get("date_of_birth", "")
        row = PupilRow(
            line=line,
            given_name=values["given_name"],
            family_name=values["family_name"],
            preferred_name=values.get("preferred_name", ""),
            year_group=year or 0,
            form_group=values.get("form_group", ""),
            house=values.get("house", ""),
            gender=parse_gender(values.get("gender", "")),
            date_of_birth=parse_date(dob_text) if dob_text else None,
            upn=values.get("upn", "").upper(),
            admission_number=values.get("admission_number", ""),
            feeder_primary=values.get("feeder_primary", ""),
            family_key=values.get("family_key", ""),
            email=values.get("email", "").lower(),
        )
        if stored := _stored_formula_problems(row):
            parsed.problems.extend(stored)
            continue
        candidates.append((row, values.get("year_group", ""), dob_text))
    return _finish(parsed, candidates, today)


def _user_ids(text: str) -> dict[str, str]:
    """OneRoster userIds: "{UPN:A123…},{AdmissionNumber:1234}" as a dict."""
    found = {}
    for kind, value in re.findall(r"\{\s*([^:{}]+?)\s*:\s*([^{}]*?)\s*\}", text):
        found[squash(kind)] = value
    return found


def _first(record: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if record.get(name, "").strip():
            return record[name].strip()
    return ""


def _parse_oneroster(files: dict[str, bytes], school_urn: str, today: dt.date) -> ParsedFile:
    header, records = _records(_read_csv(files["users.csv"]))
    missing = [c for c in ("sourcedid", "givenname", "familyname") if c not in header]
    if missing:
        raise PupilFileError(MISSING_COLUMNS.format(columns=", ".join(missing)))
    students: set[str] | None = None
    if "roles.csv" in files:
        roles_header, role_records = _records(_read_csv(files["roles.csv"]))
        missing = [c for c in ("usersourcedid", "role") if c not in roles_header]
        if missing:
            raise PupilFileError(ROLES_MISSING_COLUMNS.format(columns=", ".join(missing)))
        students = {
            r.get("usersourcedid", "").strip()
            for _, r in role_records
            if r.get("role", "").strip().lower() == "student"
            and r.get("status", "").strip().lower() != "tobedeleted"
        }
    elif "role" not in header:
        # A 1.2 users.csv on its own: reading everyone as a pupil made staff pupils.
        raise PupilFileError(ONEROSTER_WITHOUT_ROLES)
    org_identifiers: dict[str, str] = {}
    if "orgs.csv" in files:
        _, org_records = _records(_read_csv(files["orgs.csv"]))
        org_identifiers = {r.get("sourcedid", ""): r.get("identifier", "") for _, r in org_records}
    demographics: dict[str, dict[str, str]] = {}
    if "demographics.csv" in files:
        _, demo_records = _records(_read_csv(files["demographics.csv"]))
        demographics = {r.get("sourcedid", ""): r for _, r in demo_records}

    absent = {
        name
        for name, names in (
            ("preferred_name", ("preferredgivenname",)),
            ("form_group", ONEROSTER_FORM_COLUMNS),
            ("house", ONEROSTER_HOUSE_COLUMNS),
            ("email", ("email",)),
        )
        if not set(names) & set(header)
    }
    if "demographics.csv" not in files:
        absent |= {"date_of_birth", "gender"}
    absent.add("family_key")  # OneRoster carries no family reference: keep the school's
    parsed = ParsedFile(file_format="OneRoster", absent=frozenset(absent))
    candidates = []
    for line, record in records:
        source_id = record.get("sourcedid", "").strip()
        role = record.get("role", "").strip().lower()
        is_student = role == "student" if role else students is not None and source_id in students
        if not is_student:
            continue
        if (
            record.get("status", "").lower() == "tobedeleted"
            or record.get("enableduser", "").lower() == "false"
        ):
            parsed.skipped.append(
                Problem(line, "Marked as deleted or disabled in the OneRoster file.")
            )
            continue
        if org_identifiers and school_urn:
            orgs = _first(record, ("primaryorgsourcedid", "orgsourcedids")).split(",")
            if not any(org_identifiers.get(o.strip()) == school_urn for o in orgs):
                parsed.skipped.append(
                    Problem(line, "Belongs to another school in the OneRoster file.")
                )
                continue
        formula = [
            p
            for name in ONEROSTER_READ_COLUMNS
            if (p := _formula_problem(line, name, record.get(name, "")))
        ]
        if formula:
            parsed.problems.extend(formula)
            continue
        ids = _user_ids(record.get("userids", ""))
        identifier = record.get("identifier", "").strip()
        upn = ids.get("upn", "") or (identifier if UPN_PATTERN.match(identifier.upper()) else "")
        admission = ids.get("admissionnumber", "") or ids.get("adno", "")
        if not admission and identifier and identifier.upper() != upn.upper():
            admission = identifier
        year_text = _first(record, ONEROSTER_YEAR_COLUMNS)
        if year_text:
            year = parse_year(year_text)
        else:
            grade = record.get("grades", "").split(",")[0].strip()
            year_text = f"US grade {grade}" if grade else ""
            year = US_GRADE_TO_NC_YEAR.get(grade.zfill(2)) if grade.isdigit() else None
        demo = demographics.get(source_id, {})
        dob_text = demo.get("birthdate", "").strip()
        row = PupilRow(
            line=line,
            given_name=record.get("givenname", "").strip(),
            family_name=record.get("familyname", "").strip(),
            preferred_name=record.get("preferredgivenname", "").strip(),
            year_group=year or 0,
            form_group=_first(record, ONEROSTER_FORM_COLUMNS),
            house=_first(record, ONEROSTER_HOUSE_COLUMNS),
            gender=parse_gender(demo.get("sex", "")),
            date_of_birth=parse_date(dob_text) if dob_text else None,
            upn=upn.upper(),
            admission_number=admission,
            source_id=source_id,
            email=record.get("email", "").strip().lower(),
        )
        if stored := _stored_formula_problems(row):
            parsed.problems.extend(stored)
            continue
        candidates.append((row, year_text, dob_text))
    return _finish(parsed, candidates, today)


def parse_pupil_file(
    data: bytes,
    *,
    filename: str,
    max_bytes: int,
    max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES,
    school_urn: str = "",
    extra_files: dict[str, bytes] | None = None,
    today: dt.date | None = None,
) -> ParsedFile:
    """Read a CSV, XLSX or OneRoster file into checked rows; raise PupilFileError if unreadable."""
    today = today or dt.date.today()
    if len(data) > max_bytes:
        raise PupilFileError(
            FILE_TOO_BIG.format(size=megabytes(len(data)), limit=megabytes(max_bytes))
        )
    if not data.strip():
        raise PupilFileError(FILE_EMPTY)
    if data[:4] == b"PK\x03\x04":
        if filename.lower().endswith((".xlsx", ".xlsm")):
            return _parse_mis(_read_xlsx(data, max_unzipped_bytes), today, "Excel")
        files = _unzip(data, max_bytes, max_unzipped_bytes)
        if "users.csv" not in files:
            # Perhaps an Excel file renamed; let openpyxl decide.
            return _parse_mis(_read_xlsx(data, max_unzipped_bytes), today, "Excel")
        return _parse_oneroster(files, school_urn, today)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise PupilFileError(
            NOT_A_TABLE.format(detail="old .xls files are not read; save as .xlsx or CSV.")
        )
    rows = _read_csv(data)
    header = {squash(c) for c in (rows[0][1] if rows else [])}
    if {"sourcedid", "givenname", "familyname"} <= header:
        files = {"users.csv": data, **(extra_files or {})}
        return _parse_oneroster(files, school_urn, today)
    return _parse_mis(rows, today, "CSV")
