"""A long disclosure (■30, art. 76) made by a worker as a print job.

A disclosure listing more than ``DISCLOSURE_SYNC_MAX_LINES`` provision records is asked for on the request's page
and made by a worker as a print job (``print_jobs``: the progress bar, the file kept ``PRINT_JOB_KEEP_HOURS``).
What the file holds is decided when it is made, by ``disclosure_contents`` for the staff member who asked, as the
direct print's is. The making is written to the access log under the file's export number; each download writes
it again, by who fetched it, and is recorded on the request as a hand-over naming the file, as each direct print
is recorded. A person's erasure deletes the file (``print_jobs_delete_naming``).
"""

import io
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from privacy import letters
from privacy.models import PrintJob, SubjectRequest, User
from privacy.selectors.requests import disclosed_items, disclosure_line_count, requests_visible_to
from privacy.services.access_log import access_log_export, export_number_reserve
from privacy.services.print_jobs import Made, job_enqueue, job_fail, job_started
from privacy.services.request_decisions import request_check_handover, request_record_handover
from subscribers.models import Subscriber

# Who hands a disclosure over (the request page's buttons), and so who may ask for, make and fetch its job.
DISCLOSURE_PERMISSION = "privacy.change_subjectrequest"


def disclosure_lines(request: SubjectRequest, user: User) -> int:
    """The provision records the disclosure lists, as ``user`` would make it."""
    assert request.subscriber is not None  # only a registered person's data is disclosed (request_decide)
    return disclosure_line_count(request.subscriber, user)


def disclosure_is_long(request: SubjectRequest, user: User) -> bool:
    """Whether the disclosure is a worker's to make: more provision records than the office prints at once."""
    return disclosure_lines(request, user) > settings.DISCLOSURE_SYNC_MAX_LINES


def disclosure_pages_estimate(lines: int) -> int:
    """The pages a disclosure of so many provision lines runs to, for the progress bar until the file is made:
    the letter and the items on the first pages, then about ``letters.LINES_PER_PAGE`` lines a page."""
    return 2 + -(-lines // letters.LINES_PER_PAGE)


def disclosure_job_create(*, request: SubjectRequest, user: User, path: str) -> PrintJob:
    """Checked as a hand-over is (granted, the fee paid or waived), the file's number reserved; sent once
    committed. Raises ``ValidationError`` with the reason where nothing may be handed over yet."""
    with transaction.atomic():
        request = request_check_handover(request)
        lines = disclosure_lines(request, user)
        job = PrintJob.objects.create(
            kind=PrintJob.Kind.DISCLOSURE,
            created_by=user,
            request=request,
            path=path[:300],
            subscriber_ids=[request.subscriber_id],
            count=lines,
            sheets=disclosure_pages_estimate(lines),
            export_no=export_number_reserve(),
            expires_at=timezone.now() + timedelta(hours=settings.PRINT_JOB_KEEP_HOURS),
        )
        transaction.on_commit(lambda: job_enqueue(job.pk))
    return job


def _log(*, request: SubjectRequest, user: User, path: str, export_no: int, download: str = "") -> None:
    assert request.subscriber is not None  # the constraint: a disclosure job names a granted request
    access_log_export(
        user=user,
        subscribers=[request.subscriber],
        items=disclosed_items(request.withheld_items),
        export_no=export_no,
        path=path,
        detail={"export": "disclosure.pdf", "request": request.number, **({"download": download} if download else {})},
    )


def _may_see_subscriber(user: User, request: SubjectRequest) -> bool:
    """The registry's own rule, as ``disclosure_contents`` applies it to the direct print."""
    return Subscriber.objects.visible_to(user).filter(pk=request.subscriber_id).exists()


def disclosure_render(job: PrintJob) -> Made | None:
    """The worker's part: the asker may still hand the disclosure over, and it is made as they would see it now."""
    user = job.created_by
    assert job.request_id is not None  # the constraint: a disclosure job names its request
    request = requests_visible_to(user).select_related("subscriber").filter(pk=job.request_id).first()
    if not (user.is_active and user.has_perm(DISCLOSURE_PERMISSION)) or request is None:
        job_fail(job.pk, "PermissionDenied: the account may no longer hand the disclosure over")
        return None
    if not _may_see_subscriber(user, request):
        job_fail(job.pk, "PermissionDenied: the account may no longer see the subscriber's record")
        return None
    try:
        request = request_check_handover(request)
    except (PermissionDenied, ValidationError) as refusal:
        job_fail(job.pk, f"{type(refusal).__name__}: the disclosure may not be handed over")
        return None
    assert request.subscriber is not None  # a disclosure granted names its subscriber
    lines = disclosure_lines(request, user)
    on_page = job_started(job, count=lines, pages=disclosure_pages_estimate(lines))
    pdf = letters.disclosure_pdf(request, user, on_page=on_page)
    return Made(
        pdf=pdf,
        printed=[[request.subscriber.pk, request.subscriber.number]],
        count=lines,
        pages=len(PdfReader(io.BytesIO(pdf)).pages),
        log=lambda: _log(request=request, user=user, path=job.path, export_no=job.export_no),
    )


def disclosure_download_logged(*, job: PrintJob, user: User, path: str) -> bool:
    """A download of the disclosure's file hands it over: recorded on the request (naming the file) and in the
    access log, while ``user`` may still hand it over — see the request and its subscriber, as the direct print
    must (``disclosure_contents``), and the request still granted with no fee outstanding. Returns whether it may
    be fetched."""
    assert job.request_id is not None  # the constraint: a disclosure job names its request
    request = requests_visible_to(user).filter(pk=job.request_id).first()
    if request is None or not user.has_perm(DISCLOSURE_PERMISSION):
        return False
    if not _may_see_subscriber(user, request):
        return False
    try:
        request_record_handover(request=request, user=user, form="pdf", export_no=job.export_no)
    except (PermissionDenied, ValidationError):
        return False
    _log(request=request, user=user, path=path, export_no=job.export_no, download=str(job.pk))
    return True
