"""The one gate every provision of personal data passes (§3, §4(3), §6(1)–(3), ■25).

``provision_check`` decides whether a recipient may receive given items of a
given subscriber now; ``provision_record`` checks and writes the Provision row.
Callers that hand the data over (portal pages, work-sheet PDFs, the staff
form) do so inside the same transaction, so a record exists exactly when data
left. Nothing else writes Provision rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacy.data_items import normalize_items, unknown_items
from privacy.models import (
    EXCEPTIONAL_BASES,
    Consent,
    Contractor,
    ExceptionalProvision,
    Provision,
    ProvisionStop,
    User,
    WorkOrder,
)
from privacy.models.disclosures import Basis, ProvisionStopScope
from subscribers.models import Subscriber
from subscribers.normalize import normalize_text


class Refusal:
    """Why the gate said no: a stable code (for logs and tests) and a message for staff."""

    NO_ITEMS = "no_items", _("No data items were named.")
    UNKNOWN_ITEM = "unknown_item", _("An unknown data item was named.")
    NO_AGREEMENT = "no_agreement", _("The contractor has no confidentiality agreement in force.")
    OUTSIDE_AGREEMENT = "outside_agreement", _("An item is outside the contractor's agreement.")
    NO_WORK_ORDER = "no_work_order", _("Provision to a contractor needs one of its work orders.")
    WORK_ORDER_MISMATCH = "work_order_mismatch", _("The work order is for another subscriber or contractor.")
    WORK_ORDER_CLOSED = "work_order_closed", _("The work order is closed.")
    OUTSIDE_WINDOW = "outside_window", _("The work order's access window is not open now.")
    OUTSIDE_WORK_ORDER = "outside_work_order", _("An item is outside the work order.")
    STOPPED = "stopped", _("The subscriber has stopped this provision.")
    NEEDS_APPROVAL = "needs_approval", _("This basis needs an officer's approval.")
    APPROVAL_MISMATCH = "approval_mismatch", _("The approval does not cover this provision.")
    NO_RECIPIENT = "no_recipient", _("Name the recipient.")
    ERASED = "erased", _("The subscriber's personal data has been erased.")
    VOIDED = "voided", _("This registration was voided as made by mistake: nothing of it is provided.")
    USE_SUSPENDED = (
        "use_suspended",
        _(
            "The use of this subscriber's personal data is suspended: only an exception an officer approves "
            "(bases (3)–(6)) may be provided."
        ),
    )
    WRONG_BASIS = "wrong_basis", _("A contractor receives data only for contracted work or with consent.")
    NOT_REDELEGABLE = (
        "not_redelegable",
        _("The contractor is a sub-contractor, and its principal's agreement in force does not allow re-delegation."),
    )
    NO_CONSENT = "no_consent", _("Provision with consent names a consent in force of this subscriber.")
    CONSENT_MISMATCH = (
        "consent_mismatch",
        _(
            "The consent does not cover this provision: the recipient and the items must be those the subscriber "
            "was told."
        ),
    )


class ProvisionRefused(Exception):
    def __init__(self, refusal: tuple[str, str | Promise]):
        self.code, self.message = refusal
        super().__init__(f"{self.code}: {self.message}")


@dataclass(frozen=True)
class ProvisionRequest:
    subscriber: Subscriber
    items: tuple[str, ...]
    basis: str
    contractor: Contractor | None = None
    work_order: WorkOrder | None = None
    recipient_name: str = ""
    approval: ExceptionalProvision | None = None
    consent: Consent | None = None


def _check_consent(request: ProvisionRequest, recipient: str, items: set[str], today: date) -> None:
    """§3(1): a consent in force, given by this subscriber, to this recipient (who was told uses the data), for a
    purpose in force that needs no fewer items than are provided."""
    consent = request.consent
    if consent is None or consent.subscriber_id != request.subscriber.pk:
        raise ProvisionRefused(Refusal.NO_CONSENT)
    if not Consent.objects.in_force(today).filter(pk=consent.pk).exists() or not consent.purpose.is_in_force(today):
        raise ProvisionRefused(Refusal.NO_CONSENT)
    if normalize_text(recipient) != normalize_text(consent.user_told) or not items <= set(consent.purpose.items):
        raise ProvisionRefused(Refusal.CONSENT_MISMATCH)


def provision_check(request: ProvisionRequest, *, at: datetime | None = None) -> None:
    """Raise ProvisionRefused unless ``request`` may be provided at ``at`` (default: now)."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    items = set(request.items)
    if not items:
        raise ProvisionRefused(Refusal.NO_ITEMS)
    if unknown_items(items):
        raise ProvisionRefused(Refusal.UNKNOWN_ITEM)
    if not request.subscriber.holds_personal_data:
        raise ProvisionRefused(Refusal.ERASED)

    if request.basis in EXCEPTIONAL_BASES:
        # §3(3)–(6) override a stop: they are the cases where consent is not needed.
        approval = request.approval
        if approval is None or approval.status != ExceptionalProvision.Status.APPROVED:
            raise ProvisionRefused(Refusal.NEEDS_APPROVAL)
        if (
            approval.subscriber_id != request.subscriber.pk
            or approval.basis != request.basis
            or not items <= set(approval.items)
        ):
            raise ProvisionRefused(Refusal.APPROVAL_MISMATCH)
        return

    # A suspension of use (利用停止, §5) stops every provision but the exceptions above.
    if request.subscriber.use_suspended_on is not None:
        raise ProvisionRefused(Refusal.USE_SUSPENDED)
    # A registration made by mistake (取消し) was never a contract: no contracted work, no consent to rely on.
    if request.subscriber.status == Subscriber.Status.VOIDED:
        raise ProvisionRefused(Refusal.VOIDED)

    contractor = request.contractor or (request.work_order.contractor if request.work_order else None)
    scope = ProvisionStopScope.CONTRACTORS if contractor else ProvisionStopScope.THIRD_PARTIES
    if ProvisionStop.objects.in_force(at).filter(subscriber=request.subscriber, scope=scope).exists():
        raise ProvisionRefused(Refusal.STOPPED)

    if contractor is None:
        if not request.recipient_name.strip():
            raise ProvisionRefused(Refusal.NO_RECIPIENT)
        if request.basis != Basis.CONSENT:
            raise ProvisionRefused(Refusal.WRONG_BASIS)
        _check_consent(request, request.recipient_name, items, today)
        return

    agreement = contractor.agreement_in_force(today)
    if agreement is None or not contractor.is_active:
        raise ProvisionRefused(Refusal.NO_AGREEMENT)
    if not contractor.redelegation_permitted(today):
        raise ProvisionRefused(Refusal.NOT_REDELEGABLE)
    if not items <= set(agreement.items):
        raise ProvisionRefused(Refusal.OUTSIDE_AGREEMENT)
    if request.basis != Basis.CONTRACTED_WORK:
        # A contractor is a recipient only for the work MCTV orders (§3(2)); consent to a contractor is (1).
        if request.basis != Basis.CONSENT:
            raise ProvisionRefused(Refusal.WRONG_BASIS)
        _check_consent(request, contractor.name, items, today)
        return

    order = request.work_order
    if order is None:
        raise ProvisionRefused(Refusal.NO_WORK_ORDER)
    if order.contractor_id != contractor.pk or order.subscriber_id != request.subscriber.pk:
        raise ProvisionRefused(Refusal.WORK_ORDER_MISMATCH)
    if not order.is_live(today):
        # One rule for "live" (the portal's list uses its queryset twin); the code only says which part failed.
        raise ProvisionRefused(
            Refusal.WORK_ORDER_CLOSED if order.status != WorkOrder.Status.OPEN else Refusal.OUTSIDE_WINDOW
        )
    if not items <= set(order.items):
        raise ProvisionRefused(Refusal.OUTSIDE_WORK_ORDER)


