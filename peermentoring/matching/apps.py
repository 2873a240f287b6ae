from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peermentoring.matching"
    label = "matching"

    def ready(self) -> None:
        from peermentoring.matching import receivers  # noqa: F401 - connects the receivers
