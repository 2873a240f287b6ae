"""A OneRoster 1.2 users.csv says nobody's role: without its roles.csv it is refused, not
read as a file of pupils (a real sample's site administrator became a Year 11 pupil)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peermentoring.schools.models import Pupil, PupilImport
from peermentoring.schools.pupil_files import ONEROSTER_WITHOUT_ROLES
from peermentoring.schools.tests.pupil_import_support import (
    OR11_USERS_HEADER,
    OR12_USERS_HEADER,
    OR_ROLES_HEADER,
    assert_refused,
    bundle,
    or_student,
    pupils_of,
    run,
    table,
)


def site_administrator() -> dict[str, str]:
    """As in the sample export: an adult with a grade, which alone reads as Year 11."""
    return or_student(
        "adm-1", givenName="Sam", familyName="Siteadmin", grades="10", email="it@oakbrook.example"
    )


def users_12() -> bytes:
    return table([site_administrator(), or_student("stu-1", grades="06")], OR12_USERS_HEADER)


def roles_12() -> bytes:
    return table(
        [
            {
                "sourcedId": "r1",
                "userSourcedId": "adm-1",
                "roleType": "primary",
                "role": "administrator",
            },
            {"sourcedId": "r2", "userSourcedId": "stu-1", "roleType": "primary", "role": "student"},
        ],
        OR_ROLES_HEADER,
    )


def test_a_1_2_users_csv_alone_is_refused_naming_roles_csv(school, existing):
    before = pupils_of(school)

    report = run(school, users_12(), filename="users.csv")

    assert_refused(report, [(None, ONEROSTER_WITHOUT_ROLES)], before)
    assert "roles.csv" in ONEROSTER_WITHOUT_ROLES
    assert not Pupil.objects.filter(source_id__in=["adm-1", "stu-1"]).exists()


def test_a_1_2_zip_without_roles_csv_is_refused(school, existing):
    before = pupils_of(school)
    data = bundle({"oneroster/users.csv": users_12()})

    report = run(school, data, filename="oneroster.zip")

    assert_refused(report, [(None, ONEROSTER_WITHOUT_ROLES)], before)


def test_with_roles_csv_only_pupils_are_imported(school):
    report = run(school, users_12(), filename="users.csv", extra_files={"roles.csv": roles_12()})

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert list(Pupil.objects.for_school(school).values_list("source_id", "year_group")) == [
        ("stu-1", 7)
    ]


def test_in_a_zip_with_roles_csv_the_administrator_is_left_out(school):
    data = bundle({"users.csv": users_12(), "roles.csv": roles_12()})

    report = run(school, data, filename="oneroster.zip")

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert not Pupil.objects.filter(family_name="Siteadmin").exists()
    assert Pupil.objects.for_school(school).count() == 1


def test_a_role_marked_for_deletion_does_not_make_a_pupil(school):
    roles = table(
        [
            {"sourcedId": "r2", "userSourcedId": "stu-1", "role": "student"},
            {
                "sourcedId": "r3",
                "userSourcedId": "adm-1",
                "role": "student",
                "status": "tobedeleted",
            },
        ],
        OR_ROLES_HEADER,
    )

    run(school, users_12(), filename="users.csv", extra_files={"roles.csv": roles})

    assert list(Pupil.objects.for_school(school).values_list("source_id", flat=True)) == ["stu-1"]


def test_a_1_1_users_csv_with_its_role_column_still_imports_alone(school):
    users = table(
        [{**site_administrator(), "role": "administrator"}, or_student("stu-1", grades="06")],
        OR11_USERS_HEADER,
    )

    report = run(school, users, filename="users.csv")

    assert report.outcome == PupilImport.Outcome.IMPORTED
    assert list(Pupil.objects.for_school(school).values_list("source_id", flat=True)) == ["stu-1"]


def test_the_school_admin_uploading_it_is_told_which_file_is_missing(
    client_for, school, school_admin
):
    upload = bundle({"users.csv": users_12()})

    page = client_for(school_admin).post(
        reverse("schools:pupil-import", args=[school.slug]),
        {"file": SimpleUploadedFile("oneroster.zip", upload, "application/zip")},
        follow=True,
    )

    assert "This is a OneRoster 1.2 users.csv: upload it with roles.csv" in page.text
    assert not Pupil.objects.for_school(school).exists()
