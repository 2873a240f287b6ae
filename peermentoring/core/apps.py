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

        from allauth.mfa import signals as mfa_signals

        from peermentoring.core import mfa

        # A change to a person's second factor ends their other sessions.
        mfa_signals.authenticator_added.connect(
            mfa.on_second_factor_added, dispatch_uid="peermentoring-mfa-added"
        )
        mfa_signals.authenticator_removed.connect(
            mfa.on_second_factor_changed, dispatch_uid="peermentoring-mfa-removed"
        )
        mfa_signals.authenticator_reset.connect(
            mfa.on_second_factor_changed, dispatch_uid="peermentoring-mfa-reset"
        )
