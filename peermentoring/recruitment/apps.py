from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "peermentoring.recruitment"
    label = "recruitment"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu

        register_menu(label="Recruitment", url_name="recruitment:round-list", order=30)
