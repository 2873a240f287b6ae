"""Importing pupils from OneRoster 1.1 and 1.2 files and zip bundles."""

from __future__ import annotations

from peermentoring.schools.models import Pupil, PupilImport
from peermentoring.schools.pupil_files import FORMULA_CELL
from peermentoring.schools.tests.pupil_import_support import (
    OR11_USERS_HEADER,
    OR12_USERS_HEADER,
    OR_DEMOGRAPHICS_HEADER,
    OR_ORGS_HEADER,
    OR_ROLES_HEADER,
    THIS_YEAR,
    assert_refused,
    born,
    bundle,
    or_student,
    or_teacher,
    pupils_of,
    run,
    sims_row,
    table,
    upn,
)

# --- OneRoster ------------------------------------------------------------------------------------


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
