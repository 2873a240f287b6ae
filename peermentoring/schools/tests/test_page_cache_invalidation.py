"""Invalidation of cached pages (core/page_cache.py): which writes give a school a new
generation, and when."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import RequestFactory

from peermentoring.core import notifications, page_cache
from peermentoring.mentors.models import MentorFreeWindow
from tests.support.factories import (
    MentorFactory,
    NotificationFactory,
    PupilFactory,
    SchoolDayWindowFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache (the per-process cache outlives a test)."""
    cache.clear()
    yield
    cache.clear()


def test_mark_all_read_bumps_its_school(school, coordinator):
    """It writes through QuerySet.update(), which sends no signal."""
    NotificationFactory(school=school, recipient=coordinator)
    before = page_cache.generations([str(school.pk)])
    notifications.mark_all_read(recipient=coordinator, school=school)
    assert page_cache.generations([str(school.pk)]) != before


def test_a_row_one_step_from_its_school_empties_the_school(school, other_school):
    """A mentor's free window has no school of its own: it is its mentor's school's."""
    mentor = MentorFactory(school=school)
    window = SchoolDayWindowFactory(school=school)
    tokens = page_cache.generations(["all", str(school.pk)])
    chosen = MentorFreeWindow.objects.create(mentor=mentor, window=window)
    bumped = page_cache.generations(["all", str(school.pk)])
    assert bumped[1] != tokens[1]
    assert bumped[0] == tokens[0]  # its own school, not every school
    MentorFreeWindow.objects.get(pk=chosen.pk).delete()  # its mentor not loaded
    assert page_cache.generations(["all", str(school.pk)])[1] != bumped[1]


def test_a_post_empties_the_school_of_its_url(school, other_school, coordinator):
    """Any request that is not GET or HEAD: writes through QuerySet.update() send no signal."""
    before = page_cache.generations(["all", str(school.pk), str(other_school.pk)])
    middleware = page_cache.PageCacheMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    get = RequestFactory().get("/")
    get.school = school
    middleware(get)
    assert page_cache.generations(["all", str(school.pk), str(other_school.pk)]) == before
    post = RequestFactory().post("/")
    post.school = school
    middleware(post)
    after = page_cache.generations(["all", str(school.pk), str(other_school.pk)])
    assert after[1] != before[1]
    assert after[0] == before[0]  # not every school
    assert after[2] == before[2]
    nowhere = RequestFactory().post("/")
    middleware(nowhere)
    assert page_cache.generations(["all"])[0] != after[0]  # no school: every school


def test_another_schools_write_leaves_this_school_cached(school, other_school):
    """Scoped by school: a busy school does not empty its neighbours' pages."""
    before = page_cache.generations([str(school.pk)])
    PupilFactory(school=other_school)
    assert page_cache.generations([str(school.pk)]) == before
    PupilFactory(school=school)
    assert page_cache.generations([str(school.pk)]) != before


@pytest.mark.django_db(transaction=True)
def test_a_write_in_a_transaction_bumps_again_when_it_commits(school):
    """At once (this request's next page) and on commit (another process may have read the
    old rows in between and stored its page under the token of the first bump)."""
    with transaction.atomic():
        PupilFactory(school=school)
        during = page_cache.generations([str(school.pk)])
    assert page_cache.generations([str(school.pk)]) != during
