"""Paper work sheets brought back after a stop of provision: one row per printed sheet, who confirmed and how."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mctv.db import DayField


class SheetRetrieval(models.Model):
    """A printed work sheet (a paper provision) returned to the office or confirmed destroyed, once the subscriber's
    data may no longer be provided (a decided stop or suspension). Part of the work order's file: it goes with
    it. The provision is named by id: provision records are a log of their own with their own period."""

    class Outcome(models.TextChoices):
        RETURNED = "returned", _("Returned to the office")
        DESTROYED = "destroyed", _("Destruction confirmed")

    work_order = models.ForeignKey(
        "privacy.WorkOrder", verbose_name=_("work order"), on_delete=models.CASCADE, related_name="sheet_retrievals"
    )
    provision_id = models.BigIntegerField(_("provision record"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    on = DayField(_("on"))
    # ■19(2)④: the office records who confirmed, when and how — the sheet in hand, or the contractor's certificate.
    how = models.CharField(
        _("how it was confirmed"),
        max_length=200,
        help_text=_("e.g. received at the counter; the contractor's certificate of destruction No. 12"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work sheet retrieval")
        verbose_name_plural = _("work sheet retrievals")
        constraints = [
            models.UniqueConstraint(fields=["work_order", "provision_id"], name="sheetretrieval_once_per_sheet"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["returned", "destroyed"]), name="sheetretrieval_outcome_valid"
            ),
            models.CheckConstraint(condition=~models.Q(how=""), name="sheetretrieval_how_given"),
        ]

    def __str__(self):
        return f"{self.work_order_id}:{self.provision_id} {self.outcome}"
