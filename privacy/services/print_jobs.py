"""Large prints made by a worker: address labels (``label_prints``), an incident's notices (``notice_prints``) and a
long disclosure (``disclosure_prints``) share this machinery.

A job is asked for once; the worker makes its PDF (``job_make``, idempotent) while the job's page shows its
progress, stores it in ``PRINT_JOBS_DIR`` and logs the use as its kind does; each download (``job_download``) is
logged again, by who fetched it, while they may still see what the job prints for. The file goes at ``expires_at``
(``print_jobs_delete_expired``), or at once when a person on it is erased or purged (``print_jobs_delete_naming``);
a page following a job that is gone reloads and finds nothing.

What differs by kind — how the file is made and what a download writes — lives in the kind's module, named here.
"""

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.module_loading import import_string

from mctv.transitions import Lifecycle, set_status
from privacy.models import PrintJob, User

logger = logging.getLogger(__name__)
Status = PrintJob.Status
Kind = PrintJob.Kind

PRINT_JOB_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.QUEUED: frozenset({Status.RUNNING, Status.FAILED}),
        # A worker lost mid-print hands its message back: the next one starts the print again.
        Status.RUNNING: frozenset({Status.READY, Status.FAILED}),
        Status.READY: frozenset(),
        Status.FAILED: frozenset(),
    },
)
# The job's page is told of a laid-out sheet about this many times in all: a write per sheet would be wasted.
PROGRESS_STEPS = 50
ORPHAN_GRACE = timedelta(hours=1)

# Each kind's own part. ``render(job) -> Made | None`` makes the file as the asker may now (None: the job is failed,
# saying why); ``download_logged(job=, user=, path=) -> bool`` logs a download, or refuses it.
RENDER = {
    Kind.LABELS: "privacy.services.label_prints.labels_render",
    Kind.INCIDENT_NOTICES: "privacy.services.notice_prints.notices_render",
    Kind.DISCLOSURE: "privacy.services.disclosure_prints.disclosure_render",
}
DOWNLOAD_LOGGED = {
    Kind.LABELS: "privacy.services.label_prints.labels_download_logged",
    Kind.INCIDENT_NOTICES: "privacy.services.notice_prints.notices_download_logged",
    Kind.DISCLOSURE: "privacy.services.disclosure_prints.disclosure_download_logged",
}


@dataclass
class Made:
    """A job's file as the worker made it: who is on it ([id, number]), how many of what it counts (labels, letters,
    provision records) and how to log the use, once it is stored."""

    pdf: bytes
    printed: list[list]
    count: int
    pages: int
    log: Callable[[], object]


def job_enqueue(job_id: uuid.UUID) -> bool:
    """Send the job to the workers, after its commit: a broker that is down fails the job, not the request."""
    from privacy.tasks import make_print_job

    try:
        make_print_job.delay(str(job_id))
    except Exception as error:  # noqa: BLE001 - after commit nothing may fail the request; the job says so
        logger.warning("print job %s not queued (%s)", job_id, error)
        job_fail(job_id, f"{type(error).__name__}: not queued")
        return False
    return True


def job_fail(job_id: uuid.UUID | str, error: str) -> None:
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().filter(pk=job_id).first()
        if job is not None and job.status in (Status.QUEUED, Status.RUNNING):
            job.error = error[:200]
            set_status(job, Status.FAILED, lifecycle=PRINT_JOB_LIFECYCLE, user=None)


def job_file(job: PrintJob) -> Path:
    return Path(settings.PRINT_JOBS_DIR) / f"{job.pk}.pdf"


def job_make(job_id: uuid.UUID | str) -> bool:
    """The worker's part, idempotent: a job made already, failed or deleted is left alone; one a lost worker left
    running is made again. Returns whether this call made the file."""
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update(of=("self",)).select_related(
            "purpose", "incident", "request", "created_by"
        )
        job = locked.filter(pk=job_id).first()
        if job is None or job.status not in (Status.QUEUED, Status.RUNNING):
            return False
        if job.status == Status.QUEUED:
            set_status(job, Status.RUNNING, lifecycle=PRINT_JOB_LIFECYCLE, user=None)
    try:
        return _make(job)
    except Exception as error:  # the job's page says it failed; the worker lives on
        logger.exception("print job %s failed", job.pk)
        job_fail(job.pk, f"{type(error).__name__}: {error}")
        return False


