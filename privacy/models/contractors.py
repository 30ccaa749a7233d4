"""Contractors (委託先・工事業者), their confidentiality agreements, kinds of work and work orders.

Declaration §2(1), §4(3), §6(1); broadcaster rules ■18–■19.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, DayTimeField, TimeStampedModel


def _items_field(verbose_name, **kwargs):
    return models.JSONField(verbose_name, default=list, blank=True, help_text=_("Codes of §1 data items."), **kwargs)


class ContractorQuerySet(models.QuerySet):
    def with_agreement_in_force_until(self, on: date | None = None):
        """Annotate ``agreement_in_force_until``: the last day of the agreement in force on ``on`` that runs
        longest (the one ``agreement_in_force`` returns), or None — for a list, in the same query."""
        in_force = (
            ConfidentialityAgreement.objects.in_force(on or timezone.localdate())
            .filter(contractor=models.OuterRef("pk"))
            .order_by("-expires_on")
            .values("expires_on")[:1]
        )
        return self.annotate(agreement_in_force_until=models.Subquery(in_force))


class Contractor(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=200)
    representative = models.CharField(_("representative"), max_length=100)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # ■19(2)⑤: a re-delegate (再委託先) of another contractor, whose agreement must allow re-delegation.
    subcontractor_of = models.ForeignKey(
        "self",
        verbose_name=_("sub-contractor of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subcontractors",
        help_text=_("Only where that contractor's agreement in force allows re-delegation."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ContractorQuerySet.as_manager()

    class Meta:
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(subcontractor_of=models.F("id")),
                name="contractor_not_own_subcontractor",
                violation_error_message=_("A contractor cannot be its own sub-contractor."),
            ),
        ]

    def __str__(self):
        return self.name

    def agreement_in_force(self, on: date | None = None, *, kind: str | None = None):
        """The agreement in force on ``on`` that runs longest; with ``kind``, only one for that work (a work order
        needs a construction agreement: a printer's or a collector's covers hand-overs, not site work)."""
        on = on or timezone.localdate()
        agreements = self.agreements.in_force(on)
        if kind is not None:
            agreements = agreements.filter(kind=kind)
        return agreements.order_by("-expires_on").first()

    def allows_redelegation(self, on: date) -> bool:
        """An agreement in force on ``on`` lets this contractor re-delegate (■19(2)⑤)."""
        return (
            ConfidentialityAgreement.objects.filter(contractor_id=self.pk)
            .in_force(on)
            .filter(redelegation_allowed=True)
            .exists()
        )

    def redelegation_permitted(self, on: date | None = None) -> bool:
        """A contractor may receive data; a sub-contractor only while its principal's agreement in force allows
        re-delegation (■19(2)⑤). The gate, the portal's list, new work orders and accounts all ask this."""
        on = on or timezone.localdate()
        principal, seen = self.subcontractor_of, set()
        # Up the chain (forms allow one level; rows from elsewhere may hold more): every principal active and
        # allowing re-delegation.
        while principal is not None:
            if principal.pk in seen:
                return False
            seen.add(principal.pk)
            if not principal.is_active or not principal.allows_redelegation(on):
                return False
            principal = principal.subcontractor_of
        return True


# ■19(2) ② responsibility, and ⑤ re-delegates' selection and supervision where re-delegation is allowed.
HAS_19_2_CLAUSES = Q(clause_responsibility_allocation=True) & (
    Q(redelegation_allowed=False) | Q(clause_subcontractor_supervision=True)
)


class AgreementQuerySet(models.QuerySet):
    def in_force(self, on: date):
        """Signed, not expired, not terminated — and containing every item ■19(2) asks for (an agreement recorded
        before the two later items were required counts once they are recorded on it)."""
        return self.in_force_between(on, on)

    def in_force_between(self, first: date, last: date):
        """In force on some day from ``first`` to ``last``: the candidates a caller asking about many days narrows
        in Python (``in_force`` is this for one day)."""
        return self.filter(
            Q(signed_on__lte=last, expires_on__gte=first, terminated_on__isnull=True) & Q(HAS_19_2_CLAUSES)
        )


