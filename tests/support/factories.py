"""The test suite's factory_boy factories: one module for every model, each object kept in one school.

Not shipped with the package: tests only (factory_boy is a test extra)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.schools.calendar import (
    DEFAULT_WINDOWS,
    academic_year_name,
    academic_year_start,
    default_term_dates,
)
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    School,
    SchoolDayWindow,
    Term,
    Trust,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Taylor{n}")
    username = factory.LazyAttribute(lambda u: f"{u.first_name}.{u.last_name}@example.org".lower())
    email = factory.LazyAttribute(lambda u: u.username if "@" in u.username else "")
    password = factory.django.Password("correct horse battery")


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Riverside Learning Trust {n}")
    slug = factory.Sequence(lambda n: f"riverside-{n}")


def _usual_windows(school: School, create: bool, extracted: object, **kwargs: object) -> None:
    """The usual free windows, Monday to Friday, on the school just made."""
    if not create:
        return
    for weekday in range(5):
        for kind, (start, end) in DEFAULT_WINDOWS.items():
            SchoolDayWindow.objects.create(
                school=school, weekday=weekday, kind=kind, start_time=start, end_time=end
            )


class SchoolFactory(factory.django.DjangoModelFactory):
    """A school with the usual free windows, like one made by `create_school`."""

    class Meta:
        model = School
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Oakbrook Academy {n}")
    slug = factory.Sequence(lambda n: f"oakbrook-{n}")
    urn = factory.Sequence(lambda n: f"{140000 + n}")

    windows = factory.PostGeneration(_usual_windows)


class FeederPrimaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeederPrimary

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Meadowside Primary {n}")


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    given_name = "Amelia"
    family_name = factory.Sequence(lambda n: f"Okafor{n}")
    year_group = 7
    form_group = "7A"
    date_of_birth = dt.date(2014, 3, 1)
    admission_number = factory.Sequence(lambda n: f"{1000 + n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.COORDINATOR
    # The account belongs to the first school that gives the person a role.
    owns_account = factory.LazyAttribute(
        lambda m: not Membership.objects.filter(user=m.user, owns_account=True).exists()
    )


def pupil_member(school: School, role: str, **pupil_fields: object) -> Membership:
    """A pupil of the school with an account holding a pupil role."""
    pupil: Pupil = PupilFactory.create(school=school, **pupil_fields)
    user = UserFactory.create(
        username=f"pupil{pupil.pk}",
        first_name=pupil.given_name,
        last_name=pupil.family_name,
        email="",
    )
    membership: Membership = MembershipFactory.create(
        user=user, school=school, role=role, pupil=pupil
    )
    return membership


# The one "this year" every test uses: the school's real academic year with its terms.
def this_year(school: School) -> AcademicYear:
    """The academic year holding today, with its three usual terms."""
    today = timezone.localdate()
    existing = AcademicYear.objects.for_school(school).containing(today).first()
    if existing:
        return existing
    start = academic_year_start(today)
    year = AcademicYear.objects.create(
        school=school,
        name=academic_year_name(start),
        starts_on=dt.date(start, 9, 1),
        ends_on=dt.date(start + 1, 8, 31),
    )
    for dates in default_term_dates(start):
        Term.objects.create(
            academic_year=year,
            name=dates.name,
            starts_on=dates.starts_on,
            ends_on=dates.ends_on,
            half_term_starts_on=dates.half_term_starts_on,
            half_term_ends_on=dates.half_term_ends_on,
        )
    return year
