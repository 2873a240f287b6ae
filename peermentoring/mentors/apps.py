from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "peermentoring.mentors"
    label = "mentors"
    verbose_name = "Mentors"

    def ready(self) -> None:
        from peermentoring.core.registry import register_todo
        from peermentoring.core.roles import PUPIL_ROLES
        from peermentoring.mentors.pupil_home import mentor_status

        # A pupil's one status as a mentor, before recruitment's adverts and applications (20).
        register_todo(key="mentor-status", order=8, roles=PUPIL_ROLES, items=mentor_status)

        from peermentoring.core.registry import register_home_figure, register_school_figure
        from peermentoring.core.roles import STAFF_HOME_ROLES
        from peermentoring.mentors.home import trained_mentor_count, trained_mentors_by_school

        register_home_figure(
            key="trained-mentors",
            order=10,
            label="Trained peer mentors",
            roles=STAFF_HOME_ROLES,
            value=trained_mentor_count,
            url_name="matching:mentor-list",
        )
        register_school_figure(
            key="trained-mentors",
            order=10,
            label="Trained",
            group="Mentors",
            long_label="Trained peer mentors this year",
            values=trained_mentors_by_school,
        )
