"""Everything evaluation adds to menus, home pages and to-dos: one module per area."""

from __future__ import annotations


def register() -> None:
    from peermentoring.evaluation import (
        register_evidence,
        register_outcomes,
        register_report,
        register_trust,
        register_year,
    )

    register_report.register()
    register_outcomes.register()
    register_evidence.register()
    register_year.register()
    register_trust.register()
