"""Build the demo: Oakbrook Academy and Elmstead School in one trust, through the domain functions.

Dates are computed from today, so the demo never goes stale: last academic year
is complete and this one runs up to today.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from django.db import transaction
from django.utils import timezone

from peermentoring.core.models import User
from peermentoring.core.notifications import notify
from peermentoring.core.roles import Role
from peermentoring.demo.concerns import load_safeguarding_demo
from peermentoring.demo.dropin import load_dropin_demo
from peermentoring.demo.history import load_history_demo
from peermentoring.demo.meetings import load_meetings_demo
from peermentoring.demo.outreach_events import load_events_demo
from peermentoring.demo.outreach_tellus import load_tellus_demo
from peermentoring.demo.outreach_visits import load_visits_demo
from peermentoring.demo.supervision import load_supervision_demo
from peermentoring.evaluation.evidence_demo import load_evidence_demo
from peermentoring.evaluation.outcomes_demo import load_outcomes_demo
from peermentoring.matching.demo import load_matching_demo
from peermentoring.recruitment.demo import load_recruitment_demo
from peermentoring.schools import services
from peermentoring.schools.calendar import (
    academic_year_name,
    academic_year_start,
    default_term_dates,
)
from peermentoring.schools.models import Pupil, School
from peermentoring.training.demo import load_training_demo

DEMO_PASSWORD = "mentoring-demo-2026"  # noqa: S105 - printed for people trying the demo

GIVEN_NAMES = {
    "female": [
        "Amelia",
        "Olivia",
        "Isla",
        "Ava",
        "Mia",
        "Freya",
        "Lily",
        "Grace",
        "Aisha",
        "Zainab",
        "Maya",
        "Chloe",
        "Ella",
        "Evie",
        "Sophie",
        "Hana",
        "Priya",
        "Amara",
        "Niamh",
        "Siobhan",
        "Zofia",
        "Maryam",
        "Fatima",
        "Ruby",
        "Poppy",
        "Imogen",
        "Esme",
        "Anaya",
        "Chiamaka",
        "Leila",
        "Yasmin",
        "Harriet",
    ],
    "male": [
        "Oliver",
        "George",
        "Noah",
        "Arthur",
        "Leo",
        "Harry",
        "Oscar",
        "Muhammad",
        "Ibrahim",
        "Kwame",
        "Jacob",
        "Alfie",
        "Theo",
        "Finley",
        "Rohan",
        "Arjun",
        "Tomasz",
        "Kacper",
        "Callum",
        "Rhys",
        "Dylan",
        "Ethan",
        "Yusuf",
        "Tobi",
        "Samuel",
        "Joshua",
        "Reuben",
        "Kai",
        "Ciaran",
        "Mateo",
    ],
}
FAMILY_NAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Roberts",
    "Johnson",
    "Khan",
    "Ahmed",
    "Patel",
    "Hussain",
    "Begum",
    "Ali",
    "Singh",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Nowak",
    "Kowalski",
    "O'Brien",
    "Murphy",
    "Walsh",
    "Chen",
    "Nguyen",
    "Campbell",
    "Robinson",
    "Wright",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Jackson",
    "Lewis",
    "Morgan",
    "Shah",
    "Rahman",
    "Kaur",
    "Osei",
    "Boateng",
    "Da Silva",
    "Fernandes",
    "MacLeod",
]
HOUSES = ["Brunel", "Curie", "Darwin", "Seacole"]
PRIMARIES = [
    ("Meadowside Primary School", "110231", "year6@meadowside.example"),
    ("St Anne's CE Primary", "110455", "office@stannes.example"),
    ("Brookfield Community Primary", "110872", "transition@brookfield.example"),
    ("Hollins Lane Primary Academy", "141009", "y6team@hollinslane.example"),
]


def _pupil_csv(rng: random.Random, per_year: int, first_adno: int, primaries: list[str]) -> bytes:
    """A SIMS-style export: one pupil per row, the school's own column names."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
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
        ]
    )
    start_year = academic_year_start(timezone.localdate())
    adno = first_adno
    for year in range(7, 12):
        forms = [f"{year}{letter}" for letter in "ABCDEF"]
        born_in = start_year - year - 4  # Year 7 pupils turn 12 during the year
        for _ in range(per_year):
            gender = rng.choice(["female", "male"])
            given = rng.choice(GIVEN_NAMES[gender])
            preferred = {
                "Muhammad": "Mo",
                "Samuel": "Sam",
                "Joshua": "Josh",
                "Harriet": "Hattie",
            }.get(given, "")
            born = dt.date(born_in, 9, 1) + dt.timedelta(days=rng.randrange(365))
            upn = f"A{rng.randrange(10**11):011d}{rng.choice('ABCDEFGHJK')}"
            primary = rng.choice(primaries) if rng.random() < 0.85 else ""
            writer.writerow(
                [
                    adno,
                    upn,
                    given,
                    preferred,
                    rng.choice(FAMILY_NAMES),
                    year,
                    rng.choice(forms),
                    rng.choice(HOUSES),
                    "F" if gender == "female" else "M",
                    born.strftime("%d/%m/%Y"),
                    primary,
                ]
            )
            adno += 1
    return out.getvalue().encode("utf-8")


