"""Daily Celery jobs of the privacy capabilities. Each takes plain values, re-reads, and is idempotent."""

from celery import shared_task
from django.utils.dateparse import parse_date

from privacy.services.digest import deadline_digest_send_all


@shared_task(name="privacy.send_deadline_digests", acks_late=True)
def send_deadline_digests(today: str | None = None) -> int:
    """E-mail each department's officers the requests due within 5 open days and those overdue; once a day."""
    return deadline_digest_send_all(today=parse_date(today) if today else None)
