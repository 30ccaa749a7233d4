"""The one gate every provision of personal data passes (§3, §4(3), §6(1)–(3), ■25).

``provision_check`` decides whether a recipient may receive given items of a
given subscriber now; ``provision_record`` checks and writes the Provision row.
Callers that hand the data over (portal pages, work-sheet PDFs, the staff
form) do so inside the same transaction, so a record exists exactly when data
left. Nothing else writes Provision rows.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacy.data_items import normalize_items, unknown_items
from privacy.models import (
    EXCEPTIONAL_BASES,
    AgreementKind,
    BulkHandover,
    ConfidentialityAgreement,
    Consent,
    Contractor,
    ExceptionalProvision,
    Provision,
    ProvisionStop,
    User,
    WorkOrder,
)
from privacy.models.disclosures import Basis, ProvisionStopScope
from privacy.selectors.purposes import subscribers_usable_for
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
    NO_HANDOVER = "no_handover", _("Delegated work is provided only by a bulk hand-over under the agreement.")
    HANDOVER_MISMATCH = "handover_mismatch", _("The hand-over is for another contractor.")
    HANDOVER_CONSTRUCTION = (
        "handover_construction",
        _("Construction is provided by work orders: a bulk hand-over needs an agreement for other work."),
    )
    HANDOVER_AGREEMENT = "handover_agreement", _("The hand-over's agreement is not in force.")
    OUTSIDE_HANDOVER = "outside_handover", _("An item is outside the hand-over.")
    NOT_FOR_PURPOSE = (
        "not_for_purpose",
        _("The subscriber's data may not be used for the hand-over's purpose (not stated, no consent in force)."),
    )
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
    handover: BulkHandover | None = None


@dataclass(frozen=True)
class BulkFacts:
    """What the gate asks the database of each subscriber, asked once for a hand-over's subscribers: who has a stop
    of provision to contractors in force, and who may be used for the hand-over's purpose. Every row is still
    checked against them, one by one."""

    stopped: frozenset[int]
    usable: frozenset[int]

    @classmethod
    def gather(cls, *, subscriber_ids: Iterable[int], purpose, at: datetime) -> "BulkFacts":
        ids = list(subscriber_ids)
        stops = ProvisionStop.objects.in_force(at).filter(subscriber_id__in=ids, scope=ProvisionStopScope.CONTRACTORS)
        usable = subscribers_usable_for(purpose, on=timezone.localdate(at)).filter(pk__in=ids)
        return cls(
            stopped=frozenset(stops.values_list("subscriber_id", flat=True)),
            usable=frozenset(usable.values_list("pk", flat=True)),
        )


def _check_handover(request: ProvisionRequest, items: set[str], today: date, facts: BulkFacts | None) -> None:
    """§2(1), ■19: delegated work other than construction, by a hand-over under the contractor's own agreement in
    force, of the items the agreement and the hand-over name, for a purpose the subscriber's data may be used for."""
    handover = request.handover
    if handover is None or request.basis != Basis.DELEGATED:
        raise ProvisionRefused(Refusal.NO_HANDOVER)
    agreement: ConfidentialityAgreement = handover.agreement
    contractor = request.contractor
    if contractor is None or handover.contractor_id != contractor.pk or agreement.contractor_id != contractor.pk:
        raise ProvisionRefused(Refusal.HANDOVER_MISMATCH)
    if agreement.kind == ConfidentialityAgreement.Kind.CONSTRUCTION:
        raise ProvisionRefused(Refusal.HANDOVER_CONSTRUCTION)
    if not contractor.is_active or not agreement.is_in_force(today):
        raise ProvisionRefused(Refusal.HANDOVER_AGREEMENT)
    if not contractor.redelegation_permitted(today):
        raise ProvisionRefused(Refusal.NOT_REDELEGABLE)
    if not items <= set(agreement.items):
        raise ProvisionRefused(Refusal.OUTSIDE_AGREEMENT)
    if not items <= set(handover.items):
        raise ProvisionRefused(Refusal.OUTSIDE_HANDOVER)
    subscriber = request.subscriber
    usable = (
        subscriber.pk in facts.usable
        if facts is not None
        else subscribers_usable_for(handover.purpose, on=today).filter(pk=subscriber.pk).exists()
    )
    if not usable:
        raise ProvisionRefused(Refusal.NOT_FOR_PURPOSE)


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


