"""Provision of personal data to anyone outside the office (提供記録, ■25) and what may stop it.

Declaration §3, §6(2)–(3). Every provision passes the gate in
``privacy.services.provision``; this module only holds the records.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import AppendOnlyModel, AppendOnlyQuerySet, DayTimeField, TimeStampedModel


class Method(models.TextChoices):
    """§6(2): the four ways data leaves the office."""

    PAPER = "paper", _("Paper")
    TRANSMISSION = "transmission", _("Electronic transmission")
    MEDIA = "media", _("Electronic media")
    SERVER_ACCESS = "server_access", _("Server access")


class Basis(models.TextChoices):
    """§3(1)–(6): the only grounds on which a third party receives data."""

    CONSENT = "consent", _("(1) With the subscriber's consent")
    CONTRACTED_WORK = "contracted_work", _("(2) Construction work ordered by MCTV")
    VITAL_INTEREST = "vital_interest", _("(3) Protection of life, body or property")
    PUBLIC_HEALTH = "public_health", _("(4) Public health or children's welfare")
    PUBLIC_BODY = "public_body", _("(5) Cooperation with a state or local body")
    LAW = "law", _("(6) Required by law")
    # §2(1): work MCTV delegates other than construction (printing, fee collection, system operation), handed
    # over in bulk under the contractor's agreement. Not a third-party provision (■21(4)(1)), but logged the same.
    DELEGATED = "delegated", _("Work MCTV delegates (declaration 2(1))")


# Bases (3)–(6) are exceptions to consent: an officer approves each, with a written reason.
EXCEPTIONAL_BASES = frozenset({Basis.VITAL_INTEREST, Basis.PUBLIC_HEALTH, Basis.PUBLIC_BODY, Basis.LAW})
# The same in the declaration's order: a set's order changes between runs, and constraints must not.
EXCEPTIONAL_BASIS_VALUES = [b.value for b in Basis if b in EXCEPTIONAL_BASES]


# What a contractor is handed and must return or destroy (■19(2)④): a printed sheet, electronic media.
HANDED_OVER_METHODS = (Method.PAPER, Method.MEDIA)
# How a work sheet downloaded in the portal names itself in its provision record's purpose (work_sheet_issue).
PORTAL_SHEET_PURPOSE = "作業票PDF"


def copy_left_condition() -> Q:
    """A provision that left a copy with the recipient, to be returned or destroyed by a day (■19(2)④): paper and
    media, and a work sheet downloaded in the portal (``leaves_copy``; a download recorded before that column is
    known by its purpose). The query of ``copies_left`` and the partial index that serves it (``provision_copies``)
    share it: PostgreSQL uses a partial index only for a query whose condition implies the index's."""
    downloaded_before = Q(method=Method.SERVER_ACCESS, work_order__isnull=False, purpose__endswith=PORTAL_SHEET_PURPOSE)
    return Q(leaves_copy=True) | Q(method__in=HANDED_OVER_METHODS) | downloaded_before


class ProvisionQuerySet(AppendOnlyQuerySet):
    def copies_left(self):
        """Provisions that left a copy with the recipient (``copy_left_condition``)."""
        return self.filter(copy_left_condition())


