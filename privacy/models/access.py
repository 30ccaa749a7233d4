"""The staff access log: who opened or exported whose record, what, when (§4(1), §4(2))."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mctv.db import AppendOnlyModel, DayTimeField


class AccessLog(AppendOnlyModel):
    """Append-only: Python refuses changes and a PostgreSQL trigger refuses UPDATE/DELETE."""

    class Action(models.TextChoices):
        VIEW = "view", _("Opened the record")
        HISTORY = "history", _("Opened the change history")
        EXPORT = "export", _("Exported")
        LISTED = "listed", _("Listed in search results")

    at = DayTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    # No database FK: the log outlives the subscriber's disposal and keeps only the number.
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    subscriber_number = models.CharField(_("subscriber number"), max_length=20)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    path = models.CharField(_("page"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    # One use of many records (a search result page, an export, a label sheet) writes one row per subscriber,
    # all with the same batch; the first is the batch's head and every row knows how many the batch has, so
    # the log lists one line per use by its heads alone (index accesslog_heads_at), not by grouping.
    batch = models.UUIDField(_("use"), null=True, blank=True, editable=False)
    batch_size = models.PositiveIntegerField(_("records in the use"), default=1, editable=False)
    batch_head = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subscriber", "at"], name="accesslog_subscriber_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
            models.Index(fields=["subscriber_number", "at"], name="accesslog_number_at"),
            # An export file is named by its number (export #N): the rows of one file are found by it.
            models.Index(KeyTransform("export_no", "detail"), condition=Q(action="export"), name="accesslog_export_no"),
            models.Index(fields=["-at", "-id"], condition=Q(batch_head=True), name="accesslog_heads_at"),
            models.Index(fields=["batch", "id"], condition=Q(batch__isnull=False), name="accesslog_batch"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.get_action_display()} {self.subscriber_number}"
