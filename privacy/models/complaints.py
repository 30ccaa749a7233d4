"""Complaints about the handling of personal information (苦情処理: declaration §12, rules ■36)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mctv.db import DayField, TimeStampedModel


class ComplaintCategory(TimeStampedModel):
    """What complaints are about: configuration, edited in admin."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ComplaintChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    PHONE = "phone", _("By phone")
    MAIL = "mail", _("By mail")
    EMAIL = "email", _("By email")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Being handled")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ComplaintStatus.OPEN)

    def overdue(self, today: date):
        return self.open().filter(reply_due_on__lt=today)


class Complaint(TimeStampedModel):
    Channel = ComplaintChannel
    Status = ComplaintStatus

    number = models.CharField(_("complaint number"), max_length=12, unique=True, editable=False)
    received_on = DayField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=ComplaintChannel.choices)
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        help_text=_("Empty when the complainant is not a subscriber."),
    )
    complainant_name = models.CharField(_("complainant"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("about"), on_delete=models.PROTECT, related_name="complaints"
    )
    summary = models.TextField(_("the complaint"))
    department = models.ForeignKey(
        "privacy.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    reply_due_on = DayField(_("reply due on"), db_index=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_on = DayField(_("replied on"), null=True, blank=True)
    closed_on = DayField(_("closed on"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["reply_due_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values), name="complaint_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=ComplaintChannel.values), name="complaint_channel_valid"),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(reply="") & Q(replied_on__isnull=False)),
                name="complaint_reply_recorded",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_on__isnull=False), name="complaint_closed_on_recorded"
            ),
        ]

    def __str__(self):
        return self.number
