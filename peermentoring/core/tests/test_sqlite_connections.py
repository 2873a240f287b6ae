"""SQLite keeps its connection between requests, as PostgreSQL does (see settings.py)."""

from __future__ import annotations

import pytest
from django.conf import settings

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.skipif(not ON_SQLITE, reason="the SQLite database's own settings")
def test_sqlite_connections_persist_between_requests():
    # Opening a connection reads the schema and runs the PRAGMAs: ~2 ms a request.
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
