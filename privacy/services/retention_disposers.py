"""What the purge does to each record class's eligible rows (declaration §13, ■13): every disposer removes the
records and every row that repeats them (history rows, parts of the same file) and returns the rows removed per
table for the disposal record. ``privacy.retention_coverage`` holds the list of tables each class reaches.
"""

from collections.abc import Callable
from datetime import date

from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginRecord
from django.contrib.admin.models import LogEntry
from django.db import connection, models
from django.utils.translation import gettext as _

from mctv.db import AppendOnlyModel, local_day_range, retention_delete
from privacy.fiscal_years import latest_closing_date_disposable_on
from privacy.models import (
    AccessLog,
    AccessReview,
    AccessReviewFlag,
    Appeal,
    AuditFinding,
    BulkUse,
    Complaint,
    Consent,
    Consultation,
    CorrectionNotice,
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
    TrainingAttendance,
    TrainingSession,
    User,
    WorkOrder,
)
from privacy.models.retention import RetentionAction
from privacy.selectors.retention_classes import HistoricalSubscriber, subscribers_with_other_files
from subscribers.models import Subscriber, SubscriberService

# Each class's disposer: (run, set of eligible ids, today) -> {table: rows removed}.
Disposer = Callable[[DisposalRun, set[int], date], dict[str, int]]


