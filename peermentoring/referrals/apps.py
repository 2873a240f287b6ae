from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "peermentoring.referrals"
    label = "referrals"

    def ready(self) -> None:
        from peermentoring.core.registry import (
            register_home_figure,
            register_menu,
            register_school_figure,
            register_todo,
        )
        from peermentoring.core.roles import (
            SAFEGUARDING_ROLES,
            SETUP_ROLES,
            STAFF_HOME_ROLES,
            Role,
        )
        from peermentoring.referrals import (
            home,
            receivers,  # noqa: F401 - connects the receivers
        )

        register_menu(
            label="Referrals", url_name="referrals:referral-list", order=10, group="match"
        )
        # After the figures of mentors (10), matching (20) and meetings (30).
        register_home_figure(
            key="referrals-waiting",
            order=40,
            label="Referrals waiting for review",
            roles=STAFF_HOME_ROLES,
            value=home.referrals_waiting_for_review,
            url_name="referrals:referral-list",
            url_query="show=review",
        )
        register_home_figure(
            key="mentees-waiting",
            order=45,
            label="Mentees waiting for a mentor",
            roles=STAFF_HOME_ROLES,
            value=home.mentees_waiting,
            url_name="referrals:referral-list",
            url_query="show=queue",
        )
        register_todo(key="referrals", order=10, roles=SETUP_ROLES, items=home.scheme_referrals)
        # A mentee's home page: a kind line until matching's "Your peer mentor" card replaces it.
        from peermentoring.referrals.pupil_home import waiting_for_a_mentor

        register_todo(
            key="waiting-for-a-mentor", order=6, roles=[Role.MENTEE], items=waiting_for_a_mentor
        )
        register_todo(
            key="urgent-referrals",
            order=10,
            roles=SAFEGUARDING_ROLES,
            items=home.safeguarding_referrals,
        )
        register_school_figure(
            key="mentees-waiting",
            order=30,
            label="Waiting",
            group="Mentees",
            long_label="Mentees waiting for a mentor",
            values=home.mentees_waiting_by_school,
        )
        register_school_figure(
            key="referrals-recent",
            order=40,
            label="Under 2",
            group="Referrals waiting for review (weeks)",
            long_label="Referrals waiting for review under 2 weeks",
            values=home.review_recent_by_school,
        )
        register_school_figure(
            key="referrals-weeks",
            order=41,
            label="2–6",
            group="Referrals waiting for review (weeks)",
            long_label="Referrals waiting for review 2 to 6 weeks",
            values=home.review_weeks_by_school,
        )
        register_school_figure(
            key="referrals-long",
            order=42,
            label="Over 6",
            group="Referrals waiting for review (weeks)",
            long_label="Referrals waiting for review over 6 weeks",
            values=home.review_long_by_school,
        )
