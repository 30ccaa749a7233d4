"""Bulk hand-overs to contractors other than construction (printers, fee collectors, the system vendor), each
tracked until the contractor returns or destroys what it was given.

Declaration §2(1), §6(2); broadcaster rules ■19(2)④. Every subscriber in a hand-over passes the provision gate
(``privacy.services.provision``) and has one provision record naming the hand-over.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, DayTimeField, TimeStampedModel
from privacy.layouts import layout_as_lines, layout_validate


class HandoverStatus(models.TextChoices):
    READY = "ready", _("File made, not yet handed over")
    HANDED_OVER = "handed_over", _("Handed over")
    STATED_DESTROYED = "stated_destroyed", _("Contractor states destruction")
    RETURNED = "returned", _("Return confirmed")
    DESTROYED = "destroyed", _("Destruction confirmed")
    EXPIRED = "expired", _("File deleted unfetched")
    CANCELLED = "cancelled", _("Cancelled")


# Out with the contractor: the date to return or destroy by runs.
OUT_STATUSES = (HandoverStatus.HANDED_OVER, HandoverStatus.STATED_DESTROYED)


class FileFormat(models.TextChoices):
    CSV = "csv", _("CSV (UTF-8)")
    FIXED = "fixed", _("Fixed width (Shift_JIS, CP932)")


class HandoverQuerySet(models.QuerySet):
    def out(self):
        """Handed over and not yet confirmed returned or destroyed."""
        return self.filter(status__in=OUT_STATUSES)

    def overdue(self, today):
        return self.out().filter(return_by__lt=today)


class BulkHandover(TimeStampedModel):
    """One file of many subscribers' data handed to a contractor under its agreement, for one purpose."""

    Status = HandoverStatus
    Format = FileFormat

    number = models.CharField(_("hand-over number"), max_length=12, unique=True, editable=False)
    agreement = models.ForeignKey(
        "privacy.ConfidentialityAgreement",
        verbose_name=_("confidentiality agreement"),
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    contractor = models.ForeignKey(
        "privacy.Contractor", verbose_name=_("contractor"), on_delete=models.PROTECT, related_name="handovers"
    )
    purpose = models.ForeignKey(
        "privacy.Purpose", verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="handovers"
    )
    items = models.JSONField(_("items handed over"), default=list)
    method = models.CharField(_("method"), max_length=20)
    file_format = models.CharField(_("file format"), max_length=5, choices=FileFormat.choices, default=FileFormat.CSV)
    # Fixed width: [[item code, width in bytes], ...] in the recipient's order; the items are exactly these. A copy
    # of the saved layout it was made with (named below): the record says what the file held, whatever becomes of it.
    layout = models.JSONField(_("fixed-width layout"), default=list, blank=True)
    layout_name = models.CharField(_("saved layout used"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=HandoverStatus.choices, default=HandoverStatus.READY)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("produced by"), on_delete=models.PROTECT, related_name="+"
    )
    produced_at = DayTimeField(_("produced at"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    count = models.PositiveIntegerField(_("subscribers"), default=0)
    # Who is in the file, as [id, subscriber number], while it waits to be fetched; emptied when it is handed over
    # (the provision records name them from then), cancelled or expired.
    subscribers = models.JSONField(_("subscribers in the file"), default=list, blank=True)
    export_no = models.PositiveIntegerField(_("export number"), unique=True)
    # The file itself, kept with the row (written in the same transaction: a refusal or a rehearsal leaves no
    # file behind) until it is fetched once or ``file_expires_at`` passes; then emptied.
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    file_expires_at = DayTimeField(_("file deleted at"), db_index=True)
    handed_over_at = DayTimeField(_("handed over at"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_by = DayField(_("return or destroy by"), null=True, blank=True)
    stated_at = DayTimeField(_("destruction stated at"), null=True, blank=True)
    stated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("stated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    statement = models.TextField(_("contractor's statement"), blank=True)
    confirmed_on = DayField(_("returned or destroyed on"), null=True, blank=True)
    confirmed_how = models.TextField(_("how it was confirmed"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = DayTimeField(_("confirmed at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "content", "subscribers"])
    objects = HandoverQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulk hand-over")
        verbose_name_plural = _("bulk hand-overs")
        ordering = ["-produced_at", "-number"]
        permissions = [
            ("hand_over_bulkhandover", _("Can produce and hand over a bulk hand-over")),
            ("confirm_bulkhandover", _("Can confirm a hand-over returned or destroyed")),
        ]
        indexes = [models.Index(fields=["status", "return_by"], name="handover_status_return_by")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=HandoverStatus.values), name="handover_status_valid"),
            models.CheckConstraint(condition=Q(file_format__in=FileFormat.values), name="handover_format_valid"),
            # §6(2): a file leaves as a transmission or on media; paper and server access are other paths.
            models.CheckConstraint(condition=Q(method__in=["transmission", "media"]), name="handover_method_valid"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="handover_sha256_hex"),
            models.CheckConstraint(
                condition=Q(status__in=["ready", "expired", "cancelled"])
                | Q(handed_over_at__isnull=False, handed_over_by__isnull=False, return_by__isnull=False),
                name="handover_handed_over_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["returned", "destroyed"])
                | (
                    Q(confirmed_on__isnull=False, confirmed_by__isnull=False, confirmed_at__isnull=False)
                    & ~Q(confirmed_how="")
                ),
                name="handover_confirmation_recorded",
            ),
            models.CheckConstraint(
                condition=Q(status="ready") | Q(content__isnull=True), name="handover_file_only_while_ready"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.contractor_id}"

    @property
    def is_out(self) -> bool:
        return self.status in OUT_STATUSES

    @property
    def download_name(self) -> str:
        return f"handover-{self.number}-export{self.export_no}.{'csv' if self.file_format == FileFormat.CSV else 'txt'}"


class FileLayout(TimeStampedModel):
    """A fixed-width layout a recipient names — a bank's direct-debit file, a printer's address file: its columns in
    order, each a §1 data item and a width in bytes. Kept with the contractor and chosen when a hand-over is made;
    configured in the admin."""

    contractor = models.ForeignKey(
        "privacy.Contractor", verbose_name=_("recipient"), on_delete=models.PROTECT, related_name="file_layouts"
    )
    name = models.CharField(_("layout name"), max_length=100, help_text=_("As the recipient calls it."))
    columns = models.JSONField(_("columns"), default=list)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fixed-width layout")
        verbose_name_plural = _("fixed-width layouts")
        ordering = ["contractor__name", "name"]
        constraints = [models.UniqueConstraint(fields=["contractor", "name"], name="filelayout_name_per_recipient")]

    def __str__(self):
        return self.name

    def clean(self):
        layout_validate(self.columns, field="columns")

    @property
    def columns_as_lines(self) -> str:
        return layout_as_lines(self.columns)
