"""Reads that encode who may see what. Every path — staff views, portal, PDFs, admin, exports — calls these."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from privacy.models import Provision, ProvisionStop, WorkOrder
from privacy.models.disclosures import ProvisionStopScope


def work_orders_visible_to(user, *, at=None):
    """Contractor accounts: their own company's live work orders whose subscriber has not stopped provision.

    Office staff with the permission: every work order. Anyone else: none.
    """
    if not (user.is_authenticated and user.is_active):
        return WorkOrder.objects.none()
    if user.is_contractor:
        at = at or timezone.now()
        stopped = ProvisionStop.objects.in_force(at).filter(
            subscriber=OuterRef("subscriber"), scope=ProvisionStopScope.CONTRACTORS
        )
        return (
            WorkOrder.objects.live(timezone.localdate(at))
            .filter(contractor_id=user.contractor_id, contractor__is_active=True)
            .exclude(Exists(stopped))
        )
    if user.has_perm("privacy.view_workorder"):
        return WorkOrder.objects.all()
    return WorkOrder.objects.none()


def provisions_visible_to(user):
    if user.is_authenticated and user.is_active and not user.is_contractor and user.has_perm("privacy.view_provision"):
        return Provision.objects.all()
    return Provision.objects.none()
