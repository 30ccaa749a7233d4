"""The sweep (every 5 minutes) resumes the purges nothing is working on: approved runs never started, running runs
whose worker died, failed runs with attempts left — and leaves alone what is under way or has used its attempts."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from privacy.models import DisposalRun, RetentionRule
from privacy.services import retention as svc
from privacy.services import retention_disposers
from subscribers.models import Subscriber
from tests.factories import SubscriberFactory


def _run_of(count: int, officer) -> DisposalRun:
    """An approved run of ``count`` terminated subscribers past their period, written as a proposal writes it (a
    class has one proposal at a time, so the runs of these tests are written directly)."""
    run = DisposalRun.objects.create(
        record_class="terminated_subscriber",
        years=5,
        action="delete",
        proposed_on=timezone.localdate(),
        status="approved",
        approved_by=officer,
        approved_at=timezone.now(),
        candidate_count=count,
    )
    for _ in range(count):
        subscriber = SubscriberFactory.create(
            status="terminated",
            terminated_on=date(2020, 6, 1),
            applied_on=date(2010, 1, 1),
            activated_on=date(2010, 1, 5),
        )
        run.items.create(object_id=subscriber.pk, subscriber_number=subscriber.number)
    return run


def _age(run: DisposalRun, *, status: str, minutes: int, attempts: int = 0) -> None:
    DisposalRun.objects.filter(pk=run.pk).update(
        status=status, attempts=attempts, updated_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.fixture
def delete_rule(db):
    RetentionRule.objects.filter(record_class="terminated_subscriber").update(years=5, action="delete")


@pytest.mark.django_db
def test_the_sweep_resumes_what_nothing_works_on_and_leaves_the_rest(officer, delete_rule):
    # Given an approved run whose message was lost, a running one whose worker died 20 minutes ago, a running one
    # that made progress a minute ago, and a failed one that has used every attempt
    lost = _run_of(2, officer)
    _age(lost, status="approved", minutes=5)
    dead = _run_of(3, officer)
    _age(dead, status="running", minutes=20, attempts=1)
    busy = _run_of(1, officer)
    _age(busy, status="running", minutes=1, attempts=1)
    exhausted = _run_of(1, officer)
    _age(exhausted, status="failed", minutes=600, attempts=settings.RETENTION_MAX_ATTEMPTS)
    assert DisposalRun.objects.get(pk=dead.pk).is_stalled and not DisposalRun.objects.get(pk=busy.pk).is_stalled

    # When the sweep comes by (tasks run at once here, as a worker would run them)
    sent = svc.disposal_sweep()

    # Then the lost and the dead runs were sent again and finished with exact counts; the others were left alone
    assert sent == [lost.pk, dead.pk]
    runs = {r.pk: r for r in DisposalRun.objects.filter(pk__in=[lost.pk, dead.pk, busy.pk, exhausted.pk])}
    assert (runs[lost.pk].status, runs[lost.pk].disposed_count, runs[lost.pk].attempts) == ("done", 2, 1)
    assert (runs[dead.pk].status, runs[dead.pk].disposed_count, runs[dead.pk].attempts) == ("done", 3, 2)
    assert runs[busy.pk].status == "running" and runs[exhausted.pk].status == "failed"
    assert Subscriber.objects.filter(status="terminated").count() == 2  # the busy and the exhausted runs' own


@pytest.mark.django_db
def test_a_failed_purge_is_tried_again_after_a_growing_pause_until_its_attempts_are_used(
    officer, delete_rule, monkeypatch
):
    # Given a purge whose disposer fails every time
    run = _run_of(1, officer)

    def failing(run, ids, today):
        raise ConnectionError("the database went away")

    monkeypatch.setitem(retention_disposers.DISPOSERS, "terminated_subscriber", failing)
    from mctv.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)  # as a worker: a failed task fails, quietly
    with pytest.raises(ConnectionError):
        svc.disposal_purge(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.last_error) == ("failed", 1, "ConnectionError")

    # When the sweep comes by at once, the pause is not over; two minutes × 2 later it is
    assert svc.disposal_sweep() == []
    assert svc.disposal_sweep(now=timezone.now() + timedelta(minutes=5)) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("failed", 2)

    # And once every attempt is used, the sweep leaves it for a person
    DisposalRun.objects.filter(pk=run.pk).update(attempts=settings.RETENTION_MAX_ATTEMPTS)
    assert svc.disposal_sweep(now=timezone.now() + timedelta(days=30)) == []


def test_beat_sweeps_every_five_minutes_and_a_dead_worker_hands_its_task_back():
    from privacy.tasks import sweep_disposals

    sweep = settings.CELERY_BEAT_SCHEDULE["disposal-sweep"]
    assert sweep["task"] == sweep_disposals.name and sweep["schedule"].minute == set(range(0, 60, 5))
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
