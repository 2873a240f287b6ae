"""A school's single sign-on settings: checked, saved and audited in one place."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peermentoring.core.audit import diff, record, snapshot
from peermentoring.core.models import User
from peermentoring.schools.models import School, SchoolSignOn

DOMAIN_INVALID = (
    "“{domain}” is not an e-mail domain. Enter the part after the @ of your school's "
    "addresses, for example oakbrook.sch.uk."
)
TOO_MANY_DOMAINS = "Enter at most {count} e-mail domains."
TENANT_INVALID = (
    "The directory (tenant) ID is 36 characters of letters, digits and dashes, for example "
    "72f988bf-86f1-41af-91ab-2d7cd011db47. Copy it from the app's Overview page in Microsoft Entra."
)
ISSUER_INVALID = (
    "The issuer address must start https:// and name a server, for example "
    "https://sso.example.org/realms/school."
)
CLIENT_ID_INVALID = "The client ID cannot contain spaces."
NEEDED_TO_SWITCH_ON = "To switch sign-in on, fill in: {fields}."

MAX_DOMAINS = 10
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
TENANT_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

# What the audit trail shows of a change (the secret only as "changed").
AUDITED_FIELDS = (
    "is_enabled",
    "client_id",
    "allowed_domains",
    "tenant_id",
    "issuer_url",
    "idp_enforces_mfa",
)


def clean_domains(text: str) -> str:
    """The allowed domains as stored: lower case, one space apart, no @; or refused."""
    domains: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip().lower()):
        domain = part.removeprefix("@")
        if not domain:
            continue
        if not DOMAIN_RE.match(domain):
            raise ValidationError(DOMAIN_INVALID.format(domain=domain[:60]))
        if domain not in domains:
            domains.append(domain)
    if len(domains) > MAX_DOMAINS:
        raise ValidationError(TOO_MANY_DOMAINS.format(count=MAX_DOMAINS))
    return " ".join(domains)


def clean_tenant(text: str) -> str:
    tenant = text.strip().lower()
    if tenant and not TENANT_RE.match(tenant):
        raise ValidationError(TENANT_INVALID)
    return tenant


def clean_issuer(text: str) -> str:
    """An https address with a server name (plain http to this machine only where
    SCHOOL_SIGN_ON_ALLOW_LOOPBACK, the tests and development, allow it)."""
    issuer = text.strip().rstrip("/")
    if not issuer:
        return ""
    try:
        parts = urlsplit(issuer)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (a port that is not a number raises)
    except ValueError:
        raise ValidationError(ISSUER_INVALID) from None
    loopback_ok = getattr(settings, "SCHOOL_SIGN_ON_ALLOW_LOOPBACK", settings.DEBUG)
    secure = parts.scheme == "https" or (
        loopback_ok and parts.scheme == "http" and host in LOOPBACK_HOSTS
    )
    if not secure or not host or parts.query or parts.fragment or parts.username:
        raise ValidationError(ISSUER_INVALID)
    return issuer


def clean_client_id(text: str) -> str:
    client_id = text.strip()
    if any(ch.isspace() for ch in client_id):
        raise ValidationError(CLIENT_ID_INVALID)
    return client_id


def _missing(sign_on: SchoolSignOn) -> list[str]:
    needed = ["client_id", "client_secret", "allowed_domains"]
    if sign_on.kind == SchoolSignOn.Kind.MICROSOFT:
        needed.append("tenant_id")
    if sign_on.kind == SchoolSignOn.Kind.OIDC:
        needed.append("issuer_url")
    labels = {field.name: str(field.verbose_name) for field in SchoolSignOn._meta.fields}
    return [labels[name] for name in needed if not getattr(sign_on, name)]


@transaction.atomic
def set_sign_on(
    *,
    school: School,
    kind: str,
    is_enabled: bool,
    client_id: str,
    client_secret: str,
    allowed_domains: str,
    tenant_id: str,
    issuer_url: str,
    idp_enforces_mfa: bool,
    by: User,
) -> SchoolSignOn:
    """Save one of a school's sign-in providers; an empty secret keeps the saved one.

    Switching on needs everything the provider needs. The audit entry lists what
    changed, the secret only as changed, never its value.
    """
    sign_on, _ = SchoolSignOn.objects.select_for_update().get_or_create(
        school=school, kind=SchoolSignOn.Kind(kind)
    )
    before = snapshot(sign_on, AUDITED_FIELDS)
    sign_on.is_enabled = is_enabled
    sign_on.client_id = clean_client_id(client_id)
    sign_on.allowed_domains = clean_domains(allowed_domains)
    sign_on.tenant_id = clean_tenant(tenant_id) if kind == SchoolSignOn.Kind.MICROSOFT else ""
    sign_on.issuer_url = clean_issuer(issuer_url) if kind == SchoolSignOn.Kind.OIDC else ""
    sign_on.idp_enforces_mfa = idp_enforces_mfa
    secret_changed = bool(client_secret) and client_secret != sign_on.client_secret
    if client_secret:
        sign_on.client_secret = client_secret
    if is_enabled and (missing := _missing(sign_on)):
        raise ValidationError(NEEDED_TO_SWITCH_ON.format(fields=", ".join(missing)))
    sign_on.updated_at = timezone.now()
    sign_on.full_clean()
    sign_on.save()
    changes = diff(before, snapshot(sign_on, AUDITED_FIELDS))
    if secret_changed:
        changes["client_secret"] = ["(hidden)", "changed"]
    if changes:
        record(action="sign_on.updated", target=sign_on, by=by, changes=changes)
    return sign_on
