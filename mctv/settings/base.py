"""Settings shared by every environment, read through one ``environ.Env()``.

``local`` (the demo), ``test`` and ``production`` import this module after
setting their own defaults; nothing security-relevant is decided only there.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .database import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# No default outside DEBUG: production must be given a real key.
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="django-insecure-local-demo-only")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "mctv.axes_ja.AxesJapaneseConfig",  # django-axes, named in Japanese
    "csp",
    "simple_history",
    "privacy",
    "subscribers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mctv.middleware.IdleSessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mctv.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "privacy.middleware.ContractorConfinementMiddleware",
    "privacy.middleware.OneTimeSubmissionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mctv.urls"
WSGI_APPLICATION = "mctv.wsgi.application"

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
                "mctv.navigation.main_menu",
                "mctv.help.help_link",
            ],
            "builtins": ["privacy.templatetags.submissions", "privacy.templatetags.dates"],
        },
    },
]

FORM_RENDERER = "mctv.forms.FormRenderer"

# The embedded default (SQLite) serves the one-command demo; PostgreSQL is
# used whenever DATABASE_URL names it (CI, production).
# Timeouts, health checks and SQLite's journal: mctv/settings/database.py.
DATABASES = {
    "default": database_settings(
        env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        env,
        conn_max_age=env.int("CONN_MAX_AGE", default=0),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL: the role the application connects as, granted its privileges after every migration, which runs as
# the tables' owner (mctv/db_roles.py, docs/operations.md). Empty: no grants (SQLite, a single-role setup).
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "privacy.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "privacy.auth.StaffModelBackend",  # Django's ModelBackend, with fewer queries per page
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle expiry: activity pushes the expiry forward; 30 idle minutes end it.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Pushed forward at most once a minute (mctv.middleware.IdleSessionRefreshMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
# A spent one-time form token answers a reload or a second click with the first result for this long.
FORM_TOKEN_KEEP_HOURS = env.int("FORM_TOKEN_KEEP_HOURS", default=48)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the session, not in a cookie of their own: /privacy/ promises two cookies only (§10).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
# A lockout holds one user name at one client address: failures from elsewhere lock out nobody else. The client
# address is read behind TRUSTED_PROXY_COUNT proxies (mctv/client_ip.py); REMOTE_ADDR alone would be the proxy's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "mctv.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Security headers. Content-Security-Policy allows nothing but this server:
# the office intranet has no internet, and no inline script runs.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese"))]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="catv@city.misawa.example")

# Celery. Without a broker (the demo) tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
# Tasks report through the database, not through results; a backend is optional (the worker test sets one).
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task is acknowledged when done, and handed back if its worker dies (the tasks are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A stopped or frozen broker costs a web request seconds, not a worker: connect and socket timeouts, one retry
# (docs/operations.md). What could not be queued is recorded and resumed by the nightly task.
BROKER_TIMEOUT_SECONDS = env.float("BROKER_TIMEOUT_SECONDS", default=2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# /readyz asks the database and the broker, each within this many seconds (mctv/health.py).
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)
# The daily jobs, in one place.
CELERY_BEAT_SCHEDULE: dict = {
    "deadline-digests": {
        "task": "privacy.send_deadline_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    # The same task later in the morning: it sends only the departments' digests that have not gone out today
    # (beat down at 07:30, Redis down, SMTP refusing all retries), and nothing twice.
    "deadline-digests-catch-up": {
        "task": "privacy.send_deadline_digests",
        "schedule": crontab(hour=10, minute=30),
    },
    "disposal-proposals": {
        "task": "privacy.propose_disposals",
        "schedule": crontab(hour=2, minute=0),
    },
    "file-register": {
        "task": "privacy.count_file_people",
        "schedule": crontab(hour=3, minute=0),
    },
    "disposal-sweep": {
        "task": "privacy.sweep_disposals",
        "schedule": crontab(minute="*/5"),
    },
    "expired-sessions": {
        "task": "privacy.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=30),
    },
    "print-jobs": {
        "task": "privacy.delete_expired_print_jobs",
        "schedule": crontab(minute="*/15"),
    },
    "handover-files": {
        "task": "privacy.expire_handover_files",
        "schedule": crontab(minute="*/15"),
    },
    "register-imports": {
        "task": "subscribers.expire_register_imports",
        "schedule": crontab(minute=40),
    },
    # The review of staff access of the month just ended, ready for the officers on the 1st.
    "access-review": {
        "task": "privacy.review_staff_access",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
}

SUBSCRIBERS_PER_PAGE = env.int("SUBSCRIBERS_PER_PAGE", default=25)
# Statistics (purpose 3): a cell counting fewer people than this is suppressed, so no one is identifiable.
# Rows per transaction in the retention purge: small enough to keep locks and memory short.
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=2000)
# A purge with no batch for this long lost its worker; the sweep (every 5 minutes) resumes it. A run that failed
# is resumed with growing pauses until it has been tried this many times; then it waits for a person.
RETENTION_STALE_MINUTES = env.int("RETENTION_STALE_MINUTES", default=10)
RETENTION_MAX_ATTEMPTS = env.int("RETENTION_MAX_ATTEMPTS", default=6)
# Address labels: a print of more labels than this is made by a worker, with a progress bar, into a file kept
# under PRINT_JOBS_DIR (shared by web and worker, never served as static or media) for PRINT_JOB_KEEP_HOURS, then
# deleted with its job by the task every quarter hour.
LABELS_SYNC_MAX = env.int("LABELS_SYNC_MAX", default=200)
# An incident's notices likewise: a letter is a page or two of WeasyPrint, about 0.1 s each.
NOTICES_SYNC_MAX = env.int("NOTICES_SYNC_MAX", default=100)
# A disclosure listing more provision records than this is made by a worker as well (one part of
# privacy.letters.LINES_PER_PART lines is laid out in the request in about 1.5 seconds).
DISCLOSURE_SYNC_MAX_LINES = env.int("DISCLOSURE_SYNC_MAX_LINES", default=1000)
# A long document is laid out in parts (privacy.pdf.render_pdf_in_parts) by this many processes side by side: one
# core each (WeasyPrint is pure Python), by default the cores this process may run on (a container's cpuset; set it
# to the container's CPU quota where that is lower). 1 lays the parts out one after another in the process itself.
PDF_PROCESSES = env.int("PDF_PROCESSES", default=len(os.sched_getaffinity(0)))
PRINT_JOBS_DIR = Path(env("PRINT_JOBS_DIR", default=str(BASE_DIR / "var" / "print-jobs")))
PRINT_JOB_KEEP_HOURS = env.int("PRINT_JOB_KEEP_HOURS", default=24)
# A bulk hand-over's file (to a printer, a fee collector, the system vendor) is fetched once; one not fetched within
# this many hours is emptied by the task every quarter hour, and a new hand-over must be made.
HANDOVER_FILE_KEEP_HOURS = env.int("HANDOVER_FILE_KEEP_HOURS", default=24)
# The import of an office's register (issue 19): a file of more rows than this is checked and imported by a worker
# with a progress bar; rows are read, checked and written this many at a time. The uploaded file waits under
# REGISTER_IMPORTS_DIR (shared by web and worker, never served) until its import finishes, or is cancelled with it
# REGISTER_IMPORT_KEEP_HOURS after the upload if it never is.
REGISTER_IMPORT_SYNC_MAX_ROWS = env.int("REGISTER_IMPORT_SYNC_MAX_ROWS", default=2000)
REGISTER_IMPORT_BATCH_SIZE = env.int("REGISTER_IMPORT_BATCH_SIZE", default=2000)
REGISTER_IMPORTS_DIR = Path(env("REGISTER_IMPORTS_DIR", default=str(BASE_DIR / "var" / "register-imports")))
REGISTER_IMPORT_KEEP_HOURS = env.int("REGISTER_IMPORT_KEEP_HOURS", default=24)
# At least 2: a threshold of 0 or 1 would switch suppression off.
STATISTICS_MIN_CELL = max(2, env.int("STATISTICS_MIN_CELL", default=5))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "mctv.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # A page laid out, a step of the render: heard only by a print job's progress (privacy/pdf.py).
        "weasyprint.progress": {"handlers": [], "level": "INFO", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