class AgreementKind(models.TextChoices):
    """The work an agreement is for (§2(1)): construction goes by work orders, the rest by bulk hand-overs."""

    CONSTRUCTION = "construction", _("Construction")
    PRINTING = "printing", _("Printing (bills, notices)")
    COLLECTION = "collection", _("Fee collection")
    SYSTEM = "system", _("System operation")
    OTHER = "other", _("Other delegated work")


class ConfidentialityAgreement(TimeStampedModel):
    """機密保持に関する協定 (§4(3), ■19). Without one in force, nothing is provided to the contractor."""

    Kind = AgreementKind

    contractor = models.ForeignKey(
        Contractor, verbose_name=_("contractor"), on_delete=models.PROTECT, related_name="agreements"
    )
    reference = models.CharField(_("agreement reference"), max_length=50, help_text=_("e.g. the contract number"))
    signed_on = DayField(_("signed on"))
    expires_on = DayField(_("expires on"))
    terminated_on = DayField(_("terminated on"), null=True, blank=True)
    items = _items_field(_("data items it may receive"))
    kind = models.CharField(
        _("kind of work"), max_length=12, choices=AgreementKind.choices, default=AgreementKind.CONSTRUCTION
    )
    # ■19(2)④: what is handed over comes back or is destroyed within this many days of the hand-over.
    return_within_days = models.PositiveSmallIntegerField(
        _("days to return or destroy"),
        default=30,
        help_text=_("Counted from the day after each hand-over; a last day the office is closed moves to the next."),
    )
    redelegation_allowed = models.BooleanField(_("re-delegation allowed"), default=False)
    clause_safety_measures = models.BooleanField(_("clause: safety management measures"), default=False)
    clause_no_use_beyond_contract = models.BooleanField(_("clause: no use beyond the contract"), default=False)
    clause_return_or_destroy = models.BooleanField(_("clause: return or destruction at the end"), default=False)
    clause_responsibility_allocation = models.BooleanField(
        _("clause: leak prevention and who is responsible for what"), default=False
    )
    clause_subcontractor_supervision = models.BooleanField(
        _("clause: re-delegates chosen to the same standard and supervised"),
        default=False,
        help_text=_("Required where re-delegation is allowed."),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        ordering = ["contractor", "-signed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AgreementKind.values), name="agreement_kind_valid"),
            models.CheckConstraint(
                condition=Q(return_within_days__gte=1), name="agreement_return_within_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("signed_on")),
                name="agreement_expires_after_signing",
                violation_error_message=_("The expiry date cannot be before the signing date."),
            ),
            # An agreement without the three clauses of ■19 is not a confidentiality agreement.
            models.CheckConstraint(
                condition=Q(
                    clause_safety_measures=True, clause_no_use_beyond_contract=True, clause_return_or_destroy=True
                ),
                name="agreement_has_required_clauses",
                violation_error_message=_(
                    "The agreement must contain the clauses on safety measures, no use beyond the contract, "
                    "and return or destruction."
                ),
            ),
            # ■19(2)② and ⑤, required later: added NOT VALID on PostgreSQL (migration 0023), so agreements recorded
            # before hold until edited — and count as in force only once they contain them (``in_force``).
            models.CheckConstraint(
                condition=HAS_19_2_CLAUSES,
                name="agreement_has_19_2_clauses",
                violation_error_message=_(
                    "The agreement must also settle leak prevention and who is responsible for what, and, where "
                    "re-delegation is allowed, how re-delegates are chosen and supervised (■19(2))."
                ),
            ),
        ]
        indexes = [models.Index(fields=["contractor", "expires_on"], name="agreement_contractor_expiry")]

    def __str__(self):
        return f"{self.contractor} {self.reference} ({self.signed_on}–{self.expires_on})"

    def clean(self):
        _refuse_unknown_items(self.items, "items")

    @property
    def has_19_2_clauses(self) -> bool:
        """``HAS_19_2_CLAUSES`` for one agreement: false only for one recorded before the two items were required."""
        return self.clause_responsibility_allocation and (
            not self.redelegation_allowed or self.clause_subcontractor_supervision
        )

    def is_in_force(self, on: date) -> bool:
        """``AgreementQuerySet.in_force`` for one agreement."""
        return self.signed_on <= on <= self.expires_on and self.terminated_on is None and self.has_19_2_clauses


class WorkKind(TimeStampedModel):
    """A kind of work and the data items it needs (§6(1)); editable in admin."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    default_items = _items_field(_("items the work needs"))
    is_active = models.BooleanField(_("active"), default=True)

    def clean(self):
        _refuse_unknown_items(self.default_items, "default_items")

    class Meta:
        verbose_name = _("kind of work")
        verbose_name_plural = _("kinds of work")
        ordering = ["code"]

    def __str__(self):
        return self.name


def _refuse_unknown_items(items, field: str) -> None:
    from privacy.data_items import unknown_items

    if not isinstance(items, list) or unknown_items(items):
        raise ValidationError({field: _("An unknown data item was named.")})


class WorkOrderQuerySet(models.QuerySet):
    def live(self, on: date):
        """Open, and inside its portal access window on ``on``: ``WorkOrder.is_live`` as a query (a test holds the
        two to the same answers)."""
        return self.filter(status=WorkOrder.Status.OPEN, access_from__lte=on, access_until__gte=on)

    def open(self):
        return self.filter(status=WorkOrder.Status.OPEN)


class WorkOrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class SheetDisposition(models.TextChoices):
    NONE_ISSUED = "none_issued", _("No paper sheet was issued")
    RETURNED = "returned", _("Returned to the office")
    DESTROYED = "destroyed", _("Destroyed by the contractor")


class WorkOrder(TimeStampedModel):
    """工事: what one contractor may see of one subscriber, and when (§6(1))."""

    Status = WorkOrderStatus
    SheetDisposition = SheetDisposition

    number = models.CharField(_("work order number"), max_length=12, unique=True, editable=False)
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="work_orders"
    )
    contractor = models.ForeignKey(
        Contractor, verbose_name=_("contractor"), on_delete=models.PROTECT, related_name="work_orders"
    )
    kind = models.ForeignKey(WorkKind, verbose_name=_("kind of work"), on_delete=models.PROTECT, related_name="+")
    scheduled_on = DayField(_("scheduled on"))
    access_from = DayField(_("portal access from"))
    access_until = DayField(_("portal access until"))
    items = _items_field(_("items disclosed"))
    status = models.CharField(_("status"), max_length=10, choices=WorkOrderStatus.choices, default=WorkOrderStatus.OPEN)
    note = models.TextField(_("note for the contractor"), blank=True)
    closed_at = DayTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sheet_disposition = models.CharField(
        _("paper work sheets"), max_length=12, choices=SheetDisposition.choices, blank=True
    )
    sheet_disposition_on = DayField(_("sheets returned or destroyed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-scheduled_on", "-number"]
        permissions = [
            ("close_workorder", _("Can close a work order")),
            ("print_worksheet", _("Can print a work sheet (a paper provision)")),
        ]
        indexes = [
            models.Index(fields=["contractor", "status", "access_until"], name="workorder_contractor_live"),
            models.Index(fields=["status", "access_until"], name="workorder_status_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(access_until__gte=models.F("access_from")),
                name="workorder_window_ordered",
                violation_error_message=_("The access window must end on or after its start."),
            ),
            models.CheckConstraint(condition=Q(status__in=WorkOrderStatus.values), name="workorder_status_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(closed_at__isnull=False) & ~Q(sheet_disposition="")),
                name="workorder_closed_records_sheets",
                violation_error_message=_("Closing a work order records what became of its paper sheets."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.kind}"

    @property
    def is_open(self) -> bool:
        """Not yet closed or cancelled: it may still be edited, printed and closed."""
        return self.status == WorkOrderStatus.OPEN

    def is_live(self, on: date) -> bool:
        """Open, and inside its portal access window on ``on``: what the provision gate asks of a work order."""
        return self.status == WorkOrderStatus.OPEN and self.access_from <= on <= self.access_until
