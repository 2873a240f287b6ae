from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peermentoring.matching"
    label = "matching"

    def ready(self) -> None:
        from peermentoring.core.registry import (
            register_home_figure,
            register_menu,
            register_school_figure,
            register_todo,
        )
        from peermentoring.core.roles import PUPIL_ROLES, STAFF_HOME_ROLES
        from peermentoring.matching.home import (
            mentees_with_a_mentor,
            mentees_with_a_mentor_by_school,
        )

        register_menu(label="Matching", url_name="matching:home", order=20, group="match")
        register_menu(label="Pairings", url_name="matching:pairing-list", order=30, group="match")

        from peermentoring.matching.pupil_home import own_mentees
        from peermentoring.safeguarding.registry import register_namable_pupils

        # A mentor raises a worry about their own mentee straight from "My mentee".
        register_namable_pupils("own-mentees", own_mentees)
        register_home_figure(
            key="mentees-with-a-mentor",
            order=20,
            label="Mentees with a mentor",
            roles=STAFF_HOME_ROLES,
            value=mentees_with_a_mentor,
            url_name="matching:pairing-list",
        )
        register_school_figure(
            key="mentees-with-a-mentor",
            order=20,
            label="Paired",
            group="Mentees",
            long_label="Mentees with a mentor",
            values=mentees_with_a_mentor_by_school,
        )
        # Pupils' home pages: a mentee's "Your peer mentor" card, and a mentor's "mentoring"
        # status, told through the mentors app's one status card.
        from peermentoring.matching.pupil_home import mentoring_card, my_mentor
        from peermentoring.mentors.pupil_home import register_mentor_stage

        register_todo(key="my-mentor", order=5, roles=PUPIL_ROLES, items=my_mentor)
        register_mentor_stage(name="mentoring", card=mentoring_card)
