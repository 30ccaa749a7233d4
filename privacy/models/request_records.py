"""What a request leaves behind besides itself: its events (append-only), the daily digest's record, the
consultations that may precede it and the notices to recipients that may follow a correction (APPI art. 97)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mctv.db import AppendOnlyModel, DayField, DayTimeField, TimeStampedModel

from .request_rules import RequestKind
from .requests import SubjectRequest


class RequestEventKind(models.TextChoices):
    """What happened to a request; each kind is written by its own function in ``privacy.events.requests``."""

    RECEIVED = "received", _("Received")
    IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
    REVIEW_STARTED = "review_started", _("Review started")
    PAUSED = "paused", _("Paused")
    RESUMED = "resumed", _("Resumed")
    EXTENDED = "extended", _("Deadline extended")
    DECIDED = "decided", _("Decided")
    PROVISION_STOPPED = "provision_stopped", _("Provision stopped")
    USE_SUSPENDED = "use_suspended", _("Use suspended")
    ERASED = "erased", _("Personal data erased")
    RECORD_EDITED = "record_edited", _("Record changed as requested")
    REPLIED = "replied", _("Reply sent")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FEE_PAID = "fee_paid", _("Fee paid")
    DISCLOSURE_HANDED_OVER = "disclosure_handed_over", _("Disclosed data handed over")
    CORRECTION_ASKED = "correction_asked", _("Correction of the form asked")
    FEE_WAIVED = "fee_waived", _("Fee waived")
    DISCLOSURE_CARRIED_OUT = "disclosure_carried_out", _("Disclosure carried out")
    SPECIAL_EXTENSION = "special_extension", _("Rest decided later (special extension)")
    TRANSFERRED = "transferred", _("Transferred")
    RECIPIENT_NOTIFIED = "recipient_notified", _("Recipient told of the correction")
    REOPENED = "reopened", _("Reopened after an appeal")


class RequestEvent(AppendOnlyModel):
    """One move or act on a request: who, when, what, from, to, the note typed, and the act's codes, ids and dates
    (``parameters``); the sentence a reader sees is made from them when shown. Append-only (PostgreSQL trigger)."""

    Kind = RequestEventKind

    request = models.ForeignKey(
        SubjectRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="events"
    )
    at = DayTimeField(_("when"), default=timezone.now)
    # PROTECT, not SET_NULL: the row is append-only, and staff accounts are deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=30, choices=RequestEventKind.choices)
    from_status = models.CharField(_("status before"), max_length=20, blank=True)
    to_status = models.CharField(_("status after"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    parameters = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="requestevent_request_at")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RequestEventKind.values), name="requestevent_kind_known")
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.from_status}→{self.to_status}"


class DeadlineDigest(models.Model):
    """That a department's deadline digest went out on a day: the daily task sends each at most once."""

    department = models.ForeignKey(
        "privacy.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = DayField(_("sent on"))
    recipients = models.JSONField(_("recipients"), default=list)
    request_count = models.PositiveIntegerField(_("requests listed"), default=0)

    class Meta:
        verbose_name = _("deadline digest")
        verbose_name_plural = _("deadline digests")
        constraints = [models.UniqueConstraint(fields=["department", "sent_on"], name="deadlinedigest_once_a_day")]

    def __str__(self):
        return f"{self.department} {self.sent_on}"


class ConsultationChannel(models.TextChoices):
    PHONE = "phone", _("By phone")
    VISIT = "visit", _("A visit without a written request")
    EMAIL = "email", _("By email")
    OTHER = "other", _("Other")


class Consultation(TimeStampedModel):
    """A 相談: someone asked about their information without a written request. It may later become a request."""

    Channel = ConsultationChannel

    received_on = DayField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=ConsultationChannel.choices)
    name = models.CharField(_("caller's name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    kind = models.CharField(_("kind of request asked about"), max_length=20, choices=RequestKind.choices, blank=True)
    summary = models.TextField(_("what was asked"))
    answer = models.TextField(_("what the office answered"), blank=True)
    department = models.ForeignKey(
        "privacy.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        SubjectRequest,
        verbose_name=_("became request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=ConsultationChannel.values), name="consultation_channel_valid"
            )
        ]

    def __str__(self):
        return f"{self.received_on} {self.name}"


class CorrectionNotice(TimeStampedModel):
    """Art. 97: after a correction is carried out, each recipient the provision log shows received the corrected
    items is told in writing; one row per recipient, recorded as sent."""

    request = models.ForeignKey(
        SubjectRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="correction_notices"
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    contractor = models.ForeignKey(
        "privacy.Contractor", verbose_name=_("contractor"), on_delete=models.PROTECT, null=True, blank=True
    )
    items = models.JSONField(_("corrected items it received"), default=list)
    sent_on = DayField(_("sent on"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("notice of a correction to a recipient")
        verbose_name_plural = _("notices of corrections to recipients")
        ordering = ["request", "recipient_name"]
        constraints = [
            models.UniqueConstraint(fields=["request", "recipient_name"], name="correctionnotice_once_per_recipient"),
            models.CheckConstraint(
                condition=Q(sent_on__isnull=True) | Q(sent_by__isnull=False), name="correctionnotice_sent_by_whom"
            ),
        ]

    def __str__(self):
        return f"{self.request} → {self.recipient_name}"
