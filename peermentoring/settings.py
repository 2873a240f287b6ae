"""Settings for the peer mentoring app, read from environment variables.

Every value has a safe development default. Helpers fail loudly on a value they
cannot parse, and production (DEBUG=false) refuses to start with the
development secret key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.log import DEFAULT_LOGGING

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105


def env_str(name: str, default: str) -> str:
    """The variable's value; an empty value counts as unset."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {sorted(choices)}, not {value!r}")
    return value


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value when DEBUG is false.")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Our apps first, so their templates (sign-in, passwords) win over the admin's.
    "peermentoring.core",
    "peermentoring.schools",
    "peermentoring.mentors",
    "peermentoring.recruitment",
    "peermentoring.training",
    "peermentoring.referrals",
    "peermentoring.matching",
    "peermentoring.safeguarding",
    "peermentoring.meetings",
    "peermentoring.dropin",
    "peermentoring.supervision",
    "peermentoring.outreach",
    "peermentoring.evaluation",
    "peermentoring.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "django_ratelimit",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "peermentoring.core.page_cache.PageCacheMiddleware",  # a POST empties the school's cache
    # Idle and 8-hour time-outs, "Sign out everywhere" (core/sessions.py).
    "peermentoring.core.middleware.SessionTimeoutMiddleware",
    # Staff pages only after a second factor in this session (core/mfa.py).
    "peermentoring.core.mfa.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "peermentoring.core.middleware.PasswordChangeRequiredMiddleware",
    "peermentoring.core.middleware.NoStoreForSignedInMiddleware",
    # Turns a rate-limited view's exception into the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peermentoring.urls"
WSGI_APPLICATION = "peermentoring.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peermentoring.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
# SQLite by default (a file, WAL mode); PostgreSQL when DATABASE_URL is set.
# On PostgreSQL connections persist between requests: opening one per request
# halves the throughput of a table page and cuts a dashboard's by 7x.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
    # PostgreSQL's JIT compiles a query it expects to be costly: the term report's and the
    # trust view's aggregations cross that estimate and ran slower with it (trust view
    # 450 -> 393 ms, one hand-written query 2.2 s -> 0.27 s on 1 M meetings; see
    # evaluation/bench.py). The product's queries are short, so it only costs time.
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Keep the connection between requests here too: opening one (reading the
            # schema, running the PRAGMAs above) cost ~2 ms of CPU on every request,
            # five times a bare view's whole request.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "peermentoring.core.auth.EmailOrUsernameBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "peermentoring.core.passwords.NameInPasswordValidator"},
    # At least 12 characters for everyone: a pupil's three-word passphrase fits.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: five wrong passwords lock that username from that address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Counted against the normalised name: a case variant is the same account.
AXES_USERNAME_CALLABLE = "peermentoring.core.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# django-axes stays beside allauth for the lockout of one username from one address
# (15 minutes after 5 wrong passwords), kept as database rows that `axes_reset` and the
# admin can clear; allauth's own limits below count per address and per person only.
AXES_USERNAME_FORM_FIELD = "login"

# --- Sign-in (django-allauth) ------------------------------------------------------
# Staff sign in with their school e-mail address, pupils with their school username,
# in one box. Accounts are made by schools (imports, invitations): nobody signs up.
ACCOUNT_ADAPTER = "peermentoring.core.allauth_adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_FORMS = {"login": "peermentoring.core.forms.SignInForm"}
# Links allauth builds (a school sign-on's return address) use the site's own scheme.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
# allauth counts in the shared cache. A whole school signs in from one address, so the
# per-address limits are loose; wrong passwords and codes count per person and address
# (AccountAdapter; django-axes locks that pair first, after 5), and a second factor's
# wrong codes per person: 10 in 15 minutes.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("LOGIN_RATE", "300/m/ip"),
    "login_failed": env_str("LOGIN_FAILED_RATE", "60/m/ip,10/15m/key"),
}
# Asking again for a password or code before adding or removing a second factor.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60

# Second factors (allauth.mfa): an authenticator app with recovery codes, or a passkey.
MFA_ADAPTER = "peermentoring.core.allauth_adapters.SecondFactorAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_FORMS = {
    "authenticate": "peermentoring.core.forms.SecondFactorCodeForm",
    "reauthenticate": "peermentoring.core.forms.SecondFactorAgainForm",
    "activate_totp": "peermentoring.core.forms.TurnOnAuthenticatorForm",
}
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Peer mentoring")
# One 30-second step either side: school laptops' clocks drift. A code works once.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# Staff accounts are made by schools with the school's address: trusted as given.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Passkeys need HTTPS, except on the plain-HTTP demo and in development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG)
# A safeguarding page needs the second factor entered within this many seconds.
STEP_UP_SECONDS = 15 * 60
# School single sign-on (schools/sign_on.py): each school's own Google, Microsoft or
# OpenID Connect provider, into accounts the school made; nobody signs up this way.
SOCIALACCOUNT_ADAPTER = "peermentoring.schools.sign_on.SchoolSignOnAdapter"
# allauth's "enter your code" step, skipped where the school's own provider enforces one.
MFA_AUTHENTICATE_STAGE = "peermentoring.schools.sign_on.SchoolSignOnAuthenticateStage"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# An issuer on plain http://localhost only in development and the tests.
SCHOOL_SIGN_ON_ALLOW_LOOPBACK = DEBUG

