from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "peermentoring.matching"
    label = "matching"

    def ready(self) -> None:
        from peermentoring.core.registry import register_menu
        from peermentoring.matching import receivers  # noqa: F401 - connects the receivers

        register_menu(label="Referrals", url_name="matching:referral-list", order=90)
        register_menu(label="Matching", url_name="matching:home", order=100)
