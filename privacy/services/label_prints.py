"""Address label prints by purpose: a small print answered at once, a large one made by a worker — and the print
jobs' machinery, which an incident's notices (``notice_prints``) and a long disclosure (``disclosure_prints``) share.

Who is printed is decided by ``subscribers_usable_by`` alone — when the staff member asks, and again by the
worker for the job's subscribers (a use suspended meanwhile is left out). Every print is logged as the direct print
always was: one bulk use and one access-log row per subscriber naming the file (export #N) and the items on it,
written when the file is made; each download of a job's file writes the access-log rows again, by who fetched it.
A job's file lives in ``PRINT_JOBS_DIR`` until ``expires_at``; ``print_jobs_delete_expired`` removes it and the job.
"""

import logging
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from mctv.transitions import Lifecycle, set_status
from privacy.address_labels import LABEL_FIELDS, labels_pdf
from privacy.data_items import DataItem
from privacy.label_sheets import SHEETS, LabelSheet
from privacy.models import BulkUse, PrintJob, Purpose, User
from privacy.selectors.incidents import incidents_visible_to
from privacy.selectors.purposes import subscribers_usable_by
from privacy.services.access_log import Numbered, access_log_export, export_number_reserve
from privacy.services.purposes import bulk_use_record
from subscribers.models import Subscriber

logger = logging.getLogger(__name__)
Status = PrintJob.Status

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


# What an incident's notice carries of each person: the address block (the letter's body is about the incident).
NOTICE_ITEMS = (DataItem.NUMBER, DataItem.NAME, DataItem.ADDRESS)


def label_items(purpose: Purpose) -> list[str]:
    """What a label carries: name and address, and the subscriber number where the purpose uses it."""
    return [DataItem.NAME, DataItem.ADDRESS, *([DataItem.NUMBER] if DataItem.NUMBER in purpose.items else [])]


def label_rows(subscribers: QuerySet[Subscriber]) -> QuerySet[Subscriber]:
    """The label's fields only, in postal order (a notice goes out sorted for the post office)."""
    return subscribers.prefetch_related(None).only(*LABEL_FIELDS).order_by("postal_code", "number")


def _log_file(*, user: User, purpose: Purpose, rows: Sequence[Subscriber], filters: dict, path: str, export_no: int):
    return bulk_use_record(
        user=user,
        purpose=purpose,
        kind=BulkUse.Kind.LABELS_PDF,
        subscribers=rows,
        filters=filters,
        path=path,
        items=label_items(purpose),
        export_no=export_no,
    )


def labels_print_now(
    *,
    user: User,
    purpose: Purpose,
    subscribers: QuerySet[Subscriber],
    filters: dict,
    path: str,
    sheet: LabelSheet,
    start: int = 1,
) -> tuple[bytes, int]:
    """A print small enough to answer at once: the PDF and its export number, logged in one transaction."""
    with transaction.atomic():
        rows = list(label_rows(subscribers))
        export_no = export_number_reserve()
        _log_file(user=user, purpose=purpose, rows=rows, filters=filters, path=path, export_no=export_no)
        pdf = labels_pdf(rows, sheet=sheet, with_number=DataItem.NUMBER in purpose.items, start=start)
    return pdf, export_no


def label_job_create(
    *,
    user: User,
    purpose: Purpose,
    subscribers: QuerySet[Subscriber],
    filters: dict,
    path: str,
    sheet: LabelSheet,
    start: int = 1,
) -> PrintJob:
    """A print for a worker: the subscribers selected now, the file's number reserved; sent once committed."""
    ids = list(label_rows(subscribers).values_list("pk", flat=True))
    job = PrintJob.objects.create(
        created_by=user,
        purpose=purpose,
        filters=filters,
        path=path[:300],
        sheet=sheet.code,
        start=start,
        with_number=DataItem.NUMBER in purpose.items,
        subscriber_ids=ids,
        count=len(ids),
        sheets=sheet.sheets_for(len(ids), start=start),
        export_no=export_number_reserve(),
        expires_at=timezone.now() + timedelta(hours=settings.PRINT_JOB_KEEP_HOURS),
    )
    transaction.on_commit(lambda: label_job_enqueue(job.pk))
    return job


def label_job_enqueue(job_id: uuid.UUID) -> bool:
    """Send the job to the workers, after its commit: a broker that is down fails the job, not the request."""
    from privacy.tasks import make_label_print

    try:
        make_label_print.delay(str(job_id))
    except Exception as error:  # noqa: BLE001 - after commit nothing may fail the request; the job says so
        logger.warning("label print %s not queued (%s)", job_id, error)
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


def label_job_make(job_id: uuid.UUID | str) -> bool:
    """The worker's part, idempotent: a job made already, failed or deleted is left alone; one a lost worker left
    running is made again. Returns whether this call made the file."""
    with transaction.atomic():
        locked = PrintJob.objects.select_for_update(of=("self",)).select_related("purpose", "incident", "created_by")
        job = locked.filter(pk=job_id).first()
        if job is None or job.status not in (Status.QUEUED, Status.RUNNING):
            return False
        if job.status == Status.QUEUED:
            set_status(job, Status.RUNNING, lifecycle=PRINT_JOB_LIFECYCLE, user=None)
    try:
        return _make(job)
    except Exception as error:  # the job's page says it failed; the worker lives on
        logger.exception("label print %s failed", job.pk)
        job_fail(job.pk, f"{type(error).__name__}: {error}")
        return False


