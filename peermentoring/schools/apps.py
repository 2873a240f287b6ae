from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "peermentoring.schools"
    label = "schools"
    verbose_name = "Schools"

    def ready(self) -> None:
        from peermentoring.core.registry import register_home_figure, register_menu
        from peermentoring.core.roles import STAFF_HOME_ROLES

        register_menu(label="Home", url_name="schools:home", order=10)
        register_menu(label="Pupils", url_name="schools:pupil-list", order=20)
        register_menu(label="Feeder primaries", url_name="schools:primary-list", order=50)
        register_menu(label="Calendar", url_name="schools:calendar", order=60)
        register_menu(label="School day", url_name="schools:windows", order=70)
        register_menu(label="Import pupils", url_name="schools:pupil-import", order=80)
        register_menu(label="People", url_name="schools:people", order=110)
        register_menu(label="Audit trail", url_name="schools:audit-list", order=120)
        register_menu(label="Read log", url_name="schools:read-list", order=125)
        register_menu(label="E-mails", url_name="schools:email-list", order=130)
        register_menu(label="School details", url_name="schools:settings", order=140)
        # Shown as nought until the meetings app counts meetings: it registers the same key.
        register_home_figure(
            key="meetings-this-term",
            order=30,
            label="Meetings this term",
            roles=STAFF_HOME_ROLES,
            value=lambda membership: 0,
        )