def provision_check(request: ProvisionRequest, *, at: datetime | None = None, facts: BulkFacts | None = None) -> None:
    """Raise ProvisionRefused unless ``request`` may be provided at ``at`` (default: now). ``facts``: a bulk
    hand-over's stops and usable subscribers, asked once for all its rows (``BulkFacts``)."""
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
    if facts is not None and scope == ProvisionStopScope.CONTRACTORS:
        if request.subscriber.pk in facts.stopped:
            raise ProvisionRefused(Refusal.STOPPED)
    elif ProvisionStop.objects.in_force(at).filter(subscriber=request.subscriber, scope=scope).exists():
        raise ProvisionRefused(Refusal.STOPPED)

    if request.handover is not None or request.basis == Basis.DELEGATED:
        _check_handover(request, items, today, facts)
        return

    if contractor is None:
        if not request.recipient_name.strip():
            raise ProvisionRefused(Refusal.NO_RECIPIENT)
        if request.basis != Basis.CONSENT:
            raise ProvisionRefused(Refusal.WRONG_BASIS)
        _check_consent(request, request.recipient_name, items, today)
        return

    # Work orders are construction work (§2(1)): a printer's or a collector's agreement does not cover them.
    kind = AgreementKind.CONSTRUCTION if request.basis == Basis.CONTRACTED_WORK else None
    agreement = contractor.agreement_in_force(today, kind=kind)
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
    leaves_copy: bool = False,
) -> Provision:
    """Check through the gate and write the Provision row; raises ProvisionRefused and writes nothing if refused.
    ``leaves_copy``: a work sheet downloaded stays with the contractor to be returned or destroyed, as paper does."""
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
    provision = _provision_row(request, method=method, purpose=purpose, user=user, note=note)
    provision.leaves_copy = leaves_copy
    provision.save()
    return provision


def _provision_row(request: ProvisionRequest, *, method: str, purpose: str, user: User, note: str) -> Provision:
    """The row for a request the gate let through, its fields checked in Python."""
    subscriber, contractor, basis = request.subscriber, request.contractor, request.basis
    provision = Provision(
        subscriber=subscriber,
        subscriber_number=subscriber.number,
        contractor=contractor,
        recipient_name=contractor.name if contractor else request.recipient_name.strip(),
        items=list(request.items),
        method=method,
        basis=basis,
        purpose=purpose,
        work_order=request.work_order,
        approval=request.approval,
        consent=request.consent if basis == Basis.CONSENT else None,
        handover=request.handover,
        caused_by=user,
        note=note,
    )
    # Field checks in Python. The related rows were passed in loaded, and the gate has settled what the
    # check constraints say (an order for contracted work, an approval for an exception); the database
    # enforces both again at INSERT. Django would otherwise ask it first, a query per key and per constraint:
    # sixteen round trips, a third of a portal page.
    provision.full_clean(
        exclude=["subscriber", "contractor", "work_order", "approval", "consent", "handover", "caused_by"],
        validate_constraints=False,
    )
    return provision


def handover_requests(handover: BulkHandover, subscribers: Iterable[Subscriber]) -> list[ProvisionRequest]:
    """What a bulk hand-over asks of the gate: each subscriber's hand-over items to its contractor, basis §2(1)."""
    return [
        ProvisionRequest(
            subscriber=subscriber,
            items=tuple(normalize_items(handover.items)),
            basis=Basis.DELEGATED,
            contractor=handover.contractor,
            handover=handover,
        )
        for subscriber in subscribers
    ]


def provision_check_handover(
    handover: BulkHandover, subscribers: Sequence[Subscriber], *, at: datetime | None = None
) -> None:
    """The gate for each subscriber of a hand-over, the database asked once for all (``BulkFacts``); raises the
    first refusal."""
    at = at or timezone.now()
    facts = BulkFacts.gather(subscriber_ids=[s.pk for s in subscribers], purpose=handover.purpose, at=at)
    for request in handover_requests(handover, subscribers):
        provision_check(request, at=at, facts=facts)


@transaction.atomic
def provision_record_handover(
    *, handover: BulkHandover, subscribers: Sequence[Subscriber], method: str, user: User, note: str
) -> list[Provision]:
    """One provision row per subscriber of ``handover``, each checked through the gate, inserted in bulk; a refusal
    of any raises ProvisionRefused and writes none (the file holds them all, or nobody receives it)."""
    at = timezone.now()
    facts = BulkFacts.gather(subscriber_ids=[s.pk for s in subscribers], purpose=handover.purpose, at=at)
    rows = []
    for request in handover_requests(handover, subscribers):
        provision_check(request, at=at, facts=facts)
        row = _provision_row(request, method=method, purpose=handover.purpose.title, user=user, note=note)
        row.at = at
        rows.append(row)
    return Provision.objects.bulk_create(rows, batch_size=1000)
