"""Who may reach each training page and what a POST to it changes (merged into
schools/tests/test_access.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from peermentoring.core.roles import Role
from peermentoring.training.models import ModuleCompletion, TrainingModule, TrainingSession
from tests.support import builders
from tests.support.access import (
    GET,
    GET_POST,
    SETUP,
    Access,
    ForeignPost,
    school_of,
    viewer_of,
)
from tests.support.factories import MembershipFactory, UserFactory


def _module(school, viewer):
    return {"module_pk": builders.module_in(school).pk}


def _session(school, viewer):
    return {"session_pk": builders.session_in(school).pk}


def _mentor(school, viewer):
    return {"mentor_pk": builders.mentor_in(school).pk}


# --- What an allowed POST sends and changes --------------------------------------------


def _module_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {"title": "Listening well", "description": "Open questions", "order": 3}


def _module_saved(response: Any, kwargs: dict[str, int]) -> None:
    module = TrainingModule.objects.for_school(school_of(response)).get(title="Listening well")
    assert (module.order, module.is_required) == (3, False)
    if "module_pk" in kwargs:
        assert module.pk == kwargs["module_pk"]


def _session_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "title": "Training day 2",
        "held_on": timezone.localdate().isoformat(),
        "academic_year": builders.this_year(school).pk,
        "modules": [builders.module_in(school).pk],
    }


def _session_scheduled(response: Any, kwargs: dict[str, int]) -> None:
    session = TrainingSession.objects.get(school=school_of(response), title="Training day 2")
    assert session.modules.count() == 1


def _register_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    module = TrainingSession.objects.get(pk=kwargs["session_pk"]).modules.get()
    return {f"mark_{builders.mentor_in(school).pk}_{module.pk}": "present"}


def _register_taken(response: Any, kwargs: dict[str, int]) -> None:
    marked = ModuleCompletion.objects.filter(session_id=kwargs["session_pk"])
    assert list(marked.values_list("status", flat=True)) == [ModuleCompletion.Status.PRESENT]


def _catch_up_body(school: Any, viewer: Any, kwargs: dict[str, int]) -> dict[str, Any]:
    return {
        "module": builders.module_in(school).pk,
        "completed_on": timezone.localdate().isoformat(),
        "signed_off_by": viewer.pk,
    }


def _caught_up(response: Any, kwargs: dict[str, int]) -> None:
    completion = ModuleCompletion.objects.get(mentor_id=kwargs["mentor_pk"])
    assert completion.signed_off_by == viewer_of(response)


ACCESS = {
    "training:programme": Access(SETUP, None, GET),
    "training:module-create": Access(SETUP, None, GET_POST, _module_saved, _module_body),
    "training:module-edit": Access(SETUP, _module, GET_POST, _module_saved, _module_body),
    "training:session-create": Access(SETUP, None, GET_POST, _session_scheduled, _session_body),
    "training:session-register": Access(SETUP, _session, GET_POST, _register_taken, _register_body),
    "training:grid": Access(SETUP, None, GET),
    "training:catch-up": Access(SETUP, _mentor, GET_POST, _caught_up, _catch_up_body),
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
