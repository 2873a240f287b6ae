from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "peermentoring.referrals"
    label = "referrals"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu
        from peermentoring.referrals import receivers  # noqa: F401 - connects the receivers

        register_menu(label="Referrals", url_name="referrals:referral-list", order=90)
