"""What the outcomes area adds to menus, home pages and to-dos: "Outcomes" and "Check-ins"
under Reports for the staff who see outcomes; the pupils' check-in and reflection cards on
their home pages (no menu entry: a mentor's menu stays three items on one line at 320 px);
the check-in for any pupil account with a pairing as mentee (a paired Year 7 pupil given a
plain "Pupil" account sees "Your mentor", and so their check-in).
The evidence pack's "monitoring of progress and outcomes" gets the check-ins' counts and
averages (report_outcomes.evidence_area), never a pupil's answers. The coordinator's home page gets no item: "Check-ins" in the menu lists who has not
answered, and her home page stays within its queries (demo/tests/test_query_counts.py)."""

from __future__ import annotations


def register() -> None:
    from peermentoring.core.registry import register_menu, register_todo
    from peermentoring.evaluation import outcomes_home, report_outcomes
    from peermentoring.evaluation.evidence_pack import register_evidence_source

    register_menu(label="Outcomes", url_name="evaluation:outcomes", order=30, group="report")
    register_menu(label="Check-ins", url_name="evaluation:check-ins", order=32, group="report")
    register_menu(
        label="Check-in questions", url_name="evaluation:questionnaires", order=34, group="report"
    )
    register_todo(
        key="outcomes-check-in",
        order=4,
        roles=outcomes_home.CHECK_IN_ROLES,
        items=outcomes_home.check_in_card,
    )
    register_todo(
        key="outcomes-reflection",
        order=7,
        roles=outcomes_home.REFLECTION_ROLES,
        items=outcomes_home.reflection_card,
    )
    register_evidence_source(
        key="outcomes", area="monitoring", source=report_outcomes.evidence_area
    )
