from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "peermentoring.outreach"
    label = "outreach"
    verbose_name = "Outreach and anti-bullying"

    def ready(self) -> None:
        # Menus, home cards and to-dos are registered by each area's module (`registrations`).
        from peermentoring.outreach import registrations

        registrations.register()