def job_started(job: PrintJob, *, count: int, pages: int) -> Callable[[int], None]:
    """Record what the job will make; the callback hears of each page laid out, for the progress bar (a write about
    every ``PROGRESS_STEPS``-th of the document, not one per page). Where the pages were estimated and run over,
    the whole grows with them, so the bar never reads more pages done than there are."""
    PrintJob.objects.filter(pk=job.pk).update(sheets=pages, sheets_done=0, count=count)
    step = max(1, pages // PROGRESS_STEPS)
    written = [0]

    def on_page(done: int) -> None:
        # A page at a time, or a part at a time when parts are laid out side by side: a write per step crossed.
        if done - written[0] >= step:
            PrintJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
                sheets_done=done - 1, sheets=Greatest(F("sheets"), done)
            )
            written[0] = done

    return on_page


def _make(job: PrintJob) -> bool:
    made = import_string(RENDER[Kind(job.kind)])(job)
    if made is None:
        return False
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update(of=("self",)).select_related("purpose").filter(pk=job.pk).first()
        if locked is None or locked.status != Status.RUNNING:
            return False  # another worker given the same message finished first, or a person on it was erased
        job = locked
        path = job_file(job)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_suffix(".part")
        partial.write_bytes(made.pdf)
        partial.chmod(0o600)
        os.replace(partial, path)
        made.log()
        now = timezone.now()
        job.file_name = path.name
        job.printed = made.printed
        job.count, job.sheets, job.sheets_done, job.ready_at = made.count, made.pages, made.pages, now
        job.expires_at = now + timedelta(hours=settings.PRINT_JOB_KEEP_HOURS)
        set_status(job, Status.READY, lifecycle=PRINT_JOB_LIFECYCLE, user=None)
    return True


def job_download(*, job: PrintJob, user: User, path: str) -> bytes | None:
    """The file of a ready job not yet expired, its download logged as its kind logs it; else ``None``."""
    with transaction.atomic():
        locked = (
            PrintJob.objects.select_for_update(of=("self",))
            .select_related("purpose", "incident", "request")
            .filter(pk=job.pk)
            .first()
        )
        if locked is None or locked.status != Status.READY or locked.expires_at <= timezone.now():
            return None  # deleted meanwhile (expired, or a person on it erased), not made, or past its time
        job = locked
        try:
            pdf = job_file(job).read_bytes()
        except FileNotFoundError:
            return None
        if not import_string(DOWNLOAD_LOGGED[Kind(job.kind)])(job=job, user=user, path=path):
            return None
        PrintJob.objects.filter(pk=job.pk).update(downloads=F("downloads") + 1)
    return pdf


def print_jobs_delete_expired(*, now: datetime | None = None) -> int:
    """Every quarter hour: expired jobs go with their files, and any file in the directory no job names."""
    now = now or timezone.now()
    deleted = 0
    for job in PrintJob.objects.filter(expires_at__lte=now).order_by("pk"):
        job_file(job).unlink(missing_ok=True)
        deleted += PrintJob.objects.filter(pk=job.pk, expires_at__lte=now).delete()[0]
    folder = Path(settings.PRINT_JOBS_DIR)
    if folder.is_dir():
        known = {str(pk) for pk in PrintJob.objects.values_list("pk", flat=True)}
        stale = (now - ORPHAN_GRACE).timestamp()
        for path in folder.iterdir():
            if path.stem not in known and path.is_file() and path.stat().st_mtime < stale:
                path.unlink(missing_ok=True)
    return deleted


def print_jobs_delete_naming(subscriber_ids: set[int]) -> int:
    """The jobs whose files hold (or will hold) any of these people, and those files: gone when the people's data is
    erased, not kept until they expire. Jobs are few (a day's prints), so they are read rather than searched in
    JSON (which SQLite, the demo's database, cannot)."""
    jobs = PrintJob.objects.only("pk", "subscriber_ids")
    naming = [job for job in jobs if not subscriber_ids.isdisjoint(job.subscriber_ids)]
    files = [job_file(job) for job in naming]

    def unlink() -> None:
        for file in files:
            file.unlink(missing_ok=True)

    transaction.on_commit(unlink)
    return PrintJob.objects.filter(pk__in=[job.pk for job in naming]).delete()[0]
