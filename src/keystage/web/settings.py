"""Settings, all from the environment, with the embedded default needing none of them.

KEYSTAGE_DATA       the data folder (SQLite database, stored files); default ./var
DATABASE_URL        postgres://... switches to PostgreSQL; default SQLite in the data folder
KEYSTAGE_LA_NAME    the council's name shown on every page; default Birmingham City Council
KEYSTAGE_SECRET_KEY required in production (KEYSTAGE_DEBUG unset); a fixed dev key otherwise
KEYSTAGE_DEBUG      1 for development pages and the dev secret key
KEYSTAGE_HOSTS      comma-separated allowed host names; default localhost names
EMAIL_URL           smtp://user:password@host:port (smtp+tls:// for STARTTLS); default console
KEYSTAGE_FROM_EMAIL the sender of every email
KEYSTAGE_MAX_UPLOAD_MB  the largest CTF accepted; default 50
KEYSTAGE_BASE_URL   the address people reach the service at, for links in emails
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KEYSTAGE_DATA", "var")).resolve()

DEBUG = os.environ.get("KEYSTAGE_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("KEYSTAGE_SECRET_KEY") or (
    "keystage-development-key-not-for-production" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("Set KEYSTAGE_SECRET_KEY (or KEYSTAGE_DEBUG=1 on a development machine).")
ALLOWED_HOSTS = os.environ.get("KEYSTAGE_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

LA_NAME = os.environ.get("KEYSTAGE_LA_NAME", "Birmingham City Council")
SERVICE_NAME = "Submit assessment data"
KEYSTAGE_BASE_URL = os.environ.get("KEYSTAGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
MAX_UPLOAD_BYTES = int(os.environ.get("KEYSTAGE_MAX_UPLOAD_MB", "50")) * 1024 * 1024

INSTALLED_APPS = [
    "keystage.web.apps.PortalConfig",  # first: its templates override allauth's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "keystage.web.access.RequireTwoFactorForLA",
]

ROOT_URLCONF = "keystage.web.urls"
WSGI_APPLICATION = "keystage.web.wsgi.application"
AUTH_USER_MODEL = "portal.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "keystage.web.context.service",
            ],
        },
    },
]


def _sqlite() -> dict[str, object]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "keystage.sqlite3",
        # WAL lets the worker child write while pages read; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": os.environ.get("KEYSTAGE_TEST_SQLITE") or None},
    }


DATABASES = {
    "default": (
        dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
        if os.environ.get("DATABASE_URL")
        else _sqlite()
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in rate limits and used one-time codes live in the cache: a table in the database, so
# every web process shares them (a per-process cache would multiply the limits).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "keystage_cache",
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
WHITENOISE_USE_FINDERS = True  # the embedded default serves app static files without collectstatic
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, g:ia"

# Sign-in: allauth, by URN (a head's username) or email; nobody signs themselves up.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "keystage.web.access.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Many staff of one school sign in from one address: failures are limited per account, and
# only a flood (far beyond one school's mistakes) is limited per address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/key,100/m/ip",
    "login": "200/m/ip",
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = LA_NAME
# The LA sets every address itself (there is no sign-up), so no address awaits verification.
MFA_ALLOW_UNVERIFIED_EMAIL = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"


def _mailer(url: str) -> dict[str, object]:
    if not url:
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": parts.port or 25,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": parts.scheme == "smtp+tls",
            "use_ssl": parts.scheme == "smtps",
            "timeout": 30,
        },
    }


MAILERS = {"default": _mailer(os.environ.get("EMAIL_URL", ""))}
DEFAULT_FROM_EMAIL = os.environ.get("KEYSTAGE_FROM_EMAIL", "assessment.data@example.gov.uk")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEYSTAGE_LOG_LEVEL", "WARNING")},
}
