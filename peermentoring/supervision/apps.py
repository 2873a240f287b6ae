from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "peermentoring.supervision"
    label = "supervision"
    verbose_name = "Supervision"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu, register_todo
        from peermentoring.core.roles import Role
        from peermentoring.supervision import home

        register_menu(
            label="Supervision", url_name="supervision:group-list", order=30, group="meet"
        )
        register_todo(key="supervision", order=30, roles=(Role.COORDINATOR,), items=home.items)
