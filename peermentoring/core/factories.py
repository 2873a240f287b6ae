"""factory_boy factories for core's own models (schools' are in `schools/factories.py`)."""

from __future__ import annotations

import factory

from peermentoring.core.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Taylor{n}")
    username = factory.LazyAttribute(lambda u: f"{u.first_name}.{u.last_name}@example.org".lower())
    email = factory.LazyAttribute(lambda u: u.username if "@" in u.username else "")
    password = factory.django.Password("correct horse battery")
