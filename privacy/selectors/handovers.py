"""Who a bulk hand-over reaches, and which hand-overs are out with a contractor (§2(1), §6(3), ■19(2)④)."""

from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv import dates
from privacy.models import BulkHandover, Provision, ProvisionStop, Purpose
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
