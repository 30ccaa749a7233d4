"""The deployed shape (docker-compose, gunicorn): secure cookies, HSTS, whitenoise.

DATABASE_URL, DATABASE_APP_ROLE and SECRET_KEY have no defaults here; ``manage.py check --deploy``
reports nothing with these settings (tests/test_settings.py).
"""

import os

os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: F403
from .base import env
from .database import database_settings

DATABASES = {"default": database_settings(env("DATABASE_URL"), env, conn_max_age=env.int("CONN_MAX_AGE", default=60))}
# Required: web, worker and beat connect as this role; `migrate` runs as the owner and grants to it.
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The office's TLS proxy on the same host is the one proxy in front of gunicorn (docker-compose.yml).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
