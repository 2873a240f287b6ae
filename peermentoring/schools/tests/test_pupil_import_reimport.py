"""Importing pupils again: matching the pupils a school holds, what changes, and other schools."""

from __future__ import annotations

from peermentoring.core.models import AuditEntry
from peermentoring.schools.models import FeederPrimary, Pupil, PupilImport
from peermentoring.schools.tests.pupil_import_support import (
    OR11_USERS_HEADER,
    born,
    or_student,
    pupils_of,
    run,
    sims_row,
    table,
    upn,
)
from tests.support.factories import FeederPrimaryFactory, PupilFactory

# --- re-importing ---------------------------------------------------------------------------------


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


# --- other schools --------------------------------------------------------------------------------


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
