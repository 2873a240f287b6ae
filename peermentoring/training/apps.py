from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peermentoring.training"
    label = "training"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu
        from peermentoring.mentors.readiness import register_readiness
        from peermentoring.training import receivers  # noqa: F401 - connects the receivers
        from peermentoring.training.readiness import TRAINED_IN_EVERY_REQUIRED_MODULE

        register_menu(label="Training", url_name="training:programme", order=40)
        register_readiness(TRAINED_IN_EVERY_REQUIRED_MODULE)
