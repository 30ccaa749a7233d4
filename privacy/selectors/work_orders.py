"""Which work orders a user may see (§6(1)): the portal's whole rule, and the staff pages'."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from privacy.models import ProvisionStop, User, WorkOrder
from privacy.models.disclosures import ProvisionStopScope
from subscribers.models import Subscriber

from .access import Viewer, staff_with_permission


def work_orders_visible_to(user: Viewer, *, at: datetime | None = None) -> QuerySet[WorkOrder]:
    """Contractor accounts: their own company's live work orders whose subscriber has neither stopped provision
    nor had the use of their data suspended — none while the company is a sub-contractor whose principal's
    agreement no longer allows re-delegation (■19(2)⑤).

    Office staff with the permission: every work order. Anyone else: none.
    """
    if isinstance(user, User) and user.is_active and user.is_contractor:
        at = at or timezone.now()
        if user.contractor is None or not user.contractor.redelegation_permitted(timezone.localdate(at)):
            return WorkOrder.objects.none()
        stopped = ProvisionStop.objects.in_force(at).filter(
            subscriber=OuterRef("subscriber"), scope=ProvisionStopScope.CONTRACTORS
        )
        return (
            WorkOrder.objects.live(timezone.localdate(at))
            .filter(
                contractor_id=user.contractor_id,
                contractor__is_active=True,
                subscriber__erased_on__isnull=True,
                subscriber__use_suspended_on__isnull=True,  # a suspension of use stops provision to contractors
            )
            .exclude(subscriber__status=Subscriber.Status.VOIDED)  # a registration made by mistake: never provided
            .exclude(Exists(stopped))
        )
    if staff_with_permission(user, "privacy.view_workorder"):
        return WorkOrder.objects.all()
    return WorkOrder.objects.none()
