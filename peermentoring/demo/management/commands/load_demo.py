"""Load the demo trust: Oakbrook Academy (slug oakbrook) and Elmstead School (slug elmstead).

Runs once; a second run sees the demo is there and only prints the log-ins.
Everything is made through the domain functions, as a school would make it.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from peermentoring.core.models import User
from peermentoring.demo.builder import DEMO_PASSWORD, Login, load_demo
from peermentoring.schools.models import Membership, School


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        if School.objects.filter(slug="oakbrook").exists():
            self.stdout.write("The demo is already loaded.")
            logins = [
                Login(
                    f"{m.get_role_display()}{': ' + m.pupil.full_name if m.pupil else ''}",
                    m.user.username,
                    m.school.slug,
                )
                for m in Membership.objects.filter(school__slug__in=["oakbrook", "elmstead"])
                .select_related("user", "pupil", "school")
                .order_by("school__slug", "role")
                if m.user.check_password(DEMO_PASSWORD)
            ]
        else:
            logins = load_demo()
            self.stdout.write(
                self.style.SUCCESS("Demo loaded: Oakbrook Academy and Elmstead School.")
            )
        if not User.objects.filter(username="superuser").exists():
            User.objects.create_superuser(
                "superuser", "superuser@peermentoring.example", DEMO_PASSWORD
            )
        self.stdout.write(f"\nEvery demo account's password is: {DEMO_PASSWORD}\n")
        for login in logins:
            self.stdout.write(f"  {login.who:<45} {login.username:<40} ({login.school})")
        self.stdout.write(f"  {'Django admin (/admin/)':<45} {'superuser':<40}")