def _calendar(school: School, by: User) -> None:
    this_year = academic_year_start(timezone.localdate())
    for start in (this_year - 1, this_year):
        terms = default_term_dates(start)
        services.set_up_academic_year(
            school=school,
            name=academic_year_name(start),
            starts_on=dt.date(start, 9, 1),
            ends_on=dt.date(start + 1, 8, 31),
            terms=terms,
            by=by,
        )


def _pick(school: School, year_group: int, rng: random.Random) -> Pupil:
    pupils = list(
        Pupil.objects.for_school(school).in_year(year_group).filter(membership__isnull=True)[:50]
    )
    return rng.choice(pupils)


@transaction.atomic
def load_demo() -> None:
    """Create the demo trust, schools, calendars, pupils and accounts."""
    rng = random.Random(2008)  # the year the first school's scheme began
    trust = services.create_trust(name="Riverside Learning Trust", slug="riverside", by=None)
    oak = services.create_school(
        name="Oakbrook Academy", slug="oakbrook", urn="137421", trust=trust, by=None
    )
    elm = services.create_school(
        name="Elmstead School", slug="elmstead", urn="138552", trust=trust, by=None
    )

    def staff(school: School, email: str, first: str, last: str, role: str) -> User:
        return services.create_staff_account(
            school=school,
            email=email,
            first_name=first,
            last_name=last,
            role=role,
            by=None,
            password=DEMO_PASSWORD,
        ).user

    admin = staff(oak, "gareth.jones@oakbrook.example", "Gareth", "Jones", Role.SCHOOL_ADMIN)
    coordinator = staff(oak, "helen.hewitt@oakbrook.example", "Helen", "Hewitt", Role.COORDINATOR)
    staff(oak, "priya.shah@oakbrook.example", "Priya", "Shah", Role.SAFEGUARDING_LEAD)
    staff(oak, "dan.osei@oakbrook.example", "Dan", "Osei", Role.DEPUTY_SAFEGUARDING_LEAD)
    elm_admin = staff(elm, "olu.bankole@elmstead.example", "Olu", "Bankole", Role.SCHOOL_ADMIN)
    staff(elm, "owen.price@elmstead.example", "Owen", "Price", Role.COORDINATOR)
    services.add_trust_lead(
        trust=trust,
        email="anne.marsh@riverside.example",
        first_name="Anne",
        last_name="Marsh",
        by=None,
        password=DEMO_PASSWORD,
    )

    for school, by in ((oak, admin), (elm, elm_admin)):
        _calendar(school, by)
    oak_primaries = [
        services.add_feeder_primary(school=oak, name=n, urn=u, contact_email=e, by=admin).name
        for n, u, e in PRIMARIES
    ]
    services.import_pupils(
        school=oak,
        data=_pupil_csv(rng, 180, 4001, oak_primaries),
        filename="sims-export.csv",
        by=admin,
    )
    services.import_pupils(
        school=elm,
        data=_pupil_csv(rng, 60, 8001, ["Elm Park Primary", "Northgate Primary"]),
        filename="arbor-export.csv",
        by=elm_admin,
    )

    # The log-ins `manage.py load_demo` lists are read back from the accounts it made.
    for role, year_group in ((Role.MENTOR, 10), (Role.MENTOR, 10), (Role.MENTEE, 7)):
        services.create_pupil_account(
            school=oak,
            pupil=_pick(oak, year_group, rng),
            role=role,
            by=admin,
            password=DEMO_PASSWORD,
        )
    notify(
        recipient=coordinator,
        school=oak,
        email=False,
        title="Welcome to Oakbrook's peer mentoring",
        body="Pupils, the calendar and the school day are set up. Recruitment of Year 9 mentors opens in the spring term.",
    )
    recruited = load_recruitment_demo(oak, password=DEMO_PASSWORD)
    load_training_demo(oak, mentors=recruited.accepted, missed=recruited.missed_a_module)
    load_matching_demo(school=oak, coordinator=coordinator)
    history = load_history_demo(oak)
    load_meetings_demo(school=oak, last_year=history.pairings)
    load_supervision_demo(oak)
    load_dropin_demo(oak)
    load_safeguarding_demo(oak)
    # Outreach: last summer's visits to the feeder primaries, the year's events and the
    # bullying board, and this term's 'tell us' reports (one passed on as a concern).
    load_visits_demo(oak)
    load_events_demo(oak)
    load_tellus_demo(oak)
    load_evidence_demo(oak)
    load_outcomes_demo(oak)
