"""School single sign-on: "Sign in with Google / Microsoft" through allauth's OpenID Connect.

Each switched-on `SchoolSignOn` row is one allauth app (SOCIALACCOUNT_ADAPTER): provider
"openid_connect", provider id "<school slug>-<kind>", so the return address to register
at Google or Microsoft is /accounts/oidc/<school slug>-<kind>/login/callback/.

Nobody signs up this way. The identity provider's e-mail address (verified by it: its
`email_verified` claim, or for Microsoft the school's own directory) must be in one of
the school's domains and belong to an account that already holds an active, accepted
role in *that* school; every other sign-in is refused with the reason.

Staff signing in this way still need our second factor, unless the school records that
its identity provider enforces its own: then the session counts as verified
(`core.mfa.IDP_VERIFIED`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.shortcuts import render

from peermentoring.core import mfa, sessions
from peermentoring.schools.models import Membership, SchoolSignOn

PROVIDER = "openid_connect"
# Where each kind's OpenID Connect discovery starts; tests point these at a local server.
ISSUERS = {
    SchoolSignOn.Kind.GOOGLE: "https://accounts.google.com",
    SchoolSignOn.Kind.MICROSOFT: "https://login.microsoftonline.com/{tenant}/v2.0",
}

NOT_SWITCHED_ON = "Signing in with this school account is not switched on."
NO_EMAIL = (
    "Your school account did not tell us a checked e-mail address, so we cannot tell who "
    "you are. Sign in with your e-mail address or username and password instead."
)
WRONG_DOMAIN = (
    "{email} is not a {school} address. Sign in with your school account (ending "
    "{domains}), or with your e-mail address or username and password."
)
UNKNOWN_EMAIL = (
    "There is no account for {email} here. Your school makes accounts: ask your school "
    "admin (staff) or your form tutor (pupils) to check the e-mail address on yours."
)
NOT_THIS_SCHOOL = (
    "Your account is not part of {school}. Sign in from your own school's page, or ask "
    "{school}'s school admin to add you."
)
SWITCHED_OFF = (
    "Your access to {school} is switched off. Ask your school admin (staff) or your form "
    "tutor (pupils) if you think this is a mistake."
)
ANOTHER_ACCOUNT = (
    "This school account was linked to a different account here. Ask your school admin "
    "to check the e-mail address on your account."
)


def server_url(sign_on: SchoolSignOn) -> str:
    """The issuer whose discovery document allauth reads for this school's provider."""
    if sign_on.kind == SchoolSignOn.Kind.OIDC:
        return sign_on.issuer_url
    return ISSUERS[SchoolSignOn.Kind(sign_on.kind)].format(tenant=sign_on.tenant_id)


def social_app(sign_on: SchoolSignOn) -> SocialApp:
    """An unsaved allauth app for one school's provider (never written to the database)."""
    return SocialApp(
        provider=PROVIDER,
        provider_id=sign_on.provider_id,
        name=f"{sign_on.get_kind_display()} ({sign_on.school.name})",
        client_id=sign_on.client_id,
        secret=sign_on.client_secret,
        settings={"server_url": server_url(sign_on)},
    )


def switched_on(provider_id: str | None = None) -> Any:
    """Switched-on providers, or the one with allauth's provider id."""
    rows = SchoolSignOn.objects.filter(is_enabled=True).select_related("school")
    if provider_id is not None:
        slug, _, kind = provider_id.rpartition("-")
        rows = rows.filter(school__slug=slug, kind=kind)
    return rows


def sign_on_of(sociallogin: SocialLogin) -> SchoolSignOn | None:
    row: SchoolSignOn | None = switched_on(str(sociallogin.account.provider)).first()
    return row


def _refuse(request: HttpRequest, message: str, sign_on: SchoolSignOn | None) -> NoReturn:
    school = sign_on.school if sign_on else None
    raise ImmediateHttpResponse(
        render(
            request,
            "schools/sign_on_refused.html",
            {"message": message, "sign_on_school": school},
            status=403,
        )
    )


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    data = sociallogin.account.extra_data or {}
    claims: dict[str, Any] = {}
    # The ID token's claims win: it is signed by the provider (and was fetched over TLS).
    for part in ("userinfo", "id_token"):
        if isinstance(data.get(part), dict):
            claims.update(data[part])
    return claims


def verified_email(sign_on: SchoolSignOn, sociallogin: SocialLogin) -> str:
    """The e-mail address the provider vouches for, lower case; empty if it does not.

    Google and other providers say so with `email_verified`; Microsoft leaves it out, and
    an address from the school's own directory (`tid` is its tenant ID) is the school's.
    """
    claims = _claims(sociallogin)
    email = str(claims.get("email") or "").strip().lower()
    if not email:
        return ""
    if sign_on.kind == SchoolSignOn.Kind.MICROSOFT:
        return email if str(claims.get("tid", "")).lower() == sign_on.tenant_id else ""
    verified = claims.get("email_verified")
    return email if verified is True or str(verified).lower() == "true" else ""


class SchoolSignOnAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        """The switched-on schools' providers (rows of SchoolSignOn), as allauth apps."""
        rows = switched_on()
        if provider and provider != PROVIDER:
            rows = switched_on(provider)
        if client_id:
            rows = rows.filter(client_id=client_id)
        return [social_app(row) for row in rows]

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Let in only an existing account with an active role in this school (module text)."""
        sign_on = sign_on_of(sociallogin)
        if sign_on is None:
            _refuse(request, NOT_SWITCHED_ON, None)
        school = sign_on.school.name
        email = verified_email(sign_on, sociallogin)
        if not email:
            _refuse(request, NO_EMAIL, sign_on)
        if email.rpartition("@")[2] not in sign_on.domains:
            domains = " or ".join(f"@{domain}" for domain in sign_on.domains)
            _refuse(
                request, WRONG_DOMAIN.format(email=email, school=school, domains=domains), sign_on
            )
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            _refuse(request, UNKNOWN_EMAIL.format(email=email), sign_on)
        membership = Membership.objects.filter(user=user, school=sign_on.school).first()
        if membership is None:
            _refuse(request, NOT_THIS_SCHOOL.format(school=school), sign_on)
        if not Membership.objects.active().filter(pk=membership.pk).exists():
            _refuse(request, SWITCHED_OFF.format(school=school), sign_on)
        if sociallogin.is_existing:
            if sociallogin.user.pk != user.pk:
                _refuse(request, ANOTHER_ACCOUNT, sign_on)
        else:
            sociallogin.connect(request, user)


def on_signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Signed in through a school whose identity provider enforces its own second factor:
    this session counts as having proved one (allauth's user_logged_in)."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        return
    sign_on = sign_on_of(sociallogin)
    if sign_on is not None and sign_on.idp_enforces_mfa:
        request.session[mfa.IDP_VERIFIED] = sessions.now()


class SchoolSignOnAuthenticateStage(AuthenticateStage):
    """allauth's "enter your code" step, skipped for a sign-in through a school whose
    identity provider enforces its own second factor (the school records so, audited):
    the provider asked for it already. Every other sign-in asks as before."""

    def _should_handle(self, request: HttpRequest) -> bool:
        kwargs = (self.login.signal_kwargs if self.login else None) or {}
        sociallogin = kwargs.get("sociallogin")
        if sociallogin is not None:
            sign_on = sign_on_of(sociallogin)
            if sign_on is not None and sign_on.idp_enforces_mfa:
                return False
        return bool(super()._should_handle(request))