@transaction.atomic
def provision_record(
    *,
    subscriber: Subscriber,
    items: Iterable[str],
    method: str,
    basis: str,
    purpose: str,
    user: User,
    contractor: Contractor | None = None,
    work_order: WorkOrder | None = None,
    recipient_name: str = "",
    approval: ExceptionalProvision | None = None,
    consent: Consent | None = None,
    note: str = "",
) -> Provision:
    """Check through the gate and write the Provision row; raises ProvisionRefused and writes nothing if refused."""
    contractor = contractor or (work_order.contractor if work_order else None)
    request = ProvisionRequest(
        subscriber=subscriber,
        items=tuple(normalize_items(items)) if not unknown_items(items) else tuple(items),
        basis=basis,
        contractor=contractor,
        work_order=work_order,
        recipient_name=recipient_name,
        approval=approval,
        consent=consent,
    )
    provision_check(request)
    provision = Provision(
        subscriber=subscriber,
        subscriber_number=subscriber.number,
        contractor=contractor,
        recipient_name=contractor.name if contractor else recipient_name.strip(),
        items=list(request.items),
        method=method,
        basis=basis,
        purpose=purpose,
        work_order=work_order,
        approval=approval,
        consent=consent if basis == Basis.CONSENT else None,
        caused_by=user,
        note=note,
    )
    # Field checks in Python. The related rows were passed in loaded, and the gate has settled what the
    # check constraints say (an order for contracted work, an approval for an exception); the database
    # enforces both again at INSERT. Django would otherwise ask it first, a query per key and per constraint:
    # sixteen round trips, a third of a portal page.
    provision.full_clean(
        exclude=["subscriber", "contractor", "work_order", "approval", "consent", "caused_by"],
        validate_constraints=False,
    )
    provision.save()
    return provision
