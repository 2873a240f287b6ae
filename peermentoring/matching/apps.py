from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peermentoring.matching"
    label = "matching"

    def ready(self) -> None:
        from peermentoring.core.registry import register_home_figure, register_menu, register_todo
        from peermentoring.core.roles import STAFF_HOME_ROLES, Role
        from peermentoring.matching.home import mentees_with_a_mentor, my_mentee

        register_menu(label="Matching", url_name="matching:home", order=100)
        register_home_figure(
            key="mentees-with-a-mentor",
            order=20,
            label="Mentees with a mentor",
            roles=STAFF_HOME_ROLES,
            value=mentees_with_a_mentor,
        )
        register_todo(key="my-mentee", order=10, roles=[Role.MENTOR], items=my_mentee)
