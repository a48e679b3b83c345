"""Settings for the complaints and Ombudsman case tracker.

One module, read from the environment. With nothing set, the app runs on embedded defaults
(SQLite and a filesystem Celery broker under var/) in DEBUG mode for a newcomer's laptop.
Production sets DEBUG=0, SECRET_KEY, DATABASE_URL and REDIS_URL; it refuses to start without
a secret key or with DEBUG on (see the check at the bottom of this file).
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# PRODUCTION=1 is what the deployment units set; it forbids DEBUG and the development key.
PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")
elif not SECRET_KEY:
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Demo County Council")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Complaints and Ombudsman cases")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "calendars",
    "complaints",
    "ombudsman_cases",
    "reminders",
    "reports",
    "intake",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionActivityMiddleware",  # the inactivity timeout, one write a minute
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, per django-axes
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file under make run.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",  # Django's ModelBackend, loading roles and areas with the user
]
# Argon2 for new passwords; older hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Failed sign-ins are throttled per username and address; a locked-out user sees a clear page.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.axes.username_from_request"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded documents live outside static/ and are only served through a permission check.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "uploads"))
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# The online complaint form: sends and uploads allowed per client address an hour, and how many
# proxies in front of the app append the client's address to X-Forwarded-For (0: REMOTE_ADDR).
INTAKE_SUBMISSIONS_PER_HOUR = int(os.environ.get("INTAKE_SUBMISSIONS_PER_HOUR", "5"))
INTAKE_UPLOADS_PER_HOUR = int(os.environ.get("INTAKE_UPLOADS_PER_HOUR", "30"))
INTAKE_PROXY_COUNT = int(os.environ.get("INTAKE_PROXY_COUNT", "0"))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Closed complaints and cases are anonymised this many years after closing (unless on legal hold).
RETENTION_YEARS = int(os.environ.get("RETENTION_YEARS", "6"))

# Email: SMTP in production; files under var/mail/ for make run.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "complaints@example.gov.uk")
COMPLAINTS_TEAM_EMAIL = os.environ.get("COMPLAINTS_TEAM_EMAIL", "complaints-team@example.gov.uk")
# Links in emails point here (no request to take the host from in a Celery worker).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Daily digests go out from this hour, local time, on working days.
DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))
# A digest whose sender died mid-send is sent again after this long (same Message-ID).
DIGEST_STALE_CLAIM_SECONDS = int(os.environ.get("DIGEST_STALE_CLAIM_SECONDS", "600"))

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem broker under var/.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Every 15 minutes: record the reminders that have become due; after 07:00 on a working day,
    # also send the digests still waiting (so a missed 07:00 run is caught up).
    "reminders-sweep": {"task": "reminders.tasks.reminders_sweep_task", "schedule": crontab(minute="*/15")},
    # The daily digest at 07:00 Europe/London, Monday to Friday (the task skips bank holidays).
    "reminders-digest": {
        "task": "reminders.tasks.reminders_sweep_task",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    # Keeps the bank-holiday table filled for this year and the next two (GOV.UK adds one-offs).
    # Sundays 02:30: anonymise complaints and cases closed more than RETENTION_YEARS ago.
    "apply-retention": {
        "task": "complaints.tasks.apply_retention_task",
        "schedule": crontab(hour=2, minute=30, day_of_week="sun"),
    },
    "load-bank-holidays": {
        "task": "calendars.tasks.load_bank_holidays_task",
        "schedule": crontab(hour=3, minute=15, day_of_month=1),
    },
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "data_folder_processed": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
    }

if REDIS_URL:
    # Unacknowledged tasks (acks_late) of a worker that died come back after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))}
    CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": REDIS_URL}}  # Django's, faster
else:
    # Files under var/ rather than each process's memory: under make run the web process, the worker
    # and beat share what the cache keeps and the versions that say when it is out of date (the
    # retention job or a bank holiday load in the worker must show in the web process at once).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# The timeout counts from the last request (inactivity): accounts.middleware.SessionActivityMiddleware
# saves a used session at most once a minute, instead of SESSION_SAVE_EVERY_REQUEST.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_TIMEOUT_MINUTES", "30")) * 60
if REDIS_URL:
    # Read from Redis, written through to the database (so a Redis restart signs nobody out).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: GOV.UK Frontend is started from static/js/init.js.
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
# The REST API (/api/v1/, app `api`): service-account tokens only, JSON only, the pages' rules.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ServiceTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": "Complaints, their stages and deadlines, stage actions, LGSCO cases and recommendations. "
    "Authenticate with `Authorization: Bearer <token>` (a service account's token, from the admin).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our own static files: the CSP allows no other host
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "complaints.models.ComplaintStatus",
        "StageStatusEnum": "complaints.models.StageStatus",
        "StageOutcomeEnum": "complaints.models.Outcome",
        "ContactMethodEnum": "complaints.models.ContactMethod",
        "UnitEnum": "complaints.models.Unit",
        "ProcedureKindEnum": "complaints.models.ProcedureKind",
        "CaseStatusEnum": "ombudsman_cases.models.CaseStatus",
        "CaseOutcomeEnum": "ombudsman_cases.models.Outcome",
        "ReportOutcomeEnum": "ombudsman_cases.models.ReportOutcome",
        "RecommendationKindEnum": "ombudsman_cases.models.RecommendationKind",
    },
}
# History is evidence: nobody reverts or edits it through the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # a council may choose not to preload its domain

# LOG_FORMAT=json gives one JSON object per line (for a log collector); plain text otherwise.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if os.environ.get("LOG_FORMAT", "plain") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
