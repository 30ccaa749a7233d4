"""The provision log (■25) and the stops of provision in force (§6(3))."""

from django.db.models import Exists, OuterRef, QuerySet

from privacy.models import Provision, ProvisionStop, SheetRetrieval, SubjectRequest
from privacy.models.request_rules import RequestKind
from subscribers.models import Subscriber

from .access import Viewer, staff_with_permission


def provisions_visible_to(user: Viewer) -> QuerySet[Provision]:
    if staff_with_permission(user, "privacy.view_provision"):
        return Provision.objects.all()
    return Provision.objects.none()


def provision_stops_in_force(subscriber: Subscriber) -> QuerySet[ProvisionStop]:
    return ProvisionStop.objects.in_force().filter(subscriber=subscriber).select_related("request")


# The kinds of request that, once decided, stop what a contractor may be given of the subscriber.
STOPPING_KINDS = (RequestKind.STOP_CONTRACTORS, RequestKind.SUSPENSION, RequestKind.ERASURE)


def contractor_provision_stopped(subscriber: Subscriber) -> bool:
    """Nothing of the subscriber may reach a contractor: a decided stop of provision to contractors, or of use."""
    return subscriber.use_suspended_on is not None or (
        provision_stops_in_force(subscriber).filter(scope=ProvisionStop.Scope.CONTRACTORS).exists()
    )


def pending_stop_requests(subscriber: Subscriber) -> QuerySet[SubjectRequest]:
    """Requests not yet decided whose decision may stop provision to contractors."""
    return SubjectRequest.objects.open().filter(subscriber=subscriber, kind__in=STOPPING_KINDS, decided_at=None)


def sheets_to_retrieve(subscribers: QuerySet[Subscriber] | list[Subscriber], work_order=None) -> QuerySet[Provision]:
    """Work sheets (printed, downloaded) and media of stopped subscribers not yet recorded as returned or destroyed."""
    sheets = (
        Provision.objects.copies_left()
        .filter(work_order__isnull=False, subscriber__in=subscribers)
        .select_related("work_order")
    )
    if work_order is not None:
        sheets = sheets.filter(work_order=work_order)
    retrieved = SheetRetrieval.objects.filter(work_order=OuterRef("work_order"), provision_id=OuterRef("pk"))
    return sheets.exclude(Exists(retrieved)).order_by("at")


def sheets_to_retrieve_of(subscriber: Subscriber) -> QuerySet[Provision] | list[Provision]:
    """The subscriber's printed sheets still out, once a stop is in force (before it, a sheet is in its place)."""
    return sheets_to_retrieve([subscriber]) if contractor_provision_stopped(subscriber) else []
