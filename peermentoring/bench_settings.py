"""Settings for the page benchmark's server only (`python -m peermentoring.pagebench`).

The real settings, plus a URLconf with a bare view to measure the pages against, and
static files collected into the benchmark's own throw-away folder. Production never
names this module, so the bare view is never reachable there.
"""

from __future__ import annotations

import os
from pathlib import Path

from peermentoring.settings import *  # noqa: F403

ROOT_URLCONF = "peermentoring.bench_urls"
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", STATIC_ROOT))  # noqa: F405
