from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peermentoring.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu

        register_menu(label="Audit trail", url_name="core:audit-list", order=120)
        register_menu(label="Read log", url_name="core:read-list", order=125)
        register_menu(label="E-mails", url_name="core:email-list", order=130)
