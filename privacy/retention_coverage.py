"""Which retention class disposes of each model's rows, and why the others have none (declaration §13, ■13).

Every model of the project — history models and the frameworks' included — is in ``CLASS_MODELS`` (the tables a
record class's disposer removes rows from) or in ``EXEMPT`` with its reason; ``tests/privacy/
test_retention_coverage.py`` walks ``apps.get_models()`` and fails on a model in neither, so a model added later
cannot forget its period. ``docs/retention.md`` prints both lists.
"""

from privacy.models import RecordClass

CLASS_MODELS: dict[str, tuple[str, ...]] = {
    RecordClass.TERMINATED_SUBSCRIBER: (
        "subscribers.Subscriber",
        "subscribers.HistoricalSubscriber",
        "subscribers.SubscriberService",
        "subscribers.HistoricalSubscriberService",
        "privacy.WorkOrder",
        "privacy.HistoricalWorkOrder",
        "privacy.ProvisionStop",
        "privacy.HistoricalProvisionStop",
        "privacy.Consent",
        "privacy.HistoricalConsent",
        "privacy.LegalHold",
        "privacy.HistoricalLegalHold",
        "admin.LogEntry",
    ),
    RecordClass.PROVISION: ("privacy.Provision",),
    RecordClass.ACCESS_LOG: ("privacy.AccessLog",),
    RecordClass.REQUEST_FILE: (
        "privacy.SubjectRequest",
        "privacy.HistoricalSubjectRequest",
        "privacy.RequestEvent",
        "privacy.Consultation",
        "privacy.HistoricalConsultation",
        "privacy.CorrectionNotice",
        "privacy.HistoricalCorrectionNotice",
        "privacy.Appeal",
        "privacy.HistoricalAppeal",
    ),
    RecordClass.INCIDENT_FILE: (
        "privacy.Incident",
        "privacy.HistoricalIncident",
        "privacy.IncidentSubscriber",
        "privacy.IncidentEvent",
        "privacy.IncidentScope",
    ),
    RecordClass.CONSENT: ("privacy.Consent", "privacy.HistoricalConsent"),
    RecordClass.BULK_USE: ("privacy.BulkUse",),
    RecordClass.COMPLAINT_FILE: ("privacy.Complaint", "privacy.HistoricalComplaint"),
    RecordClass.CONSULTATION: ("privacy.Consultation", "privacy.HistoricalConsultation"),
    RecordClass.SUBSCRIBER_HISTORY: ("subscribers.HistoricalSubscriber",),
    RecordClass.WORK_ORDER: ("privacy.WorkOrder", "privacy.HistoricalWorkOrder", "privacy.SheetRetrieval"),
    RecordClass.EXCEPTIONAL_PROVISION: ("privacy.ExceptionalProvision", "privacy.HistoricalExceptionalProvision"),
    RecordClass.PROVISION_STOP: ("privacy.ProvisionStop", "privacy.HistoricalProvisionStop"),
    RecordClass.LEGAL_HOLD: ("privacy.LegalHold", "privacy.HistoricalLegalHold"),
    RecordClass.DISPOSAL_RECORD: ("privacy.DisposalRun", "privacy.HistoricalDisposalRun", "privacy.DisposalItem"),
    RecordClass.TRAINING: (
        "privacy.TrainingSession",
        "privacy.HistoricalTrainingSession",
        "privacy.TrainingAttendance",
        "privacy.HistoricalTrainingAttendance",
    ),
    RecordClass.SELF_INSPECTION: (
        "privacy.SelfInspection",
        "privacy.HistoricalSelfInspection",
        "privacy.InspectionAnswer",
        "privacy.HistoricalInspectionAnswer",
    ),
    RecordClass.AUDIT_FINDING: ("privacy.AuditFinding", "privacy.HistoricalAuditFinding"),
    RecordClass.ACCESS_REVIEW: ("privacy.AccessReview", "privacy.HistoricalAccessReview", "privacy.AccessReviewFlag"),
    RecordClass.ADMIN_LOG: ("admin.LogEntry",),
    RecordClass.LOGIN_RECORD: ("axes.AccessLog", "axes.AccessAttempt", "axes.AccessFailureLog"),
    RecordClass.DEADLINE_DIGEST: ("privacy.DeadlineDigest",),
}

_CONFIGURATION = "Configuration: holds no personal data; its history names only the staff member who changed it."