@dataclass
class Made:
    """A job's file as the worker made it: who is on it ([id, number]), how many of what it counts (labels, letters,
    provision records) and how to log the use, once it is stored."""

    pdf: bytes
    printed: list[list]
    count: int
    pages: int
    log: Callable[[], object]


def job_started(job: PrintJob, *, count: int, pages: int) -> Callable[[int], None]:
    """Record what the job will make; the callback hears of each page laid out, for the progress bar (a write about
    every ``PROGRESS_STEPS``-th of the document, not one per page)."""
    PrintJob.objects.filter(pk=job.pk).update(sheets=pages, sheets_done=0, count=count)
    step = max(1, pages // PROGRESS_STEPS)
    written = [0]

    def on_page(done: int) -> None:
        # A page at a time, or a part at a time when parts are laid out side by side: a write per step crossed.
        if done - written[0] >= step:
            PrintJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(sheets_done=done - 1)
            written[0] = done

    return on_page


def _labels_render(job: PrintJob) -> Made | None:
    user, purpose, sheet = job.created_by, job.purpose, SHEETS[job.sheet]
    assert purpose is not None  # a labels job names its purpose (constraint printjob_kind_names_its_subject)
    if not (user.is_active and user.has_perm("subscribers.export_subscriber")):
        job_fail(job.pk, "PermissionDenied: the account may no longer export")
        return None
    # The purpose's rule and the registry's visibility again, for the subscribers chosen when asked.
    rows = list(label_rows(subscribers_usable_by(user, purpose).filter(pk__in=job.subscriber_ids)))
    sheets = sheet.sheets_for(len(rows), start=job.start)
    on_page = job_started(job, count=len(rows), pages=sheets)
    pdf = labels_pdf(
        rows, sheet=sheet, with_number=job.with_number, start=job.start, on_sheet=lambda n, _total: on_page(n)
    )
    return Made(
        pdf=pdf,
        printed=[[s.pk, s.number] for s in rows],
        count=len(rows),
        pages=sheets,
        log=lambda: _log_file(
            user=user, purpose=purpose, rows=rows, filters=job.filters, path=job.path, export_no=job.export_no
        ),
    )


def _make(job: PrintJob) -> bool:
    # The notices' and the disclosure's modules build on this one.
    if job.kind == PrintJob.Kind.INCIDENT_NOTICES:
        from privacy.services.notice_prints import notices_render

        made = notices_render(job)
    elif job.kind == PrintJob.Kind.DISCLOSURE:
        from privacy.services.disclosure_prints import disclosure_render

        made = disclosure_render(job)
    else:
        made = _labels_render(job)
    if made is None:
        return False
    with transaction.atomic():
        job = PrintJob.objects.select_for_update(of=("self",)).select_related("purpose").get(pk=job.pk)
        if job.status != Status.RUNNING:
            return False  # another worker given the same message finished first
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


def label_job_download(*, job: PrintJob, user: User, path: str) -> bytes | None:
    """The file of a ready job not yet expired, its download logged for every subscriber on it; else ``None``."""
    with transaction.atomic():
        job = PrintJob.objects.select_for_update(of=("self",)).select_related("purpose", "incident").get(pk=job.pk)
        if job.status != Status.READY or job.expires_at <= timezone.now():
            return None
        try:
            pdf = job_file(job).read_bytes()
        except FileNotFoundError:
            return None
        if not _download_logged(job=job, user=user, path=path):
            return None
        PrintJob.objects.filter(pk=job.pk).update(downloads=F("downloads") + 1)
    return pdf


def _download_logged(*, job: PrintJob, user: User, path: str) -> bool:
    """Log a download as its kind logs it, while ``user`` may still see what the job prints for."""
    if job.kind == PrintJob.Kind.DISCLOSURE:
        from privacy.services.disclosure_prints import disclosure_download_record  # that module builds on this one

        return disclosure_download_record(job=job, user=user, path=path)
    items: list[str]
    if job.incident is not None:
        if not incidents_visible_to(user).filter(pk=job.incident_id).exists():
            return False  # the incident register is no longer this user's to see
        items, detail = list(NOTICE_ITEMS), {"incident": job.incident.number, "letter": "notice"}
    else:
        assert job.purpose is not None  # the constraint: a job prints for a purpose, an incident or a request
        items, detail = label_items(job.purpose), {"purpose": job.purpose.code, "kind": BulkUse.Kind.LABELS_PDF}
    access_log_export(
        user=user,
        subscribers=[Numbered(pk, number) for pk, number in job.printed],
        items=items,
        export_no=job.export_no,
        path=path,
        detail={**detail, "download": str(job.pk)},
    )
    return True


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
