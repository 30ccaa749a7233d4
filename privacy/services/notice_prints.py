"""An incident's notices to the people affected (§11(1)①): one letter per person, each about that person only.

Up to ``NOTICES_SYNC_MAX`` letters are made in the request; more go to a worker as a print job (``print_jobs``: the
progress bar, the file kept ``PRINT_JOB_KEEP_HOURS``, every download written to
the access log). The access log names every person whose letter is in the file, under the file's export number.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from privacy.data_items import DataItem, item_labels
from privacy.models import Incident, IncidentSubscriber, PrintJob, RequestSettings, User
from privacy.pdf import render_pdf, render_pdf_in_parts
from privacy.selectors.incident_scope import incident_scope_summary
from privacy.selectors.incidents import incidents_visible_to
from privacy.services.access_log import Numbered, access_log_export, export_number_reserve
from privacy.services.print_jobs import Made, job_enqueue, job_fail, job_started
from subscribers.models import Subscriber

# What an incident's notice carries of each person: the address block (the letter's body is about the incident).
NOTICE_ITEMS = (DataItem.NUMBER, DataItem.NAME, DataItem.ADDRESS)
# Letters laid out at a time (privacy.pdf.render_pdf_in_parts): a letter is a page.
LETTERS_PER_PART = 100


@dataclass(frozen=True)
class Letter:
    """One person's letter: to whom, and which of their items the incident touched (as the letter names them)."""

    subscriber: Subscriber
    items: list[str]


def notice_people(incident: Incident, subscriber_ids: Iterable[int] | None = None) -> list[IncidentSubscriber]:
    """The people affected to write to (all of them, or those named), in subscriber-number order."""
    people = incident.affected.select_related("subscriber").order_by("subscriber__number")
    if subscriber_ids is not None:
        people = people.filter(subscriber_id__in=list(subscriber_ids))
    return list(people)


def incident_notices_pdf(
    incident: Incident, people: list[IncidentSubscriber], *, on_page: Callable[[int], None] | None = None
) -> bytes:
    """The letters. Each names the items of that person's own records where the records told (a derivation), else
    the incident's items."""
    scope = incident_scope_summary(incident)
    letters = [
        Letter(person.subscriber, item_labels(scope.items_of(person.subscriber.number, incident.items)))
        for person in people
    ]
    common = {
        "incident": incident,
        "items": item_labels(scope.items),
        "issued_on": timezone.localdate(),
        "settings": RequestSettings.current(),
    }
    # A part of LETTERS_PER_PART letters at a time; each letter keeps its number in the whole (first + counter).
    parts = (
        {**common, "affected": letters[at : at + LETTERS_PER_PART], "first": at}
        for at in range(0, len(letters), LETTERS_PER_PART)
    )
    if len(letters) <= LETTERS_PER_PART:
        return render_pdf("pdf/incident_notices.html", {**common, "affected": letters, "first": 0}, on_page=on_page)
    return render_pdf_in_parts("pdf/incident_notices.html", parts, on_page=on_page)


def _log(*, incident: Incident, people: list[IncidentSubscriber], user: User, path: str, export_no: int) -> None:
    access_log_export(
        user=user,
        subscribers=[person.subscriber for person in people],
        items=list(NOTICE_ITEMS),
        export_no=export_no,
        path=path,
        detail={"incident": incident.number, "letter": "notice"},
    )


def notices_print_now(
    *, incident: Incident, people: list[IncidentSubscriber], user: User, path: str
) -> tuple[bytes, int]:
    """A few letters, answered at once: the PDF and its export number, logged in one transaction."""
    with transaction.atomic():
        export_no = export_number_reserve()
        _log(incident=incident, people=people, user=user, path=path, export_no=export_no)
        pdf = incident_notices_pdf(incident, people)
    return pdf, export_no


def notices_job_create(*, incident: Incident, people: list[IncidentSubscriber], user: User, path: str) -> PrintJob:
    """Many letters, for a worker: the people chosen now, the file's number reserved; sent once committed."""
    job = PrintJob.objects.create(
        kind=PrintJob.Kind.INCIDENT_NOTICES,
        created_by=user,
        incident=incident,
        path=path[:300],
        subscriber_ids=[person.subscriber_id for person in people],
        count=len(people),
        sheets=len(people),  # a page a letter, until the worker counts them
        export_no=export_number_reserve(),
        expires_at=timezone.now() + timedelta(hours=settings.PRINT_JOB_KEEP_HOURS),
    )
    transaction.on_commit(lambda: job_enqueue(job.pk))
    return job


def notices_render(job: PrintJob) -> Made | None:
    """The worker's part of a notices job: the asker may still change the incident, and the letter's text is there."""
    user = job.created_by
    incident = incidents_visible_to(user).filter(pk=job.incident_id).first()
    if not (user.is_active and user.has_perm("privacy.change_incident")) or incident is None:
        job_fail(job.pk, "PermissionDenied: the account may no longer print the incident's notices")
        return None
    if not incident.notice_text:
        job_fail(job.pk, "ValidationError: the notice's text was removed")
        return None
    people = notice_people(incident, job.subscriber_ids)
    if not people:
        job_fail(job.pk, "ValidationError: none of the people chosen is affected by the incident any more")
        return None
    on_page = job_started(job, count=len(people), pages=len(people))  # a page a letter, as a rule
    pdf = incident_notices_pdf(incident, people, on_page=on_page)
    return Made(
        pdf=pdf,
        printed=[[person.subscriber_id, person.subscriber.number] for person in people],
        count=len(people),
        pages=len(PdfReader(io.BytesIO(pdf)).pages),  # a letter with long texts runs to a second page
        log=lambda: _log(incident=incident, people=people, user=user, path=job.path, export_no=job.export_no),
    )


def notices_download_logged(*, job: PrintJob, user: User, path: str) -> bool:
    """A download of a notices job's file: an access-log row per person on it, while the incident register is still
    ``user``'s to see."""
    assert job.incident is not None  # the constraint: a notices job prints for an incident
    if not incidents_visible_to(user).filter(pk=job.incident_id).exists():
        return False
    access_log_export(
        user=user,
        subscribers=[Numbered(pk, number) for pk, number in job.printed],
        items=list(NOTICE_ITEMS),
        export_no=job.export_no,
        path=path,
        detail={"incident": job.incident.number, "letter": "notice", "download": str(job.pk)},
    )
    return True
