"""Each record class's rule for what is past its period (``due``) and what keeps a due record (``keeps``, each with
the reason the proposals page shows). ``privacy.selectors.retention`` turns them into candidates; the disposers in
``privacy.services.retention_disposers`` remove what the purge is given. Every model of the project is either
disposed of by one of these classes or named, with its reason, in ``privacy.retention_coverage.EXEMPT``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from axes.models import AccessLog as LoginRecord
from django.contrib.admin.models import LogEntry
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mctv.db import local_day_range
from privacy.events.requests import Kind as RequestEventKind
from privacy.models import (
    AccessLog,
    AccessReview,
    Appeal,
    AuditFinding,
    BulkUse,
    Complaint,
    Consent,
    Consultation,
    DeadlineDigest,
    DisposalRun,
    ExceptionalProvision,
    Incident,
    IncidentSubscriber,
    InspectionAnswer,
    LegalHold,
    Provision,
    ProvisionStop,
    RecordClass,
    RequestEvent,
    RetentionRule,
    SelfInspection,
    SubjectRequest,
    TrainingSession,
    WorkOrder,
)
from privacy.models.retention import RetentionAction
from subscribers.models import Subscriber

HistoricalSubscriber = Subscriber.history.model
RECORD_EDITED = RequestEventKind.RECORD_EDITED

# Reasons a subscriber's records stay past their period, as (reason, ids of the subscribers it holds).
SubscriberHolds = list[tuple[Promise, models.QuerySet]]
# Reasons a due record stays, each a condition on the class's model.
Keeps = list[tuple[Promise, Q]]


def _held(field_name: str, holds: SubscriberHolds) -> Keeps:
    return [(reason, Q(**{f"{field_name}__in": ids})) for reason, ids in holds]


def _blank() -> models.Value:
    return models.Value("", output_field=models.CharField())


def _number_or_blank() -> Coalesce:
    """The subscriber number of a record that may name no subscriber."""
    return Coalesce("subscriber__number", models.Value(""), output_field=models.CharField())


@dataclass(frozen=True)
class ClassRule:
    """``due(rule, cutoff)``: the class's records closed on or before ``cutoff``; ``keeps(holds)``: why a due record
    stays; ``number``: the subscriber number the disposal record keeps of it (a field name or an expression)."""

    model: type[models.Model]
    due: Callable[[RetentionRule, date], models.QuerySet]
    keeps: Callable[[SubscriberHolds], Keeps] = field(default=lambda holds: [])
    number: str | Callable[[], models.Expression] = _blank


def subscribers_with_other_files() -> models.QuerySet:
    """Ids of subscribers that records with their own retention still point at (requests, approvals, incidents,
    complaints, consultations)."""
    return (
        SubjectRequest.objects.filter(subscriber__isnull=False)
        .order_by()
        .values("subscriber_id")
        .union(
            ExceptionalProvision.objects.order_by().values("subscriber_id"),
            IncidentSubscriber.objects.order_by().values("subscriber_id"),
            Complaint.objects.filter(subscriber__isnull=False).order_by().values("subscriber_id"),
            Consultation.objects.filter(subscriber__isnull=False).order_by().values("subscriber_id"),
        )
    )


def _terminated_subscribers(rule: RetentionRule, cutoff: date) -> models.QuerySet:
    # A voided registration (a mistake, never a contract) closes on the day it was voided and goes the same way.
    due = Subscriber.objects.filter(
        Q(status=Subscriber.Status.TERMINATED, terminated_on__lte=cutoff)
        | Q(status=Subscriber.Status.VOIDED, voided_on__lte=cutoff)
    )
    return due.filter(erased_on__isnull=True) if rule.action == RetentionAction.ANONYMISE else due


def _terminated_subscriber_keeps(holds: SubscriberHolds) -> Keeps:
    # Already anonymised because other files still point at the number: it waits for those files.
    waiting = Q(erased_on__isnull=False) & Q(pk__in=subscribers_with_other_files())
    return [*_held("pk", holds), (_("anonymised; files kept longer still name the number"), waiting)]


def _request_file_keeps(holds: SubscriberHolds) -> Keeps:
    still_open = SubjectRequest.objects.exclude(status=SubjectRequest.Status.CLOSED)
    appealed = Q(pk__in=Appeal.objects.open().values("request_id")) | Q(
        pk__in=SubjectRequest.objects.filter(appeals__in=Appeal.objects.open(), based_on__isnull=False).values(
            "based_on_id"
        )
    )
    followed = Q(pk__in=still_open.filter(based_on__isnull=False).values("based_on_id")) | Q(
        pk__in=still_open.filter(remainder_of__isnull=False).values("remainder_of_id")
    )
    return [
        *_held("subscriber_id", holds),
        (_("an appeal against its decision is open"), appealed),
        (_("an open request follows it or is its remainder"), followed),
    ]


def _incident_keeps(holds: SubscriberHolds) -> Keeps:
    # An incident file stays while any of its people is held.
    return [
        (reason, Q(pk__in=IncidentSubscriber.objects.filter(subscriber_id__in=ids).values("incident_id")))
        for reason, ids in holds
    ]


def _replaced_values(rule: RetentionRule, cutoff: date) -> models.QuerySet:
    """History rows of a subscriber that a later row replaced on or before ``cutoff``: each value in them was either
    replaced then (and is past its period) or lives on unchanged in the later row. The current values are in the
    subscriber's own row and its newest history row, which nothing has replaced."""
    replaced = HistoricalSubscriber.objects.filter(
        id=OuterRef("id"), history_id__gt=OuterRef("history_id"), **local_day_range("history_date", None, cutoff)
    )
    return HistoricalSubscriber.objects.filter(Exists(replaced))


