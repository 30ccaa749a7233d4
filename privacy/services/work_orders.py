"""Work orders: what a contractor may see of one subscriber and when (§6(1)), never beyond its agreement."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.data_items import item_labels, normalize_items, unknown_items
from privacy.models import WorkOrder
from subscribers.models import NumberSequence

WORK_ORDER_SEQUENCE = "work_order"


def _validate_scope(*, contractor, kind, items, access_from: date, access_until: date) -> list[str]:
    """The items: what the kind of work needs or fewer (§6(1)), within the agreement covering the whole window."""
    if unknown_items(items):
        raise ValidationError({"items": _("An unknown data item was named.")})
    items = normalize_items(items)
    if not items:
        raise ValidationError({"items": _("Choose at least one data item.")})
    beyond_work = set(items) - set(kind.default_items)
    if beyond_work:
        raise ValidationError(
            {
                "items": _("Not needed for this kind of work: %(items)s.")
                % {"items": "、".join(item_labels(beyond_work))}
            }
        )
    agreement = contractor.agreement_in_force(access_from)
    if agreement is None or agreement.expires_on < access_until:
        raise ValidationError(
            {"contractor": _("The contractor has no confidentiality agreement in force for the whole access window.")}
        )
    beyond = set(items) - set(agreement.items)
    if beyond:
        raise ValidationError(
            {"items": _("Outside the contractor's agreement: %(items)s.") % {"items": "、".join(item_labels(beyond))}}
        )
    return items


@transaction.atomic
def work_order_create(
    *, subscriber, contractor, kind, scheduled_on, access_from, access_until, user, items=None, note=""
) -> WorkOrder:
    """A new work order; its items default to what the kind of work needs and may only be narrowed."""
    items = _validate_scope(
        contractor=contractor,
        kind=kind,
        items=kind.default_items if not items else items,
        access_from=access_from,
        access_until=access_until,
    )
    (value,) = NumberSequence.reserve(WORK_ORDER_SEQUENCE)
    order = WorkOrder(
        number=f"W{value:07d}",
        subscriber=subscriber,
        contractor=contractor,
        kind=kind,
        scheduled_on=scheduled_on,
        access_from=access_from,
        access_until=access_until,
        items=items,
        note=note,
    )
    order.full_clean()
    order._history_user = user
    order.save()
    return order


@transaction.atomic
def work_order_update(*, work_order: WorkOrder, user, **fields) -> WorkOrder:
    order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if order.status != WorkOrder.Status.OPEN:
        raise ValidationError(_("A closed work order cannot be changed."))
    for name, value in fields.items():
        setattr(order, name, value)
    order.items = _validate_scope(
        contractor=order.contractor,
        kind=order.kind,
        items=order.items,
        access_from=order.access_from,
        access_until=order.access_until,
    )
    order.full_clean()
    order._history_user = user
    order.save()
    return order


@transaction.atomic
def work_order_close(
    *, work_order: WorkOrder, user, sheet_disposition: str, sheet_disposition_on: date | None, cancelled=False
) -> WorkOrder:
    """Close (or cancel) the work: the portal stops at once, and what became of paper sheets is recorded (■19)."""
    order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if order.status != WorkOrder.Status.OPEN:
        raise ValidationError(_("The work order is already closed."))
    if sheet_disposition != WorkOrder.SheetDisposition.NONE_ISSUED and not sheet_disposition_on:
        raise ValidationError({"sheet_disposition_on": _("Enter the date the sheets were returned or destroyed.")})
    order.status = WorkOrder.Status.CANCELLED if cancelled else WorkOrder.Status.CLOSED
    order.closed_at, order.closed_by = timezone.now(), user
    order.sheet_disposition, order.sheet_disposition_on = sheet_disposition, sheet_disposition_on
    order.full_clean()
    order._history_user = user
    order.save()
    return order
