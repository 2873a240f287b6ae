"""Who may reach each training page (merged into schools/tests/test_access.py)."""

from __future__ import annotations

from django.utils import timezone

from peermentoring.core.factories import UserFactory
from peermentoring.core.roles import Role
from peermentoring.core.testing import GET, GET_POST, SETUP, Access, ForeignPost
from peermentoring.recruitment.tests import builders
from peermentoring.schools.factories import MembershipFactory
from peermentoring.training.models import ModuleCompletion, TrainingSession


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


# --- Bodies naming another school's rows ------------------------------------------------


def _foreign_session(school, other_school, viewer):
    year, module = builders.this_year(other_school), builders.module_in(other_school)

    def unchanged(response):
        assert response.status_code == 200  # the form refuses the cohort and the module
        assert not TrainingSession.objects.exists()
        assert not module.sessions.exists()

    data = {
        "title": "Day 1",
        "held_on": timezone.localdate().isoformat(),
        "academic_year": year.pk,
        "modules": [module.pk],
    }
    return ForeignPost({}, data, unchanged)


def _foreign_register(school, other_school, viewer):
    session = builders.session_in(school)
    ours = session.modules.get()
    trainee, module = builders.mentor_in(other_school), builders.module_in(other_school)

    def unchanged(response):
        assert response.status_code == 302
        assert not ModuleCompletion.objects.exists()

    data = {f"mark_{trainee.pk}_{ours.pk}": "present", f"mark_{trainee.pk}_{module.pk}": "present"}
    return ForeignPost({"session_pk": session.pk}, data, unchanged)


def _foreign_catch_up(school, other_school, viewer):
    mentor, module = builders.mentor_in(school), builders.module_in(other_school)
    staff = MembershipFactory(
        user=UserFactory(first_name="Olwen"), school=other_school, role=Role.COORDINATOR
    ).user

    def unchanged(response):
        assert response.status_code == 200  # the form refuses the module and the signer
        assert not ModuleCompletion.objects.exists()

    data = {
        "module": module.pk,
        "completed_on": timezone.localdate().isoformat(),
        "signed_off_by": staff.pk,
    }
    return ForeignPost({"mentor_pk": mentor.pk}, data, unchanged)


FOREIGN_POSTS = {
    "training:session-create": _foreign_session,
    "training:session-register": _foreign_register,
    "training:catch-up": _foreign_catch_up,
}
NO_ROW_FIELDS = {"training:module-create", "training:module-edit"}
