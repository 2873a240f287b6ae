"""The browser tests' server answers one request at a time (conftest.live_server): its
threads share one in-memory SQLite connection, which two at once can hang for good."""

from __future__ import annotations

import gc
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


def test_each_response_is_closed_in_its_turn():
    """wsgiref closes what the app returns; the turn must close the app's own response
    before it hands the body on, or nothing ever closes it."""
    events: list[str] = []

    class Response(list):
        def close(self):
            events.append("closed")

    def app(environ, start_response):
        start_response("200 OK", [])
        return Response([b"body"])

    body = _OneRequestAtATime(app)({}, lambda status, headers: None)
    events.append("returned")

    assert events == ["closed", "returned"]
    assert b"".join(body) == b"body"


def test_a_static_file_finishes_its_request_in_the_server_not_at_some_later_collection(
    live_server,
):
    """A static file's response is closed through its file (WSGIHandler points the
    file's close at the response's). Left unclosed, it was closed by the garbage collector,
    in whichever thread it ran: twice in CI, the main thread inside load_demo's
    transaction, where request_finished's close_old_connections closed the test's own
    PostgreSQL connection ("the connection is closed"). Caught with a stack trace of
    every close inside a transaction, over the whole suite on PostgreSQL."""
    from urllib.request import urlopen

    from django.core.signals import request_finished

    finished: list[str] = []

    def note(**kwargs):
        finished.append(threading.current_thread().name)

    request_finished.connect(note, dispatch_uid="test-static-file-finished")
    gc.disable()
    try:
        with urlopen(f"{live_server.url}/static/core/site.css") as response:  # noqa: S310
            assert response.status == 200
            response.read()
        seen_before_collection = list(finished)
        gc.collect()
    finally:
        gc.enable()
        request_finished.disconnect(dispatch_uid="test-static-file-finished")

    assert len(seen_before_collection) == 1
    assert seen_before_collection[0] != threading.main_thread().name
    assert finished == seen_before_collection
