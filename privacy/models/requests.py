"""Subscribers' requests (開示等の請求): declaration §5, §6(3)–(4); broadcaster rules ■29–■35.

A request moves through ``privacy.services.requests.TRANSITIONS``; every move writes a
``RequestEvent`` (append-only). Its due date comes from ``privacy.deadlines.due_date``
and is stored, so the dashboard and the daily digest can use an index.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mctv.db import AppendOnlyModel, DayField, DayTimeField, TimeStampedModel
from privacy import deadlines
from subscribers.fields import PostalCodeField


class RequestKind(models.TextChoices):
    DISCLOSURE = "disclosure", _("Disclosure")
    PURPOSE_NOTICE = "purpose_notice", _("Notice of the purpose of use")
    CORRECTION = "correction", _("Correction")
    ADDITION = "addition", _("Addition")
    DELETION = "deletion", _("Deletion")
    SUSPENSION = "suspension", _("Suspension of use")
    ERASURE = "erasure", _("Erasure")
    STOP_THIRD_PARTY = "stop_third_party", _("Stop of provision to third parties")
    STOP_CONTRACTORS = "stop_contractors", _("Stop of provision to contractors")


# Kinds whose decision stops provision; a refusal must say why the request has no legitimate reason (§6(3)–(4)).
STOP_KINDS = frozenset({RequestKind.STOP_THIRD_PARTY, RequestKind.STOP_CONTRACTORS})
# Kinds that change the record: applied through the registry's edit, linked to the request.
EDIT_KINDS = frozenset({RequestKind.CORRECTION, RequestKind.ADDITION, RequestKind.DELETION})


class RequestRule(TimeStampedModel):
    """Per kind: the days to reply and the fee (■35). Configuration, editable in admin, never literals in code."""

    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days to reply"),
        default=15,
        help_text=_("Counted from the day after receipt; the due date is the last open day on or before the end."),
    )
    fee_yen = models.PositiveIntegerField(_("fee (yen)"), default=0)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("request rule")
        verbose_name_plural = _("request rules")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=60), name="requestrule_days_1_to_60"),
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="requestrule_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days}"


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
    UNDER_REVIEW = "under_review", _("Under review")
    PAUSED = "paused", _("Paused (waiting for the requester)")
    DECIDED = "decided", _("Decided")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Before the reply leaves, the office owes an answer: these count against the deadline.
OPEN_STATUSES = (
    RequestStatus.RECEIVED,
    RequestStatus.IDENTITY_VERIFIED,
    RequestStatus.UNDER_REVIEW,
    RequestStatus.PAUSED,
    RequestStatus.DECIDED,
)


class Channel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    MAIL = "mail", _("By mail")
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By email")


class IdentityMethod(models.TextChoices):
    DRIVERS_LICENCE = "drivers_licence", _("Driver's licence")
    MY_NUMBER_CARD = "my_number_card", _("My Number card")
    PASSPORT = "passport", _("Passport")
    RESIDENCE_CARD = "residence_card", _("Residence card")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance card with a second document")
    MAIL_COPY = "mail_copy", _("Copy of an identity document and a certificate of residence (by mail)")
    OTHER = "other", _("Other (see note)")


class Decision(models.TextChoices):
    FULL = "full", _("In full")
    PARTIAL = "partial", _("In part")
    NONE = "none", _("Not at all")


class ReplyMethod(models.TextChoices):
    MAIL = "mail", _("By mail")
    COUNTER = "counter", _("Handed over at the counter")
    EMAIL = "email", _("By email")


class SubjectRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def running(self):
        """Open and with the clock running: a paused request's due date moves when it resumes."""
        return self.open().exclude(status=RequestStatus.PAUSED)

    def overdue(self, today: date):
        return self.running().filter(due_on__lt=today)

    def due_within(self, today: date, last_day: date):
        return self.running().filter(due_on__gte=today, due_on__lte=last_day)

    def by_due_date(self):
        return self.order_by("due_on", "received_on", "number")


