"""Subscribers' requests (§5): who sees them, and what a disclosure holds (■30)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone

from privacy.data_items import ALL_ITEMS, scoped_values
from privacy.models import Consultation, SubjectRequest
from subscribers.models import Subscriber

from .access import Viewer, staff_with_permission
from .provisions import provisions_visible_to
from .purposes import purposes_of


def requests_visible_to(user: Viewer) -> QuerySet[SubjectRequest]:
    """Subscribers' requests: office staff with the permission see them all; contractors never."""
    if staff_with_permission(user, "privacy.view_subjectrequest"):
        return SubjectRequest.objects.all()
    return SubjectRequest.objects.none()


def requests_with_names_for(user: Viewer, requests: QuerySet[SubjectRequest]) -> QuerySet[SubjectRequest]:
    """Each request with ``subscriber_name``: the registry's name of its subscriber, only where the registry's
    own rule (``Subscriber.objects.visible_to``) lets ``user`` see that subscriber — else empty."""
    name = Subquery(
        Subscriber.objects.visible_to(user)
        .filter(pk=OuterRef("subscriber_id"))
        .annotate(name=Concat("family_name", Value(" "), "given_name", output_field=CharField()))
        .values("name")[:1]
    )
    return requests.annotate(subscriber_name=name)


def consultations_visible_to(user: Viewer) -> QuerySet[Consultation]:
    """Consultations: office staff with the permission; contractors never."""
    if staff_with_permission(user, "privacy.view_consultation"):
        return Consultation.objects.all()
    return Consultation.objects.none()


def disclosed_items(withheld_items=()) -> list[str]:
    """The data items a disclosure shows: every item but those the decision withholds."""
    withheld = set(withheld_items)
    return [code for code in ALL_ITEMS if code not in withheld]


def disclosure_line_count(subscriber: Subscriber, user: Viewer) -> int:
    """How many provision records the disclosure lists: its length, before it is laid out."""
    return provisions_visible_to(user).filter(subscriber=subscriber).count()


def disclosure_contents(subscriber: Subscriber, user: Viewer, *, withheld_items=()) -> dict[str, Any]:
    """Everything held about ``subscriber`` (■30): every data item, services, purposes, provision records.

    Built from the selectors the staff pages use, so a disclosure shows what the office sees.
    """
    found = Subscriber.objects.visible_to(user).filter(pk=subscriber.pk).first()
    if found is None:
        raise PermissionDenied
    today = timezone.localdate()
    return {
        "subscriber": found,
        "as_of": today,
        "items": scoped_values(found, disclosed_items(withheld_items)),
        "services": list(found.services.order_by("started_on", "service")),
        "purposes": [f"{p.title}：{p.description}" for p in purposes_of(found, on=today)],
        "consents": list(found.consents.select_related("purpose").order_by("given_on", "id")),
        "provisions": list(provisions_visible_to(user).filter(subscriber=found).order_by("at", "id")),
    }
