"""An officer's approval when the task queue is down or frozen: the approval stands, the page says when the purge
starts (never a 500), and the purge completes once the queue is back. Each test runs its own Redis on a free port
and stops or freezes only that one — never the machine's shared services."""

import os
import signal
import socket
import subprocess
import time
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.models import DisposalRun, RetentionRule
from privacy.services import retention as svc
from subscribers.models import Subscriber
from tests.conftest import _reconfigure
from tests.factories import SubscriberFactory
from tests.forms import drawn_token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own: started, stopped, frozen and thawed at will."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        pytest.fail("the test's own redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def private_redis():
    from mctv.celery import app

    redis = PrivateRedis()
    redis.start()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    _reconfigure(app, broker_url=redis.url, task_always_eager=False)
    try:
        yield redis
    finally:
        _reconfigure(app, **saved)
        if redis.process and redis.process.poll() is None:
            redis.thaw()
        redis.stop()


def _proposal_past_its_period() -> DisposalRun:
    RetentionRule.objects.filter(record_class="terminated_subscriber").update(years=5, action="delete")
    # terminated in fiscal 2020: past a 5-year period on any day from 1 April 2026, the worker's today included
    for _ in range(3):
        SubscriberFactory.create(
            status="terminated",
            terminated_on=date(2020, 6, 1),
            applied_on=date(2010, 1, 1),
            activated_on=date(2010, 1, 5),
        )
    (run,) = svc.disposal_propose(today=timezone.localdate(), record_class="terminated_subscriber")
    return run


def _approve(client, officer, run) -> str:
    """As the officer's browser does: the run's page draws the form, its one-time token goes with the click."""
    client.force_login(officer)
    token = drawn_token(client, reverse("privacy:disposal_detail", args=[run.pk]))
    response = client.post(
        reverse("privacy:disposal_decide", args=[run.pk]),
        {"decision": "approve", "confirmed": "1", "submission_token": token},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_with_the_queue_stopped_stands_and_the_purge_completes_once_it_is_back(
    private_redis, client, officer, monkeypatch, request
):
    # Given a proposal, and the task queue stopped
    run = _proposal_past_its_period()
    private_redis.stop()

    # When the officer approves it
    page = _approve(client, officer, run)

    # Then the approval stands and the page says when the purge starts, instead of an error
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by == officer
    assert svc.purge_not_queued(run)
    assert "タスクの待ち行列に接続できなかったため" in page

    # When the queue is back, a worker runs, and the sweep comes by (its grace for a fresh approval over)
    private_redis.start()
    monkeypatch.setenv("CELERY_TEST_BROKER_URL", private_redis.url)
    request.getfixturevalue("celery_worker")
    assert svc.disposal_sweep(now=timezone.now() + timedelta(minutes=3)) == [run.pk]

    # Then the purge completes with exact counts, without anyone doing anything more
    for _ in range(120):
        run.refresh_from_db()
        if run.status == "done":
            break
        time.sleep(0.5)
    assert (run.status, run.disposed_count, run.last_error) == ("done", 3, "")
    assert not Subscriber.objects.filter(status="terminated").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_with_the_queue_frozen_answers_instead_of_hanging(private_redis, client, officer):
    # Given a proposal, and a task queue that accepts connections but never answers
    run = _proposal_past_its_period()
    private_redis.freeze()

    # When the officer approves it, the request comes back (the broker timeouts bound the wait)
    page = _approve(client, officer, run)

    # Then the approval stands and the officer is told the purge starts tonight
    run.refresh_from_db()
    assert run.status == "approved" and svc.purge_not_queued(run)
    assert "数分のうちに" in page
