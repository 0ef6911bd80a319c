"""Truce settings: one module, driven by environment variables (see README "Configuration").

SQLite in the data folder by default; PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from truce.env import (
    DEFAULT_CONN_MAX_AGE,
    EnvError,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_rate,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("TRUCE_DATA_DIR", BASE_DIR.parent / "data")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("TRUCE_DEBUG", False)
HTTPS = env_bool("TRUCE_HTTPS", False)
DEMO = env_bool("TRUCE_DEMO", False)


def _secret_key() -> str:
    """Use TRUCE_SECRET_KEY, else a random key kept in the data folder (created once)."""
    configured = env_str("TRUCE_SECRET_KEY")
    if configured:
        if len(configured) < 50:
            raise EnvError("TRUCE_SECRET_KEY must be at least 50 characters long")
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("TRUCE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TRUCE_CSRF_TRUSTED_ORIGINS")
BASE_URL = env_str("TRUCE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "truce.core",
    "truce.accounts",
    "truce.requirements",
    "truce.customers",
    "truce.responsibilities",
    "truce.goals",
    "truce.discussion",
    "truce.integrations",
    "truce.glossary",
    "truce.meetings",
    "truce.resources",
    "truce.planning",
    "truce.interop",
    "truce.launches",
    "truce.conflicts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "truce.core.middleware.UserLanguageMiddleware",
    "truce.core.middleware.RefuseNulMiddleware",
    "truce.core.middleware.RefusedFormMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "truce.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "truce.urls"
CSRF_FAILURE_VIEW = "truce.core.views.csrf_failure"
WSGI_APPLICATION = "truce.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "truce.core.context_processors.shell",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# Databases ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_path("TRUCE_SQLITE_PATH", DATA_DIR / "truce.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
                # busy timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": env_int("TRUCE_SQLITE_TIMEOUT", 20),
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-64000;"
                    "PRAGMA mmap_size=268435456;"
                ),
            },
            # Each web thread keeps its connection, with its page cache and parsed schema.
            "CONN_MAX_AGE": env_int("TRUCE_SQLITE_CONN_MAX_AGE", DEFAULT_CONN_MAX_AGE),
            "TEST": {"NAME": env_str("TRUCE_SQLITE_TEST_NAME") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Two indexes INCLUDE the id so PostgreSQL answers from the index alone (core and discussion
# migrations); SQLite builds them without it and Django warns (models.W040) on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Caches: local memory per process unless Redis is configured (several web processes).
REDIS_URL = env_str("TRUCE_REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "throttle",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttle",
        },
    }

# API rate limits (truce/api/throttle.py): requests per signed-in user, and per client address
# for requests that do not authenticate; 429 with Retry-After beyond. Counted in the "throttle"
# cache: exact across web processes with TRUCE_REDIS_URL, per process otherwise.
TRUCE_API_RATE = env_rate("TRUCE_API_RATE", "600/min")
TRUCE_API_RATE_ANON = env_rate("TRUCE_API_RATE_ANON", "60/min")

# Request and upload sizes. Bodies (forms, JSON) beyond TRUCE_MAX_BODY_KB are refused with 413;
# the largest legitimate one (100,000 characters of minutes) is under 400 KB. Uploaded files do
# not count towards it: files have their own limits (TRUCE_IMPORT_MAX_MB, TRUCE_RESTORE_MAX_MB)
# and are spooled to disk beyond FILE_UPLOAD_MAX_MEMORY_SIZE.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("TRUCE_MAX_BODY_KB", 2560) * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2560 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("TRUCE_MAX_FORM_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = 10
TRUCE_IMPORT_MAX_BYTES = env_int("TRUCE_IMPORT_MAX_MB", 50) * 1024 * 1024
TRUCE_RESTORE_MAX_BYTES = env_int("TRUCE_RESTORE_MAX_MB", 1024) * 1024 * 1024

# Outgoing webhooks and chat robots: private/loopback targets are refused unless allowed here
# (DEBUG allows them too); each HTTP call gives up after this many seconds.
TRUCE_WEBHOOKS_ALLOW_PRIVATE = env_bool("TRUCE_WEBHOOKS_ALLOW_PRIVATE", False)
TRUCE_WEBHOOKS_TIMEOUT = env_int("TRUCE_WEBHOOKS_TIMEOUT", 5)

# Tasks: database queue; `truce worker` runs it. Tests swap in the immediate backend.
TASKS = {
    "default": {
        "BACKEND": env_str("TRUCE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# An import or run whose process cannot be checked directly (another machine) counts as
# interrupted when its heartbeat is this many seconds old (truce/core/jobs.py).
TRUCE_JOB_STALE_SECONDS = env_int("TRUCE_JOB_STALE_SECONDS", 60)
# Uploaded files kept for a job that may still read them (an import checked but not committed,
# an interrupted restore not retried) are removed after this many days without a change.
TRUCE_UPLOAD_KEEP_DAYS = env_int("TRUCE_UPLOAD_KEEP_DAYS", 7)
# Audit events older than this many days are deleted by the worker (hourly) or by
# `truce manage expire_audit`; 0 keeps them for ever (ASVS 8.3.8). At least 30 when set.
TRUCE_AUDIT_KEEP_DAYS = env_int("TRUCE_AUDIT_KEEP_DAYS", 0)
if TRUCE_AUDIT_KEEP_DAYS and TRUCE_AUDIT_KEEP_DAYS < 30:
    raise EnvError("TRUCE_AUDIT_KEEP_DAYS must be 0 (keep for ever) or at least 30")

# Authentication ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# With TRUCE_PASSWORD_PEPPER set, passwords are keyed with it before Argon2id (ASVS 2.4.5,
# truce/accounts/hashers.py) and older hashes are upgraded at their owner's next sign-in.
TRUCE_PASSWORD_PEPPER = env_str("TRUCE_PASSWORD_PEPPER", "")
# Argon2id's cost (truce/accounts/hashers.py): OWASP's first setting by default, 19 MiB of
# memory, 2 passes, 1 lane (~25 ms); OWASP's equal alternatives trade memory for passes.
TRUCE_ARGON2_MEMORY_KIB = env_int("TRUCE_ARGON2_MEMORY_KIB", 19456)
TRUCE_ARGON2_TIME_COST = env_int("TRUCE_ARGON2_TIME_COST", 2)
TRUCE_ARGON2_PARALLELISM = env_int("TRUCE_ARGON2_PARALLELISM", 1)
if TRUCE_ARGON2_MEMORY_KIB < 7168 or TRUCE_ARGON2_TIME_COST < 1 or TRUCE_ARGON2_PARALLELISM < 1:
    raise EnvError(
        "TRUCE_ARGON2_MEMORY_KIB must be at least 7168 (7 MiB, OWASP's least), "
        "TRUCE_ARGON2_TIME_COST and TRUCE_ARGON2_PARALLELISM at least 1"
    )
PASSWORD_HASHERS = [
    "truce.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TRUCE_PASSWORD_PEPPER:
    PASSWORD_HASHERS.insert(0, "truce.accounts.hashers.PepperedArgon2PasswordHasher")
# OWASP ASVS V2.1: length (TRUCE_PASSWORD_MIN_LENGTH, default 10, to 128 characters, any
# characters), no composition rules, refused when among 20,000 common (breached) passwords or
# close to the user's own name/email.
PASSWORD_MIN_LENGTH = env_int("TRUCE_PASSWORD_MIN_LENGTH", 10)
if not 8 <= PASSWORD_MIN_LENGTH <= 64:
    raise EnvError("TRUCE_PASSWORD_MIN_LENGTH must be between 8 and 64")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "truce.accounts.validators.MaximumLengthValidator",
        "OPTIONS": {"max_length": 128},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

AXES_FAILURE_LIMIT = env_int("TRUCE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TRUCE_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failed sign-ins to one account from anywhere, within the cool-off, after which only the
# addresses it signed in from before may try (truce.accounts.services.account_paused); 0: off.
TRUCE_LOGIN_ACCOUNT_LIMIT = env_int("TRUCE_LOGIN_ACCOUNT_LIMIT", 50)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Client addresses for throttling and the audit log: X-Forwarded-For is read only behind a
# proxy, from the right, skipping TRUCE_PROXY_COUNT trusted proxies (see truce/accounts/client.py).
TRUCE_PROXY_COUNT = env_int("TRUCE_PROXY_COUNT", 1 if env_bool("TRUCE_BEHIND_PROXY", False) else 0)
AXES_CLIENT_IP_CALLABLE = "truce.accounts.client.client_ip"

INVITATION_TTL_DAYS = env_int("TRUCE_INVITATION_TTL_DAYS", 7)

# Sessions, cookies and HTTPS -----------------------------------------------------------------
# A session ends after TRUCE_SESSION_IDLE_MINUTES without a request, and in any case
# TRUCE_SESSION_MAX_HOURS after signing in (ASVS 3.3.2 level 2: 30 minutes, 12 hours).
SESSION_IDLE_SECONDS = env_int("TRUCE_SESSION_IDLE_MINUTES", 30) * 60
SESSION_MAX_AGE_SECONDS = env_int("TRUCE_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE_SECONDS
# Creating an API token or changing the email address asks for the password again unless the
# session signed in or confirmed it this recently (truce/accounts/reauth.py).
REAUTH_SECONDS = env_int("TRUCE_REAUTH_MINUTES", 15) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages carry the token in the HTML (hx-headers), scripts never read it
if HTTPS:
    # __Host- cookies are only accepted over HTTPS, for this exact host and path /
    SESSION_COOKIE_NAME = "__Host-truce-session"
    CSRF_COOKIE_NAME = "__Host-truce-csrf"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and env_bool("TRUCE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("TRUCE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUCE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = env_str("TRUCE_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TRUCE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the plotly wheel (no CDN): static/vendor/plotly/plotly.min.js
    "truce.goals.staticfiles.PlotlyFinder",
]
STATIC_ROOT = env_path("TRUCE_STATIC_ROOT", DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("TRUCE_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO

# Email ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "TRUCE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("TRUCE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TRUCE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("TRUCE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("TRUCE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("TRUCE_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("TRUCE_FROM_EMAIL", "Truce <truce@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"incident": {"()": "truce.core.incidents.IncidentFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["incident"]}},
    "root": {"handlers": ["console"], "level": env_str("TRUCE_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
