"""The import_pupils management command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from peermentoring.schools.models import FeederPrimary, Pupil, PupilImport
from peermentoring.schools.pupil_files import BAD_YEAR
from peermentoring.schools.tests.pupil_import_support import (
    OR12_USERS_HEADER,
    OR_DEMOGRAPHICS_HEADER,
    OR_ROLES_HEADER,
    THIS_YEAR,
    born,
    or_student,
    sims_row,
    table,
)

# --- the management command -----------------------------------------------------------------------


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
