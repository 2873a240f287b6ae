"""Second factors in tests: an authenticator app's key, and its codes worked out here.

The codes come from RFC 6238 written out below, not from allauth, so a test that signs
in with one checks allauth's arithmetic too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

# A made-up key (base32), as an authenticator app would hold it.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = SECRET, at: float | None = None, step: int = 0) -> str:
    """The six-digit code an authenticator app shows for this key at this time."""
    counter = int((time.time() if at is None else at) // 30) + step
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def give_authenticator(user, secret: str = SECRET) -> list[str]:
    """Set up an authenticator app (and recovery codes) for this person; returns the codes."""
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user)
    return codes.get_unused_codes()


def authenticator_count(user) -> int:
    return Authenticator.objects.filter(user=user).count()
