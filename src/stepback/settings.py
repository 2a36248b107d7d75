"""Stepback settings: one file, driven by environment variables.

Defaults give a zero-setup development site on SQLite with huey's SQLite task
storage. ``STEPBACK_ENV=production`` turns on every deployment safeguard and
refuses to start without a real secret key. The variables are listed in the
README and in ``docs/deployment.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(env("STEPBACK_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
NODE_MODULES_DIR = Path(env("STEPBACK_NODE_MODULES", str(PROJECT_DIR / "node_modules")))

ENVIRONMENT = env("STEPBACK_ENV", "development")
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured("STEPBACK_ENV must be development, production or test.")
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test"

DEV_SECRET_KEY = "dev-insecure-stepback-key-do-not-use-in-production"
SECRET_KEY = env("STEPBACK_SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "STEPBACK_SECRET_KEY must be set to a random value of at least 50 characters "
        "in production (python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

DEBUG = env_bool("STEPBACK_DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = [
    h.strip()
    for h in env("STEPBACK_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
if not PRODUCTION:
    ALLOWED_HOSTS += ["testserver"]
SITE_URL = env("STEPBACK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL] if SITE_URL.startswith("https://") else []

INSTALLED_APPS = [
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
    "ninja",
    "huey.contrib.djhuey",
    "stepback.core",
    "stepback.accounts",
    "stepback.tokens",
    "stepback.activity",
    "stepback.initiatives",
    "stepback.goals",
    "stepback.observations",
    "stepback.stepbacks",
    "stepback.plans",
    "stepback.ownership",
    "stepback.stakeholders",
    "stepback.feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "stepback.core.middleware.PersonLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so its page has every header; still before the CSRF check (a process_view)
    # could read a body too large to take.
    "stepback.core.uploads.RequestTooLarge",
]

ROOT_URLCONF = "stepback.urls"
WSGI_APPLICATION = "stepback.wsgi.application"

_TEMPLATE_LOADERS = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Compiled templates are kept in memory; only development reads them per request,
            # so an edited template shows at once.
            "loaders": _TEMPLATE_LOADERS
            if DEBUG
            else [("django.template.loaders.cached.Loader", _TEMPLATE_LOADERS)],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "stepback.core.context_processors.organisation",
                "stepback.demo.signin.demo_logins",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("STEPBACK_DATABASE_URL", f"sqlite:///{DATA_DIR / 'stepback.sqlite3'}"),
        conn_max_age=0 if TESTING else 60,
        conn_health_checks=True,
    )
}
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# In production a missing SQLite file is an error, never silently a new empty database
# (a moved volume, a wrong STEPBACK_DATA_DIR): `stepback migrate` alone may create it (the
# command line sets STEPBACK_CREATE_DATABASE for it), and a file that disappears while
# the site runs is not recreated (SQLite's mode=rw), so /healthz and every page fail.
if SQLITE and PRODUCTION and not env_bool("STEPBACK_CREATE_DATABASE"):
    _sqlite_path = Path(DATABASES["default"]["NAME"])
    if not _sqlite_path.is_file():
        raise ImproperlyConfigured(
            f"The database {_sqlite_path} does not exist. For a new site, create it with "
            "`stepback migrate`; otherwise check STEPBACK_DATA_DIR (or STEPBACK_DATABASE_URL), "
            "or restore a backup with `stepback restore`."
        )
    DATABASES["default"]["NAME"] = f"file:{_sqlite_path}?mode=rw"
if SQLITE:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

REDIS_URL = env("STEPBACK_REDIS_URL")
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Failed sign-ins allowed per email address in the window (a client address: four times as
# many, see accounts/ratelimit.py), and password-reset emails to one address an hour.
SIGN_IN_MAX_FAILURES = int(env("STEPBACK_SIGN_IN_MAX_FAILURES", "5"))
SIGN_IN_LOCKOUT_SECONDS = int(env("STEPBACK_SIGN_IN_LOCKOUT_SECONDS", "900"))
PASSWORD_RESETS_PER_HOUR = int(env("STEPBACK_PASSWORD_RESETS_PER_HOUR", "3"))
# Requests one API token may make in a minute; past it, 429 with Retry-After.
API_REQUESTS_PER_MINUTE = int(env("STEPBACK_API_REQUESTS_PER_MINUTE", "600"))
# Behind a reverse proxy, the header that carries the client's address (e.g. X-Forwarded-For);
# its last entry, the one your proxy added, is used. Empty: the connection's own address.
CLIENT_IP_HEADER = env("STEPBACK_CLIENT_IP_HEADER")
INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600

HUEY = {
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "name": "stepback",
    "immediate": TESTING or env_bool("STEPBACK_TASKS_IMMEDIATE"),
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    HUEY["url"] = REDIS_URL
else:
    HUEY["filename"] = str(DATA_DIR / "huey.sqlite3")

EMAIL_HOST = env("STEPBACK_EMAIL_HOST")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("STEPBACK_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("STEPBACK_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("STEPBACK_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("STEPBACK_EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("STEPBACK_FROM_EMAIL", "Stepback <stepback@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The language of a page: the person's choice, else their organisation's, else the browser's
# (LocaleMiddleware reads Accept-Language), else LANGUAGE_CODE. Each language names itself.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The zone of an organisation that has not chosen its own (Organisation.time_zone): its
# "today", the dates it may enter and the times it is shown. Stored times are UTC.
TIME_ZONE = env("STEPBACK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES_DIR / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
]
# The vega-embed bundle is not in the repository: VegaEmbedFinder writes it from vl-convert
# into VEGA_EMBED_CACHE_DIR (one directory per bundle version) for collectstatic and whitenoise.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "stepback.lib.staticfinders.VegaEmbedFinder",
]
VEGA_EMBED_CACHE_DIR = DATA_DIR / "vega-embed"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
# The first handler refuses oversized uploads before any of their bytes are stored.
FILE_UPLOAD_HANDLERS = [
    "stepback.core.uploads.RequestSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
WHITENOISE_USE_FINDERS = not PRODUCTION

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("STEPBACK_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("STEPBACK_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]

NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 500
# Request bodies (form posts, API calls) up to 8 MB: a bulk upload of 50,000 measurements fits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 2**20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("STEPBACK_LOG_LEVEL", "INFO")},
    "loggers": {"huey": {"level": "WARNING", "handlers": ["console"], "propagate": False}},
}
