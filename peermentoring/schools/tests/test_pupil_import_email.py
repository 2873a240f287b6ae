"""A pupil file with the pupils' school e-mail addresses: each pupil's account gets theirs
(only an account with none yet, never one another account holds), so pupils can sign in
with the school's Google or Microsoft."""

from __future__ import annotations

from peermentoring.core.roles import Role
from peermentoring.schools.models import Membership, Pupil
from peermentoring.schools.tests.pupil_import_support import (
    SIMS_HEADER,
    problems,
    run,
    sims_row,
    table,
)
from tests.support.factories import MembershipFactory, UserFactory

HEADER = (*SIMS_HEADER, "Email")


def account_of(school, adno: str, username: str):
    pupil = Pupil.objects.for_school(school).get(admission_number=adno)
    user = UserFactory(username=username, email="")
    return MembershipFactory(user=user, school=school, role=Role.MENTEE, pupil=pupil).user


def test_the_import_gives_pupils_accounts_their_school_addresses(school):
    run(school, table([sims_row("1001"), sims_row("1002"), sims_row("1003")]))
    amara = account_of(school, "1001", "amara.okafor")
    taken = account_of(school, "1002", "ben.ode")
    UserFactory(email="b.ode@pupils.oakbrook.sch.uk")  # someone else has this address
    has_one = account_of(school, "1003", "cat.lee")
    has_one.email = "cat@home.example"
    has_one.save()

    report = run(
        school,
        table(
            [
                sims_row("1001", Email="A.Okafor@Pupils.Oakbrook.sch.uk"),
                sims_row("1002", Email="b.ode@pupils.oakbrook.sch.uk"),
                sims_row("1003", Email="c.lee@pupils.oakbrook.sch.uk"),
            ],
            HEADER,
        ),
    )

    assert problems(report) == []
    assert Pupil.objects.get(admission_number="1001").email == "a.okafor@pupils.oakbrook.sch.uk"
    for user, expected in (
        (amara, "a.okafor@pupils.oakbrook.sch.uk"),
        (taken, ""),
        (has_one, "cat@home.example"),
    ):
        user.refresh_from_db()
        assert user.email == expected


def test_a_file_without_the_column_keeps_the_addresses_and_a_bad_one_is_refused(school):
    run(school, table([sims_row("1001", Email="a@pupils.oakbrook.sch.uk")], HEADER))
    run(school, table([sims_row("1001")]))
    assert Pupil.objects.get(admission_number="1001").email == "a@pupils.oakbrook.sch.uk"

    report = run(school, table([sims_row("1001", Email="not an address")], HEADER))
    assert problems(report) == [
        (2, "“not an address” is not an e-mail address (name@school.sch.uk).")
    ]
    assert Membership.objects.count() == 0
