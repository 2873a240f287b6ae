from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "peermentoring.mentors"
    label = "mentors"
    verbose_name = "Mentors"

    def ready(self) -> None:
        from peermentoring.core.registry import register_home_figure
        from peermentoring.core.roles import STAFF_HOME_ROLES
        from peermentoring.mentors.home import trained_mentor_count

        register_home_figure(
            key="trained-mentors",
            order=10,
            label="Trained peer mentors",
            roles=STAFF_HOME_ROLES,
            value=trained_mentor_count,
        )
