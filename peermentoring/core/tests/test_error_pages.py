"""A wrong role, a missing page and a server error each get a page in plain words with a way home."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_wrong_role_gets_the_sites_own_403_page_with_a_way_home(client_for, school, mentor):
    response = client_for(mentor).get(reverse("schools:audit-list", args=[school.slug]))

    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is not open to you" in page
    assert f'href="{reverse("schools:home", args=[school.slug])}"' in page


def test_another_schools_page_gets_the_sites_own_404_page(client_for, school, other_school):
    stranger = MembershipFactory(user=UserFactory(), school=other_school, role="coordinator").user

    response = client_for(stranger).get(reverse("schools:home", args=[school.slug]))

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_a_server_error_gets_a_page_that_needs_nothing_from_the_request(settings):
    from django.template.loader import get_template

    page = get_template("500.html").render({})

    assert "Something went wrong on our side" in page
    assert 'href="/"' in page


def test_an_unknown_address_gets_the_404_page_signed_out():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
