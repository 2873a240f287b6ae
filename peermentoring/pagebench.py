"""Page benchmark for `make bench`: each main page's requests per second against a bare view.

In one run, for SQLite and then PostgreSQL (when a server answers):

1. builds the demo (`manage.py load_demo`) in a throw-away database;
2. serves it with gunicorn, 2 workers, DEBUG=false, as `make demo` does (plain HTTP on
   localhost), through `bench_settings.py`, which adds a bare Django view (only there);
3. signs in each demo role (a session made in-process, sent as a Cookie header) and drives
   8 connections at each page with `wrk`;
4. prints one table: requests per second, the share of the bare view's, the 99th
   percentile latency, the queries one request makes (counted in-process with
   CaptureQueriesContext), its CPU time in-process (which other work on the machine moves
   less than the throughput) and whether the goal is met: at least 15 % of the bare view on
   SQLite, 10 % on PostgreSQL, p99 under 50 ms.

Figures are printed, never asserted: anything else running on the machine moves them.

    python -m peermentoring.pagebench                 # SQLite, then PostgreSQL if reachable
    python -m peermentoring.pagebench --sqlite-only
    python -m peermentoring.pagebench --postgres      # PostgreSQL must be there
    python -m peermentoring.pagebench --seconds 10 --connections 8

PostgreSQL: the server of DATABASE_URL when it is set, else postgres@127.0.0.1:5432; the
benchmark creates its own database there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
GOAL_SHARE = {"sqlite": 15.0, "postgresql": 10.0}
GOAL_P99_MS = 50.0
SCHOOL, TRUST = "oakbrook", "riverside"
BARE = "/bench/bare/"
CPU_SAMPLES = 15


@dataclass(frozen=True)
class Page:
    label: str
    role: str  # whose session asks for it; "" for nobody signed in
    path: str


def _env(database: str, static_root: str) -> dict[str, str]:
    """The server's environment: `make demo`'s (DEBUG off, plain HTTP) and the bench's URLs."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("SQLITE_PATH", None)
    if database.startswith("postgres"):
        env["DATABASE_URL"] = database
    else:
        env["SQLITE_PATH"] = database
    env |= {
        "DJANGO_SETTINGS_MODULE": "peermentoring.bench_settings",
        "BENCH_STATIC_ROOT": static_root,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "TASKS_BACKEND": "immediate",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    return env


# --- inside the child process: Django set up on the throw-away database ------------------


def _build() -> tuple[list[Page], dict[str, str], dict[str, tuple[int, float]]]:
    """Migrate, load the demo, sign each role in: the pages, the cookies, and each page's
    queries and CPU time (ms) for one request, in this process."""
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from peermentoring.core.mfa import sign_in_test_client
    from peermentoring.core.roles import Role
    from peermentoring.matching.models import MatchRun
    from peermentoring.schools.models import Membership

    # Only this process hashes the demo's passwords: the quick hasher saves ~20 s of
    # building. Sessions are made directly, so the server never checks a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_demo", stdout=io.StringIO())

    roles = {
        "school admin": Role.SCHOOL_ADMIN,
        "coordinator": Role.COORDINATOR,
        "safeguarding lead": Role.SAFEGUARDING_LEAD,
        "trust lead": Role.TRUST_LEAD,
        "mentor": Role.MENTOR,
        "mentee": Role.MENTEE,
        "pupil": Role.PUPIL,
    }
    cookies: dict[str, str] = {}
    clients: dict[str, Client] = {"": Client()}
    for who, role in roles.items():
        membership = (
            Membership.objects.active()
            .filter(school__slug=SCHOOL, role=role)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        if membership is None:
            raise RuntimeError(f"the demo has no {who} at {SCHOOL}")
        client = Client()
        # Staff sessions have proved a second factor, as after a real sign-in.
        sign_in_test_client(client, membership.user)
        clients[who] = client
        cookies[who] = client.cookies[settings.SESSION_COOKIE_NAME].value

    school = f"/s/{SCHOOL}/"
    pages = [
        Page("bare view", "", BARE),
        Page("bare view, signed in", "coordinator", BARE),
        *(Page(f"home: {who}", who, school) for who in roles if who != "trust lead"),
        Page("home: trust lead's dashboard", "trust lead", f"/t/{TRUST}/"),
        Page("pupil list (50 a page)", "coordinator", f"{school}pupils/"),
        Page("training grid", "coordinator", f"{school}training/grid/"),
        Page("referral list", "coordinator", f"{school}matching/referrals/"),
        Page("matching", "coordinator", f"{school}matching/"),
    ]
    run = MatchRun.objects.filter(school__slug=SCHOOL).order_by("-pk").first()
    if run is not None:
        pages.append(Page("matching run", "coordinator", f"{school}matching/runs/{run.pk}/"))
    pages.append(Page("pairings", "coordinator", f"{school}matching/pairings/"))
    # Issue 13: the coordinator's pages listing every pairing with its meetings, and the
    # mentor's "log a meeting".
    pages.append(Page("meetings", "coordinator", f"{school}meetings/"))
    pages.append(Page("met N times: every pairing", "coordinator", f"{school}meetings/week/"))
    pages.append(Page("log a meeting", "mentor", f"{school}meetings/log/"))
    # Once more at the end: the better of the two is the baseline, so a busy moment at
    # the start does not flatter the pages.
    pages.append(Page("bare view, again", "", BARE))

    measured: dict[str, tuple[int, float]] = {}
    for page in pages:
        client = clients[page.role]
        client.get(page.path)  # the first request fills caches the others reuse
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} as {page.role or 'nobody'}: {response.status_code}")
        count = len(captured.captured_queries)  # read now: the next request empties the log
        cpu = []
        for _ in range(CPU_SAMPLES):
            started = time.process_time()
            client.get(page.path)
            cpu.append(time.process_time() - started)
        measured[page.label] = (count, min(cpu) * 1000)
    connection.close()
    return pages, cookies, measured


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, cookie: str) -> int:
    # Our own server on 127.0.0.1: the URL is always http.
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _serve(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "peermentoring.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before serving")
        try:
            if _get(f"http://127.0.0.1:{port}{BARE}", "") == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(url: str, cookie: str, seconds: int, connections: int) -> tuple[float, float, int]:
    """Requests per second, p99 in ms, and how many answers were not 2xx/3xx."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if rate is None or p99 is None:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    return (
        float(rate.group(1)),
        float(p99.group(1)) * UNITS[p99.group(2)],
        int(bad.group(1)) if bad else 0,
    )


def run_one(seconds: int, connections: int) -> None:
    """Build, serve and measure on the database this process's environment names."""
    started = time.monotonic()
    pages, cookies, measured = _build()
    from django.conf import settings
    from django.db import connection

    vendor = connection.vendor
    cookie_of = {who: f"{settings.SESSION_COOKIE_NAME}={value}" for who, value in cookies.items()}
    cookie_of[""] = ""
    built = time.monotonic() - started
    port = _free_port()
    server = _serve(port)
    try:
        results = []
        for page in pages:
            url = f"http://127.0.0.1:{port}{page.path}"
            cookie = cookie_of[page.role]
            for _ in range(10):  # both workers load the page's templates before the count
                status = _get(url, cookie)
                if status != 200:
                    raise RuntimeError(f"{page.path} answered {status} through gunicorn")
            results.append((page, *_wrk(url, cookie, seconds, connections)))
    finally:
        server.terminate()
        server.wait(timeout=30)

    load = os.getloadavg()[0]
    goal = GOAL_SHARE.get(vendor, 10.0)
    bare = max(rate for page, rate, _, _ in results if page.path == BARE and not page.role)
    print(
        f"\n== pages on {vendor}: gunicorn 2 workers, DEBUG=false, wrk {connections} connections, "
        f"{seconds:g} s a page (demo built in {built:.0f} s) =="
    )
    print(
        f"goal: at least {goal:g} % of the bare view's requests/s and p99 under {GOAL_P99_MS:g} ms"
    )
    print(
        f"{'page':<34} {'req/s':>8} {'% bare':>7} {'p99 ms':>7} {'queries':>8} {'CPU ms':>7}  goal"
    )
    for page, rate, p99, bad in results:
        share = rate / bare * 100
        if page.path == BARE:
            verdict = "(the baseline)" if rate == bare and not page.role else ""
        else:
            misses = []
            if share < goal:
                misses.append(f"{share:.1f} % < {goal:g} %")
            if p99 >= GOAL_P99_MS:
                misses.append(f"p99 {p99:.0f} ms")
            verdict = "met" if not misses else "NOT met: " + ", ".join(misses)
        if bad:
            verdict += f" ({bad} answers not 2xx/3xx!)"
        count, cpu = measured[page.label]
        print(
            f"{page.label:<34} {rate:>8,.0f} {share:>6.1f}% {p99:>7.1f} "
            f"{count:>8} {cpu:>7.1f}  {verdict}"
        )
    print(
        f"({time.monotonic() - started:.0f} s in all; load average {load:.1f} before the table "
        f"on {os.cpu_count()} CPUs: anything else running moves these figures. CPU ms: one "
        f"request's CPU time in-process, the best of {CPU_SAMPLES}, which a busy machine moves "
        "less; 2 workers on 2 idle CPUs serve at most about 2,000 / CPU ms requests a second)"
    )