EXEMPT: dict[str, str] = {
    # Frameworks' tables.
    "auth.Permission": "Configuration of the frameworks: no personal data.",
    "auth.Group": "Roles (clerk, officer, auditor …): no personal data.",
    "contenttypes.ContentType": "Configuration of the frameworks: no personal data.",
    "sessions.Session": "A signed-in staff member's session: Django deletes it at logout, and the "
    "nightly task `privacy.clear_expired_sessions` the expired ones.",
    "privacy.FormSubmission": "A spent one-time form token (who sent which page, and where it led): deleted "
    "after FORM_TOKEN_KEEP_HOURS by the nightly task `privacy.clear_expired_sessions`.",
    "privacy.PrintJob": "A large print (address labels, an incident's notices, a long disclosure) and its PDF "
    "file: deleted, file and row, PRINT_JOB_KEEP_HOURS after it was made (or asked for) by the task "
    "`privacy.delete_expired_print_jobs`, or at once when a person on it is erased or purged; the bulk-use log, "
    "the access log and the request's events keep the use.",
    "privacy.BulkHandover": "A bulk hand-over to a contractor (§2(1), ■19(2)④): its file is emptied once fetched or "
    "HANDOVER_FILE_KEEP_HOURS after it was made (task `privacy.expire_handover_files`), and its list of subscribers "
    "with it; the row then names no subscriber (the provision records do, under `provision`) and is kept with "
    "the agreement while the contractor is.",
    "privacy.HistoricalBulkHandover": "As the hand-over: its moves, without the file or the list of subscribers.",
    "privacy.FileLayout": "A recipient's fixed-width layout (items and widths): configuration kept with the "
    "contractor, no personal data; a hand-over keeps its own copy.",
    "axes.AccessAttemptExpiration": "The lockout's end of one failure counter: deleted with the counter "
    "(login records).",
    # Staff and organisation.
    "privacy.User": "Staff accounts: every record names who acted, so an account is deactivated, never deleted; "
    "staff personnel data are outside the public file register (APPI art. 74(2)(iii)).",
    "privacy.Department": _CONFIGURATION,
    # Contractors: companies, not subscribers.
    "privacy.Contractor": "A company with its representative and contact as business contacts; kept while records "
    "name it (work orders, provisions), deactivated when the contract ends.",
    "privacy.HistoricalContractor": "As the contractor: the history of a company's business details.",
    "privacy.ConfidentialityAgreement": "A contract with a company (§6(2), ■19): kept while the contractor is, as "
    "the basis of every provision to it.",
    "privacy.HistoricalConfidentialityAgreement": "As the agreement: the history of its clauses and dates.",
    "privacy.WorkKind": _CONFIGURATION,
    # Configuration.
    "privacy.Purpose": _CONFIGURATION,
    "privacy.HistoricalPurpose": _CONFIGURATION,
    "privacy.PolicyVersion": "The declaration's published versions: public text, no personal data.",
    "privacy.HistoricalPolicyVersion": "As the policy version.",
    "privacy.PolicyAnnouncement": "Where a version was announced: no personal data.",
    "privacy.RequestRule": _CONFIGURATION,
    "privacy.HistoricalRequestRule": _CONFIGURATION,
    "privacy.RequestSettings": _CONFIGURATION,
    "privacy.HistoricalRequestSettings": _CONFIGURATION,
    "privacy.WithholdingGround": _CONFIGURATION,
    "privacy.HistoricalWithholdingGround": _CONFIGURATION,
    "privacy.ComplaintCategory": _CONFIGURATION,
    "privacy.IncidentSettings": _CONFIGURATION,
    "privacy.HistoricalIncidentSettings": _CONFIGURATION,
    "privacy.RetentionRule": _CONFIGURATION,
    "privacy.HistoricalRetentionRule": _CONFIGURATION,
    "privacy.AccessReviewSettings": _CONFIGURATION,
    "privacy.HistoricalAccessReviewSettings": _CONFIGURATION,
    "privacy.InspectionChecklistItem": _CONFIGURATION,
    "privacy.HistoricalInspectionChecklistItem": _CONFIGURATION,
    "subscribers.NumberSequence": "The last subscriber number issued: no personal data.",
    "subscribers.ImportProfile": _CONFIGURATION,
    "subscribers.RegisterImport": "An import of the office's former register (issue 19): who, when, the file's name "
    "and hash, counts, the problems by row and column (never a value) and likely duplicates by row or subscriber "
    "number; the uploaded file is deleted when the import finishes. The provenance of the records it wrote, kept "
    "like the number sequence.",
    # The public register of personal information files (APPI art. 75).
    "privacy.PersonalInformationFile": "The public register of personal information files (APPI art. 75): "
    "describes files, names no person; kept while the file is held.",
    "privacy.HistoricalPersonalInformationFile": "As the register entry.",
    "privacy.FileRegisterVersion": "A published version of the public register: no personal data.",
    "privacy.HistoricalFileRegisterVersion": "As the published version.",
}


def model_classes() -> dict[str, list[str]]:
    """Model label → the record classes whose disposal removes its rows."""
    classes: dict[str, list[str]] = {}
    for record_class, labels in CLASS_MODELS.items():
        for label in labels:
            classes.setdefault(label, []).append(record_class)
    return classes


def sharing_classes(record_class: str) -> set[str]:
    """The classes whose disposal removes rows of a table that ``record_class``'s removes too, itself included. A
    subscriber's hold on one holds them all: otherwise one class's purge would take what another's hold keeps (a
    hold on a terminated subscriber and all their data keeps their replaced values and work orders; a hold on their
    work orders keeps the subscriber, whose purge deletes them)."""
    tables = set(CLASS_MODELS[record_class])
    return {other for other, labels in CLASS_MODELS.items() if tables & set(labels)}
