from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "peermentoring.recruitment"
    label = "recruitment"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu, register_todo
        from peermentoring.core.roles import PUPIL_ROLES, SETUP_ROLES
        from peermentoring.recruitment.home import pupil_recruitment
        from peermentoring.recruitment.staff_home import next_recruitment_step

        register_menu(
            label="Recruitment", url_name="recruitment:round-list", order=10, group="recruit"
        )
        register_todo(key="recruitment", order=20, roles=PUPIL_ROLES, items=pupil_recruitment)
        register_todo(
            key="recruitment-next-step",
            order=30,
            roles=SETUP_ROLES,
            items=next_recruitment_step,
        )
