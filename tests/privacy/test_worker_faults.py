"""A real Celery worker killed in the middle of a purge: the whole worker (main process and pool child, as the
OOM killer or a lost container takes it), or only the pool child. The run finishes with nobody doing anything —
the beat's sweep, or the broker handing the message back — and with exact counts: every row gone once, none
counted twice.

To kill it mid-purge deterministically the test holds a row lock on one subscriber of the third batch (batches of
2, set through RETENTION_BATCH_SIZE as operators set it): the worker commits two batches, then waits inside the
third with its deletes under way, and is killed there. Each test runs its own redis-server on a free port and its
own worker, in a process group of its own, so nothing of the machine's shared services is touched."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from privacy.models import DisposalItem, DisposalRun, RetentionRule
from privacy.services import retention as svc
from subscribers.models import Subscriber, SubscriberService
from tests.conftest import REQUIRE_ALL, _reconfigure
from tests.factories import SubscriberFactory, SubscriberServiceFactory
from tests.privacy.test_queue_faults import PrivateRedis

ROOT = Path(__file__).resolve().parents[2]
RECORDS, BATCH = 10, 2
LOCKED = 4  # the 5th record by id, in the 3rd batch: two batches (4 records) are committed before the worker waits
CELERY = [sys.executable, "-m", "celery", "--app", "mctv"]
QUIET = ["--without-gossip", "--without-mingle"]
PATIENCE = 60  # seconds any one wait may take on a slow, busy machine; nothing asserts on time


def _wait_for(what: str, check, timeout: float = PATIENCE, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            output = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
            pytest.fail(f"gave up waiting for {what}\n{output}")
        time.sleep(0.1)
    return result


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    user = quote(db["USER"] or "postgres", safe="")
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _connect() -> psycopg.Connection:
    """A connection of the test's own, outside Django's: it holds the lock while Django's connection polls."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )


class Worker:
    """``celery worker --pool=prefork --concurrency=1`` in a process group of its own, so that it can be killed
    whole (main process and pool child) or the pool child alone, for real."""

    def __init__(self, broker: str, log: Path):
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mctv.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "RETENTION_BATCH_SIZE": str(BATCH),
        }
        env.pop("CELERY_RESULT_BACKEND", None)
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [*CELERY, "worker", "--pool", "prefork", "--concurrency", "1", "--loglevel", "warning", *QUIET],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches the pool child too
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self) -> None:
        from mctv.celery import app

        def answers() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited: {self.log.read_text(errors='replace')[-4000:]}")
            return bool(app.control.inspect(timeout=1).ping())

        _wait_for("the worker to answer a ping", answers, log=self.log)

    def pool_children(self) -> set[int]:
        """The main process's children (its one pool process), read from /proc: billiard may fork a replacement
        from a thread, which /proc/<pid>/task/<pid>/children would miss."""
        children = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.pid:
                children.add(int(stat.parent.name))
        return children

    def kill_whole(self) -> None:
        os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # killed whole already
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def broker():
    """A redis-server of the test's own, which the test process sends to."""
    from mctv.celery import app

    if not shutil.which("redis-server"):
        (pytest.fail if REQUIRE_ALL else pytest.skip)("needs redis-server to start a broker of the test's own")
    redis = PrivateRedis()
    redis.start()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    _reconfigure(app, broker_url=redis.url, task_always_eager=False)
    try:
        yield redis
    finally:
        _reconfigure(app, **saved)
        redis.stop()


