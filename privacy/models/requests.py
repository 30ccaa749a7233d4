"""Subscribers' requests (開示等の請求): declaration §5, §6(3)–(4); broadcaster rules ■29–■35.

A request moves through ``privacy.services.requests.REQUEST_LIFECYCLE``; every move writes a ``RequestEvent``
(append-only, ``privacy.models.request_records``). Its due date comes from ``privacy.deadlines.due_date`` and is
stored, so the dashboard and the daily digest can use an index.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from mctv.db import DayField, DayTimeField, TimeStampedModel
from privacy import deadlines
from subscribers.fields import PostalCodeField

from .request_rules import DECISION_LABELS, EDIT_KINDS, KIND_GROUP, STATUTORY_KINDS, Decision, RequestKind


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
    UNDER_REVIEW = "under_review", _("Under review")
    PAUSED = "paused", _("Waiting for the corrected form")
    DECIDED = "decided", _("Decided")
    TRANSFERRED = "transferred", _("Transferred to another body")
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
    """How the written request arrived (art. 77(1)): a call or a visit without a form is a ``Consultation``."""

    COUNTER = "counter", _("At the counter")
    MAIL = "mail", _("By mail")
    ONLINE = "online", _("Online application")


class AgentKind(models.TextChoices):
    """Art. 76(2): a minor's or an adult ward's legal representative, or an agent the person appointed."""

    STATUTORY = "statutory", _("Statutory agent (parent, guardian)")
    APPOINTED = "appointed", _("Appointed agent (letter of attorney)")


class IdentityMethod(models.TextChoices):
    DRIVERS_LICENCE = "drivers_licence", _("Driver's licence")
    MY_NUMBER_CARD = "my_number_card", _("My Number card")
    PASSPORT = "passport", _("Passport")
    RESIDENCE_CARD = "residence_card", _("Residence card")
    HEALTH_INSURANCE = "health_insurance", _("Health insurance card with a second document")
    MAIL_COPY = "mail_copy", _("Copy of an identity document and a certificate of residence (by mail)")
    OTHER = "other", _("Other (see note)")


class DisclosureMethod(models.TextChoices):
    """How a disclosure was carried out (art. 87(1))."""

    INSPECTION = "inspection", _("Inspection (閲覧)")
    COPY = "copy", _("Paper copy handed over (写しの交付)")
    ELECTRONIC = "electronic", _("Electronic copy")


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

    def with_overdue(self, today: date):
        """Each request marked ``is_overdue`` by the same rule as ``overdue()``, for a list that shows all."""
        return self.annotate(
            is_overdue=models.Exists(SubjectRequest.objects.overdue(today).filter(pk=models.OuterRef("pk")))
        )

    def due_within(self, today: date, last_day: date):
        return self.running().filter(due_on__gte=today, due_on__lte=last_day)

    def by_due_date(self):
        return self.order_by("due_on", "received_on", "number")


class SubjectRequest(TimeStampedModel):
    Kind = RequestKind
    AgentKind = AgentKind
    DisclosureMethod = DisclosureMethod
    Status = RequestStatus
    Channel = Channel
    IdentityMethod = IdentityMethod
    Decision = Decision
    ReplyMethod = ReplyMethod

    number = models.CharField(_("request number"), max_length=12, unique=True, editable=False)
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
        help_text=_("Empty when the person is not, or no longer, in the registry."),
    )
    # The person whose information is asked about (本人), as the written request names them.
    subject_name = models.CharField(_("person's name"), max_length=100)
    subject_address = models.CharField(_("person's address"), max_length=300, blank=True)
    department = models.ForeignKey(
        "privacy.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="requests",
        help_text=_("Its officers receive the deadline digest."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    received_on = DayField(_("received on"), help_text=_("The day the written request arrived."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    by_agent = models.BooleanField(_("made by an agent"), default=False)
    agent_kind = models.CharField(_("kind of agent"), max_length=10, choices=AgentKind.choices, blank=True)
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
    # Art. 77(2): an agent also shows what makes them the agent (戸籍謄本, 登記事項証明書, 委任状 …).
    agent_authority = models.CharField(_("agent's authority shown by"), max_length=200, blank=True)
    # Arts. 90(3), 98(3): the disclosure a correction or suspension follows.
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("disclosure it follows"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    # Art. 84 (95, 103): the part decided later, as its own request with its own date.
    remainder_of = models.ForeignKey(
        "self",
        verbose_name=_("remainder of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remainders",
    )
    special_extension_reason = models.TextField(_("reason for deciding the rest later"), blank=True)
    special_until = DayField(_("the rest decided by"), null=True, blank=True)
    # 補正 (art. 77(3)): what the requester was asked to complete, and by when.
    correction_asked = models.TextField(_("correction asked of the requester"), blank=True)
    correction_due_on = DayField(_("corrected form due by"), null=True, blank=True)
    # ■35: a fee where the configuration sets one.
    fee_yen = models.PositiveIntegerField(_("fee (yen)"), default=0)
    fee_paid_on = DayField(_("fee paid on"), null=True, blank=True)
    fee_waived_reason = models.CharField(_("fee waived because"), max_length=200, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    days = models.PositiveSmallIntegerField(_("days to reply"))
    extension_days = models.PositiveSmallIntegerField(_("extended by (days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_on = DayField(_("extended on"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("days paused"), default=0)
    paused_on = DayField(_("paused since"), null=True, blank=True)
    paused_from = models.CharField(_("status before the pause"), max_length=20, blank=True)
    due_on = DayField(_("reply due on"), db_index=True)
    # The last day of the period as the law counts it; ``due_on`` is the office's last open day on or before it.
    period_ends_on = DayField(_("statutory last day"), null=True)

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
    withholding_grounds = models.JSONField(
        _("grounds for withholding"),
        default=dict,
        blank=True,
        help_text=_("For each item not disclosed, the code of its ground (WithholdingGround)."),
    )
    # 開示の実施 (art. 87): the correction and suspension windows count from here.
    disclosed_on = DayField(_("disclosure carried out on"), null=True, blank=True)
    disclosure_method = models.CharField(
        _("disclosure carried out by"), max_length=12, choices=DisclosureMethod.choices, blank=True
    )
    copy_sheets = models.PositiveIntegerField(_("sheets copied"), default=0)
    copy_fee_yen = models.PositiveIntegerField(_("cost of the copies (yen)"), default=0)
    # 移送 (art. 85).
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    transferred_on = DayField(_("transferred on"), null=True, blank=True)
    transfer_reason = models.TextField(_("reason for the transfer"), blank=True)
    reopened_on = DayField(_("reopened on"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=(Q(by_agent=False) & Q(agent_kind="")) | (Q(by_agent=True) & ~Q(agent_kind="")),
                name="request_agent_kind_iff_agent",
                violation_error_message=_("Say whether the agent is a statutory or an appointed one."),
            ),
            models.CheckConstraint(condition=Q(decision__in=["", *Decision.values]), name="request_decision_valid"),
            models.CheckConstraint(
                condition=Q(transferred_on__isnull=True) | ~Q(transferred_to=""),
                name="request_transfer_names_the_body",
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
    def group(self) -> str:
        return KIND_GROUP[self.kind]

    @property
    def is_statutory(self) -> bool:
        """A request under APPI chapter 5: its decision is a 処分, and its letter tells how to appeal."""
        return self.kind in STATUTORY_KINDS

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS[self.group].get(self.decision, "")

    @property
    def record_edited_since_decision(self) -> bool:
        """The registry was changed as this decision granted (an edit for an earlier decision, set aside on
        appeal, does not count)."""
        if self.decided_at is None:
            return False
        return self.events.filter(kind="record_edited", at__gte=self.decided_at).exists()

    @property
    def remainders_exist(self) -> bool:
        return self.pk is not None and self.remainders.exists()

    @property
    def fee_settled(self) -> bool:
        return not self.fee_yen or self.fee_paid_on is not None or bool(self.fee_waived_reason)

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
        return not self.fee_settled

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
