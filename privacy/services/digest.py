"""The daily deadline digest: each department's officers learn what is due soon and what is overdue."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.deadlines import nth_open_day_after
from privacy.models import Appeal, Complaint, DeadlineDigest, Department, Incident, SubjectRequest, User
from privacy.roles import Role
from privacy.selectors.complaints import complaints_due
from privacy.selectors.handovers import handovers_overdue, work_sheets_overdue
from privacy.selectors.incidents import incident_reports_due

DIGEST_OPEN_DAYS = 5


def digest_requests(department: Department, today: date) -> tuple[list, list]:
    """(overdue, due within 5 open days) of the department's open requests."""
    open_requests = SubjectRequest.objects.filter(department=department).select_related("subscriber").by_due_date()
    overdue = list(open_requests.overdue(today))
    due_soon = list(open_requests.due_within(today, nth_open_day_after(today, DIGEST_OPEN_DAYS)))
    return overdue, due_soon


def department_officers(department: Department) -> list[str]:
    officers = User.objects.filter(is_active=True, department=department, groups__name=Role.OFFICER)
    emails = {u.email for u in officers if u.email}
    if (
        department.responsible_officer
        and department.responsible_officer.is_active
        and department.responsible_officer.email
    ):
        emails.add(department.responsible_officer.email)
    return sorted(emails)


def deadline_digest_send(*, department: Department, today: date) -> DeadlineDigest | None:
    """Send the department's digest for ``today`` unless it went already or there is nothing to tell."""
    overdue, due_soon = digest_requests(department, today)
    last_day = nth_open_day_after(today, DIGEST_OPEN_DAYS)
    # Every department's officers hear of every incident report due: the register is the office's, not a desk's.
    incidents = incident_reports_due(Incident.objects.all(), today=today, last_day=last_day)
    # The department's complaints awaiting a reply: overdue, and due within the same open days.
    complaints = complaints_due(Complaint.objects.filter(department=department), today=today, last_day=last_day)
    # Appeals whose review board must be consulted by then (art. 105; the office's configured days).
    appeals = list(
        Appeal.objects.filter(department=department)
        .awaiting_consultation()
        .filter(consult_due_on__lte=last_day)
        .select_related("request")
        .order_by("consult_due_on", "number")
    )
    # Hand-overs past their day to return or destroy (■19(2)④): the office's, told to every department's officers.
    handovers = list(handovers_overdue(today))
    sheets = work_sheets_overdue(today)
    recipients = department_officers(department)
    if not (overdue or due_soon or incidents or complaints or appeals or handovers or sheets) or not recipients:
        return None
    try:
        with transaction.atomic():
            # The row first: a second run the same day (a retry, a second beat) finds it and sends nothing.
            digest = DeadlineDigest.objects.create(
                department=department, sent_on=today, recipients=recipients, request_count=len(overdue) + len(due_soon)
            )
            context = {
                "department": department,
                "today": today,
                "overdue": overdue,
                "due_soon": due_soon,
                "open_days": DIGEST_OPEN_DAYS,
                "incidents": incidents,
                "complaints": complaints,
                "appeals": appeals,
                "handovers": handovers,
                "sheets": sheets,
            }
            subject = _("[MCTV] Deadlines: %(overdue)d overdue, %(soon)d due soon, %(incidents)d incident reports") % {
                "overdue": len(overdue),
                "soon": len(due_soon),
                "incidents": len(incidents),
            }
            if complaints:
                subject += _(", %(complaints)d complaints awaiting a reply") % {"complaints": len(complaints)}
            if appeals:
                subject += _(", %(appeals)d appeals awaiting the review board") % {"appeals": len(appeals)}
            if handovers or sheets:
                subject += _(", %(handovers)d hand-overs not confirmed returned") % {
                    "handovers": len(handovers) + len(sheets)
                }
            send_mail(
                subject=subject,
                message=render_to_string("privacy/email/deadline_digest.txt", context),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
    except IntegrityError:
        return None
    return digest


def deadline_digest_send_all(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return sum(deadline_digest_send(department=d, today=today) is not None for d in Department.objects.all())
