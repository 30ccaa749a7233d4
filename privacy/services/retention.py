"""Disposal of records whose retention period is over (declaration §13, ■13).

``privacy.selectors.retention.disposal_candidates`` says, per record class, what is past its date and not
held; ``disposal_propose`` writes that down as a DisposalRun with one DisposalItem per record (ids and
subscriber numbers only); an officer approves (or the rule approves automatically); ``disposal_purge``
works through the items in batches, each batch its own transaction that re-checks holds, disposes of the
rows and marks the items — so a crash loses at most one batch's work, and a re-run finishes the job and
disposes of nothing twice. Every status move of a run goes along ``DISPOSAL_LIFECYCLE``.
"""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.transitions import Lifecycle, TransitionError, set_status
from privacy.models import DisposalItem, DisposalRun, RetentionRule, User
from privacy.selectors.retention import RECORD_MODELS, disposal_candidates
from privacy.services.retention_disposers import DISPOSERS

logger = logging.getLogger(__name__)

Status = DisposalRun.Status
Outcome = DisposalItem.Outcome

DISPOSAL_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.PROPOSED: frozenset({Status.APPROVED, Status.REJECTED}),
        Status.APPROVED: frozenset({Status.RUNNING}),
        Status.RUNNING: frozenset({Status.DONE, Status.FAILED}),
        # A failed purge resumes where it stopped (each batch is its own transaction).
        Status.FAILED: frozenset({Status.RUNNING}),
        Status.DONE: frozenset(),
        Status.REJECTED: frozenset(),
    },
)


@transaction.atomic
def disposal_propose(*, today: date, record_class: str | None = None) -> list[DisposalRun]:
    """Write today's proposal per class (one unfinished run per class at a time); auto-approve where the rule says."""
    runs = []
    rules = RetentionRule.objects.all()
    if record_class:
        rules = rules.filter(record_class=record_class)
    for rule in rules.select_for_update():  # the beat task and an operator's command never propose twice
        if DisposalRun.objects.unfinished().filter(record_class=rule.record_class).exists():
            continue
        candidates = disposal_candidates(rule, today)
        if not candidates.exists():
            continue
        run = DisposalRun(record_class=rule.record_class, years=rule.years, action=rule.action, proposed_on=today)
        run.skip_history_when_saving = True  # type: ignore[attr-defined]  # its history starts with the count
        run.save()
        chunk, count = [], 0
        for object_id, number in candidates.order_by("pk").iterator(chunk_size=2000):
            chunk.append(DisposalItem(run=run, object_id=object_id, subscriber_number=number or ""))
            if len(chunk) >= 2000:
                DisposalItem.objects.bulk_create(chunk)
                count, chunk = count + len(chunk), []
        DisposalItem.objects.bulk_create(chunk)
        del run.skip_history_when_saving  # type: ignore[attr-defined]
        run.candidate_count = count + len(chunk)
        run.save()  # the proposal's history row
        if rule.auto_approve:
            run.auto_approved = True
            set_status(run, Status.APPROVED, lifecycle=DISPOSAL_LIFECYCLE, user=None)
            _queue_purge(run)
        runs.append(run)
    return runs


def _queue_purge(run: DisposalRun) -> None:
    transaction.on_commit(lambda: purge_enqueue(run.pk))


# What a purge left unqueued says on its run (the officer is told; the sweep resumes it).
NOT_QUEUED = "not queued"
# What a running purge whose worker died says on its run when the sweep resumes it.
STALLED = "stalled: no batch for too long; resumed"
# The sweep leaves an approved run this long to its own message, and pauses a failed one this long, doubled with
# each attempt.
QUEUE_GRACE = timedelta(minutes=2)


def purge_enqueue(run_id: int) -> bool:
    """Send the purge of an approved run to the workers. Runs after the approval has committed, so it never fails
    the request: a broker that is down or frozen (bounded by the broker timeouts) is logged and written on the run,
    and the sweep (``disposal_sweep``, every few minutes) sends it again."""
    from privacy.tasks import purge_disposal_run

    try:
        purge_disposal_run.delay(run_id)
    except Exception as error:  # noqa: BLE001 - after commit nothing may fail the request; the run records it
        logger.warning("disposal run %s approved but not queued (%s): resumed by the nightly task", run_id, error)
        DisposalRun.objects.filter(pk=run_id, status=Status.APPROVED).update(
            last_error=f"{type(error).__name__} ({NOT_QUEUED})"
        )
        return False
    return True


def disposal_sweep(*, now: datetime | None = None) -> list[int]:
    """Every few minutes: send again the purges nothing is working on — approved runs never started (the queue was
    down, or the message lost), running runs whose worker died (no batch for ``RETENTION_STALE_MINUTES``), and
    failed runs with attempts left, after a pause that doubles with each attempt. Returns the runs sent."""
    now = now or timezone.now()
    stale_before = now - timedelta(minutes=settings.RETENTION_STALE_MINUTES)
    candidates = DisposalRun.objects.filter(
        Q(status=Status.APPROVED, updated_at__lt=now - QUEUE_GRACE)
        | Q(status=Status.RUNNING, updated_at__lt=stale_before)
        | Q(status=Status.FAILED, attempts__lt=settings.RETENTION_MAX_ATTEMPTS)
    )
    sent = []
    for run in candidates.order_by("pk"):
        if run.status == Status.FAILED and run.updated_at > now - QUEUE_GRACE * 2 ** min(run.attempts, 8):
            continue  # its pause is not over
        if run.status == Status.RUNNING:
            # A stalled run counts as an attempt of its own, and says so, before it is resumed.
            DisposalRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
                attempts=F("attempts") + 1, last_error=STALLED, updated_at=now
            )
        if purge_enqueue(run.pk):
            sent.append(run.pk)
    return sent


