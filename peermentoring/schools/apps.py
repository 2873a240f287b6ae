from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "peermentoring.schools"
    label = "schools"
    verbose_name = "Schools"

    def ready(self) -> None:
        from peermentoring.core.registry import register_home_figure, register_menu, register_todo
        from peermentoring.core.roles import STAFF_HOME_ROLES, Role
        from peermentoring.schools.home import school_setup

        register_menu(label="Home", url_name="schools:home", order=10)
        register_menu(label="Pupils", url_name="schools:pupil-list", order=10, group="school")
        register_menu(
            label="Feeder primaries", url_name="schools:primary-list", order=30, group="school"
        )
        register_menu(label="Calendar", url_name="schools:calendar", order=40, group="school")
        register_menu(label="School day", url_name="schools:windows", order=50, group="school")
        register_menu(
            label="Import pupils", url_name="schools:pupil-import", order=20, group="school"
        )
        register_menu(label="People", url_name="schools:people", order=60, group="school")
        register_menu(label="Audit trail", url_name="schools:audit-list", order=70, group="school")
        register_menu(label="Read log", url_name="schools:read-list", order=80, group="school")
        register_menu(label="E-mails", url_name="schools:email-list", order=90, group="school")
        register_menu(
            label="School details", url_name="schools:settings", order=100, group="school"
        )
        # Shown as nought until the meetings app counts meetings: it registers the same key.
        register_home_figure(
            key="meetings-this-term",
            order=30,
            label="Meetings this term",
            roles=STAFF_HOME_ROLES,
            value=lambda membership: 0,
        )
        register_todo(key="school-setup", order=1, roles=[Role.SCHOOL_ADMIN], items=school_setup)

        from allauth.account.signals import user_logged_in

        from peermentoring.schools.sign_on import on_signed_in

        # A school whose identity provider enforces its own second factor (sign_on.py).
        user_logged_in.connect(on_signed_in, dispatch_uid="schools-sign-on-idp-mfa")

        from peermentoring.core import page_cache

        # Cached pages (home pages, the main lists) are emptied by any write to a school.
        page_cache.connect_signals()
