"""The yearly self-inspection per department and the audit's findings (declaration §4(1): a responsible person
per department; broadcaster rules ■15 管理責任体制, ■17 従業者の監督).

The checklist is configuration (admin); each inspection copies the questions it was made from, so a later
change of the checklist leaves past inspections as they were answered.
"""

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mctv.db import DayField, TimeStampedModel

FISCAL_YEARS = Q(fiscal_year__gte=2000) & Q(fiscal_year__lte=2200)


class InspectionChecklistItem(TimeStampedModel):
    """One question of the self-inspection checklist: configuration, edited in admin."""

    category = models.CharField(_("category"), max_length=100)
    question = models.TextField(_("question"))
    basis = models.CharField(_("basis"), max_length=200, blank=True, help_text=_("The clause the question checks."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("self-inspection checklist item")
        verbose_name_plural = _("self-inspection checklist")
        ordering = ["order", "id"]

    def __str__(self):
        return self.question[:60]


class InspectionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Being inspected")
    COMPLETED = "completed", _("Inspection completed")


class SelfInspection(TimeStampedModel):
    """A department's self-inspection (自己点検) for one fiscal year."""

    Status = InspectionStatus

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    department = models.ForeignKey(
        "privacy.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="inspections"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=InspectionStatus.choices, default=InspectionStatus.IN_PROGRESS
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    completed_on = DayField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        ordering = ["-fiscal_year", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "department"], name="selfinspection_once_a_year"),
            models.CheckConstraint(condition=FISCAL_YEARS, name="selfinspection_fiscal_year_plausible"),
            models.CheckConstraint(condition=Q(status__in=InspectionStatus.values), name="selfinspection_status"),
            models.CheckConstraint(
                condition=Q(status="in_progress", completed_on__isnull=True, completed_by__isnull=True)
                | Q(status="completed", completed_on__isnull=False, completed_by__isnull=False),
                name="selfinspection_completion_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.department}"


class InspectionResult(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met (to be remedied)")
    NOT_APPLICABLE = "na", _("Not applicable")


class InspectionAnswerQuerySet(models.QuerySet):
    def open_remedies(self):
        """Findings whose remedy is not yet recorded as done."""
        return self.filter(result=InspectionResult.NOT_MET, remedied_on__isnull=True)

    def overdue(self, today: date):
        return self.open_remedies().filter(remedy_due_on__lt=today)


class InspectionAnswer(TimeStampedModel):
    """One question as asked and answered; a question not met has a finding, a remedy and its due date."""

    Result = InspectionResult

    inspection = models.ForeignKey(
        SelfInspection, verbose_name=_("self-inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(
        InspectionChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    category = models.CharField(_("category"), max_length=100)
    question = models.TextField(_("question"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=InspectionResult.choices, blank=True)
    finding = models.TextField(_("finding"), blank=True)
    remedy = models.TextField(_("remedy"), blank=True)
    remedy_due_on = DayField(_("remedy due on"), null=True, blank=True)
    remedied_on = DayField(_("remedied on"), null=True, blank=True)
    remedied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remedy recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = InspectionAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-inspection answer")
        verbose_name_plural = _("self-inspection answers")
        ordering = ["inspection", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspectionanswer_once"),
            models.CheckConstraint(
                condition=Q(result="") | Q(result__in=InspectionResult.values), name="inspectionanswer_result"
            ),
            models.CheckConstraint(
                condition=~Q(result="not_met") | (~Q(finding="") & ~Q(remedy="") & Q(remedy_due_on__isnull=False)),
                name="inspectionanswer_not_met_has_remedy",
                violation_error_message=_("A question not met needs the finding, the remedy and its due date."),
            ),
            models.CheckConstraint(
                condition=Q(remedied_on__isnull=True) | Q(result="not_met"), name="inspectionanswer_remedied_not_met"
            ),
            models.CheckConstraint(
                condition=Q(remedied_on__isnull=True, remedied_by__isnull=True)
                | Q(remedied_on__isnull=False, remedied_by__isnull=False),
                name="inspectionanswer_remedy_recorded_by",
            ),
        ]

    def __str__(self):
        return f"{self.inspection} {self.order}"

    def fingerprint(self) -> str:
        """What the answer says now, in short: a page that showed another answer was opened before a change."""
        shown = "\x1f".join(
            str(v) for v in (self.result, self.finding, self.remedy, self.remedy_due_on, self.remedied_on)
        )
        return hashlib.sha256(shown.encode()).hexdigest()[:16]


class AuditFindingStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the department's answer")
    ANSWERED = "answered", _("Answered")


class AuditFinding(TimeStampedModel):
    """A finding of the audit, written by the auditor (the one record an auditor writes), and the department's
    answer."""

    Status = AuditFindingStatus

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    department = models.ForeignKey(
        "privacy.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="audit_findings"
    )
    found_on = DayField(_("found on"))
    finding = models.TextField(_("finding"))
    requested_action = models.TextField(_("action requested"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AuditFindingStatus.choices, default=AuditFindingStatus.OPEN
    )
    answer = models.TextField(_("the department's answer"), blank=True)
    answered_on = DayField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["-fiscal_year", "found_on", "id"]
        permissions = [("answer_auditfinding", "Can answer an audit finding for the department")]
        constraints = [
            models.CheckConstraint(condition=FISCAL_YEARS, name="auditfinding_fiscal_year_plausible"),
            models.CheckConstraint(condition=Q(status__in=AuditFindingStatus.values), name="auditfinding_status"),
            models.CheckConstraint(condition=~Q(finding=""), name="auditfinding_has_finding"),
            models.CheckConstraint(
                condition=Q(status="open", answer="", answered_on__isnull=True, answered_by__isnull=True)
                | (Q(status="answered", answered_on__isnull=False, answered_by__isnull=False) & ~Q(answer="")),
                name="auditfinding_answer_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year} {self.department} {self.found_on:%Y-%m-%d}"
