from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "peermentoring.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu, register_todo
        from peermentoring.core.roles import PUPIL_ROLES
        from peermentoring.meetings import pupil_home
        from peermentoring.mentors.pupil_home import register_mentor_stage

        # The mentor's page moves here from matching, which keeps its old address as a
        # redirect (links in notifications already sent).
        register_menu(label="My mentee", url_name="meetings:my-mentee", order=20)
        # Replaces matching's cards (the same keys): the same facts, plus meetings.
        register_todo(key="my-mentor", order=5, roles=PUPIL_ROLES, items=pupil_home.my_mentor)
        register_mentor_stage(name="mentoring", card=pupil_home.mentoring_card)

        # The coordinator's pages (staff_views.py), under "Meetings" with supervision.
        from peermentoring.core.roles import Role
        from peermentoring.meetings import home

        register_menu(label="Meetings", url_name="meetings:staff-overview", order=10, group="meet")
        register_menu(label="Met N times", url_name="meetings:staff-week", order=20, group="meet")
        register_menu(
            label="Meeting topics", url_name="meetings:staff-topics", order=40, group="meet"
        )
        register_todo(
            key="quiet-pairings", order=40, roles=[Role.COORDINATOR], items=home.quiet_items
        )
        # Replaces the nought schools registered under the same key.
        from peermentoring.core.registry import register_home_figure
        from peermentoring.core.roles import STAFF_HOME_ROLES

        register_home_figure(
            key="meetings-this-term",
            order=30,
            label="Meetings this term",
            roles=STAFF_HOME_ROLES,
            value=home.meetings_this_term,
            url_name="meetings:staff-overview",
        )
