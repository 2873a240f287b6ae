"""The pairings page: each pairing's row, its dates, the tabs' counts and the way to end one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from peermentoring.matching.models import Pairing
from tests.support.builders import accepted_referral, make_mentor

pytestmark = pytest.mark.django_db


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", row).strip() for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def pair(school, mentor_name: str, mentee_name: str, **fields) -> Pairing:
    mentor = make_mentor(school, given_name=mentor_name, family_name="Okafor")
    referral = accepted_referral(school, given_name=mentee_name, family_name="Lee")
    return Pairing.objects.create(
        school=school, mentor=mentor, mentee=referral.pupil, referral=referral, **fields
    )


def test_active_and_ended_pairings_with_their_dates_counts_and_links(
    client_for, school, coordinator, dsl
):
    active = pair(
        school, "Tolu", "Amy", started_on=dt.date(2026, 3, 4), reasons=["Both like chess", "Lunch"]
    )
    pair(school, "Bea", "Cal", started_on=dt.date(2026, 3, 4))
    pair(
        school,
        "Dan",
        "Eve",
        started_on=dt.date(2025, 11, 9),
        status=Pairing.Status.ENDED,
        ended_on=dt.date(2026, 1, 20),
        end_reason=Pairing.EndReason.MOVED_SCHOOL,
        end_note="Moved to Leeds",
    )
    address = reverse("matching:pairing-list", args=[school.slug])
    end = reverse("matching:pairing-end", args=[school.slug, active.pk])

    for_coordinator = client_for(coordinator).get(address).content.decode()
    ended = client_for(coordinator).get(address, {"show": "ended"}).content.decode()
    for_dsl = client_for(dsl).get(address).content.decode()

    assert '<strong aria-current="page">Active (2)</strong>' in for_coordinator
    assert '<a href="?show=ended">Ended (1)</a>' in for_coordinator
    assert (
        '<td data-label="Mentor">Tolu Okafor</td><td data-label="Mentee">Amy Lee '
        '<span class="muted">7C</span></td><td data-label="Since">4 Mar 2026</td>'
        '<td data-label="Why they were paired">Both like chess; Lunch</td> '
        f'<td data-label=""><a href="{end}">End</a></td>'
    ) in rows(for_coordinator)
    assert any(
        '<td data-label="Why they were paired">—</td>' in row for row in rows(for_coordinator)
    )
    assert rows(ended) == [
        '<td data-label="Mentor">Dan Okafor</td><td data-label="Mentee">Eve Lee</td>'
        '<td data-label="From">9 Nov 2025</td><td data-label="To">20 Jan 2026</td>'
        '<td data-label="Why it ended">Moved school: Moved to Leeds</td>'
    ]
    assert "End</a>" not in for_dsl  # the safeguarding lead sees pairings, ends none
    assert '<td data-label="Since">4 Mar 2026</td><td data-label="Why they were paired">' in (
        for_dsl
    )
