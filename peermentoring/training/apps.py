from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "peermentoring.training"
    label = "training"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu, register_todo
        from peermentoring.core.roles import SAFEGUARDING_ROLES, SETUP_ROLES
        from peermentoring.mentors.readiness import register_readiness
        from peermentoring.training import (
            home,
            receivers,  # noqa: F401 - connects the receivers
        )
        from peermentoring.training.readiness import TRAINED_IN_EVERY_REQUIRED_MODULE

        register_menu(label="Training", url_name="training:programme", order=10, group="train")
        register_readiness(TRAINED_IN_EVERY_REQUIRED_MODULE)
        register_todo(
            key="required-module-gaps",
            order=20,
            roles=[*SETUP_ROLES, *SAFEGUARDING_ROLES],
            items=home.required_module_gaps,
        )
        register_todo(
            key="next-training-session",
            order=35,
            roles=SETUP_ROLES,
            items=home.next_training_session,
        )
