"""Celery application (Celery's "First steps with Django")."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mctv.settings.production")

app = Celery("mctv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="mctv.ping")
def ping() -> str:
    """For operators and tests: proves a worker is up, configured and can reach the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return f"pong from {connection.vendor}"
