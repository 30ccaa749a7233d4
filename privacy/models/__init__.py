from .access import AccessLog
from .contractors import ConfidentialityAgreement, Contractor, WorkKind, WorkOrder
from .disclosures import EXCEPTIONAL_BASES, ExceptionalProvision, Provision, ProvisionStop
from .purposes import BulkUse, Consent, PolicyAnnouncement, PolicyVersion, Purpose
from .requests import DeadlineDigest, RequestEvent, RequestKind, RequestRule, SubjectRequest
from .staff import Department, User

__all__ = [
    "EXCEPTIONAL_BASES",
    "AccessLog",
    "BulkUse",
    "Consent",
    "ConfidentialityAgreement",
    "Contractor",
    "DeadlineDigest",
    "Department",
    "ExceptionalProvision",
    "PolicyAnnouncement",
    "PolicyVersion",
    "Provision",
    "ProvisionStop",
    "Purpose",
    "RequestEvent",
    "RequestKind",
    "RequestRule",
    "SubjectRequest",
    "User",
    "WorkKind",
    "WorkOrder",
]
