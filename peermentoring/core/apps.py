from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peermentoring.core"
    label = "core"
    verbose_name = "Core"
