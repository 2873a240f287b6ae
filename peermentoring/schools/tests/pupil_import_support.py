"""Files and checks shared by the pupil import tests: SIMS-style CSV rows, Excel workbooks,
OneRoster users and bundles, and how a refused file is recognised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping

from openpyxl import Workbook

from peermentoring.schools.models import Pupil, PupilImport, School
from peermentoring.schools.services import import_pupils

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
