from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "peermentoring.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self) -> None:
        from peermentoring.core.registry import (
            register_menu,
            register_school_figure,
            register_todo,
        )
        from peermentoring.core.roles import PUPIL_ROLES, SAFEGUARDING_ROLES
        from peermentoring.safeguarding import home

        # The menu shows it only to those its page lets in: the safeguarding lead.
        register_menu(label="Safeguarding", url_name="safeguarding:concern-list", order=15)
        # The coordinator's status-only view of concerns about the scheme's pupils.
        register_menu(
            label="Safeguarding concerns",
            url_name="safeguarding:concern-status",
            order=40,
            group="match",
        )
        # First on the lead's list: nothing comes before a child's safety.
        register_todo(key="safeguarding", order=1, roles=SAFEGUARDING_ROLES, items=home.lead_items)
        # Last on every pupil's home page: always there, whatever else is.
        register_todo(key="worried", order=99, roles=PUPIL_ROLES, items=home.worried_about_someone)
        # A trust lead sees counts only: never who, never what.
        register_school_figure(
            key="concerns-open",
            order=90,
            label="Open",
            group="Safeguarding concerns",
            long_label="Safeguarding concerns open",
            values=home.open_concerns_by_school,
        )
        register_school_figure(
            key="concerns-this-year",
            order=91,
            label="This year",
            group="Safeguarding concerns",
            long_label="Safeguarding concerns raised since 1 September",
            values=home.concerns_this_year_by_school,
        )
