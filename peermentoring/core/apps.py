from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "peermentoring.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from peermentoring.core.sessions import stamp_on_sign_in

        # The session's clocks start at sign-in, however the person signed in.
        user_logged_in.connect(stamp_on_sign_in, dispatch_uid="peermentoring-session-clocks")
