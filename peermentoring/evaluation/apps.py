from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "peermentoring.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation and reports"

    def ready(self) -> None:
        # Menus, home cards and to-dos are registered by each area's module (`registrations`).
        from peermentoring.evaluation import registrations

        registrations.register()