@pytest.fixture
def workers(broker, tmp_path):
    """Starts workers on the test's broker; every one still alive is killed, with its pool, at the end."""
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(broker.url, tmp_path / f"worker-{len(started) + 1}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def row_lock():
    """A transaction of the test's own, holding row locks until it rolls back (in any case at the end)."""
    conn = _connect()
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


def _old_terminated_subscribers() -> list[int]:
    """Terminated in fiscal 2020, past a 5-year delete rule on any day from 1 April 2026 (the worker's own today):
    each with a service and two history rows."""
    RetentionRule.objects.filter(record_class="terminated_subscriber").update(years=5, action="delete")
    ids = []
    for i in range(RECORDS):
        subscriber = SubscriberFactory.create(
            status="terminated",
            terminated_on=date(2020, 6, 1),
            applied_on=date(2010, 1, 1),
            activated_on=date(2010, 1, 5),
        )
        SubscriberServiceFactory.create(subscriber=subscriber, started_on=date(2010, 1, 5), ended_on=date(2020, 6, 1))
        subscriber.occupation = f"職業{i}"
        subscriber.save()
        ids.append(subscriber.pk)
    return sorted(ids)


def _rows(ids: list[int]) -> dict[str, int]:
    return {
        "subscribers_subscriber": Subscriber.objects.filter(pk__in=ids).count(),
        "subscribers_historicalsubscriber": Subscriber.history.filter(id__in=ids).count(),
        "subscribers_subscriberservice": SubscriberService.objects.filter(subscriber_id__in=ids).count(),
        "subscribers_historicalsubscriberservice": SubscriberService.history.filter(subscriber_id__in=ids).count(),
    }


def _approved_run_held_in_its_third_batch(officer, lock: psycopg.Connection, doomed: list[int]) -> DisposalRun:
    """Lock one record of the third batch, then propose and approve: the approval queues the purge."""
    lock.execute("SELECT 1 FROM subscribers_subscriber WHERE id = %s FOR UPDATE", [doomed[LOCKED]])
    (run,) = svc.disposal_propose(today=timezone.localdate(), record_class="terminated_subscriber")
    assert run.candidate_count == RECORDS
    svc.disposal_approve(run=run, user=officer)  # its on_commit sends the purge to the test's broker
    return run


def _worker_waits_on(lock: psycopg.Connection) -> bool:
    """A backend (the worker's) is blocked by the test's lock: the worker is inside the third batch."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))", [lock.info.backend_pid]
        )
        return cursor.fetchone()[0] > 0


def _release_and_outlast_the_dead_batch(lock: psycopg.Connection, run: DisposalRun) -> None:
    """Let go of the row; the killed worker's backend finishes its statement, finds its client gone and rolls the
    batch back, letting go of the run. Taking the run's lock here waits for exactly that."""
    lock.rollback()
    lock.execute("SET LOCAL lock_timeout = '60s'")
    lock.execute("SELECT 1 FROM privacy_disposalrun WHERE id = %s FOR UPDATE", [run.pk])
    lock.rollback()


def _channel(conn: Connection) -> Any:
    return conn.default_channel  # kombu's Redis channel: its client and key names


def _unacked(broker: PrivateRedis) -> int:
    """Messages a worker took and never acknowledged, which the broker keeps aside for its visibility timeout."""
    with Connection(broker.url) as conn:
        channel = _channel(conn)
        return channel.client.hlen(channel.unacked_key)


def _visibility_timeout_passes(broker: PrivateRedis) -> None:
    """What the broker does an hour (the visibility timeout) after a worker took a message and died: puts it back
    in the queue (kombu's own restore, told the hour is over)."""
    with Connection(broker.url) as conn:
        channel = _channel(conn)
        ((tag, taken_at),) = channel.client.zrange(channel.unacked_index_key, 0, -1, withscores=True)

    def put_back() -> bool:
        with Connection(broker.url, transport_options={"visibility_timeout": 0}) as conn:
            channel = _channel(conn)
            channel.qos.restore_visible()  # does nothing while a worker's own restore holds the mutex: try again
            return channel.client.zscore(channel.unacked_index_key, tag) != taken_at

    _wait_for("the broker to put the message back", put_back)


def _queue_drained(broker: PrivateRedis) -> bool:
    from mctv.celery import app

    with Connection(broker.url) as conn:
        channel = _channel(conn)
        return not channel.client.llen(app.conf.task_default_queue) and not channel.client.hlen(channel.unacked_key)


def _wait_done(run: DisposalRun, log: Path) -> DisposalRun:
    def done() -> bool:
        run.refresh_from_db()
        return run.status == DisposalRun.Status.DONE

    _wait_for(f"disposal run {run.pk} to finish", done, log=log)
    return run


def _assert_exact(run: DisposalRun, doomed: list[int], before: dict[str, int], survivors: list[int]) -> None:
    """Every record gone, with every row that repeats it; each counted once, in the run and in its items."""
    assert before == {
        "subscribers_subscriber": RECORDS,
        "subscribers_historicalsubscriber": 2 * RECORDS,
        "subscribers_subscriberservice": RECORDS,
        "subscribers_historicalsubscriberservice": RECORDS,
    }
    assert _rows(doomed) == dict.fromkeys(before, 0)
    counts = (run.candidate_count, run.processed_count, run.disposed_count, run.held_count)
    assert counts == (RECORDS, RECORDS, RECORDS, 0)
    assert {table: run.related_counts.get(table) for table in before} == before
    items = DisposalItem.objects.filter(run=run)
    assert sorted(items.values_list("object_id", flat=True)) == doomed  # one item per record, none twice
    assert set(items.values_list("outcome", flat=True)) == {DisposalItem.Outcome.DISPOSED}
    assert Subscriber.objects.filter(pk__in=survivors).count() == len(survivors)
    assert (run.last_error, run.finished_at is not None) == ("", True)


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_whole_mid_purge_is_resumed_by_the_sweep_and_finishes_with_exact_counts(
    officer, broker, workers, row_lock
):
    # Given 10 records past their period, a few that are not, and a worker that has committed two batches of 2 and
    # is inside the third, its deletes under way
    doomed, survivors = _old_terminated_subscribers(), [SubscriberFactory.create().pk for _ in range(3)]
    before = _rows(doomed)
    run = _approved_run_held_in_its_third_batch(officer, row_lock, doomed)
    first = workers()
    _wait_for("the worker to wait inside the third batch", lambda: _worker_waits_on(row_lock), log=first.log)
    run.refresh_from_db()
    assert (run.status, run.processed_count, run.attempts) == ("running", 2 * BATCH, 1)

    # When the whole worker is killed at once, main process and pool child (SIGKILL: no shutdown, no ack, no
    # reject), and its half-done batch is rolled back
    assert first.pool_children()
    first.kill_whole()
    _release_and_outlast_the_dead_batch(row_lock, run)

    # Then the run says running, with the two batches it committed and nothing of the third
    run.refresh_from_db()
    assert (run.status, run.processed_count, run.disposed_count) == ("running", 2 * BATCH, 2 * BATCH)
    assert Subscriber.objects.filter(pk__in=doomed).count() == RECORDS - 2 * BATCH
    # and the sweep leaves it alone while its last batch is recent: a slow batch is not a dead worker
    assert svc.disposal_sweep() == []
    # and its message lies with the broker, unacknowledged, until the visibility timeout
    assert _unacked(broker) == 1

    # When the sweep comes by once no batch has come for longer than RETENTION_STALE_MINUTES (its message is in
    # the broker's unacked set until the visibility timeout, an hour: the sweep does not wait for that), and a
    # worker is up again
    later = timezone.now() + timedelta(minutes=settings.RETENTION_STALE_MINUTES + 1)
    assert svc.disposal_sweep(now=later) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.attempts, run.last_error) == ("running", 2, svc.STALLED)
    second = workers()

    # Then the run finishes, every record gone once and counted once, the stall recorded as an attempt
    _wait_done(run, second.log)
    _assert_exact(run, doomed, before, survivors)
    assert run.attempts == 2
    assert svc.disposal_sweep(now=later + timedelta(hours=2)) == []

    # And when the broker hands the dead worker's message back after its hour, it finds the run done and changes
    # nothing: nothing disposed of or counted twice
    assert _unacked(broker) == 1
    _visibility_timeout_passes(broker)
    # (drained: put back in the queue, which nothing else does, taken, and acknowledged once done)
    _wait_for("the handed-back message to be consumed", lambda: _queue_drained(broker), log=second.log)
    run.refresh_from_db()
    _assert_exact(run, doomed, before, survivors)
    assert run.attempts == 2