class Provision(AppendOnlyModel):
    """One provision of one subscriber's data. Append-only: Python refuses changes, PostgreSQL too (trigger)."""

    Method = Method
    Basis = Basis

    objects = ProvisionQuerySet.as_manager()  # type: ignore[misc]  # the base's manager, with the log's own queries

    at = DayTimeField(_("when"), default=timezone.now, db_index=True)
    # No database FK to the subscriber: the record outlives the subscriber's disposal (it has its own retention).
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="provisions",
    )
    subscriber_number = models.CharField(_("subscriber number"), max_length=20)
    contractor = models.ForeignKey(
        "privacy.Contractor",
        verbose_name=_("contractor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provisions",
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    items = models.JSONField(_("items provided"), default=list)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    # A work sheet downloaded in the portal leaves by server access, yet a copy stays with the contractor as a
    # printed one does: it is asked back the same way.
    leaves_copy = models.BooleanField(
        _("a copy stays with the recipient"),
        default=False,
        db_default=False,  # rows written by SQL (the benchmark's COPY, restores) need no value for it
        help_text=_(
            "A work sheet printed or downloaded: to be returned or destroyed by a day, as paper and media are."
        ),
    )
    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    work_order = models.ForeignKey(
        "privacy.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="provisions",
    )
    # Basis (1): the consent in force that the provision relied on. No database FK, as for the subscriber: a
    # withdrawn consent has its own retention, and the record of what it allowed outlives it.
    consent = models.ForeignKey(
        "privacy.Consent",
        verbose_name=_("consent relied on"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # never searched by: no index on the biggest table
        null=True,
        blank=True,
        related_name="provisions",
    )
    approval = models.ForeignKey(
        "privacy.ExceptionalProvision",
        verbose_name=_("approval"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provisions",
    )
    # Basis §2(1): the bulk hand-over the row is one subscriber of. No database FK: the log outlives it.
    handover = models.ForeignKey(
        "privacy.BulkHandover",
        verbose_name=_("bulk hand-over"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the partial unique index below serves it
        null=True,
        blank=True,
        related_name="provisions",
    )
    caused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caused by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("provision record")
        verbose_name_plural = _("provision records")
        ordering = ["-at", "-id"]
        permissions = [("export_provision", _("Can export the provision log"))]
        indexes = [
            models.Index(fields=["subscriber", "at"], name="provision_subscriber_at"),
            models.Index(fields=["contractor", "at"], name="provision_contractor_at"),
            # The log is searched by the number staff type, and the number outlives the subscriber's row.
            models.Index(fields=["subscriber_number", "at"], name="provision_number_at"),
            # The copies still out with contractors (the dashboard's overdue work sheets, a work order's stop
            # checklist): a few rows of the biggest table, found without reading the rest (issue 20's large scale).
            models.Index(fields=["work_order"], condition=copy_left_condition(), name="provision_copies"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=Method.values), name="provision_method_valid"),
            models.CheckConstraint(condition=Q(basis__in=Basis.values), name="provision_basis_valid"),
            models.CheckConstraint(
                condition=~Q(basis__in=EXCEPTIONAL_BASIS_VALUES) | Q(approval__isnull=False),
                name="provision_exception_approved",
            ),
            models.CheckConstraint(
                condition=~Q(basis=Basis.CONTRACTED_WORK) | (Q(work_order__isnull=False) & Q(contractor__isnull=False)),
                name="provision_contracted_work_has_order",
            ),
            # §3(1): "with consent" names the consent. Rows recorded before it was required stay as recorded
            # (PostgreSQL: the constraint is added NOT VALID, migration 0020).
            models.CheckConstraint(
                condition=~Q(basis=Basis.CONSENT) | Q(consent__isnull=False), name="provision_consent_named"
            ),
            # §2(1): delegated work is a hand-over to a contractor, and only that basis names one.
            models.CheckConstraint(
                condition=(Q(basis=Basis.DELEGATED) & Q(handover__isnull=False) & Q(contractor__isnull=False))
                | (~Q(basis=Basis.DELEGATED) & Q(handover__isnull=True)),
                name="provision_delegated_has_handover",
            ),
            # One row per subscriber of a hand-over: a subscriber is in a file once.
            models.UniqueConstraint(
                fields=["handover", "subscriber"],
                condition=Q(handover__isnull=False),
                name="provision_once_per_handover",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.subscriber_number} → {self.recipient_name}"


class ProvisionStopScope(models.TextChoices):
    CONTRACTORS = "contractors", _("Provision to contractors (§6(3))")
    THIRD_PARTIES = "third_parties", _("Provision to third parties (§5)")


class ProvisionStopQuerySet(models.QuerySet):
    def in_force(self, at=None):
        at = at or timezone.now()
        return self.filter(Q(since__lte=at) & (Q(until__isnull=True) | Q(until__gt=at)))


class ProvisionStop(TimeStampedModel):
    """A subscriber's stop of provision in force: the gate refuses while it lasts.

    Set by a decided subject request; read-only in admin.
    """

    Scope = ProvisionStopScope

    subscriber = models.ForeignKey(
        "subscribers.Subscriber", verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="provision_stops"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=ProvisionStopScope.choices)
    since = DayTimeField(_("since"), default=timezone.now)
    until = DayTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        "privacy.SubjectRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provision_stops",
        help_text=_("The subscriber's request whose decision set this stop."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ProvisionStopQuerySet.as_manager()

    class Meta:
        verbose_name = _("stop of provision")
        verbose_name_plural = _("stops of provision")
        ordering = ["-since"]
        indexes = [models.Index(fields=["subscriber", "scope", "since"], name="provisionstop_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gt=models.F("since")), name="provisionstop_until_after_since"
            ),
            models.CheckConstraint(condition=Q(scope__in=ProvisionStopScope.values), name="provisionstop_scope_valid"),
        ]

    def __str__(self):
        return f"{self.subscriber} {self.get_scope_display()}"


class ExceptionalProvisionStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PROVIDED = "provided", _("Provided")


class ExceptionalProvision(TimeStampedModel):
    """A provision on bases §3(3)–(6): a clerk requests, an officer approves with a written reason."""

    Status = ExceptionalProvisionStatus

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="exceptional_provisions",
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    items = models.JSONField(_("items to provide"), default=list)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    basis = models.CharField(_("legal basis"), max_length=20, choices=Basis.choices)
    purpose = models.CharField(_("purpose"), max_length=200)
    reason = models.TextField(
        _("reason"), help_text=_("Why the subscriber's consent cannot be asked, and the legal ground.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExceptionalProvisionStatus.choices,
        default=ExceptionalProvisionStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = DayTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("exceptional provision")
        verbose_name_plural = _("exceptional provisions")
        ordering = ["-created_at"]
        permissions = [("approve_exceptionalprovision", _("Can approve an exceptional provision"))]
        constraints = [
            models.CheckConstraint(condition=Q(basis__in=EXCEPTIONAL_BASIS_VALUES), name="exceptional_provision_basis"),
            models.CheckConstraint(condition=~Q(reason=""), name="exceptional_provision_has_reason"),
            models.CheckConstraint(
                condition=Q(status="requested") | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="exceptional_provision_decision_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.recipient_name} ({self.get_status_display()})"

    @property
    def awaits_decision(self) -> bool:
        return self.status == ExceptionalProvisionStatus.REQUESTED
