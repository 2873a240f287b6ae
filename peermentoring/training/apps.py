from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peermentoring.training"
    label = "training"

    def ready(self) -> None:
        from peermentoring.training import receivers  # noqa: F401 - connects the receivers
