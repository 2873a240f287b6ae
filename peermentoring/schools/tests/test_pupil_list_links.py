"""Each row of the pupil list links to that pupil's own page, on every page and in the partial."""

from __future__ import annotations

import re

import pytest

from peermentoring.schools.tests.views_support import url
from tests.support.factories import PupilFactory

pytestmark = pytest.mark.django_db


def links(response) -> dict[str, str]:
    """Each row's link by the name it shows."""
    rows = re.findall(r'<a href="([^"]+)">([^<]+)</a></td>', response.content.decode())
    return {name: href for href, name in rows}


def test_every_row_links_to_its_own_pupil_on_each_page_and_in_the_partial(
    client_for, school, coordinator
):
    pupils = [
        PupilFactory(school=school, family_name=f"Adeyemi{n:02d}", given_name="Tolu")
        for n in range(55)
    ]
    expected = {f"{p.family_name}, Tolu": url("schools:pupil-detail", school, p.pk) for p in pupils}
    client = client_for(coordinator)

    first = links(client.get(url("schools:pupil-list", school)))
    second = links(client.get(url("schools:pupil-list", school) + "?page=2"))
    partial = links(
        client.get(url("schools:pupil-list", school) + "?q=Adeyemi0", HTTP_HX_REQUEST="true")
    )

    assert len(first) == 50 and len(second) == 5
    assert first | second == expected
    assert partial == {name: href for name, href in expected.items() if "Adeyemi0" in name}
