from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peermentoring.training"
    label = "training"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu
        from peermentoring.training import receivers  # noqa: F401 - connects the receivers

        register_menu(label="Training", url_name="training:programme", order=40)
