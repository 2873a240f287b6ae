"""No pupil's words in error reports or access logs.

A view that takes free text about a pupil in a POST is wrapped by core.privacy.pupil_text:
Django's error report (what a 500 e-mails to the admins, or hands to an error tracker) then
shows neither the POST's values nor the locals of the view and the services it calls. Every
URL whose view uses a form with a free-text box must be wrapped: a new one without it fails
here. Search terms (`?q=` on the pupil list) stay out of runserver's and gunicorn's access logs.
"""

from __future__ import annotations

import inspect
import logging
import runpy
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.signals import got_request_exception
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.debug import ExceptionReporter

from peermentoring.core.privacy import QueryStringFreeAccessLog, hides_pupil_text
from peermentoring.referrals.models import Referral
from tests.support.factories import PupilFactory

PUPIL_WORDS = "Kwame is being bullied by Tyler on the bus"

# Forms with a text box that never holds anything about a pupil: the school's own set-up.
NOT_ABOUT_PUPILS = {
    "SchoolForm",  # the school's name and URN
    "AcademicYearForm",  # "2026–27"
    "FeederPrimaryForm",  # a primary school's name
    "RoundForm",  # a recruitment round's advert, questions and criteria
    "ModuleForm",  # a training module's title and description
    "SessionForm",  # a training session's title
    "CategoryForm",  # a referral category's name
    "InterviewForm",  # where an interview is held
    "ScreenLinkForm",  # where a corridor screen is ("Year 7 corridor")
    "QuestionForm",  # a questionnaire's question ("I feel happy at school")
    "PolicyForm",  # the scheme's aims or a policy: its title and text
    "VersionForm",  # a new version of a policy's text
}
# Search and filter forms sent by GET: nothing in a POST; their terms are kept out of the
# access logs instead (test_a_search_term_stays_out_of_the_access_logs).
GET_FILTERS = {"PupilFilterForm", "ApplicationFilterForm"}


def free_text_fields(form_class: type) -> list[str]:
    fields = getattr(form_class, "base_fields", {})
    return [
        name
        for name, field in fields.items()
        if isinstance(field, forms.CharField)
        and not isinstance(field, forms.EmailField | forms.SlugField | forms.URLField)
        and not isinstance(field.widget, forms.HiddenInput)
    ]