def _dispose_log(model: type[AppendOnlyModel]) -> Disposer:
    def dispose(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
        return {model._meta.db_table: retention_delete(model, run_id=run.pk, key="id", ids=ids)}

    return dispose


def _dispose_consents(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    deleted = Consent.objects.filter(pk__in=ids).delete()[0]
    history = Consent.history.filter(id__in=ids).delete()[0]  # after: the delete itself writes a history row
    return {"privacy_consent": deleted, "privacy_historicalconsent": history}


def _delete_with_history(model: type[models.Model], ids: set[int]) -> dict[str, int]:
    """The rows and every history row of them, the one the delete itself writes included."""
    deleted = model._default_manager.filter(pk__in=ids).delete()[0]
    history_manager = model.history  # type: ignore[attr-defined]  # every model of a file keeps a history
    history = history_manager.filter(id__in=ids).delete()[0]
    return {model._meta.db_table: deleted, history_manager.model._meta.db_table: history}


def _dispose_complaints(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    return _delete_with_history(Complaint, ids)


def _dispose_consultations(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    return _delete_with_history(Consultation, ids)


def _dispose_requests(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    counts = {"privacy_requestevent": retention_delete(RequestEvent, run_id=run.pk, key="request_id", ids=ids)}
    # A stop of provision outlives the file of the request that set it.
    ProvisionStop.objects.filter(request_id__in=ids).update(request=None)
    # A consultation that became one of these requests, the notices to recipients of a correction and the appeals
    # against its decision are part of its file and go with it.
    for part in (Consultation, CorrectionNotice, Appeal):
        if part_ids := set(part.objects.filter(request_id__in=ids).values_list("pk", flat=True)):
            counts.update(_delete_with_history(part, part_ids))
    # A request kept longer keeps its text, not its link to a file that goes (the candidates leave out any file an
    # open request still follows).
    SubjectRequest.objects.filter(based_on_id__in=ids).update(based_on=None)
    SubjectRequest.objects.filter(remainder_of_id__in=ids).update(remainder_of=None)
    counts["privacy_subjectrequest"] = SubjectRequest.objects.filter(pk__in=ids).delete()[0]
    counts["privacy_historicalsubjectrequest"] = SubjectRequest.history.filter(id__in=ids).delete()[0]
    return counts


def _dispose_incidents(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    from privacy.models import IncidentEvent, IncidentScope

    counts = {
        "privacy_incidentevent": retention_delete(IncidentEvent, run_id=run.pk, key="incident_id", ids=ids),
        "privacy_incidentsubscriber": IncidentSubscriber.objects.filter(incident_id__in=ids).delete()[0],
        "privacy_incidentscope": IncidentScope.objects.filter(incident_id__in=ids).delete()[0],
        "privacy_incident": Incident.objects.filter(pk__in=ids).delete()[0],
    }
    counts["privacy_historicalincident"] = Incident.history.filter(id__in=ids).delete()[0]
    return counts


def _dispose_subscribers(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    from privacy.services.erasure import admin_log_forget, subscribers_personal_data_erase
    from privacy.services.print_jobs import print_jobs_delete_naming

    counts: dict[str, int] = {}
    reason = _("Retention period over")
    # Anonymise by rule, or — under a delete rule — where records with their own retention (request files,
    # approvals of exceptional provisions, incidents) still point at the number.
    if run.action == RetentionAction.ANONYMISE:
        to_anonymise = set(ids)
    else:
        to_anonymise = set(
            Subscriber.objects.filter(pk__any_of=ids, pk__in=subscribers_with_other_files()).values_list(
                "pk", flat=True
            )
        )
    if to_anonymise:
        counts.update(
            subscribers_personal_data_erase(
                subscriber_ids=to_anonymise, user=run.approved_by, reason=reason, on_date=today
            )
        )
    deletable = set(ids) - to_anonymise
    if not deletable:
        return counts
    counts["django_admin_log"] = admin_log_forget(deletable)
    print_jobs_delete_naming(deletable)  # as an erasure does: a day's print naming them goes now, uncounted
    # A plain SQL DELETE per table, children first: no per-row signals, so the history does not first gain a
    # "deleted" row for every row removed, and the batch costs a few statements instead of thousands. Every
    # table with a foreign key to the subscriber is listed (those that keep the number are anonymised above);
    # one forgotten would make the database refuse the batch, not leave a row behind. The history tables have
    # no foreign keys to anything: a raw DELETE there too.
    db = Subscriber.objects.db
    for model in (WorkOrder, ProvisionStop, Consent, SubscriberService, LegalHold):
        counts[model._meta.db_table] = model.objects.filter(subscriber_id__any_of=deletable)._raw_delete(db)
    # A staff account naming one as its own record lets go of it: on_delete=SET_NULL, which a plain DELETE skips.
    User.objects.filter(own_subscriber_id__any_of=deletable).update(own_subscriber=None)
    counts["subscribers_subscriber"] = Subscriber.objects.filter(pk__any_of=deletable)._raw_delete(db)
    for name, manager, field in [
        ("privacy_historicalworkorder", WorkOrder.history, "subscriber_id"),
        ("privacy_historicalprovisionstop", ProvisionStop.history, "subscriber_id"),
        ("privacy_historicalconsent", Consent.history, "subscriber_id"),
        ("privacy_historicallegalhold", LegalHold.history, "subscriber_id"),
        ("subscribers_historicalsubscriberservice", SubscriberService.history, "subscriber_id"),
        ("subscribers_historicalsubscriber", Subscriber.history, "id"),
    ]:
        counts[name] = manager.filter(**{f"{field}__any_of": deletable})._raw_delete(db)
    return counts


def _dispose_with_history(model: type[models.Model]) -> Disposer:
    def dispose(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
        return _delete_with_history(model, ids)

    return dispose


def _dispose_replaced_values(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    # History rows only: the subscriber's own row and its newest history row are never candidates.
    table = HistoricalSubscriber._meta.db_table
    return {table: HistoricalSubscriber.objects.filter(pk__any_of=ids)._raw_delete(HistoricalSubscriber.objects.db)}


def _dispose_file(*parts: tuple[type[models.Model], str]) -> Disposer:
    """A file of several tables: each part (model, field naming the file) first, then the file's own rows, each
    with its history where it keeps one."""

    def dispose(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
        counts: dict[str, int] = {}
        for model, field_name in parts:
            in_file = {f"{field_name}__in": ids}
            counts[model._meta.db_table] = model._default_manager.filter(**in_file).delete()[0]
            if hasattr(model, "history"):
                # By the file, not by the parts still there: a part removed earlier (an attendance corrected
                # away) left history rows that name the file too. After: the delete writes a history row.
                history = model.history.filter(**in_file).delete()[0]
                counts[model.history.model._meta.db_table] = history
        counts.update(_delete_with_history(RECORD_OF_FILE[run.record_class], ids))
        return counts

    return dispose


def _dispose_plain(model: type[models.Model]) -> Disposer:
    def dispose(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
        return {model._meta.db_table: model._default_manager.filter(pk__in=ids).delete()[0]}

    return dispose


def _dispose_login_records(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    """The login records, and the failure counters and failure log of the same period (django-axes keeps them
    apart; they hold the same user names and addresses)."""
    # The rule as it is now: a period lengthened after approval keeps the counters too.
    years = RetentionRule.objects.get(record_class=run.record_class).years
    cutoff = latest_closing_date_disposable_on(today, years)
    if cutoff is None:
        return {LoginRecord._meta.db_table: 0}
    older = local_day_range("attempt_time", None, cutoff)
    return {
        LoginRecord._meta.db_table: LoginRecord.objects.filter(pk__in=ids).delete()[0],
        AccessAttempt._meta.db_table: AccessAttempt.objects.filter(**older).delete()[0],
        AccessFailureLog._meta.db_table: AccessFailureLog.objects.filter(**older).delete()[0],
    }


def _dispose_disposal_records(run: DisposalRun, ids: set[int], today: date) -> dict[str, int]:
    """Finished disposal runs with their items and history. The database refuses to delete a disposal record in any
    other way: on PostgreSQL through ``mctv_disposal_record_delete`` (migration 0039), run as the purge role."""
    tables = ["privacy_disposalitem", "privacy_historicaldisposalrun", "privacy_disposalrun"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT public.mctv_disposal_record_delete(%s, %s::bigint[])", [run.pk, sorted(ids)])
            return dict(zip(tables, cursor.fetchone()[0], strict=True))
    from privacy.models import DisposalItem

    return {
        "privacy_disposalitem": DisposalItem.objects.filter(run_id__in=ids).delete()[0],
        "privacy_historicaldisposalrun": DisposalRun.history.filter(id__in=ids).delete()[0],
        "privacy_disposalrun": models.QuerySet.delete(DisposalRun.objects.filter(pk__in=ids))[0],
    }


# The model whose rows are a multi-table file's own (the parts go first).
RECORD_OF_FILE: dict[str, type[models.Model]] = {
    RecordClass.TRAINING: TrainingSession,
    RecordClass.SELF_INSPECTION: SelfInspection,
    RecordClass.ACCESS_REVIEW: AccessReview,
}

DISPOSERS: dict[str, Disposer] = {
    RecordClass.TERMINATED_SUBSCRIBER: _dispose_subscribers,
    RecordClass.PROVISION: _dispose_log(Provision),
    RecordClass.ACCESS_LOG: _dispose_log(AccessLog),
    RecordClass.BULK_USE: _dispose_log(BulkUse),
    RecordClass.REQUEST_FILE: _dispose_requests,
    RecordClass.INCIDENT_FILE: _dispose_incidents,
    RecordClass.CONSENT: _dispose_consents,
    RecordClass.COMPLAINT_FILE: _dispose_complaints,
    RecordClass.CONSULTATION: _dispose_consultations,
    RecordClass.SUBSCRIBER_HISTORY: _dispose_replaced_values,
    RecordClass.WORK_ORDER: _dispose_with_history(WorkOrder),
    RecordClass.EXCEPTIONAL_PROVISION: _dispose_with_history(ExceptionalProvision),
    RecordClass.PROVISION_STOP: _dispose_with_history(ProvisionStop),
    RecordClass.LEGAL_HOLD: _dispose_with_history(LegalHold),
    RecordClass.DISPOSAL_RECORD: _dispose_disposal_records,
    RecordClass.TRAINING: _dispose_file((TrainingAttendance, "session_id")),
    RecordClass.SELF_INSPECTION: _dispose_file((InspectionAnswer, "inspection_id")),
    RecordClass.AUDIT_FINDING: _dispose_with_history(AuditFinding),
    RecordClass.ACCESS_REVIEW: _dispose_file((AccessReviewFlag, "review_id")),
    RecordClass.ADMIN_LOG: _dispose_plain(LogEntry),
    RecordClass.LOGIN_RECORD: _dispose_login_records,
    RecordClass.DEADLINE_DIGEST: _dispose_plain(DeadlineDigest),
}
