from django.apps import AppConfig


class DropinConfig(AppConfig):
    name = "peermentoring.dropin"
    label = "dropin"
    verbose_name = "Drop-in room"

    def ready(self) -> None:
        # Menus, home cards and to-dos are registered by each area's module (`registrations`).
        from peermentoring.dropin import registrations

        registrations.register()
