"""Helpers shared by the school page tests: reading a page, naming a URL, posting a form back."""

from __future__ import annotations

import datetime as dt
import html

from django.test import Client
from django.urls import reverse

from peermentoring.core.models import User
from peermentoring.schools.models import Membership, School

BACKEND = "peermentoring.core.auth.EmailOrUsernameBackend"


def text(response) -> str:
    """The page as a person reads it, with HTML entities decoded."""
    return html.unescape(response.content.decode())


def url(name: str, school: School, *args: object) -> str:
    return reverse(name, args=[school.slug, *args])


def form_data(form) -> dict[str, str]:
    """What a browser would post back for a form left as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            data[name] = ""
        elif isinstance(value, dt.time):
            data[name] = value.strftime("%H:%M")
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def second_client(user: User) -> Client:
    """Another browser, signed in as someone else."""
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def membership_of(user: User, school: School) -> Membership:
    return Membership.objects.get(user=user, school=school)
