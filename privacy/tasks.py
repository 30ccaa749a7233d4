"""Daily Celery jobs of the privacy capabilities. Each takes plain values, re-reads, and is idempotent."""

from datetime import date, timedelta
from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.dateparse import parse_date

from privacy.models import DisposalRun
from privacy.services.digest import deadline_digest_send_all
from privacy.services.retention import disposal_propose, disposal_purge, disposal_sweep

# A running purge that has made no progress for this long lost its chain (a crash, a lost worker): resume it.
STALE_PURGE = timedelta(hours=1)


@shared_task(
    name="privacy.send_deadline_digests",
    acks_late=True,
    # A refusing or unreachable mail server: tried again with growing pauses (each department's digest and its
    # record are one transaction, so a retry sends only what did not go).
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_deadline_digests(today: str | None = None) -> int:
    """E-mail each department's officers the requests due within 5 open days and those overdue; once a day."""
    return deadline_digest_send_all(today=parse_date(today) if today else None)


@shared_task(name="privacy.propose_disposals", acks_late=True)
def propose_disposals(today: str | None = None) -> list[int]:
    """Daily: write each class's proposal (auto-approved classes are queued at once); resume unfinished purges."""
    day = parse_date(today) if today else None
    runs = disposal_propose(today=day or timezone.localdate())
    # A purge stopped by a crash or a lost worker resumes (the purge is idempotent); one still making progress
    # within the hour is left to its own chain.
    for run_id in (
        DisposalRun.objects.to_resume(stale_before=timezone.now() - STALE_PURGE)
        .exclude(pk__in=[r.pk for r in runs])
        .values_list("pk", flat=True)
    ):
        purge_disposal_run.delay(run_id)
    return [r.pk for r in runs]


@shared_task(name="privacy.sweep_disposals", acks_late=True)
def sweep_disposals() -> list[int]:
    """Every 5 minutes: send again the purges nothing is working on (``disposal_sweep``)."""
    return disposal_sweep()


@shared_task(
    name="privacy.purge_disposal_run",
    acks_late=True,
    # The database gone for a moment: tried again with growing pauses (the purge resumes where it stopped); after
    # that the sweep takes over.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=10 * 60,
    max_retries=5,
)
def purge_disposal_run(run_id: int, batches_per_call: int = 40) -> bool:
    """Purge an approved run by id, a capped number of batches per call; re-queues itself until done."""
    done = disposal_purge(run_id=run_id, max_batches=batches_per_call)
    if not done:
        purge_disposal_run.delay(run_id, batches_per_call)
    return done


@shared_task(name="privacy.count_file_people", acks_late=True)
def count_file_people(today: str | None = None) -> int:
    """Nightly: the number of people in each personal-information file, as the register shows it; and the draft
    register brought up to date with the configuration."""
    from privacy.services.file_register import file_people_count, file_register_refresh

    day = parse_date(today) if today else None
    counted = file_people_count(today=day)
    file_register_refresh(today=day)
    return counted


@shared_task(name="privacy.review_staff_access", acks_late=True)
def review_staff_access(month: str | None = None, department_id: int | None = None) -> int:
    """Monthly: the review of staff access of ``month`` (ISO date, any day of it; default the month before today)
    for one department or all. Idempotent: the same month again adds only what is new. Returns the review's id."""
    from privacy import deadlines
    from privacy.models import Department
    from privacy.services.access_review import access_review_run

    day = date.fromisoformat(month) if month else deadlines.previous_month(timezone.localdate())
    department = Department.objects.get(pk=department_id) if department_id else None
    return access_review_run(month=day, department=department, user=None).pk


@shared_task(name="privacy.clear_expired_sessions", acks_late=True)
def clear_expired_sessions() -> None:
    """Expired staff sessions and spent form tokens go nightly (retention: both hold who was signed in and
    which page they sent, nothing else; a token only has to outlive a reload or a second click)."""
    from importlib import import_module

    from django.conf import settings

    from privacy.models import FormSubmission

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    spent_before = timezone.now() - timedelta(hours=settings.FORM_TOKEN_KEEP_HOURS)
    FormSubmission.objects.filter(submitted_at__lt=spent_before).delete()


# The name the first print jobs (address labels) were sent under: kept, so that a message queued before an upgrade
# is still understood by the worker after it.
@shared_task(name="privacy.make_label_print", acks_late=True)
def make_print_job(job_id: str) -> bool:
    """Make a large print — labels, an incident's notices, a long disclosure (a ``PrintJob`` by id); idempotent: a
    job made already is left."""
    from privacy.services.print_jobs import job_make

    return job_make(job_id)


@shared_task(name="privacy.delete_expired_print_jobs", acks_late=True)
def delete_expired_print_jobs() -> int:
    """Every quarter hour: print jobs past PRINT_JOB_KEEP_HOURS go, their files with them."""
    from privacy.services.print_jobs import print_jobs_delete_expired

    return print_jobs_delete_expired()


@shared_task(name="privacy.expire_handover_files", acks_late=True)
def expire_handover_files() -> int:
    """Every quarter hour: bulk hand-over files not fetched within HANDOVER_FILE_KEEP_HOURS are emptied."""
    from privacy.services.handovers import handovers_expire

    return handovers_expire()
