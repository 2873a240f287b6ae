"""Load the demo trust: Oakbrook Academy (slug oakbrook) and Elmstead School (slug elmstead).

Runs once; a second run sees the demo is there and only prints the log-ins, the same
table both times. Everything is made through the domain functions, as a school would
make it. The e-mails the demo sends (references, invitations) go to the outbox page
(School admin → E-mails), not to this console.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from peermentoring.core.models import User
from peermentoring.core.roles import Role
from peermentoring.demo.builder import DEMO_PASSWORD, load_demo
from peermentoring.demo.second_factors import (
    demo_recovery_codes,
    ensure_demo_second_factors,
    spaced,
)
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import Membership, School

CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
ROLE_ORDER = [
    Role.SCHOOL_ADMIN,
    Role.COORDINATOR,
    Role.SAFEGUARDING_LEAD,
    Role.DEPUTY_SAFEGUARDING_LEAD,
    Role.TRUST_LEAD,
    Role.MENTOR,
    Role.PUPIL,
    Role.MENTEE,
]
TRY_FIRST = {
    Role.SCHOOL_ADMIN: "People, Import pupils, E-mails",
    Role.COORDINATOR: "Referrals, Matching, Training",
    Role.SAFEGUARDING_LEAD: "Safeguarding (5 concerns), Referrals",
    Role.DEPUTY_SAFEGUARDING_LEAD: "Safeguarding, its access log",
    Role.TRUST_LEAD: "Your schools",
    Role.MENTOR: "My mentee, I'm worried about…",
    Role.PUPIL: "Interview panels",
    Role.MENTEE: "Home",
}


@contextmanager
def _quietly() -> Iterator[None]:
    """E-mails to the in-memory backend (they stay on the outbox page); no task log lines."""
    backend, tasks = settings.EMAIL_BACKEND, logging.getLogger("django_tasks")
    level = tasks.level
    if backend == CONSOLE_EMAIL:
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tasks.setLevel(logging.WARNING)
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = backend
        tasks.setLevel(level)


@dataclass(frozen=True)
class Login:
    who: str
    username: str
    school: str


def _who(membership: Membership) -> str:
    if membership.pupil is None:
        return membership.get_role_display()
    pupil = membership.pupil
    if membership.role == Role.PUPIL and Mentor.objects.filter(pupil=pupil).exists():
        label = "Experienced mentor"
    else:
        label = membership.get_role_display()
    return f"{label} (Year {pupil.year_group}): {pupil.full_name}"


def demo_logins() -> list[tuple[Login, str]]:
    """Every demo account still on the demo password, in a fixed order, with what to try first."""
    memberships = [
        m
        for m in Membership.objects.filter(school__slug__in=["oakbrook", "elmstead"])
        .select_related("user", "pupil", "school")
        .order_by("school__slug", "user__username")
        if m.user.check_password(DEMO_PASSWORD)
    ]
    memberships.sort(key=lambda m: (m.school.slug != "oakbrook", ROLE_ORDER.index(Role(m.role))))
    rows, seen = [], set()
    for m in memberships:
        if (m.user.username, m.role) in seen:
            continue  # the trust lead belongs to every school of the trust: one line
        seen.add((m.user.username, m.role))
        school = "trust" if m.role == Role.TRUST_LEAD else m.school.slug
        rows.append((Login(_who(m), m.user.username, school), TRY_FIRST[Role(m.role)]))
    return rows


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        if School.objects.filter(slug="oakbrook").exists():
            self.stdout.write("The demo is already loaded.")
        else:
            with _quietly():
                load_demo()
            self.stdout.write(
                self.style.SUCCESS("Demo loaded: Oakbrook Academy and Elmstead School.")
            )
        if not User.objects.filter(username="superuser").exists():
            User.objects.create_superuser(
                "superuser", "superuser@peermentoring.example", DEMO_PASSWORD
            )
        ensure_demo_second_factors()
        self.stdout.write(f"\nEvery demo account's password is: {DEMO_PASSWORD}\n")
        self.stdout.write(
            "Staff also enter a code from an authenticator app. Add this key to any app "
            f"(Microsoft or Google Authenticator, ...) once: {spaced()}\n"
            "or type one of these recovery codes instead (each works once per account): "
            f"{', '.join(demo_recovery_codes()[:3])}\n"
        )
        self.stdout.write(f"  {'who':<46} {'signs in with':<36} {'school':<10} try first")
        for login, try_first in demo_logins():
            self.stdout.write(
                f"  {login.who:<46} {login.username:<36} {login.school:<10} {try_first}"
            )
        self.stdout.write(f"  {'Django admin (/admin/)':<46} {'superuser':<36} {'all':<10}")
