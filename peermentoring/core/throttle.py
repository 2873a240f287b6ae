"""Rate limits: who is asking (the client's address behind the school's proxy) and how often.

django-ratelimit counts in the cache. A limit per address is looser than a limit per
link or per e-mail address: a whole school can sit behind one address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the
    address the outermost trusted proxy saw (X-Forwarded-For, counted from the right,
    so a visitor cannot choose it by sending their own header)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded: list[str] = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - never bound


def per_address_rate(group: str, request: HttpRequest) -> str:
    """The limit for one address on any public form (read at request time)."""
    return settings.PER_ADDRESS_RATE


def public_form_rate(group: str, request: HttpRequest) -> str:
    """The limit for one referral or reference link (read at request time)."""
    return settings.PUBLIC_FORM_RATE