def purge_not_queued(run: DisposalRun) -> bool:
    """An approved run whose purge could not be sent: it starts with the nightly task."""
    return run.status == Status.APPROVED and run.last_error.endswith(f"({NOT_QUEUED})")


@transaction.atomic
def disposal_approve(*, run: DisposalRun, user: User) -> DisposalRun:
    if not user.has_perm("privacy.approve_disposalrun"):
        raise PermissionDenied
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    if not run.awaits_approval:
        raise TransitionError(_("Only a proposal awaiting approval can be approved."), code="wrong_status")
    run.approved_by, run.approved_at = user, timezone.now()
    set_status(run, Status.APPROVED, lifecycle=DISPOSAL_LIFECYCLE, user=user)
    _queue_purge(run)
    return run


@transaction.atomic
def disposal_reject(*, run: DisposalRun, user: User) -> DisposalRun:
    if not user.has_perm("privacy.approve_disposalrun"):
        raise PermissionDenied
    run = DisposalRun.objects.select_for_update().get(pk=run.pk)
    if not run.awaits_approval:
        raise TransitionError(_("Only a proposal awaiting approval can be rejected."), code="wrong_status")
    run.approved_by, run.approved_at = user, timezone.now()
    set_status(run, Status.REJECTED, lifecycle=DISPOSAL_LIFECYCLE, user=user)
    return run


def disposal_purge(
    *, run_id: int, batch_size: int | None = None, max_batches: int | None = None, today: date | None = None
) -> bool:
    """Work through the run's pending items; returns True when none is left. Safe to call again at any time."""
    today = today or timezone.localdate()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run_id)
        if not run.is_purgeable:
            return True  # nothing to do here: not approved, rejected, or done
        if run.status != Status.RUNNING:  # approved, or resumed after a failure
            run.started_at = run.started_at or timezone.now()
            run.attempts += 1
            set_status(run, Status.RUNNING, lifecycle=DISPOSAL_LIFECYCLE, user=None)
    batches = 0
    try:
        while max_batches is None or batches < max_batches:
            if not _purge_batch(run_id, batch_size, today):
                break
            batches += 1
    except Exception as error:
        # The class and SQLSTATE only: a database error's message can quote the row, personal data included.
        code = getattr(getattr(error, "__cause__", None), "sqlstate", None) or getattr(error, "sqlstate", None)
        with transaction.atomic():
            run = DisposalRun.objects.select_for_update().get(pk=run_id)
            if run.status == Status.RUNNING:
                run.last_error = f"{type(error).__name__}{f' (SQLSTATE {code})' if code else ''}"
                set_status(run, Status.FAILED, lifecycle=DISPOSAL_LIFECYCLE, user=None)
        raise
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run_id)
        if run.items.filter(outcome=Outcome.PENDING).exists():
            return False
        run.finished_at, run.last_error = timezone.now(), ""
        set_status(run, Status.DONE, lifecycle=DISPOSAL_LIFECYCLE, user=None)
        return True


def _purge_batch(run_id: int, batch_size: int, today: date) -> bool:
    """One batch in one transaction; False when nothing was pending."""
    with transaction.atomic():
        run = DisposalRun.objects.select_for_update().get(pk=run_id)  # one batch of a run at a time
        items = list(
            run.items.filter(outcome=Outcome.PENDING)
            .order_by("id")
            .select_for_update(skip_locked=True)
            .values_list("pk", "object_id")[:batch_size]
        )
        if not items:
            return False
        ids = {object_id for _pk, object_id in items}
        # Look again inside the batch: a hold placed, or a rule lengthened, after approval wins.
        rule = RetentionRule.objects.get(record_class=run.record_class)
        existing = set(
            RECORD_MODELS[run.record_class]._default_manager.filter(pk__any_of=ids).values_list("pk", flat=True)
        )
        eligible = (
            set(disposal_candidates(rule, today).filter(pk__any_of=existing).values_list("pk", flat=True))
            if existing
            else set()
        )
        gone, held = ids - existing, existing - eligible
        counts = DISPOSERS[run.record_class](run, eligible, today) if eligible else {}
        # One UPDATE per outcome (a bulk_update's CASE over every row costs more than the deletes).
        by_outcome = {Outcome.HELD: held, Outcome.GONE: gone, Outcome.DISPOSED: eligible}
        for outcome, object_ids in by_outcome.items():
            if object_ids:
                DisposalItem.objects.filter(
                    pk__any_of={pk for pk, object_id in items if object_id in object_ids}
                ).update(outcome=outcome)
        DisposalRun.objects.filter(pk=run_id).update(
            processed_count=F("processed_count") + len(items),
            disposed_count=F("disposed_count") + len(eligible),
            held_count=F("held_count") + len(held),
            related_counts=_merge(run.related_counts, counts),
            updated_at=timezone.now(),
        )
    return True


def _merge(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}
