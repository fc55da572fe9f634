"""Settings of the IDI platform.

Everything that differs between a laptop, CI and production comes from the environment:
DATABASE_URL (SQLite at ./var/idi.sqlite3 when unset), IDI_SECRET_KEY, IDI_AUDIT_KEY,
IDI_AUDIT_CHECKPOINT_DIR, IDI_DEBUG, IDI_ALLOWED_HOSTS, CELERY_BROKER_URL, IDI_RULE_PACK_DIRS,
IDI_CALENDAR_DIR, IDI_IMPORT_BACKGROUND_BYTES.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def _local_secret_key(path: Path) -> str:
    """A per-machine key kept outside the repository, made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IDI_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("IDI_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("IDI_SECRET_KEY") or _local_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = os.environ.get("IDI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

# The audit chain is keyed (HMAC-SHA256) with a key that is never in the database or the
# repository, and anchored by signed checkpoints written outside the database (core.audit).
IDI_AUDIT_KEY = os.environ.get("IDI_AUDIT_KEY") or _local_secret_key(VAR_DIR / "audit_key")
IDI_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("IDI_AUDIT_CHECKPOINT_DIR") or VAR_DIR / "audit-checkpoints"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "idi.core",
    "idi.public",
    "idi.parties",
    "idi.projects",
    "idi.notifications",
    "idi.underwriting",
    "idi.riskmgmt",
    "idi.claims",
    "idi.fund",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "idi.core.middleware.ChineseFirstLocaleMiddleware",
    "idi.core.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "idi.config.urls"
WSGI_APPLICATION = "idi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "idi.core.navigation.navigation",
                "idi.notifications.context.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'idi.sqlite3'}",
        conn_max_age=int(os.environ.get("IDI_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at BEGIN
    # so that two writers queue instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# Owners may also sign in with their ID number (their username is a random one).
AUTHENTICATION_BACKENDS = [
    # First: refuses every log-in of a locked-out account or address before a password is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "idi.parties.auth.IdNumberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True

IDI_ACTOR_RESOLVER = "idi.parties.selectors.actor_for_user"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp) on every answer, also in development so that the browser
# tests see a violation: the pages load scripts, styles and images from the platform only and
# hold no inline script or style (htmx's own indicator style is switched off in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Production (IDI_PRODUCTION=1, README "Production"): HTTPS only, HSTS, cookies only over HTTPS.
# TLS ends at the reverse proxy, which sets X-Forwarded-Proto (IDI_PROXY_COUNT > 0 trusts it).
PRODUCTION = os.environ.get("IDI_PRODUCTION", "") == "1"
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("IDI_PRODUCTION=1 and IDI_DEBUG=1 exclude each other")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# A cache shared by every app server (Redis) in production, so that counters such as the owner
# activation throttle hold across processes; the embedded default keeps it in process memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if (CACHE_URL := os.environ.get("IDI_CACHE_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Log-in throttling (django-axes) on that cache: after AXES_FAILURE_LIMIT failed log-ins an
# account (whichever name it was typed as: username or ID number) and, separately, an address
# are refused for AXES_COOLOFF_TIME, even with the right password; a success resets the count.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "idi.core.http.client_address"
AXES_USERNAME_CALLABLE = "idi.parties.auth.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Reverse proxies in front of the app servers that append to X-Forwarded-For (0: none).
IDI_PROXY_COUNT = int(os.environ.get("IDI_PROXY_COUNT", "0"))
if PRODUCTION and IDI_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not CACHE_URL and not PRODUCTION:
    # One process, one memory: the embedded default counts in it, which axes warns about.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
# Without a broker configured explicitly the embedded default runs tasks in-process.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
CELERY_TIMEZONE = TIME_ZONE
# Imports of files larger than this many bytes run as a background job (docs/import.md).
IDI_IMPORT_BACKGROUND_BYTES = int(os.environ.get("IDI_IMPORT_BACKGROUND_BYTES", str(1024 * 1024)))
# Seconds between two runs of the periodic sweep: Celery beat in production, a background
# thread of `idi serve` in the embedded default (0 turns the thread off).
IDI_SWEEP_INTERVAL = float(os.environ.get("IDI_SWEEP_INTERVAL", "300"))

# Extra rule-pack directories (os.pathsep-separated) and the operator's calendar directory.
IDI_RULE_PACK_DIRS = [p for p in os.environ.get("IDI_RULE_PACK_DIRS", "").split(os.pathsep) if p]
# The operator's calendar files (one TOML file per announced year, see docs/rule-packs.md).
IDI_CALENDAR_DIR = os.environ.get("IDI_CALENDAR_DIR") or (
    str(VAR_DIR / "calendar") if (VAR_DIR / "calendar").is_dir() else None
)

# Where notifications go besides the in-app inbox; e-mail and SMS senders plug in here.
IDI_NOTIFICATION_SENDERS = [
    p
    for p in os.environ.get(
        "IDI_NOTIFICATION_SENDERS", "idi.notifications.senders.ConsoleSender"
    ).split(",")
    if p
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IDI_LOG_LEVEL", "WARNING")},
}
