"""Settings of the IDI platform.

Everything that differs between a laptop, CI and production comes from the environment:
DATABASE_URL (SQLite at ./var/idi.sqlite3 when unset), IDI_SECRET_KEY, IDI_AUDIT_KEY,
IDI_AUDIT_CHECKPOINT_DIR, IDI_DEBUG, IDI_ALLOWED_HOSTS, CELERY_BROKER_URL, IDI_RULE_PACK_DIRS,
IDI_CALENDAR_DIR.
"""

import os
import secrets
from pathlib import Path

import dj_database_url


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
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# A cache shared by every app server (Redis) in production, so that counters such as the owner
# activation throttle hold across processes; the embedded default keeps it in process memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if (CACHE_URL := os.environ.get("IDI_CACHE_URL"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
# Without a broker configured explicitly the embedded default runs tasks in-process.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TASK_ALWAYS_EAGER", "1") == "1"
CELERY_TIMEZONE = TIME_ZONE
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
