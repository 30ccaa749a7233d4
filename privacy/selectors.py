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
            .filter(contractor_id=user.contractor_id, contractor__is_active=True, subscriber__erased_on__isnull=True)
            .exclude(Exists(stopped))
        )
    if user.has_perm("privacy.view_workorder"):
        return WorkOrder.objects.all()
    return WorkOrder.objects.none()


def provisions_visible_to(user):
    if user.is_authenticated and user.is_active and not user.is_contractor and user.has_perm("privacy.view_provision"):
        return Provision.objects.all()
    return Provision.objects.none()


# §2(2): the purposes the declaration states (the purposes issue moves these into the database).
STATED_PURPOSES = (
    "加入申込、工事の施行、料金請求や収納業務のため。",
    "加入者に対し、施設の業務に関しての通知等を行うため。",
    "加入者の個人情報の集計、分析を行い、個人が識別、特定できないように加工した統計資料を作成し、"
    "サービスの向上及び新規サービスの開発等を行うため。",
)


def disclosure_contents(subscriber, user, *, withheld_items=()) -> dict:
    """Everything held about ``subscriber`` (■30): every data item, services, purposes, provision records.

    Built from the selectors the staff pages use, so a disclosure shows what the office sees.
    """
    from django.core.exceptions import PermissionDenied

    from privacy.data_items import ALL_ITEMS, scoped_values
    from subscribers.models import Subscriber

    subscriber = Subscriber.objects.visible_to(user).filter(pk=subscriber.pk).first()
    if subscriber is None:
        raise PermissionDenied
    disclosed = [code for code in ALL_ITEMS if code not in set(withheld_items)]
    return {
        "subscriber": subscriber,
        "as_of": timezone.localdate(),
        "items": scoped_values(subscriber, disclosed),
        "services": list(subscriber.services.order_by("started_on", "service")),
        "purposes": list(STATED_PURPOSES),
        "provisions": list(provisions_visible_to(user).filter(subscriber=subscriber).order_by("at", "id")),
    }


def requests_visible_to(user):
    """Subscribers' requests: office staff with the permission see them all; contractors never."""
    from privacy.models import SubjectRequest

    if (
        user.is_authenticated
        and user.is_active
        and not user.is_contractor
        and user.has_perm("privacy.view_subjectrequest")
    ):
        return SubjectRequest.objects.all()
    return SubjectRequest.objects.none()


def provision_stops_in_force(subscriber):
    return ProvisionStop.objects.in_force().filter(subscriber=subscriber).select_related("request")


def subscribers_usable_for(purpose, *, on=None):
    """The one rule for who may be used for ``purpose`` (§2(2)–(3)); every bulk use calls it.

    A stated purpose covers every subscriber, any other only those whose consent is in force; nobody
    whose use was suspended by a request, nobody erased, and former subscribers only where the purpose
    says so (statistics over the years). Staff paths combine it with ``Subscriber.objects.visible_to``.
    """
    from privacy.models import Consent
    from subscribers.models import Subscriber

    on = on or timezone.localdate()
    if not purpose.is_in_force(on):
        return Subscriber.objects.none()
    qs = Subscriber.objects.filter(erased_on__isnull=True, use_suspended_on__isnull=True)
    if not purpose.covers_former_subscribers:
        qs = qs.exclude(status=Subscriber.Status.TERMINATED)
    if purpose.stated_in_declaration:
        return qs
    consented = Consent.objects.in_force(on).filter(subscriber=OuterRef("pk"), purpose=purpose)
    return qs.filter(Exists(consented))