# --- Cache and rate limits ------------------------------------------------------
# Rate limits (public links, password-reset requests) count in the cache, so every
# app process must share it: the database cache by default (its table is made by
# `migrate`, core migration 0008), Redis when REDIS_URL is set (Django's own Redis
# backend, atomic increments). Sign-in lockouts (django-axes) are database rows.
# Only development and the tests (DEBUG on, one process) keep a per-process cache.
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "peermentoring_cache",
            # Whole pages live here too (core/page_cache.py), one a person and address:
            # Django's default of 300 entries would push them out within minutes.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)},
        }
    }
SILENCED_SYSTEM_CHECKS = [
    # The database cache's increments are not atomic: two processes counting at the
    # same instant may let one extra try through. A site that needs exact counts
    # sets REDIS_URL. LocMemCache (development only) is not shared.
    "django_ratelimit.E003",
    # Django's own RedisCache is atomic but not on django-ratelimit's list.
    "django_ratelimit.W001",
]
RATELIMIT_VIEW = "peermentoring.core.views.rate_limited"
# Behind a proxy every request comes from the proxy's address: count the address it
# forwards instead (X-Forwarded-For, the proxies' own entries skipped from the right).
TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0
)
RATELIMIT_IP_META_KEY = "peermentoring.core.throttle.client_ip"
AXES_CLIENT_IP_CALLABLE = "peermentoring.core.throttle.client_ip"
# Any public form from one address: loose, since a whole school shares one address.
PER_ADDRESS_RATE = env_str("PER_ADDRESS_RATE", "60/h")
# Password-reset requests: per address and per e-mail asked about.
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "5/h")
# A feeder primary's referral form and a tutor's reference: posts per link.
PUBLIC_FORM_RATE = env_str("PUBLIC_FORM_RATE", "10/h")

# Signed out after 20 minutes without using the site (staff; anyone with a staff role
# anywhere), 30 (pupils), and 8 hours after signing in (core/sessions.py).
SESSION_IDLE_STAFF_SECONDS = 20 * 60
SESSION_IDLE_PUPIL_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# With a shared cache (Redis) a signed-in page reads its session there, not from the
# database: one query fewer on every page. Never with the per-process LocMemCache, where
# a sign-out in one worker would leave the session alive in the others' caches.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Time and language ----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Uploads ------------------------------------------------------------------
# Pupil files from a school information system are a few hundred kilobytes.
PUPIL_IMPORT_MAX_BYTES = env_int("PUPIL_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# An xlsx or OneRoster zip is refused if it unpacks to more than this (a zip bomb).
PUPIL_IMPORT_MAX_UNZIPPED_BYTES = env_int("PUPIL_IMPORT_MAX_UNZIPPED_BYTES", 50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail -------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Peer mentoring <mentoring@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How many times a failed e-mail is tried before it is left for the school admin.
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5)

# --- Background tasks ---------------------------------------------------------------
# "immediate" runs a task as soon as it is enqueued (after the transaction
# commits); "database" queues it for `manage.py db_worker`.
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND", "immediate" if DEBUG else "database", {"immediate", "database"}
)
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND],
    }
}

# --- Security -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Only `make demo` turns these off, to serve plain HTTP on localhost with DEBUG off.
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    # __Host- cookies: sent only over HTTPS, to this host alone, for the whole site.
    # Browsers refuse the prefix on a cookie without Secure, so the plain-HTTP demo
    # keeps the usual names.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]

# Scripts and styles from this site only: no inline script, no style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's own runserver request log, as by default, but without query strings: a
        # search box's ?q= can hold a pupil's name (core/privacy.py; gunicorn.conf.py likewise).
        "django.server": DEFAULT_LOGGING["handlers"]["django.server"],
    },
    "formatters": {"django.server": DEFAULT_LOGGING["formatters"]["django.server"]},
    "filters": {
        "no_query_strings": {"()": "peermentoring.core.privacy.QueryStringFreeAccessLog"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # "Not Found: /s/x/dropin/screen/<token>/": a secret link's token is not written.
        "django.request": {"filters": ["no_query_strings"]},
        "django.server": {
            "handlers": ["django.server"],
            "filters": ["no_query_strings"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