def _patterns(patterns: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _innermost(view: Any) -> Any:
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    return view


def _accepts_post(view: Any) -> bool:
    """False only when require_GET / require_http_methods leaves POST out."""
    current = view
    while current is not None:
        code = getattr(current, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = current.__closure__[code.co_freevars.index("request_method_list")]
            return "POST" in cell.cell_contents
        current = getattr(current, "__wrapped__", None)
    return True


def _forms_used(function: Any) -> set[type]:
    """Form and formset classes a view function names (its own code and nested code)."""
    names: set[str] = set()
    codes = [function.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if inspect.iscode(c))
    found: set[type] = set()
    for name in names:
        value = function.__globals__.get(name)
        if inspect.isclass(value) and issubclass(value, forms.BaseForm):
            found.add(value)
        elif inspect.isclass(value) and issubclass(value, forms.BaseFormSet):
            found.add(value.form)
    return found


def free_text_post_views() -> dict[str, tuple[Any, list[str]]]:
    """Each URL whose view takes a POST through a form with a pupil's free text."""
    found = {}
    for route, view in _patterns(get_resolver().url_patterns):
        if hasattr(view, "view_class"):
            if view.view_class.__module__.startswith("allauth."):
                # Sign-in, codes and passwords: never a pupil's free text (allauth's own
                # password views hide their POSTs themselves).
                continue
            form_class = getattr(view.view_class, "form_class", None)
            if form_class is not None and free_text_fields(form_class):
                found[route] = (view, [form_class.__name__])
            continue
        function = _innermost(view)
        if not function.__module__.startswith("peermentoring") or not _accepts_post(view):
            continue
        text_forms = [
            form.__name__
            for form in _forms_used(function)
            if free_text_fields(form) and form.__name__ not in NOT_ABOUT_PUPILS | GET_FILTERS
        ]
        if text_forms:
            found[route] = (view, sorted(text_forms))
    return found


def _class_view_hides_post(view_class: type) -> bool:
    """Django's own sign-in and password views decorate dispatch with sensitive_post_parameters."""
    return any(
        "sensitive_post_parameters" in inspect.getsource(vars(klass)["dispatch"])
        for klass in view_class.__mro__
        if "dispatch" in vars(klass)
    )


def test_every_view_taking_a_pupils_free_text_in_a_post_hides_it_from_error_reports():
    views = free_text_post_views()
    # The enumeration finds what it should: the public referral form, the referral and
    # review forms, applications, interview scores, tutors' references, do-not-pair notes.
    for expected in [
        "refer/<str:token>/",
        "reference/<str:token>/",
        "s/<slug:school_slug>/matching/referrals/pupil/<int:pupil_pk>/",
        "s/<slug:school_slug>/matching/referrals/<int:referral_pk>/review/",
        "s/<slug:school_slug>/recruitment/<int:round_pk>/paper/",
        "s/<slug:school_slug>/recruitment/<int:round_pk>/apply/",
        "s/<slug:school_slug>/recruitment/interviews/<int:interview_pk>/",
        "s/<slug:school_slug>/matching/do-not-pair/",
    ]:
        assert expected in views
    unwrapped = [
        f"{route} ({', '.join(form_names)})"
        for route, (view, form_names) in views.items()
        if not (
            _class_view_hides_post(view.view_class)
            if hasattr(view, "view_class")
            else hides_pupil_text(view)
        )
    ]
    assert unwrapped == [], (
        "Decorate these views with @pupil_text (peermentoring/core/privacy.py), or, if the "
        "form's text is never about a pupil, add it to NOT_ABOUT_PUPILS: " + "; ".join(unwrapped)
    )


def test_the_check_fails_for_a_view_without_the_decorator():
    def bare(request):
        return None

    assert not hides_pupil_text(bare)
    from peermentoring.core.privacy import pupil_text

    assert hides_pupil_text(pupil_text(bare))


@pytest.mark.django_db
def test_an_error_during_a_referral_post_reports_none_of_the_pupils_words(
    client_for, coordinator, school, monkeypatch
):
    pupil = PupilFactory.create(school=school, given_name="Kwame")

    def refer_pupil(**kwargs):
        needs = kwargs["child"].needs  # a pupil's words in a service's locals
        raise RuntimeError(f"the database went away ({len(needs)} characters)")

    monkeypatch.setattr("peermentoring.referrals.services.refer_pupil", refer_pupil)
    seen = []

    def keep(sender, request, **kwargs):
        seen.append((request, sys.exc_info()))

    got_request_exception.connect(keep)
    try:
        with pytest.raises(RuntimeError):
            client_for(coordinator).post(
                reverse("referrals:referral-create", args=[school.slug, pupil.pk]),
                {
                    "source": Referral.Source.STAFF,
                    "needs": PUPIL_WORDS,
                    "priority": Referral.Priority.ROUTINE,
                    "consent": Referral.Consent.NOT_ASKED,
                    "interests": "football",
                    "languages": "Twi",
                },
            )
    finally:
        got_request_exception.disconnect(keep)
    request, exc_info = seen[0]
    report = ExceptionReporter(request, *exc_info).get_traceback_text()
    assert "the database went away" in report  # the report itself is whole
    assert "needs" in report  # the POST's keys are listed...
    assert PUPIL_WORDS not in report  # ...but not its values, nor any frame's locals
    assert "Twi" not in report
    html = ExceptionReporter(request, *exc_info).get_traceback_html()
    assert PUPIL_WORDS not in html


def test_a_search_term_stays_out_of_the_access_logs():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /s/oakbrook/pupils/?q=Kwame+Mensah&year=7 HTTP/1.1", "200", "5123"),
        None,
    )
    assert QueryStringFreeAccessLog().filter(record)
    assert record.getMessage() == '"GET /s/oakbrook/pupils/ HTTP/1.1" 200 5123'
    # Django's runserver log goes through the filter.
    server = logging.getLogger("django.server")
    assert any(isinstance(f, QueryStringFreeAccessLog) for f in server.filters)
    # gunicorn's access log writes the path without its query, and no referrer.
    config = runpy.run_path(str(Path(__file__).resolve().parents[3] / "gunicorn.conf.py"))
    assert "%(U)s" in config["access_log_format"]
    for field in ("%(r)s", "%(q)s", "%(f)s", "%({raw_uri}e)s"):
        assert field not in config["access_log_format"]


# --- Secret links and anonymous reports in the access logs ---------------------------------

SCREEN = "/s/oakbrook/dropin/screen/Kq3vX9secretScreenToken/"
FEED = "/s/oakbrook/dropin/feed/Zt8secretFeedToken.ics"
REFER = "/refer/eyJzY2hvb2wiOjF9:1uA2b3:signature/"
VISIT_PLAN = "/s/oakbrook/outreach/visit-plan/eyJ2IjoxfQ:1uA2b3:signature/"
RESET = "/accounts/reset/MQ/cz7-secretresettoken/"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (SCREEN, "/s/oakbrook/dropin/screen/[token]/"),
        (SCREEN + "photos/4.jpg", "/s/oakbrook/dropin/screen/[token]/photos/4.jpg"),
        (FEED, "/s/oakbrook/dropin/feed/[token]"),
        (REFER, "/refer/[token]/"),
        (REFER + "thanks/", "/refer/[token]/thanks/"),
        (VISIT_PLAN, "/s/oakbrook/outreach/visit-plan/[token]/"),
        ("/s/oakbrook/outreach/visits/4/", "/s/oakbrook/outreach/visits/4/"),
        (RESET, "/accounts/reset/MQ/[token]/"),
        ("/accounts/reset/MQ/set-password/", "/accounts/reset/MQ/set-password/"),
        ("/s/oakbrook/dropin/screens/", "/s/oakbrook/dropin/screens/"),
    ],
)
def test_a_secret_links_token_stays_out_of_runserver_log(path, logged):
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET {path} HTTP/1.1", 200, 9),
        None,
    )

    assert QueryStringFreeAccessLog().filter(record)

    assert record.getMessage() == f'"GET {logged} HTTP/1.1" 200 9'


