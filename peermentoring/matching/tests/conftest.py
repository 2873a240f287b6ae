"""Matching tests post to the public referral form, which is rate-limited in the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_rate_limit_counts():
    cache.clear()
    yield
    cache.clear()
