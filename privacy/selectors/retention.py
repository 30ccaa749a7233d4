"""What may be disposed of today (declaration §13, ■13): each class's records past their retention period and not
held. The purge asks again in every batch, so a hold placed after approval wins."""

from datetime import date, datetime, time

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from mctv.db import local_day_range
from privacy.deadlines import one_year_before
from privacy.fiscal_years import latest_closing_date_disposable_on
from privacy.models import (
    AccessLog,
    Appeal,
    BulkUse,
    Complaint,
    Consent,
    Consultation,
    ExceptionalProvision,
    Incident,
    IncidentSubscriber,
    LegalHold,
    Provision,
    RecordClass,
    RetentionRule,
    SubjectRequest,
)
from privacy.models.requests import OPEN_STATUSES
from privacy.models.retention import RetentionAction
from subscribers.models import Subscriber


def held_subscriber_ids(record_class: str, today: date) -> models.QuerySet:
    """Subscribers whose records of ``record_class`` may not go today: open requests, a year after a decision,
    open incidents, manual holds. A union of the three (ids only), not a scan of the registry: the purge asks
    it once per batch."""
    # A request's records stay for a year after its decision, whatever their own period.
    decided_since = timezone.make_aware(datetime.combine(one_year_before(today), time.min))
    # Only rows that name a subscriber: one NULL in the union would make every ``NOT IN`` it feeds unknown.
    requests = SubjectRequest.objects.filter(Q(status__in=OPEN_STATUSES) | Q(decided_at__gte=decided_since)).filter(
        subscriber__isnull=False
    )
    holds = (
        LegalHold.objects.in_force(today)
        .filter(subscriber__isnull=False)
        .filter(Q(record_class="") | Q(record_class=record_class))
    )
    incidents = IncidentSubscriber.objects.filter(incident__in=Incident.objects.open())
    return (
        requests.order_by()
        .values("subscriber_id")
        .union(holds.order_by().values("subscriber_id"), incidents.order_by().values("subscriber_id"))
    )


def class_is_held(record_class: str, today: date) -> bool:
    return LegalHold.objects.in_force(today).filter(subscriber__isnull=True, record_class=record_class).exists()


def disposal_candidates(rule: RetentionRule, today: date) -> models.QuerySet:
    """(id, subscriber number) of the class's records past their disposal date and not held, as a values query."""
    cutoff = latest_closing_date_disposable_on(today, rule.years)
    cls = rule.record_class
    if cutoff is None or class_is_held(cls, today):
        return Subscriber.objects.none().values_list("pk", "number")
    held = held_subscriber_ids(cls, today)
    if cls == RecordClass.TERMINATED_SUBSCRIBER:
        qs = Subscriber.objects.filter(status=Subscriber.Status.TERMINATED, terminated_on__lte=cutoff)
        if rule.action == RetentionAction.ANONYMISE:
            qs = qs.filter(erased_on__isnull=True)
        else:
            # Already anonymised because other files still point at the number: they wait for those files.
            qs = qs.exclude(Q(erased_on__isnull=False) & Q(pk__in=subscribers_with_other_files()))
        return qs.exclude(pk__in=held).values_list("pk", "number")
    if cls in (RecordClass.PROVISION, RecordClass.ACCESS_LOG):
        model = Provision if cls == RecordClass.PROVISION else AccessLog
        return (
            model.objects.filter(**local_day_range("at", None, cutoff))
            .exclude(subscriber_id__in=held)
            .values_list("pk", "subscriber_number")
        )
    if cls == RecordClass.REQUEST_FILE:
        # Not while an appeal against its decision is open, nor while an open request follows it or is its rest.
        still_open = SubjectRequest.objects.exclude(status=SubjectRequest.Status.CLOSED)
        return (
            SubjectRequest.objects.filter(status=SubjectRequest.Status.CLOSED, closed_on__lte=cutoff)
            .exclude(subscriber_id__in=held)
            .exclude(pk__in=Appeal.objects.open().values("request_id"))
            .exclude(pk__in=still_open.filter(based_on__isnull=False).values("based_on_id"))
            .exclude(pk__in=still_open.filter(remainder_of__isnull=False).values("remainder_of_id"))
            .exclude(
                pk__in=SubjectRequest.objects.filter(appeals__in=Appeal.objects.open(), based_on__isnull=False).values(
                    "based_on_id"
                )
            )
            .values_list("pk", "subscriber__number")
        )
    if cls == RecordClass.INCIDENT_FILE:
        # An incident file goes when it is closed, past its period, and none of its people is held.
        held_incidents = IncidentSubscriber.objects.filter(subscriber_id__in=held).values("incident_id")
        return (
            Incident.objects.filter(status=Incident.Status.CLOSED, closed_on__lte=cutoff)
            .exclude(pk__in=held_incidents)
            .annotate(none=models.Value(""))
            .values_list("pk", "none")
        )
    if cls == RecordClass.CONSENT:
        return (
            Consent.objects.filter(withdrawn_on__lte=cutoff)
            .exclude(subscriber_id__in=held)
            .values_list("pk", "subscriber__number")
        )
    if cls == RecordClass.BULK_USE:
        return (
            BulkUse.objects.filter(**local_day_range("at", None, cutoff))
            .annotate(none=models.Value(""))
            .values_list("pk", "none")
        )
    if cls == RecordClass.COMPLAINT_FILE:
        # A complaint file goes when it is closed and past its period; one about a held subscriber stays.
        return (
            Complaint.objects.filter(status=Complaint.Status.CLOSED, closed_on__lte=cutoff)
            .exclude(subscriber_id__in=held)
            .values_list("pk", _number_or_blank())
        )
    if cls == RecordClass.CONSULTATION:
        # A consultation that became a request goes with the request's file, not on its own.
        return (
            Consultation.objects.filter(request__isnull=True, received_on__lte=cutoff)
            .exclude(subscriber_id__in=held)
            .values_list("pk", _number_or_blank())
        )
    raise ValueError(cls)


def _number_or_blank() -> Coalesce:
    """The subscriber number of a record that may name no subscriber."""
    return Coalesce("subscriber__number", models.Value(""), output_field=models.CharField())


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


RECORD_MODELS: dict[str, type[models.Model]] = {
    RecordClass.TERMINATED_SUBSCRIBER: Subscriber,
    RecordClass.PROVISION: Provision,
    RecordClass.ACCESS_LOG: AccessLog,
    RecordClass.REQUEST_FILE: SubjectRequest,
    RecordClass.INCIDENT_FILE: Incident,
    RecordClass.CONSENT: Consent,
    RecordClass.BULK_USE: BulkUse,
    RecordClass.COMPLAINT_FILE: Complaint,
    RecordClass.CONSULTATION: Consultation,
}


def disposal_dry_run(today: date) -> dict[str, int]:
    """What would go today, per class, changing nothing."""
    return {rule.record_class: disposal_candidates(rule, today).count() for rule in RetentionRule.objects.all()}
