"""Settings for pytest. The database comes from DATABASE_URL (``make test`` picks it)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# On PostgreSQL the tests run migrations as the owner and grant to the app role, as production does
# (tests/conftest.py creates the roles when missing; tests/test_db_roles.py connects as the app role).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE") or "mctv_app"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker subprocess cannot share the test's in-memory outbox: the worker tests point it at files instead.
if os.environ.get("MCTV_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["MCTV_TEST_EMAIL_DIR"]
# Serve static files from the finders (no collectstatic before tests); the browser tests load the CSS.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