class SubjectRequest(TimeStampedModel):
    Kind = RequestKind
    Status = RequestStatus
    Channel = Channel
    IdentityMethod = IdentityMethod
    Decision = Decision
    ReplyMethod = ReplyMethod

    number = models.CharField(_("request number"), max_length=12, unique=True, editable=False)
    subscriber = models.ForeignKey(
        "subscribers.Subscriber", verbose_name=_("subscriber"), on_delete=models.PROTECT, related_name="requests"
    )
    department = models.ForeignKey(
        "privacy.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="requests",
        help_text=_("Its officers receive the deadline digest."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    received_on = DayField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    by_agent = models.BooleanField(_("made by an agent"), default=False)
    agent_name = models.CharField(_("agent's name"), max_length=100, blank=True)
    agent_relation = models.CharField(
        _("agent's standing"), max_length=100, blank=True, help_text=_("e.g. legal representative, attorney")
    )
    agent_postal_code = PostalCodeField(_("agent's postal code"), blank=True)
    agent_address = models.CharField(_("agent's address"), max_length=300, blank=True)
    agent_phone = models.CharField(_("agent's phone"), max_length=20, blank=True)
    # The addressee of the letters, as at receipt: the letters still reach the requester after an erasure.
    requester_name = models.CharField(_("requester's name"), max_length=100)
    requester_postal_code = models.CharField(_("requester's postal code"), max_length=7)
    requester_address = models.CharField(_("requester's address"), max_length=300)
    details = models.TextField(_("what is requested"), help_text=_("e.g. which items to correct and how"))
    reason = models.TextField(_("the requester's reason"), blank=True)
    # ■34: who the requester is, checked before anything is disclosed or changed.
    identity_method = models.CharField(
        _("identity checked with"), max_length=20, choices=IdentityMethod.choices, blank=True
    )
    identity_note = models.CharField(_("identity check note"), max_length=200, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("identity checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    identity_checked_at = DayTimeField(_("identity checked at"), null=True, blank=True)
    # ■35: a fee where the configuration sets one.
    fee_yen = models.PositiveIntegerField(_("fee (yen)"), default=0)
    fee_paid_on = DayField(_("fee paid on"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    days = models.PositiveSmallIntegerField(_("days to reply"))
    extension_days = models.PositiveSmallIntegerField(_("extended by (days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_on = DayField(_("extended on"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("days paused"), default=0)
    paused_on = DayField(_("paused since"), null=True, blank=True)
    paused_from = models.CharField(_("status before the pause"), max_length=20, blank=True)
    due_on = DayField(_("reply due on"), db_index=True)

    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    withheld_items = models.JSONField(
        _("items not disclosed"),
        default=list,
        blank=True,
        help_text=_("A disclosure in part leaves these data items out."),
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
    replied_on = DayField(_("replied on"), null=True, blank=True)
    reply_method = models.CharField(_("reply sent"), max_length=10, choices=ReplyMethod.choices, blank=True)
    # The request file's retention period counts from here (privacy.fiscal_years).
    closed_on = DayField(_("closed on"), null=True, blank=True, db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber's request")
        verbose_name_plural = _("subscribers' requests")
        ordering = ["due_on", "number"]
        permissions = [("decide_subjectrequest", _("Can decide a subscriber's request"))]
        indexes = [models.Index(fields=["status", "due_on"], name="request_status_due")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="request_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="request_status_valid"),
            models.CheckConstraint(condition=Q(extension_days__lte=30), name="request_extension_at_most_30"),
            models.CheckConstraint(
                condition=Q(extension_days=0) | ~Q(extension_reason=""), name="request_extension_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(by_agent=False) | ~Q(agent_name=""),
                name="request_agent_named",
                violation_error_message=_("Name the agent."),
            ),
            # ■33, §6(4): anything but a decision in full says why.
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision="full") | ~Q(decision_reasons=""),
                name="request_reasons_unless_full",
                violation_error_message=_("Give the reasons when the request is not granted in full."),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="request_decision_recorded",
            ),
            models.CheckConstraint(
                condition=Q(identity_method="")
                | (Q(identity_checked_by__isnull=False) & Q(identity_checked_at__isnull=False)),
                name="request_identity_check_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    @property
    def identity_verified(self) -> bool:
        return bool(self.identity_method)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaits_identity_check(self) -> bool:
        """Open and nobody has yet checked who asked: nothing may be disclosed or changed (■34)."""
        return self.is_open and not self.identity_verified

    @property
    def extension_available(self) -> bool:
        """The period is extended at most once."""
        return not self.extension_days

    @property
    def fee_outstanding(self) -> bool:
        return bool(self.fee_yen) and self.fee_paid_on is None

    @property
    def grants_disclosure(self) -> bool:
        """A disclosure request granted in full or in part: the disclosed data may be handed over."""
        return self.kind == RequestKind.DISCLOSURE and self.decision in (Decision.FULL, Decision.PARTIAL)

    @property
    def record_change_allowed(self) -> bool:
        """A correction, addition or deletion decided in the requester's favour and not yet replied to: the
        registry is changed through the request, and the reply waits for that change."""
        return (
            self.status == RequestStatus.DECIDED
            and self.kind in EDIT_KINDS
            and self.decision in (Decision.FULL, Decision.PARTIAL)
        )

    def days_left(self, today: date | None = None) -> int:
        """Calendar days until the due date (negative when overdue)."""
        return deadlines.days_between(today or timezone.localdate(), self.due_on)

    def urgency(self, today: date | None = None) -> str:
        """For the dashboard: ``paused``, or how pressing the due date is (``privacy.deadlines.urgency``)."""
        if self.status == RequestStatus.PAUSED:
            return "paused"
        return deadlines.urgency(self.due_on, today or timezone.localdate())

    @property
    def replied_in_time(self) -> bool | None:
        if self.replied_on is None:
            return None
        return self.replied_on <= self.due_on


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
