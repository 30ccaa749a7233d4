"""Work orders: what a contractor may see of one subscriber and when (§6(1)), never beyond its agreement."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mctv.db import stamp_history
from mctv.transitions import Lifecycle, TransitionError, set_status
from privacy.data_items import item_labels, normalize_items, scoped_values, unknown_items
from privacy.models import AgreementKind, Contractor, Provision, SheetRetrieval, User, WorkKind, WorkOrder
from privacy.models.disclosures import PORTAL_SHEET_PURPOSE
from privacy.pdf import render_pdf
from privacy.services.provision import provision_record
from subscribers.models import NumberSequence, Subscriber

WORK_ORDER_SEQUENCE = "work_order"
Status = WorkOrder.Status

# Open until the work is done or called off; either way the portal stops showing it.
WORK_ORDER_LIFECYCLE = Lifecycle(
    Status,
    {
        Status.OPEN: frozenset({Status.CLOSED, Status.CANCELLED}),
        Status.CLOSED: frozenset(),
        Status.CANCELLED: frozenset(),
    },
)


def _validate_scope(
    *, contractor: Contractor, kind: WorkKind, items: Iterable[str], access_from: date, access_until: date
) -> list[str]:
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
    if not contractor.redelegation_permitted(access_from):
        raise ValidationError({"contractor": _("A sub-contractor receives work only while re-delegation is allowed.")})
    agreement = contractor.agreement_in_force(access_from, kind=AgreementKind.CONSTRUCTION)
    if agreement is None or agreement.expires_on < access_until:
        raise ValidationError(
            {
                "contractor": _(
                    "The contractor has no confidentiality agreement for construction work in force for the whole "
                    "access window."
                )
            }
        )
    beyond = set(items) - set(agreement.items)
    if beyond:
        raise ValidationError(
            {"items": _("Outside the contractor's agreement: %(items)s.") % {"items": "、".join(item_labels(beyond))}}
        )
    return items


@transaction.atomic
def work_order_create(
    *,
    subscriber: Subscriber,
    contractor: Contractor,
    kind: WorkKind,
    scheduled_on: date,
    access_from: date,
    access_until: date,
    user: User,
    items: Iterable[str] | None = None,
    note: str = "",
) -> WorkOrder:
    """A new work order; its items default to what the kind of work needs and may only be narrowed."""
    if not subscriber.holds_personal_data:
        raise ValidationError(_("This subscriber's personal data has been erased."))
    if subscriber.status == Subscriber.Status.VOIDED:
        raise ValidationError(_("This registration was voided as made by mistake: no work order."))
    if subscriber.use_suspended_on is not None:
        raise ValidationError(_("The use of this subscriber's personal data is suspended: no new work order."))
    items = _validate_scope(
        contractor=contractor,
        kind=kind,
        items=items or kind.default_items,
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
    stamp_history(order, user=user)
    order.save()
    return order


@transaction.atomic
def work_order_update(*, work_order: WorkOrder, user: User, **fields: Any) -> WorkOrder:
    order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if not order.is_open:
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
    stamp_history(order, user=user)
    order.save()
    return order


@transaction.atomic
def work_order_close(
    *,
    work_order: WorkOrder,
    user: User,
    sheet_disposition: str,
    sheet_disposition_on: date | None,
    outcome: str = Status.CLOSED,
) -> WorkOrder:
    """Close (or cancel, ``outcome``) the work: the portal stops at once, and what became of paper sheets is
    recorded (■19)."""
    order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if not order.is_open:
        raise TransitionError(_("The work order is already closed."), code="wrong_status")
    if sheet_disposition != WorkOrder.SheetDisposition.NONE_ISSUED and not sheet_disposition_on:
        raise ValidationError({"sheet_disposition_on": _("Enter the date the sheets were returned or destroyed.")})
    order.closed_at, order.closed_by = timezone.now(), user
    order.sheet_disposition, order.sheet_disposition_on = sheet_disposition, sheet_disposition_on
    set_status(order, outcome, lifecycle=WORK_ORDER_LIFECYCLE, user=user)
    return order


# How the sheet leaves, as the provision record names it: printed at the office, or downloaded in the portal.
WORK_SHEET_PURPOSE: dict[str, str] = {
    Provision.Method.PAPER: "作業票",
    Provision.Method.SERVER_ACCESS: PORTAL_SHEET_PURPOSE,
}


@transaction.atomic
def work_sheet_issue(*, work_order: WorkOrder, user: User, method: str) -> tuple[Provision, bytes]:
    """A work sheet leaves the office (§6(2)): the provision passes the gate and is recorded, and the PDF holds
    exactly the items provided — in one transaction, so a record exists exactly when a sheet was made.
    Raises ``ProvisionRefused`` (and makes nothing) when the gate refuses."""
    provision = provision_record(
        subscriber=work_order.subscriber,
        items=work_order.items,
        method=method,
        basis=Provision.Basis.CONTRACTED_WORK,
        purpose=f"{work_order.kind.name}（{work_order.number}）{WORK_SHEET_PURPOSE[method]}",
        user=user,
        work_order=work_order,
        leaves_copy=True,  # printed here or downloaded in the portal: either way a sheet to come back
    )
    pdf = render_pdf(
        "pdf/work_sheet.html",
        {
            "order": work_order,
            "values": scoped_values(work_order.subscriber, provision.items),
            "provision": provision,
            "issued_at": timezone.localtime(provision.at),
        },
    )
    return provision, pdf


@transaction.atomic
def sheet_retrieval_record(
    *, work_order: WorkOrder, provision_id: int, outcome: str, on: date, how: str, user: User
) -> SheetRetrieval:
    """A printed sheet of this order came back (or its destruction was confirmed): once per sheet, on a day
    between its printing and today, saying how it was confirmed; the user recording it is the one who confirmed."""
    # A printed sheet, or electronic media handed over for the work (■19(2)④: both come back or are destroyed).
    sheet = Provision.objects.copies_left().filter(pk=provision_id, work_order=work_order).first()
    if sheet is None:
        raise ValidationError(_("No work sheet of this work order was printed under that record."))
    if not how.strip():
        raise ValidationError({"how": _("Say how the return or destruction was confirmed.")})
    if on > timezone.localdate() or on < timezone.localtime(sheet.at).date():
        raise ValidationError({"on": _("The date must lie between the printing of the sheet and today.")})
    if SheetRetrieval.objects.filter(work_order=work_order, provision_id=provision_id).exists():
        raise ValidationError(_("This sheet is already recorded as retrieved."))
    return SheetRetrieval.objects.create(
        work_order=work_order, provision_id=provision_id, outcome=outcome, on=on, how=how.strip(), recorded_by=user
    )