def _replaced_value_keeps(holds: SubscriberHolds) -> Keeps:
    # A request file that edited the record reads what it changed from these rows (its notices to recipients):
    # they stay while the file does.
    edited = RequestEvent.objects.filter(kind=RECORD_EDITED).values("request__subscriber_id")
    return [*_held("id", holds), (_("a request file still kept edited the record"), Q(id__in=edited))]


def _named_by_kept_provisions(field_name: str) -> Q:
    return Q(pk__in=Provision.objects.filter(**{f"{field_name}__isnull": False}).values(f"{field_name}_id"))


def _self_inspections(rule: RetentionRule, cutoff: date) -> models.QuerySet:
    remedied_later = InspectionAnswer.objects.filter(inspection=OuterRef("pk"), remedied_on__gt=cutoff)
    return SelfInspection.objects.filter(status="completed", completed_on__lte=cutoff).exclude(Exists(remedied_later))


def _records_before(model: type[models.Model], field_name: str) -> Callable[[RetentionRule, date], models.QuerySet]:
    """Records of a log dated on or before the cutoff (``field_name`` a date-time, counted in local days)."""
    return lambda rule, cutoff: model._default_manager.filter(**local_day_range(field_name, None, cutoff))


CLASS_RULES: dict[str, ClassRule] = {
    RecordClass.TERMINATED_SUBSCRIBER: ClassRule(
        Subscriber, _terminated_subscribers, _terminated_subscriber_keeps, "number"
    ),
    RecordClass.PROVISION: ClassRule(
        Provision, _records_before(Provision, "at"), lambda h: _held("subscriber_id", h), "subscriber_number"
    ),
    RecordClass.ACCESS_LOG: ClassRule(
        AccessLog, _records_before(AccessLog, "at"), lambda h: _held("subscriber_id", h), "subscriber_number"
    ),
    RecordClass.REQUEST_FILE: ClassRule(
        SubjectRequest,
        lambda rule, cutoff: SubjectRequest.objects.filter(status=SubjectRequest.Status.CLOSED, closed_on__lte=cutoff),
        _request_file_keeps,
        "subscriber__number",
    ),
    RecordClass.INCIDENT_FILE: ClassRule(
        Incident,
        lambda rule, cutoff: Incident.objects.filter(status=Incident.Status.CLOSED, closed_on__lte=cutoff),
        _incident_keeps,
    ),
    RecordClass.CONSENT: ClassRule(
        Consent,
        lambda rule, cutoff: Consent.objects.filter(withdrawn_on__lte=cutoff),
        lambda h: _held("subscriber_id", h),
        "subscriber__number",
    ),
    RecordClass.BULK_USE: ClassRule(BulkUse, _records_before(BulkUse, "at")),
    RecordClass.COMPLAINT_FILE: ClassRule(
        Complaint,
        lambda rule, cutoff: Complaint.objects.filter(status=Complaint.Status.CLOSED, closed_on__lte=cutoff),
        lambda h: _held("subscriber_id", h),
        _number_or_blank,
    ),
    RecordClass.CONSULTATION: ClassRule(
        # A consultation that became a request goes with the request's file, not on its own.
        Consultation,
        lambda rule, cutoff: Consultation.objects.filter(request__isnull=True, received_on__lte=cutoff),
        lambda h: _held("subscriber_id", h),
        _number_or_blank,
    ),
    RecordClass.SUBSCRIBER_HISTORY: ClassRule(HistoricalSubscriber, _replaced_values, _replaced_value_keeps, "number"),
    RecordClass.WORK_ORDER: ClassRule(
        WorkOrder,
        lambda rule, cutoff: WorkOrder.objects.exclude(status=WorkOrder.Status.OPEN).filter(
            **local_day_range("closed_at", None, cutoff)
        ),
        lambda h: [
            *_held("subscriber_id", h),
            (_("provision records naming it are still kept"), _named_by_kept_provisions("work_order")),
        ],
        "subscriber__number",
    ),
    RecordClass.EXCEPTIONAL_PROVISION: ClassRule(
        ExceptionalProvision,
        lambda rule, cutoff: ExceptionalProvision.objects.exclude(status=ExceptionalProvision.Status.REQUESTED).filter(
            **local_day_range("decided_at", None, cutoff)
        ),
        lambda h: [
            *_held("subscriber_id", h),
            (_("provision records naming it are still kept"), _named_by_kept_provisions("approval")),
        ],
        "subscriber__number",
    ),
    RecordClass.PROVISION_STOP: ClassRule(
        ProvisionStop,
        lambda rule, cutoff: ProvisionStop.objects.filter(**local_day_range("until", None, cutoff)),
        lambda h: [
            *_held("subscriber_id", h),
            (_("the file of the request that set it is still kept"), Q(request__isnull=False)),
        ],
        "subscriber__number",
    ),
    RecordClass.LEGAL_HOLD: ClassRule(
        LegalHold, lambda rule, cutoff: LegalHold.objects.filter(until__lte=cutoff), number=_number_or_blank
    ),
    RecordClass.DISPOSAL_RECORD: ClassRule(
        DisposalRun,
        lambda rule, cutoff: DisposalRun.objects.filter(
            Q(status=DisposalRun.Status.DONE, **local_day_range("finished_at", None, cutoff))
            | Q(status=DisposalRun.Status.REJECTED, **local_day_range("approved_at", None, cutoff))
        ),
    ),
    RecordClass.TRAINING: ClassRule(
        TrainingSession, lambda rule, cutoff: TrainingSession.objects.filter(held_on__lte=cutoff)
    ),
    RecordClass.SELF_INSPECTION: ClassRule(
        SelfInspection,
        _self_inspections,
        lambda h: [
            (
                _("a remedy is still open"),
                Q(
                    pk__in=InspectionAnswer.objects.filter(
                        remedy_due_on__isnull=False, remedied_on__isnull=True
                    ).values("inspection_id")
                ),
            )
        ],
    ),
    RecordClass.AUDIT_FINDING: ClassRule(
        AuditFinding, lambda rule, cutoff: AuditFinding.objects.filter(status="answered", answered_on__lte=cutoff)
    ),
    RecordClass.ACCESS_REVIEW: ClassRule(
        AccessReview,
        lambda rule, cutoff: AccessReview.objects.filter(status="closed", **local_day_range("closed_at", None, cutoff)),
    ),
    RecordClass.ADMIN_LOG: ClassRule(LogEntry, _records_before(LogEntry, "action_time")),
    RecordClass.LOGIN_RECORD: ClassRule(LoginRecord, _records_before(LoginRecord, "attempt_time")),
    RecordClass.DEADLINE_DIGEST: ClassRule(
        DeadlineDigest, lambda rule, cutoff: DeadlineDigest.objects.filter(sent_on__lte=cutoff)
    ),
}
