"""The provision log (■25) and the stops of provision in force (§6(3))."""

from django.db.models import QuerySet

from privacy.models import Provision, ProvisionStop
from subscribers.models import Subscriber

from .access import Viewer, staff_with_permission


def provisions_visible_to(user: Viewer) -> QuerySet[Provision]:
    if staff_with_permission(user, "privacy.view_provision"):
        return Provision.objects.all()
    return Provision.objects.none()


def provision_stops_in_force(subscriber: Subscriber) -> QuerySet[ProvisionStop]:
    return ProvisionStop.objects.in_force().filter(subscriber=subscriber).select_related("request")
