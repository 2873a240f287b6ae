"""The demo's second factors: every staff account shares one authenticator key.

A newcomer adds `DEMO_TOTP_KEY` to any authenticator app once (`make demo` prints it,
and the README gives it) and can then sign in as any member of staff; or types one of
the shared recovery codes instead. Real schools' accounts each get their own key when
the person sets it up; nothing here runs outside the demo.
"""

from __future__ import annotations

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from peermentoring.core.models import User
from peermentoring.core.roles import PUPIL_ROLES

# Base32, as authenticator apps take it; spaces are for reading only.
DEMO_TOTP_KEY = "PEERMENTORINGDEMOKEYFORSCHOOLS22"
# The seed the demo's recovery codes are worked out from (the same codes for everyone).
DEMO_RECOVERY_SEED = "50656572206d656e746f72696e672064656d6f21"


def spaced(key: str = DEMO_TOTP_KEY) -> str:
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def demo_staff() -> list[User]:
    """Demo accounts that must use a second factor: staff of the demo schools, and the superuser."""
    staff = (
        User.objects.filter(memberships__school__slug__in=["oakbrook", "elmstead"])
        .exclude(memberships__role__in=PUPIL_ROLES)
        .distinct()
    )
    return [*staff, *User.objects.filter(username="superuser")]


def ensure_demo_second_factors() -> None:
    """Give each demo staff account the shared key and recovery codes (again, if reset)."""
    adapter = get_adapter()
    for user in demo_staff():
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            Authenticator.objects.create(
                user=user,
                type=Authenticator.Type.TOTP,
                data={"secret": adapter.encrypt(DEMO_TOTP_KEY)},
            )
        elif adapter.decrypt(totp.data.get("secret", "")) != DEMO_TOTP_KEY:
            # Set up under another key (a demo loaded with another SECRET_KEY, or someone
            # tried the set-up page): back to the key the README gives.
            totp.data = {**totp.data, "secret": adapter.encrypt(DEMO_TOTP_KEY)}
            totp.save(update_fields=["data"])
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            Authenticator.objects.create(
                user=user,
                type=Authenticator.Type.RECOVERY_CODES,
                data={"seed": adapter.encrypt(DEMO_RECOVERY_SEED), "used_mask": 0},
            )


def demo_recovery_codes() -> list[str]:
    """The recovery codes every demo staff account starts with."""
    probe = Authenticator(
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": get_adapter().encrypt(DEMO_RECOVERY_SEED), "used_mask": 0},
    )
    return [str(code) for code in RecoveryCodes(probe).generate_codes()]
