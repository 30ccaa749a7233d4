"""The complaints register (declaration §12, rules ■36): who sees it, who may handle a complaint, what is due."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from privacy import deadlines
from privacy.models import Complaint, User
from privacy.models.complaints import ComplaintQuerySet
from privacy.roles import Role

from .access import Viewer, staff_with_permission

HANDLE_PERMISSION = "privacy.change_complaint"
DASHBOARD_ROWS = 100


def may_see_complaints(user: Viewer) -> bool:
    """Office staff with the permission (clerks, officers, auditors); contractors never."""
    return staff_with_permission(user, "privacy.view_complaint")


def complaints_visible_to(user: Viewer) -> ComplaintQuerySet:
    return Complaint.objects.all() if may_see_complaints(user) else Complaint.objects.none()


def may_handle_complaints(user: Viewer) -> bool:
    return isinstance(user, User) and complaint_handlers().filter(pk=user.pk).exists()


def complaint_handlers() -> QuerySet[User]:
    """Who a complaint may be handed to: active office accounts whose role may change complaints (a superuser
    configures the system and handles nothing by that alone)."""
    return (
        User.objects.with_perm(HANDLE_PERMISSION, include_superusers=False, backend="privacy.auth.StaffModelBackend")
        .filter(contractor__isnull=True)
        .exclude(groups__name=Role.CONTRACTOR)
        .order_by("last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class ComplaintDue:
    """An open complaint's reply, as the dashboard and the digest show it."""

    complaint: Complaint
    today: date

    @property
    def due_on(self) -> date:
        return self.complaint.reply_due_on

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def urgency(self) -> str:
        return deadlines.urgency(self.due_on, self.today)

    @property
    def abs_days(self) -> int:
        return abs(deadlines.days_between(self.today, self.due_on))


def complaints_due(
    complaints: ComplaintQuerySet, *, today: date, last_day: date | None = None, limit: int | None = None
) -> list[ComplaintDue]:
    """The open complaints among ``complaints`` whose reply is due by ``last_day`` (all, when not given), overdue
    first, soonest next."""
    open_complaints = complaints.open().select_related("category", "handler").order_by("reply_due_on", "number")
    if last_day is not None:
        open_complaints = open_complaints.filter(reply_due_on__lte=last_day)
    if limit is not None:
        open_complaints = open_complaints[:limit]
    return [ComplaintDue(complaint, today) for complaint in open_complaints]


def complaint_rows_for_dashboard(user: Viewer, today: date) -> list[ComplaintDue]:
    """The open complaints the user may see, the most pressing first, a bounded page (the list has them all)."""
    return complaints_due(complaints_visible_to(user), today=today, limit=DASHBOARD_ROWS)