class _Answer:
    status = "200 OK"
    sent = 512
    headers = [("Content-Type", "text/html")]


class _Request:
    headers = [("USER-AGENT", "PupilLaptop/1.0"), ("COOKIE", "sessionid=abc123")]


def _gunicorn_line(tmp_path: Path, path: str, method: str = "GET", query: str = "") -> str:
    """One request through gunicorn's own logger, set up as gunicorn.conf.py sets it."""
    import datetime as dt

    from gunicorn.config import Config

    config = Config()
    settings = runpy.run_path(str(Path(__file__).resolve().parents[3] / "gunicorn.conf.py"))
    for name, value in settings.items():
        if name in config.settings:
            config.set(name, value)
    log_file = tmp_path / "access.log"
    config.set("accesslog", str(log_file))
    logger = config.logger_class(config)
    environ = {
        "REQUEST_METHOD": method,
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.77",
        "HTTP_USER_AGENT": "PupilLaptop/1.0",
        "HTTP_REFERER": f"https://school.example{SCREEN}",
    }
    logger.access(_Answer(), _Request(), environ, dt.timedelta(milliseconds=12))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log_file.read_text()


@pytest.mark.parametrize("path", [SCREEN, FEED, REFER, VISIT_PLAN, RESET])
def test_gunicorns_access_log_writes_no_secret_token(tmp_path, path):
    line = _gunicorn_line(tmp_path, path, query="q=Kwame")

    assert "[token]" in line
    for secret in ("secret", "signature", "Kwame", "sessionid"):
        assert secret not in line
    assert "203.0.113.77" in line  # an ordinary request keeps its address


def test_gunicorns_access_log_names_nobody_on_the_anonymous_report_page(tmp_path):
    line = _gunicorn_line(tmp_path, "/s/oakbrook/outreach/tell-us/", method="POST")

    assert '"POST /s/oakbrook/outreach/tell-us/ HTTP/1.1" 200' in line
    assert "203.0.113.77" not in line
    assert "PupilLaptop" not in line


@pytest.mark.django_db
def test_djangos_not_found_and_error_lines_write_no_secret_token(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/s/nowhere/dropin/screen/Kq3vX9secretScreenToken/")

    lines = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert lines and all("secret" not in line for line in lines)
    assert any("/screen/[token]/" in line for line in lines)
