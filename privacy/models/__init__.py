from .access import AccessLog
from .contractors import ConfidentialityAgreement, Contractor, WorkKind, WorkOrder
from .disclosures import EXCEPTIONAL_BASES, ExceptionalProvision, Provision, ProvisionStop
from .incidents import Incident, IncidentEvent, IncidentSettings, IncidentSubscriber
from .purposes import BulkUse, Consent, PolicyAnnouncement, PolicyVersion, Purpose
from .requests import DeadlineDigest, RequestEvent, RequestKind, RequestRule, SubjectRequest
from .retention import DisposalItem, DisposalRun, LegalHold, RecordClass, RetentionRule
from .staff import Department, User

__all__ = [
    "EXCEPTIONAL_BASES",
    "AccessLog",
    "BulkUse",
    "ConfidentialityAgreement",
    "Consent",
    "Contractor",
    "DeadlineDigest",
    "Department",
    "DisposalItem",
    "DisposalRun",
    "ExceptionalProvision",
    "Incident",
    "IncidentEvent",
    "IncidentSettings",
    "IncidentSubscriber",
    "LegalHold",
    "PolicyAnnouncement",
    "PolicyVersion",
    "Provision",
    "ProvisionStop",
    "Purpose",
    "RecordClass",
    "RequestEvent",
    "RequestKind",
    "RequestRule",
    "RetentionRule",
    "SubjectRequest",
    "User",
    "WorkKind",
    "WorkOrder",
]
