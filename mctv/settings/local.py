"""The one-command demo: DEBUG on, SQLite and eager Celery unless configured."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403