# --- the parent: one child process per database ---------------------------------------


def _postgres_server(url: str) -> str | None:
    """Why the server cannot be used, or None when it answers."""
    import psycopg

    try:
        psycopg.connect(_conninfo(url), connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any failure means "not there"
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return None


def _conninfo(url: str) -> str:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    parts = {
        "host": parsed.get("HOST") or "",
        "port": str(parsed.get("PORT") or ""),
        "user": parsed.get("USER") or "",
        "password": parsed.get("PASSWORD") or "",
        "dbname": parsed.get("NAME") or "postgres",
    }
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _run_child(database: str, seconds: int, connections: int) -> int:
    folder = tempfile.mkdtemp(prefix="pm-pagebench-")
    try:
        env = _env(database, os.path.join(folder, "static"))
        status = subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "peermentoring.pagebench",
                "--child",
                f"--seconds={seconds}",
                f"--connections={connections}",
            ],
            env=env,
            check=False,
        ).returncode
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if status:
        engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
        print(f"\n== pages on {engine}: NOT measured: the run stopped (its error is above) ==")
    return status


def _postgres(url: str, seconds: int, connections: int) -> int:
    import psycopg

    name = f"pm_pagebench_{os.getpid()}"
    try:
        with psycopg.connect(_conninfo(url), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"\n== pages on PostgreSQL: NOT measured: cannot create a database ({error}) ==")
        return 1
    try:
        return _run_child(_with_database(url, name), seconds, connections)
    finally:
        with psycopg.connect(_conninfo(url), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peermentoring.pagebench")
    parser.add_argument("--seconds", type=int, default=3, help="wrk's time on each page")
    parser.add_argument("--connections", type=int, default=8)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--postgres", action="store_true", help="PostgreSQL only; it must answer")
    which.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_one(args.seconds, args.connections)
        return 0

    if shutil.which("wrk") is None:
        print(
            "\n== pages: NOT measured: the load generator `wrk` is not installed "
            "(Debian: `apt-get install wrk`) =="
        )
        return 0
    status = 0
    if not args.postgres:
        with tempfile.TemporaryDirectory(prefix="pm-pagebench-db-") as folder:
            status |= _run_child(
                os.path.join(folder, "bench.sqlite3"), args.seconds, args.connections
            )
    if args.sqlite_only:
        return status
    server = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES
    parts = urlsplit(server)
    shown = f"{parts.hostname}:{parts.port or 5432}"
    problem = _postgres_server(server)
    if problem is not None:
        print(f"\n== pages on PostgreSQL: NOT measured: no server at {shown} ({problem}) ==")
        return 1 if args.postgres else status
    return status | _postgres(server, args.seconds, args.connections)


if __name__ == "__main__":
    sys.exit(main())
