from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "peermentoring.referrals"
    label = "referrals"

    def ready(self) -> None:
        from peermentoring.core.registry import register_home_figure, register_menu
        from peermentoring.core.roles import STAFF_HOME_ROLES
        from peermentoring.referrals import receivers  # noqa: F401 - connects the receivers
        from peermentoring.referrals.home import referrals_waiting

        register_menu(label="Referrals", url_name="referrals:referral-list", order=90)
        # After the figures of mentors (10), matching (20) and meetings (30): where it stood.
        register_home_figure(
            key="referrals-waiting",
            order=40,
            label="Referrals waiting",
            roles=STAFF_HOME_ROLES,
            value=referrals_waiting,
        )
