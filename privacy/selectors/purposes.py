"""Who may be used for a purpose (§2(2)–(3)), and for which purposes a subscriber's data is used."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from privacy.models import Consent, Purpose
from subscribers.models import Subscriber

from .access import Viewer


def subscribers_usable_for(purpose: Purpose, *, on: date | None = None) -> QuerySet[Subscriber]:
    """The one rule for who may be used for ``purpose``; every bulk use calls it, a staff one through
    ``subscribers_usable_by``.

    A stated purpose covers every subscriber, any other only those whose consent is in force; nobody
    whose use was suspended by a request, nobody erased, never a voided registration (a mistake, never a
    contract), and former subscribers only where the purpose says so (statistics over the years).
    """
    on = on or timezone.localdate()
    if not purpose.is_in_force(on):
        return Subscriber.objects.none()
    qs = Subscriber.objects.filter(erased_on__isnull=True, use_suspended_on__isnull=True).not_voided()
    if not purpose.covers_former_subscribers:
        qs = qs.exclude(status=Subscriber.Status.TERMINATED)
    if purpose.stated_in_declaration:
        return qs
    consented = Consent.objects.in_force(on).filter(subscriber=OuterRef("pk"), purpose=purpose)
    return qs.filter(Exists(consented))


def subscribers_usable_by(user: Viewer, purpose: Purpose, *, on: date | None = None) -> QuerySet[Subscriber]:
    """The subscribers ``user`` may use for ``purpose``: the purpose's rule and the registry's visibility."""
    return subscribers_usable_for(purpose, on=on) & Subscriber.objects.visible_to(user)


def purposes_of(subscriber: Subscriber, *, on: date | None = None) -> QuerySet[Purpose]:
    """The purposes ``subscriber``'s data is held for on ``on`` (a disclosure lists them, ■30): those the
    declaration states and those the subscriber consented to — for a former subscriber, only those that cover
    former subscribers, as ``subscribers_usable_for`` says. A suspension of use stops the use, not the purposes
    the data is held for: the disclosure still names them, and the request's letter says use is suspended."""
    on = on or timezone.localdate()
    consented = Consent.objects.in_force(on).filter(subscriber=subscriber, purpose=OuterRef("pk"))
    purposes = Purpose.objects.in_force(on).filter(Q(stated_in_declaration=True) | Q(Exists(consented)))
    if subscriber.status == Subscriber.Status.VOIDED:
        return purposes.none()  # a registration made by mistake is used for nothing (subscribers_usable_for)
    if subscriber.status == Subscriber.Status.TERMINATED:
        purposes = purposes.filter(covers_former_subscribers=True)
    return purposes
