"""Purposes of use, consent, the declaration's versions and the bulk-use log.

Declaration §2(2)–(3), §9, §10; broadcaster rules ■6–■7, ■11. Who may be used for a purpose is
decided in one place: ``privacy.selectors.subscribers_usable_for``.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import AppendOnlyModel, DayField, DayTimeField, TimeStampedModel

# Codes of purposes the declaration states (§2(2)), seeded by migration 0010: the registry's own export serves
# the first; statistics, which identify no one, the other.
SERVICE_PURPOSE = "service"
STATISTICS_PURPOSE = "statistics"


class PurposeQuerySet(models.QuerySet):
    def in_force(self, on: date):
        return self.filter(Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gte=on)))


class Purpose(TimeStampedModel):
    """利用目的. The three of §2(2) are stated in the declaration; any other needs each subscriber's consent."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    stated_in_declaration = models.BooleanField(
        _("stated in the declaration"),
        default=False,
        help_text=_("Stated purposes need no consent (§2(2)); any other only for subscribers who consented (§2(3))."),
    )
    items = models.JSONField(_("data items it needs"), default=list, blank=True)
    covers_former_subscribers = models.BooleanField(
        _("covers terminated subscribers"),
        default=False,
        help_text=_("e.g. statistics over the years; notices and mailings do not reach former subscribers."),
    )
    since = DayField(_("since"))
    until = DayField(_("until"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = PurposeQuerySet.as_manager()

    class Meta:
        verbose_name = _("purpose of use")
        verbose_name_plural = _("purposes of use")
        ordering = ["-stated_in_declaration", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")), name="purpose_until_after_since"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def identifies_no_one(self) -> bool:
        """Statistics: used only as counts on the statistics page, never as personal data (no export, no labels)."""
        return self.code == STATISTICS_PURPOSE

    def is_in_force(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)


class PolicyVersionQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        """The version in force on ``on``: the latest whose effective date has come."""
        return self.filter(effective_on__lte=on or timezone.localdate()).order_by("-effective_on").first()


class PolicyVersion(TimeStampedModel):
    """A version of 個人情報の保護に関する宣言 (§9): its text, from when, and how it was announced."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text = models.TextField(_("text"))
    effective_on = DayField(_("effective on"), unique=True)
    summary_of_changes = models.TextField(_("summary of changes"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("declaration version")
        verbose_name_plural = _("declaration versions")
        ordering = ["-effective_on"]

    def __str__(self):
        return f"{self.version} ({self.effective_on})"


class AnnouncementChannel(models.TextChoices):
    NEWSLETTER = "newsletter", _("Public-relations newsletter")
    BROADCAST = "broadcast", _("Public-relations programme")
    WEBSITE = "website", _("Website")


class PolicyAnnouncement(TimeStampedModel):
    version = models.ForeignKey(
        PolicyVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="announcements"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=AnnouncementChannel.choices)
    announced_on = DayField(_("announced on"))
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("e.g. the newsletter issue"))

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["announced_on"]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=AnnouncementChannel.values), name="announcement_channel"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.announced_on}"


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Paper form")
    COUNTER = "counter", _("At the counter")
    WEB = "web", _("Web form")


class ConsentQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(given_on__lte=on) & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)))


class Consent(TimeStampedModel):
    """A subscriber's consent to one unstated purpose (§2(3)), as told to them. Withdrawal ends it; rows stay."""

    Method = ConsentMethod

    subscriber = models.ForeignKey(
        "subscribers.Subscriber", verbose_name=_("subscriber"), on_delete=models.PROTECT, related_name="consents"
    )
    purpose = models.ForeignKey(Purpose, verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="consents")
    user_told = models.CharField(_("who uses the data (as told)"), max_length=200)
    use_told = models.TextField(_("for what (as told)"))
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("declaration version shown"), on_delete=models.PROTECT, related_name="consents"
    )
    method = models.CharField(_("how consent was given"), max_length=10, choices=ConsentMethod.choices)
    given_on = DayField(_("given on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = DayField(_("withdrawn on"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["purpose", "subscriber", "withdrawn_on"], name="consent_purpose_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("A consent cannot be withdrawn before it was given."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawal_recorded_by__isnull=False),
                name="consent_withdrawal_recorded",
            ),
            models.CheckConstraint(condition=Q(method__in=ConsentMethod.values), name="consent_method_valid"),
            # One consent in force per subscriber and purpose; a new one follows a withdrawal as a new row.
            models.UniqueConstraint(
                fields=["subscriber", "purpose"],
                condition=Q(withdrawn_on__isnull=True),
                name="consent_one_open_per_purpose",
                violation_error_message=_("The subscriber has already consented to this purpose."),
            ),
        ]

    def __str__(self):
        return f"{self.subscriber_id} {self.purpose} {self.given_on}"


class BulkUseKind(models.TextChoices):
    EXPORT_CSV = "export_csv", _("Export (CSV)")
    LABELS_PDF = "labels_pdf", _("Address labels (PDF)")
    STATISTICS = "statistics", _("Statistics (page)")
    STATISTICS_CSV = "statistics_csv", _("Statistics (CSV)")
    HANDOVER = "handover", _("Bulk hand-over to a contractor")


class BulkUse(AppendOnlyModel):
    """Every bulk use of personal data names its purpose: who, what, how many, with which filters, when."""

    Kind = BulkUseKind

    at = DayTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.ForeignKey(Purpose, verbose_name=_("purpose"), on_delete=models.PROTECT, related_name="uses")
    kind = models.CharField(_("what"), max_length=20, choices=BulkUseKind.choices)
    count = models.PositiveIntegerField(_("subscribers"))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    # The file it wrote, when personal data left the screen: an incident names it as export #N.
    export_no = models.PositiveIntegerField(_("export number"), null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("bulk use")
        verbose_name_plural = _("bulk uses")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.purpose} {self.get_kind_display()} {self.count}"
