"""Who a bulk hand-over reaches, and which hand-overs are out with a contractor (§2(1), §6(3), ■19(2)④)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv import dates
from privacy import deadlines
from privacy.models import (
    AgreementKind,
    BulkHandover,
    ConfidentialityAgreement,
    Provision,
    ProvisionStop,
    Purpose,
    SheetRetrieval,
    WorkOrder,
)
from privacy.models.disclosures import ProvisionStopScope
from privacy.selectors.purposes import subscribers_usable_by
from subscribers.models import Subscriber

from .access import Viewer, staff_with_permission


def handover_candidates(user: Viewer, purpose: Purpose, *, at: datetime | None = None) -> QuerySet[Subscriber]:
    """The subscribers a hand-over for ``purpose`` reaches: those the purpose may be used for
    (``subscribers_usable_by``: stated or consented, not suspended, erased or voided) less those who stopped
    provision to contractors (§6(3)).
    The gate checks each of them again."""
    at = at or timezone.now()
    stopped = ProvisionStop.objects.in_force(at).filter(subscriber=OuterRef("pk"), scope=ProvisionStopScope.CONTRACTORS)
    usable = subscribers_usable_by(user, purpose, on=timezone.localdate(at))
    return usable.exclude(Exists(stopped)).order_by("number")


def handovers_visible_to(user: Viewer) -> QuerySet[BulkHandover]:
    """Staff who may see hand-overs see all of them (an office-wide record, like the provision log)."""
    if staff_with_permission(user, "privacy.view_bulkhandover"):
        return BulkHandover.objects.select_related("contractor", "purpose", "agreement")
    return BulkHandover.objects.none()


def handovers_overdue(today: date | None = None) -> QuerySet[BulkHandover]:
    """Out with the contractor past the day to return or destroy by: the dashboard and the digest show them."""
    today = today or timezone.localdate()
    return BulkHandover.objects.overdue(today).select_related("contractor").order_by("return_by", "number")


@dataclass(frozen=True)
class SheetOut:
    """A printed work sheet (a paper provision), or media handed over for a work order, still with the contractor,
    and the day to return or destroy it by."""

    provision: Provision
    work_order: WorkOrder
    return_by: date


DEFAULT_RETURN_DAYS = ConfidentialityAgreement._meta.get_field("return_within_days").get_default()


def work_sheets_out(work_order: WorkOrder | None = None) -> list[SheetOut]:
    """Printed work sheets and media of open work orders not yet recorded as returned or destroyed (closing a work order
    records what became of all its sheets), each with its day counted from the printing by the days of the
    contractor's agreement in force on that day (``deadlines.return_by``)."""
    orders = WorkOrder.objects.open() if work_order is None else WorkOrder.objects.filter(pk=work_order.pk)
    sheets = list(sheets_not_retrieved(orders))
    days_of = _return_days({(s.work_order.contractor_id, timezone.localdate(s.at)) for s in sheets if s.work_order})
    out = []
    for sheet in sheets:
        order = sheet.work_order
        assert order is not None  # filtered on its work order
        printed = timezone.localdate(sheet.at)
        out.append(SheetOut(sheet, order, deadlines.return_by(printed, days_of[(order.contractor_id, printed)])))
    return out


def sheets_not_retrieved(orders: QuerySet[WorkOrder]) -> QuerySet[Provision]:
    """The copies left with contractors for ``orders`` and not recorded as returned or destroyed, oldest first: read
    through the partial index ``provision_copies``, not the whole provision log."""
    retrieved = SheetRetrieval.objects.filter(work_order=OuterRef("work_order"), provision_id=OuterRef("pk"))
    return (
        Provision.objects.copies_left()
        .filter(work_order__in=orders)
        .exclude(Exists(retrieved))
        .select_related("work_order__contractor")
        .order_by("at")
    )


def _return_days(keys: set[tuple[int, date]]) -> dict[tuple[int, date], int]:
    """For each (contractor, day), the days to return or destroy of the contractor's construction agreement in force
    that day — a work sheet is for a work order, which only such an agreement covers — the one expiring last, as
    ``Contractor.agreement_in_force(kind=…)`` chooses, else the default: one query for all of them."""
    if not keys:
        return {}
    days = [d for _, d in keys]
    candidates = (
        ConfidentialityAgreement.objects.in_force_between(min(days), max(days))
        .filter(contractor_id__in={c for c, _ in keys}, kind=AgreementKind.CONSTRUCTION)
        .order_by("-expires_on")
        .values_list("contractor_id", "signed_on", "expires_on", "return_within_days")
    )
    by_contractor: dict[int, list[tuple[date, date, int]]] = {}
    for contractor_id, signed_on, expires_on, return_days in candidates:
        by_contractor.setdefault(contractor_id, []).append((signed_on, expires_on, return_days))
    return {
        (contractor_id, day): next(
            (n for signed, expires, n in by_contractor.get(contractor_id, []) if signed <= day <= expires),
            DEFAULT_RETURN_DAYS,
        )
        for contractor_id, day in keys
    }


def work_sheets_overdue(today: date | None = None) -> list[SheetOut]:
    today = today or timezone.localdate()
    return sorted((s for s in work_sheets_out() if s.return_by < today), key=lambda s: (s.return_by, s.provision.pk))


def handovers_of_contractor(contractor_id: int) -> QuerySet[BulkHandover]:
    """The portal's list: this contractor's hand-overs still out with it."""
    return BulkHandover.objects.out().filter(contractor_id=contractor_id).order_by("return_by", "number")


def handover_incident_initial(handover: BulkHandover) -> dict:
    """An incident form begun from a hand-over not confirmed returned or destroyed (§11, ■19(2)④): the items, the
    subscribers handed over (from its provision records) and a description that names and links the hand-over."""
    numbers = Provision.objects.filter(handover=handover).order_by("subscriber_number")
    return {
        "items": handover.items,
        "subscriber_numbers": "\n".join(numbers.values_list("subscriber_number", flat=True)),
        "description": _(
            "The return or destruction of hand-over %(number)s to %(contractor)s, due by %(due)s, has not been "
            "confirmed (%(url)s)."
        )
        % {
            "number": handover.number,
            "contractor": handover.contractor.name,
            "due": dates.long(handover.return_by) if handover.return_by else "—",
            "url": reverse("privacy:handover_detail", args=[handover.pk]),
        },
    }
