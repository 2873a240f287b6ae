"""What the evidence area adds to menus, home pages and to-dos: aims and policies and the
evidence pack in the staff's Reports menu; a mentor's to-do for each policy to read."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu, register_todo
    from peermentoring.core.roles import Role
    from peermentoring.evaluation import evidence_home

    # Each entry shows only to the roles its page lets in (the view's decorator).
    register_menu(
        label="Aims and policies", url_name="evaluation:policies", order=60, group="report"
    )
    register_menu(
        label="Evidence for the quality standard",
        url_name="evaluation:evidence-pack",
        order=70,
        group="report",
    )
    # Mentors reach their policies from their home page, so their short menu stays short.
    register_todo(
        key="evaluation-policies-to-read",
        order=60,
        roles=[Role.MENTOR],
        items=evidence_home.policies_to_read,
    )
