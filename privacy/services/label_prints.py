"""Address label prints by purpose: a small print answered at once, a large one made by a worker as a print job
(``print_jobs``: the progress bar, the file kept ``PRINT_JOB_KEEP_HOURS``).

Who is printed is decided by ``subscribers_usable_by`` alone — when the staff member asks, and again by the
worker for the job's subscribers (a use suspended meanwhile is left out). Every print is logged as the direct print
always was: one bulk use and one access-log row per subscriber naming the file (export #N) and the items on it,
written when the file is made; each download of a job's file writes the access-log rows again, by who fetched it.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from privacy.address_labels import LABEL_FIELDS, labels_pdf
from privacy.data_items import DataItem
from privacy.label_sheets import SHEETS, LabelSheet
from privacy.models import BulkUse, PrintJob, Purpose, User
from privacy.selectors.purposes import subscribers_usable_by
from privacy.services.access_log import Numbered, access_log_export, export_number_reserve
from privacy.services.print_jobs import Made, job_enqueue, job_fail, job_started
from privacy.services.purposes import bulk_use_record
from subscribers.models import Subscriber


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
    transaction.on_commit(lambda: job_enqueue(job.pk))
    return job


def labels_render(job: PrintJob) -> Made | None:
    """The worker's part of a labels job: the purpose's rule again, for the subscribers chosen when asked."""
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


def labels_download_logged(*, job: PrintJob, user: User, path: str) -> bool:
    """A download of a labels job's file: an access-log row per subscriber on it, naming the file and the items."""
    assert job.purpose is not None  # the constraint: a labels job prints for a purpose
    access_log_export(
        user=user,
        subscribers=[Numbered(pk, number) for pk, number in job.printed],
        items=label_items(job.purpose),
        export_no=job.export_no,
        path=path,
        detail={"purpose": job.purpose.code, "kind": BulkUse.Kind.LABELS_PDF, "download": str(job.pk)},
    )
    return True
