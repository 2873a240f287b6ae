"""The demo's events and bullying board (demo/outreach_events.py), loaded after the rest of
the demo: this year's Anti-Bullying Week in November with this year's mentors, last year's
events with last year's, a board whose posters are real, clean JPEGs, where to get help;
and the pages that show them."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from peermentoring.dropin import board_services as screens
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.contribution import contributions_for_year
from peermentoring.outreach.event_services import anti_bullying_week_name
from peermentoring.outreach.models import BoardItem, Event
from peermentoring.schools.models import AcademicYear, Membership, School

pytestmark = pytest.mark.django_db


def test_the_demo_events_and_board():
    call_command("load_demo", stdout=StringIO())
    school = School.objects.get(slug="oakbrook")
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    today = timezone.localdate()

    # This year's Anti-Bullying Week: one, in November, named for it, with this year's mentors.
    week = Event.objects.get(
        school=school, academic_year=this_year, kind=Event.Kind.ANTI_BULLYING_WEEK
    )
    assert week.name == anti_bullying_week_name(this_year)
    assert week.starts_on.month == week.ends_on.month == 11
    assert week.starts_on.weekday() == 0 and (week.ends_on - week.starts_on).days == 4
    assert this_year.starts_on <= week.starts_on and week.ends_on <= this_year.ends_on
    mentors = list(week.mentors.all())
    assert len(mentors) == 6
    assert {m.academic_year_id for m in mentors} == {this_year.pk}
    assert (week.reach is not None) == (week.ends_on < today)

    # Last year's: assemblies, an open evening, its week and a celebration, with last year's.
    last = list(Event.objects.filter(school=school, academic_year=last_year))
    kinds = {e.kind for e in last}
    assert {"assembly", "open_evening", "celebration", "anti_bullying_week"} <= kinds
    for event in last:
        assert last_year.starts_on <= event.starts_on <= event.ends_on <= last_year.ends_on
        assert event.mentors.exists()
        assert set(event.mentors.values_list("academic_year", flat=True)) == {last_year.pk}
    # Every event's mentors are Oakbrook's.
    assert not Event.mentors.through.objects.exclude(mentor__school=school).exists()

    # The board: messages and posters on it, one kept off, where to get help.
    items = list(BoardItem.objects.for_school(school))
    on_board = [i for i in items if i.is_published]
    assert len(on_board) >= 5 and len(items) > len(on_board)
    posters = [i for i in items if i.kind == BoardItem.Kind.POSTER]
    assert len(posters) == 2
    for poster in posters:
        image = Image.open(io.BytesIO(bytes(poster.image)))
        assert image.format == "JPEG" and not image.getexif()
    help_words = " ".join(f"{i.title} {i.body}" for i in items if i.kind == BoardItem.Kind.HELP)
    assert "0800 1111" in help_words
    assert "member of staff" in help_words
    assert "Peer Mentoring room" in help_words
    for item in items:
        assert len(item.title) <= 80 and len(item.body) <= 600

    # Mentors' contributions count the events.
    rows = contributions_for_year(school, this_year)
    assert sum(c.events for c in rows) >= 6
    assert all(c.mentor.academic_year_id == this_year.pk for c in rows)

    # The pages show them: the coordinator's events and board, a pupil's board, the screen.
    coordinator = Membership.objects.get(school=school, role="coordinator").user
    client = Client()
    client.force_login(coordinator, backend="peermentoring.core.auth.EmailOrUsernameBackend")
    events = client.get(reverse("outreach:events", args=[school.slug]))
    assert events.status_code == 200 and week.name in events.text
    assert "Add this year's Anti-Bullying Week" not in events.text
    printed = client.get(reverse("outreach:board-print", args=[school.slug]))
    assert printed.status_code == 200 and "Childline" in printed.text and "<svg" in printed.text
    certificates = client.get(reverse("outreach:certificates", args=[school.slug]))
    assert certificates.status_code == 200
    assert certificates.text.count('class="contribution-certificate"') == (
        Mentor.objects.for_school(school).for_year(this_year).exclude(status="stepped_down").count()
    )
    link = screens.create_screen_link(school=school, label="Year 7 corridor", by=None)
    screen = Client().get(reverse("dropin:screen", args=[school.slug, link.token]))
    assert screen.status_code == 200
    assert screen.text.count('data-slide="extra"') == len(on_board)
