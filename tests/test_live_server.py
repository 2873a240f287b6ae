"""The browser tests' server answers one request at a time (conftest.live_server): its
threads share one in-memory SQLite connection, which two at once can hang for good."""

from __future__ import annotations

import threading
import time

from conftest import _OneRequestAtATime


def test_two_requests_at_once_are_answered_in_turn_whole_responses_included():
    inside = 0
    most = 0
    count = threading.Lock()

    def app(environ, start_response):
        nonlocal inside, most
        with count:
            inside += 1
            most = max(most, inside)
        start_response("200 OK", [])
        # The body is produced lazily: it too must be inside the turn.
        yield b"a"
        time.sleep(0.05)
        yield b"b"
        with count:
            inside -= 1

    wrapped = _OneRequestAtATime(app)
    bodies: list[bytes] = []

    def ask() -> None:
        bodies.append(b"".join(wrapped({}, lambda status, headers: None)))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert bodies == [b"ab"] * 4
    assert most == 1


def test_the_live_server_uses_it(live_server):
    assert isinstance(live_server.thread.httpd.get_app(), _OneRequestAtATime)