@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pool_child_killed_mid_purge_hands_its_message_back_and_the_run_finishes_with_exact_counts(
    officer, workers, row_lock
):
    # Given a worker whose pool child is inside the third batch of a purge
    doomed, survivors = _old_terminated_subscribers(), [SubscriberFactory.create().pk for _ in range(3)]
    before = _rows(doomed)
    run = _approved_run_held_in_its_third_batch(officer, row_lock, doomed)
    worker = workers()
    _wait_for("the worker to wait inside the third batch", lambda: _worker_waits_on(row_lock), log=worker.log)
    run.refresh_from_db()
    assert (run.status, run.processed_count) == ("running", 2 * BATCH)

    # When only the pool child is killed (SIGKILL), the main process living on
    (child,) = worker.pool_children()
    os.kill(child, signal.SIGKILL)
    _wait_for("a new pool child", lambda: worker.pool_children() - {child}, log=worker.log)
    _release_and_outlast_the_dead_batch(row_lock, run)

    # Then the main process hands the message back (acks late, rejected on worker loss), its new pool child takes
    # it and finishes the run — no sweep, no person — every record gone once and counted once
    _wait_done(run, worker.log)
    assert worker.process.poll() is None
    _assert_exact(run, doomed, before, survivors)
    assert run.attempts == 1  # the same attempt, carried on
    assert "WorkerLostError" in worker.log.read_text(errors="replace")
    assert svc.disposal_sweep(now=timezone.now() + timedelta(hours=2)) == []
