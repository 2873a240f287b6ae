"""Measured figures for the foundation: `make bench` prints them; nothing here asserts a time.

- pupil import: a 5,000-row SIMS-style CSV, first import and a re-import of the same file;
- a spreadsheet bomb: a 1,000,000-row xlsx refused, its time and peak memory;
- the pupil list page (50 rows) and the school home page, requests per second in one process;
- matching (`matching/bench.py`);
- meetings (`meetings/bench.py`): the coordinator's pages and the mentor's "log a meeting"
  on a school with a year of meetings;
- the drop-in duty rota solver (`dropin/rota_bench.py`): a school's half-term to proven
  optimum, a trust's to a feasible rota with its gap;
- mentors' photos (`dropin/photo_bench.py`): the peak memory of cleaning the largest JPEG
  and PNG uploads, each in a fresh process;
- the main pages served by gunicorn under `wrk`, against a bare view, on SQLite and on
  PostgreSQL when a server answers (`pagebench.py`; run it alone with
  `python -m peermentoring.pagebench`).
"""

from __future__ import annotations

import os
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from peermentoring.core.models import User
    from peermentoring.schools.models import School


def spreadsheet_bomb(school: School, admin: User) -> None:
    """Issue #7: an xlsx of 1,000,000 rows (under 1 MB) is refused; how long, how much memory."""
    import io
    import tracemalloc
    import zipfile

    from openpyxl import Workbook

    from peermentoring.schools import services

    book = Workbook()
    book.active.append(["placeholder"])
    made = io.BytesIO()
    book.save(made)
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c t="inlineStr"><is><t>Adno</t></is></c></row>'
        + b"<row><c><v>1</v></c></row>" * 1_000_000
        + b"</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(made) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in original.infolist():
            data = sheet if info.filename == "xl/worksheets/sheet1.xml" else original.read(info)
            bomb.writestr(info.filename, data)
    data = out.getvalue()
    tracemalloc.start()
    started = time.perf_counter()
    report = services.import_pupils(school=school, data=data, filename="bomb.xlsx", by=admin)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"spreadsheet bomb, 1,000,000-row xlsx of {len(data) / 1000:,.0f} KB: {report.outcome} "
        f"in {elapsed:.2f} s, peak {peak / 1_000_000:.0f} MB allocated"
    )


def main() -> None:
    folder = tempfile.mkdtemp(prefix="pm-bench-")
    os.environ.setdefault("SQLITE_PATH", os.path.join(folder, "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peermentoring.settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    import random

    from django.core.management import call_command
    from django.test import Client

    from peermentoring.core.mfa import sign_in_test_client
    from peermentoring.core.roles import Role
    from peermentoring.demo.builder import _pupil_csv
    from peermentoring.schools import services

    call_command("migrate", verbosity=0)
    school = services.create_school(name="Bench Academy", slug="bench", by=None)
    admin = services.create_staff_account(
        school=school,
        email="bench@example.org",
        first_name="B",
        last_name="Admin",
        role=Role.SCHOOL_ADMIN,
        by=None,
        password="bench-password-123",  # noqa: S106 - a throw-away bench database
    ).user
    data = _pupil_csv(random.Random(1), 1000, 10001, ["Meadowside Primary"])
    rows = data.count(b"\n") - 1

    started = time.perf_counter()
    report = services.import_pupils(school=school, data=data, filename="bench.csv", by=admin)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = services.import_pupils(school=school, data=data, filename="bench.csv", by=admin)
    second = time.perf_counter() - started
    print(f"database: {django.db.connection.vendor}")
    print(
        f"pupil import, {rows} rows: first {first:.2f} s ({rows / first:,.0f} rows/s, "
        f"{report.created} created); re-import {second:.2f} s ({again.unchanged} unchanged)"
    )

    spreadsheet_bomb(school, admin)

    client = Client()
    sign_in_test_client(client, admin)
    for label, url in (("pupil list (50 rows)", "/s/bench/pupils/"), ("school home", "/s/bench/")):
        client.get(url)
        count, started = 200, time.perf_counter()
        for _ in range(count):
            assert client.get(url).status_code == 200
        elapsed = time.perf_counter() - started
        print(
            f"{label}: {count / elapsed:,.0f} requests/s in one process ({elapsed / count * 1000:.1f} ms each)"
        )
    from peermentoring.matching.bench import main as matching_bench

    matching_bench()

    from peermentoring.meetings.bench import main as meetings_bench

    meetings_bench()

    from peermentoring.dropin.rota_bench import main as rota_bench

    rota_bench()

    from peermentoring.dropin.photo_bench import main as photo_bench

    photo_bench()

    from peermentoring.pagebench import main as page_bench

    page_bench([])


if __name__ == "__main__":
    main()
