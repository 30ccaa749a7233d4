"""Complaints about the handling of personal information (苦情処理: declaration §12, rules ■36): received, handed
to a handler, answered within the office's target, closed. Every move goes along ``COMPLAINT_LIFECYCLE``."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv import dates
from mctv.db import stamp_history
from mctv.transitions import Lifecycle, require_status, set_status
from privacy.deadlines import due_date
from privacy.models import Complaint, ComplaintCategory, RequestSettings, User
from privacy.selectors.complaints import may_handle_complaints
from subscribers.models import NumberSequence, Subscriber

Status = Complaint.Status
COMPLAINT_SEQUENCE = "complaint"

COMPLAINT_LIFECYCLE = Lifecycle(
    Status,
    {
        # A complaint is closed only once it has been answered: the reply is what ■36 asks the office to give.
        Status.OPEN: frozenset({Status.REPLIED}),
        Status.REPLIED: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset(),
    },
)


def _require(user: User, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _check_handler(handler: User) -> None:
    if not may_handle_complaints(handler):
        raise ValidationError({"handler": _("This person may not handle complaints.")})


def _check_day(field: str, day: date, earliest: date) -> None:
    """``day`` lies between ``earliest`` and today, or the field says so."""
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if day < earliest:
        raise ValidationError(
            {field: _("The date cannot be before %(earliest)s.") % {"earliest": dates.long(earliest)}}
        )


@transaction.atomic
def complaint_receive(
    *,
    user: User,
    received_on: date,
    channel: str,
    complainant_name: str,
    category: ComplaintCategory,
    summary: str,
    contact: str = "",
    subscriber: Subscriber | None = None,
    handler: User | None = None,
) -> Complaint:
    """Record a complaint: numbered, in the receiving user's department, with its reply due date counted from
    the configured days (``RequestSettings.complaint_reply_days``); the receiving user handles it unless
    another is named."""
    _require(user, "privacy.add_complaint")
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    if user.department_id is None:
        raise ValidationError(_("Your account belongs to no department; an administrator must set one."))
    if not category.active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    handler = handler or user
    _check_handler(handler)
    days = RequestSettings.current().complaint_reply_days
    (value,) = NumberSequence.reserve(COMPLAINT_SEQUENCE)
    complaint = Complaint(
        number=f"C{value:07d}",
        received_on=received_on,
        channel=channel,
        subscriber=subscriber,
        complainant_name=complainant_name.strip(),
        contact=contact.strip(),
        category=category,
        summary=summary.strip(),
        department_id=user.department_id,
        handler=handler,
        reply_due_on=due_date(received_on, days),
        received_by=user,
    )
    complaint.full_clean()
    stamp_history(complaint, user=user)
    complaint.save()
    return complaint


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_assign(*, complaint: Complaint, user: User, handler: User) -> Complaint:
    """Hand a complaint not yet closed to another handler."""
    _require(user, "privacy.change_complaint")
    complaint = _locked(complaint)
    require_status(complaint, Status.OPEN, Status.REPLIED, lifecycle=COMPLAINT_LIFECYCLE)
    _check_handler(handler)
    complaint.handler = handler
    complaint.full_clean()
    stamp_history(complaint, user=user, reason=_("Handler changed"))
    complaint.save()
    return complaint


@transaction.atomic
def complaint_reply(*, complaint: Complaint, user: User, reply: str, replied_on: date) -> Complaint:
    """Record the answer given to the complainant: on or after receipt, not in the future."""
    _require(user, "privacy.change_complaint")
    complaint = _locked(complaint)
    COMPLAINT_LIFECYCLE.check(complaint.status, Status.REPLIED, thing=str(Complaint._meta.verbose_name))
    if not reply.strip():
        raise ValidationError({"reply": _("Write down what the office answered.")})
    _check_day("replied_on", replied_on, complaint.received_on)
    complaint.reply, complaint.replied_on = reply.strip(), replied_on
    set_status(complaint, Status.REPLIED, lifecycle=COMPLAINT_LIFECYCLE, user=user)
    return complaint


@transaction.atomic
def complaint_close(*, complaint: Complaint, user: User, closed_on: date) -> Complaint:
    """Close an answered complaint: on or after the reply, not in the future. Its retention period runs from here."""
    _require(user, "privacy.change_complaint")
    complaint = _locked(complaint)
    COMPLAINT_LIFECYCLE.check(complaint.status, Status.CLOSED, thing=str(Complaint._meta.verbose_name))
    _check_day("closed_on", closed_on, complaint.replied_on or complaint.received_on)
    complaint.closed_on = closed_on
    set_status(complaint, Status.CLOSED, lifecycle=COMPLAINT_LIFECYCLE, user=user)
    return complaint
