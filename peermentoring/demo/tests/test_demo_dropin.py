"""The demo's drop-in room: availability for every mentor, photos only with consent, a
published rota for this half-term that keeps the rota's rules, and visits on teaching
days only, last year and this year to date."""

from __future__ import annotations

import io
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from peermentoring.dropin.models import Duty, DutyAvailability, MentorPhoto, Rota, Visit
from peermentoring.dropin.schedule import teaching_days
from peermentoring.matching.models import Pairing
from peermentoring.meetings.windows import usual_windows
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, School, SchoolDayWindow

pytestmark = pytest.mark.django_db


def test_the_demo_drop_in_room_keeps_every_rule():
    call_command("load_demo", stdout=StringIO())
    school = School.objects.get(slug="oakbrook")
    this_year, last_year = AcademicYear.objects.for_school(school)[:2]
    today = timezone.localdate()
    mentors = list(Mentor.objects.for_school(school).for_year(this_year).serving())
    assert len(mentors) >= 10

    # Availability recorded for every mentor serving this year.
    with_availability = set(
        DutyAvailability.objects.filter(mentor__in=mentors).values_list("mentor_id", flat=True)
    )
    assert with_availability == {m.pk for m in mentors}

    # Photos: only with consent, and real JPEGs of the stated size; some without consent.
    photos = list(MentorPhoto.objects.filter(mentor__in=mentors))
    assert any(p.shows for p in photos) and any(not p.has_consent for p in photos)
    for photo in photos:
        assert bool(photo.image) == photo.has_consent
        if photo.image:
            image = Image.open(io.BytesIO(bytes(photo.image)))
            assert image.format == "JPEG" and image.size == (photo.width, photo.height)

    # A published rota for the half-term that holds today (or the next one).
    rota = Rota.objects.for_school(school).published().get()
    assert rota.ends_on >= today
    duties = list(Duty.objects.filter(rota=rota).select_related("window"))
    assert len(duties) > 20
    available = set(
        DutyAvailability.objects.filter(mentor__in=mentors).values_list("mentor_id", "window_id")
    )
    pairings = list(Pairing.objects.for_school(school).active())
    windows = list(SchoolDayWindow.objects.for_school(school))
    # The windows a pair chose keep the mentor off duty (the "both free" default does not:
    # it would keep a mentor with no chosen windows off duty almost everywhere).
    usual = usual_windows(pairings, windows)
    meets = {(p.mentor_id, w.pk) for p in pairings if usual[p.pk][1] for w in usual[p.pk][0]}
    assert meets, "the demo's pairs chose their usual windows"
    days = set(teaching_days(school, rota.starts_on, rota.ends_on))
    for duty in duties:
        assert (duty.mentor_id, duty.window_id) in available, duty
        assert (duty.mentor_id, duty.window_id) not in meets, duty
        assert duty.held_on in days and duty.window.weekday == duty.held_on.weekday()
    assert max(Counter((d.mentor_id, d.held_on) for d in duties).values()) == 1
    # Before today: done, but for a few absences or misses; today and after: on the rota.
    past = Counter(d.attendance for d in duties if d.held_on < today)
    future = Counter(d.attendance for d in duties if d.held_on >= today)
    assert set(future) <= {Duty.Attendance.EXPECTED}
    if sum(past.values()) > 20:
        assert past[Duty.Attendance.DONE] > sum(past.values()) * 0.8
        assert past[Duty.Attendance.MISSED] >= 1

    # Visits on teaching days only, at open windows of that weekday, none today or later.
    visits = list(Visit.objects.for_school(school).select_related("window"))
    last_days = set(teaching_days(school, last_year.starts_on, last_year.ends_on))
    this_days = set(teaching_days(school, this_year.starts_on, this_year.ends_on))
    assert sum(v.held_on in last_days for v in visits) > 300
    assert all(v.held_on in last_days | this_days for v in visits)
    assert all(v.held_on < today for v in visits)
    assert all(v.window.weekday == v.held_on.weekday() for v in visits)
    assert sum(v.year7 for v in visits) > sum(v.year8 + v.older for v in visits)
