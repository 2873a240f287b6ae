"""Settings that keep pages quick (see settings.py): persistent connections, sessions in Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.skipif(not ON_SQLITE, reason="the SQLite database's own settings")
def test_sqlite_connections_persist_between_requests():
    # Opening a connection reads the schema and runs the PRAGMAs: ~2 ms a request.
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] >= 60
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def _session_engine(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    read = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run(  # noqa: S603 - our own interpreter with fixed arguments
        [sys.executable, "-c", read],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "peermentoring.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_sessions_are_read_from_redis_only_when_the_cache_is_shared():
    # No connection is made here: the settings only name the cache.
    assert _session_engine(REDIS_URL="redis://127.0.0.1:6379/0") == (
        "django.contrib.sessions.backends.cached_db"
    )
    # Each worker's own memory: a sign-out must reach every worker, so the database.
    assert _session_engine() == "django.contrib.sessions.backends.db"
