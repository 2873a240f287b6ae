from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo trust and its schools: orchestration only, imported by no other app."""

    name = "peermentoring.demo"
    label = "demo"
    verbose_name = "Demo"
