"""Retention rules, legal holds and disposal runs (declaration §13, broadcaster rules ■13).

A DisposalRun is the proposal, the officer's approval, the purge's progress and, when done, the
disposal record (廃棄記録): class, rule, counts, who approved, when, and subscriber numbers — never names
or other personal data.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, DayTimeField, TimeStampedModel


class RecordClass(models.TextChoices):
    TERMINATED_SUBSCRIBER = "terminated_subscriber", _("Terminated subscribers and all their personal data")
    PROVISION = "provision", _("Provision records")
    ACCESS_LOG = "access_log", _("Staff access log")
    REQUEST_FILE = "request_file", _("Request files")
    INCIDENT_FILE = "incident_file", _("Incident files")
    CONSENT = "consent", _("Withdrawn consents")
    BULK_USE = "bulk_use", _("Bulk-use log")
    COMPLAINT_FILE = "complaint_file", _("Complaint files")
    CONSULTATION = "consultation", _("Consultations that did not become a request")
    SUBSCRIBER_HISTORY = "subscriber_history", _("Replaced values in subscribers' history")
    WORK_ORDER = "work_order", _("Closed and cancelled work orders")
    EXCEPTIONAL_PROVISION = "exceptional_provision", _("Exceptional provision files")
    PROVISION_STOP = "provision_stop", _("Lifted stops of provision")
    LEGAL_HOLD = "legal_hold", _("Ended legal holds")
    DISPOSAL_RECORD = "disposal_record", _("Disposal records")
    TRAINING = "training", _("Training records")
    SELF_INSPECTION = "self_inspection", _("Self-inspection files")
    AUDIT_FINDING = "audit_finding", _("Audit findings")
    ACCESS_REVIEW = "access_review", _("Reviews of staff access")
    ADMIN_LOG = "admin_log", _("Django admin's change log")
    LOGIN_RECORD = "login_record", _("Login records")
    DEADLINE_DIGEST = "deadline_digest", _("Sent deadline digests")


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete")
    ANONYMISE = "anonymise", _("Anonymise (keep the row for statistics)")


RETENTION_YEARS = [
    (1, _("1 year")),
    (3, _("3 years")),
    (5, _("5 years")),
    (10, _("10 years")),
    (30, _("30 years")),
    (0, _("Permanent")),
]


class RetentionRule(TimeStampedModel):
    """How long a class of records is kept, and what disposal does to it. Configuration, not law: see docs."""

    record_class = models.CharField(_("record class"), max_length=30, choices=RecordClass.choices, unique=True)
    years = models.PositiveSmallIntegerField(_("years kept"), choices=RETENTION_YEARS)
    action = models.CharField(
        _("disposal"), max_length=10, choices=RetentionAction.choices, default=RetentionAction.DELETE
    )
    auto_approve = models.BooleanField(
        _("approve automatically"),
        default=False,
        help_text=_("The daily proposal is purged without an officer's approval (e.g. the access log)."),
    )
    basis = models.TextField(_("where the period comes from"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        ordering = ["record_class"]
        constraints = [
            models.CheckConstraint(condition=Q(years__in=[1, 3, 5, 10, 30, 0]), name="retentionrule_years_allowed"),
            models.CheckConstraint(
                condition=Q(record_class="terminated_subscriber") | Q(action="delete"),
                name="retentionrule_anonymise_only_subscribers",
                violation_error_message=_("Only subscribers can be anonymised; logs are deleted."),
            ),
        ]

    def __str__(self):
        return f"{self.get_record_class_display()}: {self.get_years_display()}"


class HoldKind(models.TextChoices):
    LITIGATION = "litigation", _("Litigation")
    AUDIT = "audit", _("Audit")
    OTHER = "other", _("Other")


class LegalHoldQuerySet(models.QuerySet):
    def in_force(self, on: date):
        return self.filter(Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gte=on)))


class LegalHold(TimeStampedModel):
    """A manual hold (litigation, audit): on one subscriber's records, or on a whole class when no subscriber."""

    kind = models.CharField(_("kind"), max_length=12, choices=HoldKind.choices)
    # CASCADE: a hold in force keeps its subscriber from the purge; an expired one goes with the records.
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legal_holds",
    )
    record_class = models.CharField(
        _("record class"),
        max_length=30,
        choices=RecordClass.choices,
        blank=True,
        help_text=_("Empty: every class of the subscriber's records."),
    )
    reason = models.TextField(_("reason"))
    since = DayField(_("since"), default=timezone.localdate)
    until = DayField(_("until"), null=True, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-since"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="legalhold_has_reason"),
            models.CheckConstraint(
                condition=Q(subscriber__isnull=False) | ~Q(record_class=""),
                name="legalhold_names_what_it_holds",
                violation_error_message=_("Name the subscriber, the record class, or both."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")), name="legalhold_until_after_since"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subscriber_id or self.get_record_class_display()}"


class DisposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved, queued")
    RUNNING = "running", _("Purging")
    DONE = "done", _("Disposed of")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed (will resume)")


# A run still to be approved, purged or resumed: one per record class at a time.
UNFINISHED_STATUSES = [DisposalStatus.PROPOSED, DisposalStatus.APPROVED, DisposalStatus.RUNNING, DisposalStatus.FAILED]
# A run the purge works on (approved, under way, or stopped by an error and resumed).
PURGEABLE_STATUSES = [DisposalStatus.APPROVED, DisposalStatus.RUNNING, DisposalStatus.FAILED]


class DisposalRunQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=UNFINISHED_STATUSES)

    def purgeable(self):
        return self.filter(status__in=PURGEABLE_STATUSES)

    def to_resume(self, stale_before):
        """Purges to start again: approved or failed ones, and running ones whose chain stopped (no progress
        since ``stale_before``)."""
        return self.filter(
            Q(status__in=[DisposalStatus.APPROVED, DisposalStatus.FAILED])
            | Q(status=DisposalStatus.RUNNING, updated_at__lt=stale_before)
        )


class DisposalRun(TimeStampedModel):
    """A proposal, its approval, the purge's progress and, when done, the disposal record. Each status move leaves a
    history row (who, when, from, to)."""

    Status = DisposalStatus

    record_class = models.CharField(_("record class"), max_length=30, choices=RecordClass.choices)
    years = models.PositiveSmallIntegerField(_("years kept"))
    action = models.CharField(_("disposal"), max_length=10, choices=RetentionAction.choices)
    proposed_on = DayField(_("proposed on"))
    status = models.CharField(
        _("status"), max_length=10, choices=DisposalStatus.choices, default=DisposalStatus.PROPOSED
    )
    candidate_count = models.PositiveIntegerField(_("records proposed"), default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = DayTimeField(_("approved at"), null=True, blank=True)
    auto_approved = models.BooleanField(_("approved automatically"), default=False)
    started_at = DayTimeField(_("started at"), null=True, blank=True)
    finished_at = DayTimeField(_("finished at"), null=True, blank=True)
    processed_count = models.PositiveIntegerField(_("records processed"), default=0)
    disposed_count = models.PositiveIntegerField(_("records disposed of"), default=0)
    held_count = models.PositiveIntegerField(_("records kept under a hold"), default=0)
    related_counts = models.JSONField(_("rows removed per table"), default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    attempts = models.PositiveSmallIntegerField(
        _("attempts"), default=0, help_text=_("How many times the purge was started or resumed.")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = DisposalRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("disposal run")
        verbose_name_plural = _("disposal runs")
        ordering = ["-proposed_on", "-id"]
        permissions = [("approve_disposalrun", _("Can approve a disposal"))]
        indexes = [models.Index(fields=["status", "proposed_on"], name="disposalrun_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "rejected"]) | Q(auto_approved=True) | Q(approved_by__isnull=False),
                name="disposalrun_approval_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.proposed_on} {self.get_record_class_display()} ({self.get_status_display()})"

    @property
    def awaits_approval(self) -> bool:
        return self.status == DisposalStatus.PROPOSED

    @property
    def is_done(self) -> bool:
        """Purged: the run is the disposal record, and its certificate can be printed."""
        return self.status == DisposalStatus.DONE

    @property
    def is_purgeable(self) -> bool:
        return self.status in PURGEABLE_STATUSES

    @property
    def is_stalled(self) -> bool:
        """Purging, but no batch for longer than a batch ever takes: its worker died; the sweep resumes it."""
        stale_before = timezone.now() - timedelta(minutes=settings.RETENTION_STALE_MINUTES)
        return self.status == DisposalStatus.RUNNING and self.updated_at < stale_before

    @property
    def progress_percent(self) -> int:
        return 100 if not self.candidate_count else round(self.processed_count * 100 / self.candidate_count)


class DisposalItem(models.Model):
    """One record proposed for disposal: its id and, where it has one, the subscriber number — nothing else."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        DISPOSED = "disposed", _("Disposed of")
        HELD = "held", _("Kept under a hold")
        GONE = "gone", _("Already gone")

    run = models.ForeignKey(DisposalRun, on_delete=models.CASCADE, related_name="items")
    object_id = models.BigIntegerField()
    subscriber_number = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        verbose_name = _("disposal item")
        verbose_name_plural = _("disposal items")
        constraints = [models.UniqueConstraint(fields=["run", "object_id"], name="disposalitem_once_per_run")]
        indexes = [models.Index(fields=["run", "outcome", "id"], name="disposalitem_pending")]

    def __str__(self):
        return f"{self.run_id}:{self.object_id} {self.outcome}"
