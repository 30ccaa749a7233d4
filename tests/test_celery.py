"""Celery is wired for real: a worker process over Redis runs a task against the test database."""

import pytest
from django.db import connection

from mctv.celery import ping


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_over_redis_runs_tasks_against_the_database(celery_worker):
    result = ping.delay()
    assert result.get(timeout=30) == "pong from " + celery_worker.vendor


@pytest.mark.django_db
def test_without_a_broker_tasks_run_eagerly_in_process(settings):
    """The demo's embedded default: no Redis, the task runs in the web process."""
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert ping.delay().get() == "pong from " + connection.vendor
