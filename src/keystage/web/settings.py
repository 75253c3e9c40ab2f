"""Settings, all from the environment, with the embedded default needing none of them.

KEYSTAGE_DATA       the data folder (SQLite database, stored files); default ./var
DATABASE_URL        postgres://... switches to PostgreSQL; default SQLite in the data folder
KEYSTAGE_LA_NAME    the council's name shown on every page; default Birmingham City Council
KEYSTAGE_SECRET_KEY required in production (KEYSTAGE_DEBUG unset); a fixed dev key otherwise
KEYSTAGE_DEBUG      1 for development pages and the dev secret key
KEYSTAGE_HOSTS      comma-separated allowed host names; default localhost names
EMAIL_URL           smtp://user:password@host:port (smtp+tls:// for STARTTLS); default console
KEYSTAGE_FROM_EMAIL the sender of every email
KEYSTAGE_ENQUIRIES_EMAIL  the address schools write to with questions, in every page's footer
                    and every email; default KEYSTAGE_FROM_EMAIL
KEYSTAGE_ENQUIRIES_PHONE  the data team's telephone number, shown beside it; default none
KEYSTAGE_MAX_UPLOAD_MB  the largest CTF accepted; default 50
KEYSTAGE_MAX_IMPORT_MB  the most the data team imports in one go (several files); default 250
KEYSTAGE_BASE_URL   the address people reach the service at, for links in emails
KEYSTAGE_MFA_KEY    the key two-factor secrets are encrypted with at rest (comma-separated:
                    the first encrypts, every one decrypts, for changing it); default derived
                    from KEYSTAGE_SECRET_KEY
KEYSTAGE_HEADS_MUST_USE_2FA  1: head teachers must set up two-factor sign-in, as the LA must

Production (docs/production.md lists them all, with defaults):
KEYSTAGE_ENV        production or embedded; default production when KEYSTAGE_BASE_URL is https
KEYSTAGE_BEHIND_PROXY   1 when a reverse proxy terminates TLS: trust its X-Forwarded-Proto and
                    X-Request-ID headers, and the address it adds last to X-Forwarded-For
KEYSTAGE_SSL_REDIRECT   production: 1 (default) redirects http to https; KEYSTAGE_HSTS_SECONDS
KEYSTAGE_SESSION_IDLE_MINUTES / KEYSTAGE_SESSION_MAX_HOURS  sign-out when idle / in any case
KEYSTAGE_LOG_FORMAT json or text (default json in production); KEYSTAGE_LOG_LEVEL;
KEYSTAGE_REQUEST_LOG 1 for one line per request (default on in production)
KEYSTAGE_FILES      the folder stored files go in; default the data folder's files/
KEYSTAGE_PREFER_COMPARATOR  which publisher's comparison figure to use where several are held
                    for a year (results.comparators); default the DfE's, then NCER's
KEYSTAGE_STORAGE    local (default) or s3, with KEYSTAGE_S3_BUCKET, KEYSTAGE_S3_ENDPOINT_URL,
                    KEYSTAGE_S3_REGION, KEYSTAGE_S3_PREFIX (credentials: boto3's own AWS_*)
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.utils.csp import CSP

from keystage.web.common.logs import logging_config

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
# The publishers whose comparison figures are preferred, first first (results.comparators).
PREFER_COMPARATOR = os.environ.get("KEYSTAGE_PREFER_COMPARATOR", "")
MAX_IMPORT_BYTES = int(os.environ.get("KEYSTAGE_MAX_IMPORT_MB", "250")) * 1024 * 1024

# Production: served over https behind a proxy, so cookies, HSTS and the redirect can be strict.
# The embedded default (`keystage serve`, http://127.0.0.1) keeps cookies usable over http.
ENVIRONMENT = os.environ.get("KEYSTAGE_ENV") or (
    "production" if KEYSTAGE_BASE_URL.startswith("https://") and not DEBUG else "embedded"
)
if ENVIRONMENT not in ("production", "embedded"):
    raise RuntimeError(f"KEYSTAGE_ENV is {ENVIRONMENT!r}: set it to production or embedded.")
PRODUCTION = ENVIRONMENT == "production"
if PRODUCTION and DEBUG:
    raise RuntimeError("KEYSTAGE_DEBUG=1 shows internals to anyone: unset it in production.")
KEYSTAGE_BEHIND_PROXY = os.environ.get("KEYSTAGE_BEHIND_PROXY", "") == "1"

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
    # first: every response and log line has it
    "keystage.web.common.middleware.RequestIdMiddleware",
    # above all that answers, but WhiteNoise's files
    "keystage.web.common.middleware.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "keystage.web.common.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # above WhiteNoise: static too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "keystage.web.common.middleware.SessionTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "keystage.web.accounts.access.AccountSetUpFirst",
    "keystage.web.ops.upload_handlers.UploadLimitMiddleware",  # its process_view after CSRF's
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
                "keystage.web.common.context.service",
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


def _file_storage() -> dict[str, object]:
    """Where stored files go: a folder (shared between hosts by mounting it), or S3-compatible
    object storage through django-storages, imported only when chosen (`keystage[s3]`)."""
    kind = os.environ.get("KEYSTAGE_STORAGE", "local")
    if kind == "local":
        folder = Path(os.environ.get("KEYSTAGE_FILES") or DATA_DIR / "files").resolve()
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        }
    if kind != "s3":
        raise RuntimeError(f"KEYSTAGE_STORAGE is {kind!r}: set it to local or s3.")
    if importlib.util.find_spec("storages") is None:
        raise RuntimeError("KEYSTAGE_STORAGE=s3 needs django-storages: pip install 'keystage[s3]'")
    bucket = os.environ.get("KEYSTAGE_S3_BUCKET", "")
    if not bucket:
        raise RuntimeError("KEYSTAGE_STORAGE=s3 needs KEYSTAGE_S3_BUCKET, the bucket's name.")
    # Imported only now: the default install has no boto3.
    from botocore.config import Config  # type: ignore[import-not-found,unused-ignore]

    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": os.environ.get("KEYSTAGE_S3_PREFIX", ""),
        "file_overwrite": False,  # a name taken gets a suffix, as on a disk: nothing replaced
        "querystring_auth": True,  # files are private: any URL made for one is signed, expiring
        "default_acl": None,  # the bucket's own policy (private), never public-read
        # A store that does not answer fails in seconds (and /health says so), not minutes.
        "client_config": Config(
            connect_timeout=5, read_timeout=60, retries={"max_attempts": 3, "mode": "standard"}
        ),
    }
    if endpoint := os.environ.get("KEYSTAGE_S3_ENDPOINT_URL"):
        options["endpoint_url"] = endpoint  # MinIO, Ceph, a council's own object store
    if region := os.environ.get("KEYSTAGE_S3_REGION"):
        options["region_name"] = region
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": _file_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
WHITENOISE_USE_FINDERS = True  # the embedded default serves app static files without collectstatic
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# The guard first: it stops an upload that is too large, plainly the wrong kind or too slow
# mid-stream. Large files stream into the data folder's uploading/ (not a private /tmp, so the
# workers' sweep sees what a killed web process left there: see keystage.web.ops.upload_temp).
FILE_UPLOAD_HANDLERS = [
    "keystage.web.ops.upload_handlers.GuardedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "keystage.web.ops.upload_temp.NamedTemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "uploading"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)

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
ACCOUNT_ADAPTER = "keystage.web.accounts.access.AccountAdapter"
ACCOUNT_FORMS = {"reset_password": "keystage.web.accounts.signin.ResetPasswordForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
# Addresses are set by the LA (heads, its own) or the head (staff) and count as checked; a
# member of staff's change of address is confirmed by a link sent to the new one (CHANGE_EMAIL:
# one address an account, replaced once the new one is confirmed). keystage.web.common.addresses.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "account_email"
# The link in a password reset email proves the mailbox: it signs the person in (through their
# second factor, if they have one), so a sign-in throttled by someone else's guesses never
# keeps its owner out.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Wrong passwords and two-factor codes are counted in the audit trail by
# keystage.web.accounts.signin and keystage.web.accounts.two_factor, not by these. login_failed
# here limits only the codes tried while setting up an authenticator app; the others stop
# floods from one address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/15m/key,100/15m/ip",
    "login": "200/m/ip",
    "reset_password": "20/m/ip,5/5m/key",
    "reset_password_from_key": "20/m/ip",
}
# Behind the proxy, the browser's address is the last one the proxy adds to X-Forwarded-For
# (REMOTE_ADDR is the proxy's): every limit per address, and the audit, depend on it.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if KEYSTAGE_BEHIND_PROXY else 0
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "keystage.web.accounts.passwords.AccountSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {"NAME": "keystage.web.accounts.passwords.SchoolSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
MFA_ADAPTER = "keystage.web.accounts.two_factor.TwoFactorAdapter"
MFA_FORMS = {
    "authenticate": "keystage.web.accounts.two_factor.AuthenticateForm",
    "reauthenticate": "keystage.web.accounts.two_factor.ReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = LA_NAME
# Recovery codes are shown once, when they are made, and never again (nor downloadable later).
MFA_RECOVERY_CODES_SHOW_ONCE = True
# The LA sets every address itself (there is no sign-up), so no address awaits verification.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Two-factor secrets are encrypted at rest with these (keystage.web.accounts.two_factor): the first
# encrypts, each decrypts. Unset, a key derived from SECRET_KEY (and SECRET_KEY_FALLBACKS).
KEYSTAGE_MFA_KEYS = [k for k in os.environ.get("KEYSTAGE_MFA_KEY", "").split(",") if k.strip()]
# Head teachers must set up two-factor sign-in too (LA accounts and the admin always must).
KEYSTAGE_HEADS_MUST_USE_2FA = os.environ.get("KEYSTAGE_HEADS_MUST_USE_2FA", "") == "1"

# -- The front door: sessions, cookies, headers --------------------------------------------------
# Sessions end after an hour left idle (SessionTimeoutMiddleware moves the expiry on at most
# every 5 minutes, not on every request), after 10 hours in any case, and when the browser
# closes: school offices share computers.
SESSION_COOKIE_AGE = int(os.environ.get("KEYSTAGE_SESSION_IDLE_MINUTES", "60")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
KEYSTAGE_SESSION_TOUCH_SECONDS = min(300, SESSION_COOKIE_AGE // 4)
KEYSTAGE_SESSION_MAX_SECONDS = int(os.environ.get("KEYSTAGE_SESSION_MAX_HOURS", "10")) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "keystage.web.common.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
KEYSTAGE_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# No page has inline script or style: everything comes from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
if KEYSTAGE_BEHIND_PROXY:
    # Only behind a proxy that sets (and overwrites) this header: anyone else could send it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [KEYSTAGE_BASE_URL]
    SECURE_SSL_REDIRECT = os.environ.get("KEYSTAGE_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^health$"]  # the load balancer asks over plain http
    SECURE_HSTS_SECONDS = int(os.environ.get("KEYSTAGE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds the council's whole domain to https in browsers: its decision, not ours.
    SECURE_HSTS_PRELOAD = os.environ.get("KEYSTAGE_HSTS_PRELOAD", "") == "1"
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]


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
# Who schools ask: in every page's footer and every email (keystage.web.common.context).
ENQUIRIES_EMAIL = os.environ.get("KEYSTAGE_ENQUIRIES_EMAIL", "").strip() or DEFAULT_FROM_EMAIL
ENQUIRIES_PHONE = os.environ.get("KEYSTAGE_ENQUIRIES_PHONE", "").strip()

LOGGING = logging_config(
    json_lines=os.environ.get("KEYSTAGE_LOG_FORMAT", "json" if PRODUCTION else "text") == "json",
    level=os.environ.get("KEYSTAGE_LOG_LEVEL", "WARNING"),
    requests=os.environ.get("KEYSTAGE_REQUEST_LOG", "1" if PRODUCTION else "0") == "1",
)
