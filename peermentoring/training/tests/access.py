"""Who may reach each training page (merged into schools/tests/test_access.py)."""

from __future__ import annotations

from peermentoring.core.testing import GET, GET_POST, SETUP, Access
from peermentoring.recruitment.tests import builders


def _module(school, viewer):
    return {"module_pk": builders.module_in(school).pk}


def _session(school, viewer):
    return {"session_pk": builders.session_in(school).pk}


def _mentor(school, viewer):
    return {"mentor_pk": builders.mentor_in(school).pk}


ACCESS = {
    "training:programme": Access(SETUP, None, GET),
    "training:module-create": Access(SETUP, None, GET_POST),
    "training:module-edit": Access(SETUP, _module, GET_POST),
    "training:session-create": Access(SETUP, None, GET_POST),
    "training:session-register": Access(SETUP, _session, GET_POST),
    "training:grid": Access(SETUP, None, GET),
    "training:catch-up": Access(SETUP, _mentor, GET_POST),
    "training:certificate": Access(SETUP, _mentor, GET),
    "training:badge-list": Access(SETUP, None, GET),
}
