"""Settings for pytest. The database comes from DATABASE_URL (``make test`` picks it)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DEBUG", "0")

from .base import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the finders (no collectstatic before tests); the browser tests load the CSS.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
