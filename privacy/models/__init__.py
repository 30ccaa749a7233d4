from .access import AccessLog
from .access_review import AccessReview, AccessReviewFlag, AccessReviewSettings
from .appeals import Appeal
from .complaints import Complaint, ComplaintCategory
from .contractors import AgreementKind, ConfidentialityAgreement, Contractor, WorkKind, WorkOrder
from .disclosures import EXCEPTIONAL_BASES, ExceptionalProvision, Provision, ProvisionStop
from .file_register import FileRegisterVersion, PersonalInformationFile
from .handovers import BulkHandover, FileLayout
from .incident_scope import IncidentScope
from .incidents import Incident, IncidentEvent, IncidentSettings, IncidentSubscriber
from .inspections import AuditFinding, InspectionAnswer, InspectionChecklistItem, SelfInspection
from .print_jobs import PrintJob
from .purposes import BulkUse, Consent, PolicyAnnouncement, PolicyVersion, Purpose
from .request_records import Consultation, CorrectionNotice, DeadlineDigest, RequestEvent
from .request_rules import RequestKind, RequestRule, RequestSettings, WithholdingGround
from .requests import SubjectRequest
from .retention import DisposalItem, DisposalRun, LegalHold, RecordClass, RetentionRule
from .sheet_retrievals import SheetRetrieval
from .staff import Department, User
from .submissions import FormSubmission
from .training import TrainingAttendance, TrainingSession

__all__ = [
    "EXCEPTIONAL_BASES",
    "AccessLog",
    "AccessReview",
    "AccessReviewFlag",
    "AccessReviewSettings",
    "AgreementKind",
    "Appeal",
    "AuditFinding",
    "BulkHandover",
    "BulkUse",
    "Complaint",
    "ComplaintCategory",
    "ConfidentialityAgreement",
    "Consent",
    "Consultation",
    "Contractor",
    "CorrectionNotice",
    "DeadlineDigest",
    "Department",
    "DisposalItem",
    "DisposalRun",
    "ExceptionalProvision",
    "FileLayout",
    "FileRegisterVersion",
    "FormSubmission",
    "Incident",
    "IncidentEvent",
    "IncidentScope",
    "IncidentSettings",
    "IncidentSubscriber",
    "InspectionAnswer",
    "InspectionChecklistItem",
    "LegalHold",
    "PersonalInformationFile",
    "PolicyAnnouncement",
    "PolicyVersion",
    "PrintJob",
    "Provision",
    "ProvisionStop",
    "Purpose",
    "RecordClass",
    "RequestEvent",
    "RequestKind",
    "RequestRule",
    "RequestSettings",
    "RetentionRule",
    "SelfInspection",
    "SheetRetrieval",
    "SubjectRequest",
    "TrainingAttendance",
    "TrainingSession",
    "User",
    "WithholdingGround",
    "WorkKind",
    "WorkOrder",
]
